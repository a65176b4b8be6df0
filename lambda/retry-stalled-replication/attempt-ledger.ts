import { readEntryAndCensus, readLedgerEntry, writeLedgerEntry, type StoredCensus } from './aws/ledger-api';
import { LedgerContentionError } from './decide/errors';
import { conditionAfter, type ReadEntry, type WriteCondition } from './decide/ledger-record';
import { planStall, rewriteEntry, type AttemptPolicy, type LedgerEntry, type StallPlan, type StallSighting } from './decide/stall-episode';
import type { TriageVerdict } from './decide/triage';
import { logger } from './report/powertools';

/**
 * How many times one decision re-reads after losing a write race. Each lost race means another
 * invocation moved the entry on; an episode sees at most `maxAttempts` claims, one escalation and
 * a few give-backs, so that many rounds always settle.
 */
const EXTRA_ROUNDS = 4;

/** Where the ledger is and how it reads malformed items. */
export interface LedgerAccess {
  readonly tableName: string;
  readonly policy: AttemptPolicy;
}

/** What a stall decision found and claimed. `written` is the entry as stored after the claim. */
export interface StallClaim {
  readonly plan: StallPlan;
  /** The entry as stored now: the claim written, or what was read. Undefined: no entry. */
  readonly stored?: LedgerEntry;
  /** Set when the stored item was malformed (and, if the write went through, repaired). */
  readonly problems: readonly string[];
}

/**
 * Plans a stalled server's decision from its ledger entry and writes the claim (attempt,
 * escalation, new episode) through one conditional write; on a lost race, reads and plans again.
 * Housekeeping (an expiry refresh, a repair) is written best effort: its failure never changes the
 * decision. With `dryRun`, writes nothing. `early` is a read of the same entry started before:
 * the first round plans from it (the write's condition still holds it to what is stored; a read
 * that failed is made again).
 */
export async function claimStall(
  ledger: LedgerAccess,
  key: string,
  sighting: StallSighting,
  latest: number,
  dryRun: boolean,
  triage?: TriageVerdict,
  early?: EarlyRead,
): Promise<StallClaim> {
  for (let round = 0; round < ledger.policy.maxAttempts + EXTRA_ROUNDS; round += 1) {
    const fromEarly = round === 0 && early !== undefined;
    const readNow = (): Promise<ReadEntry | undefined> => readLedgerEntry(ledger.tableName, key, { now: sighting.now, maxAttempts: ledger.policy.maxAttempts }, latest);
    const read = fromEarly ? await early.catch(readNow) : await readNow();
    const plan = planStall(key, read?.entry, ledger.policy, sighting, read?.rewrite ?? false, triage);
    // The early read was taken before MGN answered: a claim is checked by its conditional write,
    // but a skip writes nothing, so it is planned again from a read taken now.
    if (fromEarly && !plan.mustWrite) continue;
    reportProblems(key, read);
    const problems = read?.problems ?? [];
    if (dryRun || plan.next === undefined) return { plan, problems, ...(read ? { stored: read.entry } : {}) };
    if (!plan.mustWrite) {
      await bestEffort('refresh the ledger entry', key, () => writeLedgerEntry(ledger.tableName, plan.next as LedgerEntry, conditionOf(read), latest));
      return { plan, problems, ...(read ? { stored: read.entry } : {}) };
    }
    if (await writeLedgerEntry(ledger.tableName, plan.next, conditionOf(read), latest)) return { plan, problems, stored: plan.next };
  }
  throw new LedgerContentionError(key, ledger.policy.maxAttempts + EXTRA_ROUNDS);
}

/**
 * Applies `change` to the server's entry and writes the result conditionally, re-reading after a
 * lost race. Starts from `known` (an entry this invocation wrote) when given, saving a read.
 * Returns the entry as stored and whether `change` applied; `change` returns undefined for "nothing to do".
 */
export async function updateEntry(
  ledger: LedgerAccess,
  key: string,
  change: (entry: LedgerEntry | undefined) => LedgerEntry | undefined,
  now: number,
  latest: number,
  known?: LedgerEntry,
): Promise<{ entry?: LedgerEntry; changed: boolean; repaired?: boolean }> {
  let current: ReadEntry | undefined = known === undefined ? undefined : { entry: known, problems: [], condition: conditionAfter(known), rewrite: false };
  let fresh = known === undefined;
  for (let round = 0; round < EXTRA_ROUNDS; round += 1) {
    if (fresh) current = await readReporting(ledger, key, now, latest);
    fresh = true;
    const next = change(current?.entry);
    if (next === undefined) {
      // Nothing to change, but a malformed or unindexed item is written again, best effort.
      const stale = current?.rewrite === true ? current : undefined;
      const repaired =
        stale !== undefined &&
        (await bestEffort('repair the ledger entry', key, () => writeLedgerEntry(ledger.tableName, rewriteEntry(stale.entry, now), stale.condition, latest)));
      return { ...(current ? { entry: current.entry } : {}), changed: false, repaired };
    }
    if (await writeLedgerEntry(ledger.tableName, next, conditionOf(current), latest)) return { entry: next, changed: true };
  }
  throw new LedgerContentionError(key, EXTRA_ROUNDS);
}

/** Reads without writing: what a dry run or a recovery needs to see. */
export async function readEntry(ledger: LedgerAccess, key: string, now: number, latest: number): Promise<ReadEntry | undefined> {
  return readReporting(ledger, key, now, latest);
}

/** A read of one entry, started ahead of the decision that plans from it. */
export type EarlyRead = Promise<ReadEntry | undefined>;

/**
 * Starts reading a server's entry and its account's census together, for a claim that will most
 * likely follow: the read then overlaps other waits. Neither promise rejects unobserved; a claim
 * whose early read failed reads again.
 */
export function readEarly(
  ledger: LedgerAccess,
  key: string,
  accountID: string,
  now: number,
  latest: number,
): { entry: EarlyRead; census: Promise<StoredCensus | undefined> } {
  const both = readEntryAndCensus(ledger.tableName, key, accountID, { now, maxAttempts: ledger.policy.maxAttempts }, latest);
  // Reported by the claim that plans from it: it may be read again before it is used.
  const entry = both.then(({ entry: read }) => read);
  const census = both.then((read) => read.census);
  entry.catch(() => undefined);
  census.catch(() => undefined);
  return { entry, census };
}

/** Runs a write whose failure must not change the decision: logs a warning instead. */
export async function bestEffort(what: string, key: string, write: () => Promise<unknown>): Promise<boolean> {
  try {
    const written = await write();
    if (written === false) logger.warn(`could not ${what}: the entry changed meanwhile`, { key });
    return written !== false;
  } catch (error) {
    logger.warn(`could not ${what}; the decision stands`, { key, error: error as Error });
    return false;
  }
}

async function readReporting(ledger: LedgerAccess, key: string, now: number, latest: number): Promise<ReadEntry | undefined> {
  return reportProblems(key, await readLedgerEntry(ledger.tableName, key, { now, maxAttempts: ledger.policy.maxAttempts }, latest));
}

function reportProblems(key: string, read: ReadEntry | undefined): ReadEntry | undefined {
  if (read !== undefined && read.problems.length > 0) {
    logger.warn('malformed ledger item: it is repaired by this decision', { key, problems: read.problems });
  }
  return read;
}

function conditionOf(read: ReadEntry | undefined): WriteCondition {
  return read === undefined ? { kind: 'ABSENT' } : read.condition;
}
