import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ESCALATION_LEASE_MS, accountOfKey, type Escalation, type EscalationKind, type LedgerEntry } from './stall-episode';

/**
 * How a ledger entry is stored as a DynamoDB item, and how an item of any shape (written by hand,
 * by an older version, or damaged) is read back. Pure.
 */

/** The attribute that puts an open episode in the `OpenEpisodesByAccount` index; absent once it ends. */
export const OPEN_EPISODE_ATTRIBUTE = 'openEpisodeAccount';
export const OPEN_EPISODES_INDEX = 'OpenEpisodesByAccount';

/** What a conditional write expects to find: exactly the item it was planned from. */
export type WriteCondition =
  /** No item yet. */
  | { readonly kind: 'ABSENT' }
  /** The item's `version` attribute as read, whatever its type. */
  | { readonly kind: 'VERSION'; readonly value: AttributeValue }
  /** An item without a `version` attribute. */
  | { readonly kind: 'NO_VERSION' };

/** The condition for the next write after `entry`, which this function wrote itself. */
export function conditionAfter(entry: LedgerEntry): WriteCondition {
  return { kind: 'VERSION', value: { N: String(entry.version) } };
}

export interface ReadEntry {
  readonly entry: LedgerEntry;
  /** What is wrong with the stored item; empty when it is well formed. */
  readonly problems: readonly string[];
  readonly condition: WriteCondition;
  /**
   * True when the item should be written again even if nothing changes: it is malformed, or it is
   * an open episode written before the open-episodes index existed (so sweeps could not find it).
   */
  readonly rewrite: boolean;
}

/** 2020-01-01: no ledger time can be older. */
const EARLIEST_TIME = Date.UTC(2020, 0, 1);
/** How far ahead of the reading function's clock another's writes may lie. */
const CLOCK_SKEW_MS = 10 * 60_000;

const ESCALATION_KINDS: readonly EscalationKind[] = ['BUDGET_SPENT', 'NEEDS_PERSON', 'ACCESS_DENIED', 'STILL_STALLED'];

/** The item for an entry. */
export function toItem(entry: LedgerEntry): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    pk: { S: entry.key },
    version: { N: String(entry.version) },
    episodeStartedAt: { N: String(entry.episodeStartedAt) },
    episodeOpenedAt: { N: String(entry.episodeOpenedAt) },
    attemptTimes: { L: entry.attemptTimes.map((time) => ({ N: String(time) })) },
    expiresAt: { N: String(entry.expiresAt) },
  };
  const optional: [string, AttributeValue | undefined][] = [
    ['recoveredAt', entry.recoveredAt === undefined ? undefined : { N: String(entry.recoveredAt) }],
    [OPEN_EPISODE_ATTRIBUTE, entry.recoveredAt === undefined ? { S: accountOfKey(entry.key) } : undefined],
    ['lastRetryProblem', entry.lastRetryProblem === undefined ? undefined : { S: entry.lastRetryProblem }],
    ['deferredFor', entry.deferredFor === undefined ? undefined : { N: String(entry.deferredFor) }],
    ['repairNote', entry.repairNote === undefined ? undefined : { S: entry.repairNote }],
    ['episodeOpsItemId', entry.opsItemId === undefined ? undefined : { S: entry.opsItemId }],
  ];
  if (entry.escalation !== undefined) {
    const { kind, state, claimedAt, leaseUntil, sentAt } = entry.escalation;
    optional.push(
      ['escalationKind', { S: kind }],
      ['escalationState', { S: state }],
      ['escalationClaimedAt', { N: String(claimedAt) }],
      ['escalationLeaseUntil', { N: String(leaseUntil) }],
      // Kept under its old name: entries of the first version read back as sent.
      ['escalatedAt', sentAt === undefined ? undefined : { N: String(sentAt) }],
      ['opsItemId', entry.escalation.opsItemId === undefined ? undefined : { S: entry.escalation.opsItemId }],
    );
  }
  for (const [name, value] of optional) if (value !== undefined) item[name] = value;
  return item;
}

/**
 * Reads an item back, keeping every field that parses. A field that does not is reported as a
 * problem and replaced conservatively: unknown attempts count as spent (at `now`, so a cooldown
 * runs from the repair), an unknown start is `now`, an unknown escalation is owed.
 */
