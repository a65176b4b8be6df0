import { sendBefore } from './clients';
import { dynamodb } from './dynamodb-api';

/**
 * Hub mode: the accounts a hub has heard from, and the accounts its last sweep did not reach, in
 * one ledger item. Each account is an attribute of its own (`seen_<account>` = when it was last
 * heard from), so that concurrent invocations record theirs without overwriting each other's.
 */
const HUB_ACCOUNTS_KEY = 'hub#accounts';
const SEEN = 'seen_';

export interface HubAccountsState {
  /** When each account was last heard from (epoch ms). */
  readonly seen: ReadonlyMap<string, number>;
  /** Accounts the last sweep had no time for. */
  readonly notReached: readonly string[];
}

export async function readHubAccounts(tableName: string, latest: number): Promise<HubAccountsState> {
  const { Item } = await sendBefore(latest, 'DynamoDB GetItem', (abortSignal) =>
    dynamodb('GetItem', { TableName: tableName, Key: { pk: { S: HUB_ACCOUNTS_KEY } }, ConsistentRead: true }, abortSignal),
  );
  const seen = new Map<string, number>();
  for (const [name, value] of Object.entries(Item ?? {})) {
    const at = Number(value.N);
    const accountID = name.slice(SEEN.length);
    if (name.startsWith(SEEN) && /^[0-9]{12}$/.test(accountID) && Number.isFinite(at)) seen.set(accountID, at);
  }
  const notReached = (Item?.['notReached']?.L ?? []).map((value) => value.S ?? '').filter((id) => /^[0-9]{12}$/.test(id));
  return { seen, notReached };
}

/** Records that an account was heard from (an event it forwarded). */
export async function rememberHubAccount(tableName: string, accountID: string, at: number, latest: number): Promise<void> {
  await sendBefore(latest, 'DynamoDB UpdateItem', (abortSignal) =>
    dynamodb('UpdateItem', {
      TableName: tableName,
      Key: { pk: { S: HUB_ACCOUNTS_KEY } },
      UpdateExpression: 'SET #seen = :at',
      ExpressionAttributeNames: { '#seen': `${SEEN}${accountID}` },
      ExpressionAttributeValues: { ':at': { N: String(at) } },
    }, abortSignal),
  );
}

/** Keeps the accounts a sweep did not reach, for the next sweep to take first. */
export async function writeHubBacklog(tableName: string, notReached: readonly string[], latest: number): Promise<void> {
  await sendBefore(latest, 'DynamoDB UpdateItem', (abortSignal) =>
    dynamodb('UpdateItem', {
      TableName: tableName,
      Key: { pk: { S: HUB_ACCOUNTS_KEY } },
      UpdateExpression: 'SET notReached = :accounts',
      ExpressionAttributeValues: { ':accounts': { L: notReached.map((id) => ({ S: id })) } },
    }, abortSignal),
  );
}
