import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { AWS_CLIENT_SETTINGS } from './aws-clients';
import type { LedgerEntry } from './stall-episode';

/** Created once per execution environment and reused by warm invocations. */
const dynamodb = new DynamoDBClient(AWS_CLIENT_SETTINGS);

/** Reads a server's ledger entry with a strongly consistent read; undefined when there is none. */
export async function readLedgerEntry(tableName: string, key: string): Promise<LedgerEntry | undefined> {
  const { Item } = await dynamodb.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: key } }, ConsistentRead: true }),
  );
  return Item === undefined ? undefined : fromItem(Item);
}

/**
 * Writes `next` only if the stored entry is still the one it was derived from (version
 * `next.version - 1`, or no entry for version 1). Returns false when another invocation wrote
 * first: the caller re-reads and decides again.
 */
export async function writeLedgerEntry(tableName: string, next: LedgerEntry): Promise<boolean> {
  const expectNew = next.version === 1;
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: toItem(next),
        ConditionExpression: expectNew ? 'attribute_not_exists(pk)' : '#version = :previous',
        ...(expectNew
          ? {}
          : {
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':previous': { N: String(next.version - 1) } },
            }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

function toItem(entry: LedgerEntry): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    pk: { S: entry.key },
    version: { N: String(entry.version) },
    episodeStartedAt: { N: String(entry.episodeStartedAt) },
    attemptTimes: { L: entry.attemptTimes.map((time) => ({ N: String(time) })) },
    expiresAt: { N: String(entry.expiresAt) },
  };
  if (entry.escalatedAt !== undefined) item['escalatedAt'] = { N: String(entry.escalatedAt) };
  if (entry.recoveredAt !== undefined) item['recoveredAt'] = { N: String(entry.recoveredAt) };
  if (entry.lastSeenStalledAt !== undefined) item['lastSeenStalledAt'] = { N: String(entry.lastSeenStalledAt) };
  return item;
}

function fromItem(item: Record<string, AttributeValue>): LedgerEntry {
  const number = (name: string): number | undefined =>
    item[name]?.N === undefined ? undefined : Number(item[name].N);
  const escalatedAt = number('escalatedAt');
  const recoveredAt = number('recoveredAt');
  const lastSeenStalledAt = number('lastSeenStalledAt');
  return {
    key: item['pk']?.S ?? '',
    version: number('version') ?? 0,
    episodeStartedAt: number('episodeStartedAt') ?? 0,
    attemptTimes: (item['attemptTimes']?.L ?? []).map((value) => Number(value.N)),
    expiresAt: number('expiresAt') ?? 0,
    ...(escalatedAt === undefined ? {} : { escalatedAt }),
    ...(recoveredAt === undefined ? {} : { recoveredAt }),
    ...(lastSeenStalledAt === undefined ? {} : { lastSeenStalledAt }),
  };
}

/** The stalled servers the last sweep of an account did not reach: the next sweep takes them first. */
export async function readSweepBacklog(tableName: string, accountID: string): Promise<string[]> {
  const { Item } = await dynamodb.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: sweepKey(accountID) } }, ConsistentRead: true }),
  );
  return (Item?.['notReached']?.L ?? []).map((value) => value.S ?? '').filter((id) => id !== '');
}

/** Records the servers this sweep did not reach (an empty list clears the backlog). */
export async function writeSweepBacklog(tableName: string, accountID: string, notReached: readonly string[], now: number): Promise<void> {
  await dynamodb.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        pk: { S: sweepKey(accountID) },
        notReached: { L: notReached.map((id) => ({ S: id })) },
        expiresAt: { N: String(Math.floor(now / 1000) + 7 * 86_400) },
      },
    }),
  );
}

function sweepKey(accountID: string): string {
  return `sweep#${accountID}`;
}