export function fromItem(
  key: string,
  item: Record<string, AttributeValue>,
  { now, maxAttempts }: { now: number; maxAttempts: number },
): ReadEntry {
  const problems: string[] = [];
  const number = (name: string): number | undefined => {
    const value = item[name];
    if (value === undefined) return undefined;
    const text = value.N ?? value.S;
    const parsed = text === undefined || text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(parsed)) {
      problems.push(`${name} is not a number`);
      return undefined;
    }
    if (value.N === undefined) problems.push(`${name} is stored as a string`);
    return parsed;
  };
  const text = (name: string): string | undefined => {
    const value = item[name];
    if (value === undefined) return undefined;
    if (value.S === undefined) problems.push(`${name} is not a string`);
    return value.S;
  };

  /** A time the function could have written: after 2020, not ahead of its clock beyond clock skew. */
  const plausible = (name: string, time: number | undefined): number | undefined => {
    if (time === undefined || (time >= EARLIEST_TIME && time <= now + CLOCK_SKEW_MS)) return time;
    problems.push(`${name} is not a plausible time`);
    return undefined;
  };
  const storedVersion = item['version'];
  const version = number('version');
  const versionValid = version !== undefined && Number.isSafeInteger(version) && version >= 0 && version < Number.MAX_SAFE_INTEGER;
  if (storedVersion === undefined) problems.push('version is missing');
  else if (version !== undefined && !versionValid) problems.push('version is not a whole number below 2^53');

  let episodeStartedAt = plausible('episodeStartedAt', number('episodeStartedAt'));
  if (episodeStartedAt === undefined) {
    if (item['episodeStartedAt'] === undefined) problems.push('episodeStartedAt is missing');
    episodeStartedAt = now;
  }

  // Entries of the first version have no opening time: their start stands in for it.
  const episodeOpenedAt = plausible('episodeOpenedAt', number('episodeOpenedAt')) ?? episodeStartedAt;
  const attemptTimes = readAttempts(item['attemptTimes'], problems, now, maxAttempts).map((time, index) => plausible(`attemptTimes[${index}]`, time) ?? now);
  const escalation = readEscalation((name) => plausibleLater(name, number(name)), text, problems);
  const recoveredAt = plausible('recoveredAt', number('recoveredAt'));
  function plausibleLater(name: string, time: number | undefined): number | undefined {
    // A lease ends up to a lease's length after the clock; everything else is a time already past.
    if (name !== 'escalationLeaseUntil') return plausible(name, time);
    if (time === undefined || time <= now + ESCALATION_LEASE_MS + CLOCK_SKEW_MS) return time;
    problems.push(`${name} is not a plausible time`);
    return undefined;
  }
  const deferredFor = number('deferredFor');
  const lastRetryProblem = text('lastRetryProblem');
  const repairNote = text('repairNote');
  const opsItemId = text('episodeOpsItemId');
  const entry: LedgerEntry = {
    key,
    version: versionValid ? version : 0,
    episodeStartedAt,
    episodeOpenedAt,
    attemptTimes,
    expiresAt: number('expiresAt') ?? 0,
    ...(recoveredAt === undefined ? {} : { recoveredAt }),
    ...(escalation === undefined ? {} : { escalation }),
    ...(lastRetryProblem === undefined ? {} : { lastRetryProblem }),
    ...(deferredFor === undefined ? {} : { deferredFor }),
    ...(opsItemId === undefined ? {} : { opsItemId }),
    ...(problems.length > 0
      ? { repairNote: `the ledger entry was malformed and was repaired at ${new Date(now).toISOString()} (${problems.join('; ')})` }
      : repairNote === undefined ? {} : { repairNote }),
  };
  const condition: WriteCondition = storedVersion === undefined ? { kind: 'NO_VERSION' } : { kind: 'VERSION', value: storedVersion };
  const unindexed = entry.recoveredAt === undefined && (item[OPEN_EPISODE_ATTRIBUTE] === undefined || item['episodeOpenedAt'] === undefined);
  return { entry, problems, condition, rewrite: problems.length > 0 || unindexed };
}

function readAttempts(value: AttributeValue | undefined, problems: string[], now: number, maxAttempts: number): number[] {
  if (value?.L === undefined) {
    problems.push(`attemptTimes is ${value === undefined ? 'missing' : 'not a list'}: every attempt counted as spent`);
    return Array.from({ length: maxAttempts }, () => now);
  }
  return value.L.map((element, index) => {
    const parsed = Number(element.N ?? element.S ?? NaN);
    if (Number.isFinite(parsed) && element.N !== undefined) return parsed;
    problems.push(`attemptTimes[${index}] is not a number: counted as an attempt now`);
    return Number.isFinite(parsed) ? parsed : now;
  });
}

function readEscalation(
  number: (name: string) => number | undefined,
  text: (name: string) => string | undefined,
  problems: string[],
): Escalation | undefined {
  const sentAt = number('escalatedAt');
  const opsItemId = text('opsItemId');
  const state = text('escalationState');
  const kind = text('escalationKind');
  const claimedAt = number('escalationClaimedAt');
  const leaseUntil = number('escalationLeaseUntil');
  const knownKind = ESCALATION_KINDS.find((candidate) => candidate === kind) ?? 'BUDGET_SPENT';
  if (kind !== undefined && knownKind !== kind) problems.push(`escalationKind ${kind} is not known`);
  if (state === 'SENT' || (state === undefined && sentAt !== undefined)) {
    // The first version recorded only escalatedAt, once SNS had the message.
    const at = sentAt ?? claimedAt ?? 0;
    return { kind: knownKind, state: 'SENT', claimedAt: claimedAt ?? at, leaseUntil: leaseUntil ?? at, sentAt: at, ...(opsItemId === undefined ? {} : { opsItemId }) };
  }
  if (state === 'PENDING' && claimedAt !== undefined && leaseUntil !== undefined && leaseUntil <= claimedAt + ESCALATION_LEASE_MS) {
    return { kind: knownKind, state: 'PENDING', claimedAt, leaseUntil };
  }
  if (state !== undefined) problems.push(`escalationState ${state} is incomplete or unknown: the notification is owed`);
  return undefined;
}
