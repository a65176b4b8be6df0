import { randomUUID } from 'node:crypto';
import type { AttributeValue, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import {
  OPEN_EPISODE_ATTRIBUTE,
  OPEN_EPISODES_INDEX,
  fromItem,
  toItem,
  type ReadEntry,
  type WriteCondition,
} from '../decide/ledger-record';
import type { Census } from '../decide/mass-stall';
import type { LedgerEntry } from '../decide/stall-episode';
import { sendBefore } from './clients';
import { dynamodb } from './dynamodb-api';


/** Reads a server's ledger entry with a strongly consistent read; undefined when there is none. */
export async function readLedgerEntry(
  tableName: string,
  key: string,
  repair: { now: number; maxAttempts: number },
  latest: number,
): Promise<ReadEntry | undefined> {
  const { Item } = await sendBefore(latest, 'DynamoDB GetItem', (abortSignal) =>
    dynamodb('GetItem', { TableName: tableName, Key: { pk: { S: key } }, ConsistentRead: true }, abortSignal),
  );
  return entryFrom(key, Item, repair);
}

/**
 * A server's ledger entry and its account's census, in one strongly consistent read: what a stall
 * event's decision needs first. A key DynamoDB leaves unprocessed is read on its own.
 */
export async function readEntryAndCensus(
  tableName: string,
  key: string,
  accountID: string,
  repair: { now: number; maxAttempts: number },
  latest: number,
): Promise<{ entry?: ReadEntry; census?: StoredCensus }> {
  const census = censusKey(accountID);
  const { Responses, UnprocessedKeys } = await sendBefore(latest, 'DynamoDB BatchGetItem', (abortSignal) =>
    dynamodb('BatchGetItem', { RequestItems: { [tableName]: { Keys: [{ pk: { S: key } }, { pk: { S: census } }], ConsistentRead: true } } }, abortSignal),
  );
  const items = new Map((Responses?.[tableName] ?? []).map((item) => [item['pk']?.S, item]));
  const unprocessed = new Set((UnprocessedKeys?.[tableName]?.Keys ?? []).map((unread) => unread['pk']?.S));
  const [entry, storedCensus] = await Promise.all([
    unprocessed.has(key) ? readLedgerEntry(tableName, key, repair, latest) : entryFrom(key, items.get(key), repair),
    unprocessed.has(census) ? readCensus(tableName, accountID, latest) : censusFrom(items.get(census)),
  ]);
  return { ...(entry === undefined ? {} : { entry }), ...(storedCensus === undefined ? {} : { census: storedCensus }) };
}

function entryFrom(key: string, item: Record<string, AttributeValue> | undefined, repair: { now: number; maxAttempts: number }): ReadEntry | undefined {
  return item === undefined ? undefined : fromItem(key, item, repair);
}

/**
 * Writes `next` only if the stored item is still the one it was planned from (`condition`).
 * Returns false when another invocation wrote first: the caller re-reads and decides again.
 */
export async function writeLedgerEntry(tableName: string, next: LedgerEntry, condition: WriteCondition, latest: number): Promise<boolean> {
  const guard: Guard =
    condition.kind === 'ABSENT'
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : condition.kind === 'NO_VERSION'
        ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#version)', ExpressionAttributeNames: { '#version': 'version' } }
        : {
            ConditionExpression: '#version = :previous',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':previous': condition.value },
          };
  return putIfUnchanged(tableName, toItem(next), guard, latest);
}

type Guard = Pick<PutItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

/**
 * A conditional PutItem that recognises itself: each write carries an ID of its own, so a write
 * whose answer was lost (DynamoDB applied it, then the SDK's retry of it failed its condition, was
 * throttled, or timed out) finds itself in the stored item and counts as done. True when written,
 * false when the condition failed; other errors are thrown.
 */
async function putIfUnchanged(tableName: string, item: Record<string, AttributeValue>, guard: Guard, latest: number): Promise<boolean> {
  const writeID = randomUUID();
  const pk = item['pk'] ?? { S: '' };
  try {
    await sendBefore(latest, 'DynamoDB PutItem', (abortSignal) =>
      dynamodb('PutItem', { TableName: tableName, Item: { ...item, writeID: { S: writeID } }, ...guard }, abortSignal),
    );
    return true;
  } catch (error) {
    const conditionFailed = error instanceof Error && error.name === 'ConditionalCheckFailedException';
    let stored: Record<string, AttributeValue> | undefined;
    try {
      ({ Item: stored } = await sendBefore(latest, 'DynamoDB GetItem', (abortSignal) =>
        dynamodb('GetItem', { TableName: tableName, Key: { pk }, ConsistentRead: true }, abortSignal),
      ));
    } catch {
      if (conditionFailed) return false;
      throw error;
    }
    if (stored?.['writeID']?.S === writeID) return true;
    if (conditionFailed) return false;
    throw error;
  }
}

/**
 * When each of an account's open stall episodes was opened (first decided), for those opened
 * after `since` (eventually consistent).
 */
export async function openEpisodeTimesSince(tableName: string, accountID: string, since: number, latest: number): Promise<number[]> {
  const items = await queryOpenEpisodeIndex(tableName, accountID, since, latest);
  return items.map((item) => Number(item['episodeOpenedAt']?.N)).filter(Number.isFinite);
}

/** The servers of an account whose stall episode is open (eventually consistent: a sweep's view). */
export async function queryOpenEpisodes(tableName: string, accountID: string, latest: number): Promise<Set<string>> {
  const items = await queryOpenEpisodeIndex(tableName, accountID, undefined, latest);
  return new Set(items.map((item) => item['pk']?.S?.split('#')[1]).filter((id): id is string => id !== undefined));
}

/** Every page of the open-episodes index for an account (its keys only), opened after `since` when given. */
async function queryOpenEpisodeIndex(tableName: string, accountID: string, since: number | undefined, latest: number): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await sendBefore(latest, 'DynamoDB Query', (abortSignal) =>
      dynamodb('Query', {
        TableName: tableName,
        IndexName: OPEN_EPISODES_INDEX,
        KeyConditionExpression: since === undefined ? '#account = :account' : '#account = :account AND episodeOpenedAt > :since',
        ExpressionAttributeNames: { '#account': OPEN_EPISODE_ATTRIBUTE },
        ExpressionAttributeValues: { ':account': { S: accountID }, ...(since === undefined ? {} : { ':since': { N: String(since) } }) },
        ExclusiveStartKey,
      }, abortSignal),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return items;
}

/**
 * The keys of an account's open episodes written before the open-episodes index existed (no index
 * attribute): a one-time scan, so that sweeps can end them too.
 */
export async function scanUnindexedOpenEpisodes(tableName: string, accountID: string, latest: () => number): Promise<string[]> {
  const keys: string[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await sendBefore(latest(), 'DynamoDB Scan', (abortSignal) =>
      dynamodb('Scan', {
        TableName: tableName,
        ProjectionExpression: 'pk',
        FilterExpression: 'begins_with(pk, :prefix) AND (attribute_not_exists(#open) OR attribute_not_exists(episodeOpenedAt)) AND attribute_not_exists(recoveredAt) AND attribute_exists(episodeStartedAt)',
        ExpressionAttributeNames: { '#open': OPEN_EPISODE_ATTRIBUTE },
        ExpressionAttributeValues: { ':prefix': { S: `${accountID}#` } },
        ExclusiveStartKey,
      }, abortSignal),
    );
    for (const item of page.Items ?? []) if (item['pk']?.S !== undefined) keys.push(item['pk'].S);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return keys;
}

/** What the last sweep of an account left for the next one. */
export interface SweepState {
  /** Stalled servers it did not reach: the next sweep takes them first. */
  readonly notReached: readonly string[];
  /** The sweep (event or request ID) whose findings were counted, so a platform retry does not count them again. */
  readonly countedSweepID?: string;
  /** True once the account's open episodes written before the open-episodes index were added to it. */
  readonly indexBackfilled?: boolean;
}

export async function readSweepState(tableName: string, accountID: string, latest: number): Promise<SweepState> {
  const { Item } = await sendBefore(latest, 'DynamoDB GetItem', (abortSignal) =>
    dynamodb('GetItem', { TableName: tableName, Key: { pk: { S: sweepKey(accountID) } }, ConsistentRead: true }, abortSignal),
  );
  const countedSweepID = Item?.['countedSweepID']?.S;
  return {
    notReached: (Item?.['notReached']?.L ?? []).map((value) => value.S ?? '').filter((id) => id !== ''),
    ...(countedSweepID === undefined ? {} : { countedSweepID }),
    ...(Item?.['indexBackfilled']?.BOOL === true ? { indexBackfilled: true } : {}),
  };
}

export async function writeSweepState(tableName: string, accountID: string, state: SweepState, now: number, latest: number): Promise<void> {
  await sendBefore(latest, 'DynamoDB PutItem', (abortSignal) =>
    dynamodb('PutItem', {
      TableName: tableName,
      Item: {
        pk: { S: sweepKey(accountID) },
        notReached: { L: state.notReached.map((id) => ({ S: id })) },
        ...(state.countedSweepID === undefined ? {} : { countedSweepID: { S: state.countedSweepID } }),
        ...(state.indexBackfilled === true ? { indexBackfilled: { BOOL: true } } : {}),
        expiresAt: { N: String(Math.floor(now / 1000) + 7 * 86_400) },
      },
    }, abortSignal),
  );
}

/**
 * Claims the right to send an account-wide notice (MGN not initialized, access denied) unless one
 * was sent within `quietMs` or another invocation holds the claim. True when this caller must send it.
 */
export async function claimAccountNotice(
  tableName: string,
  noticeKey: string,
  now: number,
  leaseMs: number,
  latest: number,
  /** For a mass stall: the census the claim relies on; a notice lifted since then cannot be claimed on it. */
  seenAt: number = now,
): Promise<boolean> {
  return putIfUnchanged(
    tableName,
    {
      pk: { S: noticeKey },
      state: { S: 'PENDING' },
      until: { N: String(now + leaseMs) },
      expiresAt: { N: String(Math.floor(now / 1000) + 7 * 86_400) },
    },
    {
      ConditionExpression: '(attribute_not_exists(pk) OR #until < :now) AND (attribute_not_exists(liftedAt) OR liftedAt < :seenAt)',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: { ':now': { N: String(now) }, ':seenAt': { N: String(seenAt) } },
    },
    latest,
  );
}

/**
 * Records the outcome of an account notice: sent (quiet until `until`), given back (`until` = now),
 * or, for a mass stall, lifted (`liftedAt`: a census after it no longer shows one); and its OpsItem.
 */
export async function settleAccountNotice(
  tableName: string,
  noticeKey: string,
  until: number,
  now: number,
  latest: number,
  extra: { opsItemId?: string; liftedAt?: number } = {},
): Promise<void> {
  await sendBefore(latest, 'DynamoDB PutItem', (abortSignal) =>
    dynamodb('PutItem', {
      TableName: tableName,
      Item: {
        pk: { S: noticeKey },
        state: { S: extra.liftedAt !== undefined ? 'LIFTED' : until > now ? 'SENT' : 'RELEASED' },
        until: { N: String(until) },
        ...(extra.opsItemId === undefined ? {} : { opsItemId: { S: extra.opsItemId } }),
        ...(extra.liftedAt === undefined ? {} : { liftedAt: { N: String(extra.liftedAt) } }),
        expiresAt: { N: String(Math.floor(Math.max(until, now) / 1000) + 86_400) },
      },
    }, abortSignal),
  );
}

/** The sweep's census of an account, and whether it found a mass stall. */
export interface StoredCensus extends Census {
  readonly massStall: boolean;
}

export async function readCensus(tableName: string, accountID: string, latest: number): Promise<StoredCensus | undefined> {
  const { Item } = await sendBefore(latest, 'DynamoDB GetItem', (abortSignal) =>
    dynamodb('GetItem', { TableName: tableName, Key: { pk: { S: censusKey(accountID) } }, ConsistentRead: true }, abortSignal),
  );
  return censusFrom(Item);
}

function censusFrom(Item: Record<string, AttributeValue> | undefined): StoredCensus | undefined {
  const takenAt = Number(Item?.['takenAt']?.N);
  const inReplication = Number(Item?.['inReplication']?.N);
  const stalled = Number(Item?.['stalled']?.N);
  if (![takenAt, inReplication, stalled].every(Number.isFinite)) return undefined;
  const massStallEndedAt = Number(Item?.['massStallEndedAt']?.N);
  return {
    takenAt,
    inReplication,
    stalled,
    massStall: Item?.['massStall']?.BOOL === true,
    ...(Number.isFinite(massStallEndedAt) ? { massStallEndedAt } : {}),
  };
}

export async function writeCensus(tableName: string, accountID: string, census: StoredCensus, latest: number): Promise<void> {
  await sendBefore(latest, 'DynamoDB PutItem', (abortSignal) =>
    dynamodb('PutItem', {
      TableName: tableName,
      Item: {
        pk: { S: censusKey(accountID) },
        takenAt: { N: String(census.takenAt) },
        inReplication: { N: String(census.inReplication) },
        stalled: { N: String(census.stalled) },
        massStall: { BOOL: census.massStall },
        ...(census.massStallEndedAt === undefined ? {} : { massStallEndedAt: { N: String(census.massStallEndedAt) } }),
        expiresAt: { N: String(Math.floor(census.takenAt / 1000) + 7 * 86_400) },
      },
    }, abortSignal),
  );
}

/** An account notice as stored: whether it is sent and quiet until a time, and its OpsItem. */
export async function readAccountNotice(tableName: string, noticeKey: string, latest: number): Promise<{ sentUntil?: number; opsItemId?: string } | undefined> {
  const { Item } = await sendBefore(latest, 'DynamoDB GetItem', (abortSignal) =>
    dynamodb('GetItem', { TableName: tableName, Key: { pk: { S: noticeKey } }, ConsistentRead: true }, abortSignal),
  );
  if (Item === undefined) return undefined;
  const opsItemId = Item['opsItemId']?.S;
  return {
    ...(Item['state']?.S === 'SENT' ? { sentUntil: Number(Item['until']?.N) } : {}),
    ...(opsItemId === undefined ? {} : { opsItemId }),
  };
}

function censusKey(accountID: string): string {
  return `census#${accountID}`;
}

function sweepKey(accountID: string): string {
  return `sweep#${accountID}`;
}
