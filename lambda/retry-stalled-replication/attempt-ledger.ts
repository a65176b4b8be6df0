import { LedgerContentionError } from './errors';
import { readLedgerEntry, writeLedgerEntry } from './ledger-api';
import {
  planAttempt,
  planRecovery,
  releaseAttempt,
  releaseEscalation,
  type AttemptPlan,
  type AttemptPolicy,
  type LedgerEntry,
  type RecoveryPlan,
} from './stall-episode';

/**
 * How many times one decision re-reads after losing a write race. Each lost race means another
 * invocation made progress; an episode sees at most `maxAttempts` claims and one escalation, so
 * that many rounds and a margin for released claims always settle.
 */
const EXTRA_ROUNDS = 3;

export type ClaimResult =
  | { readonly kind: 'CLAIMED'; readonly claimed: LedgerEntry; readonly attempt: number }
  | Omit<Extract<AttemptPlan, { kind: 'COOLDOWN' }>, 'touch'>
  | {
      readonly kind: 'BUDGET_EXHAUSTED';
      readonly entry: LedgerEntry;
      /** Set when this invocation won the episode's one escalation and must send it. */
      readonly escalationClaimed?: LedgerEntry;
    };

/**
 * Claims a retry of a stalled server through one conditional write, or says why not. Of several
 * concurrent claims for the same server, exactly one wins; the others re-read and see its claim.
 */
export async function claimAttempt(
  tableName: string,
  key: string,
  policy: AttemptPolicy,
  now: number,
  stalledSince?: number,
): Promise<ClaimResult> {
  let touch: LedgerEntry | undefined;
  const result = await settle<ClaimResult>(tableName, key, policy.maxAttempts + EXTRA_ROUNDS, (entry) => {
    const plan = planAttempt(key, entry, policy, now, stalledSince);
    touch = undefined;
    switch (plan.kind) {
      case 'COOLDOWN': {
        const { touch: seen, ...cooldown } = plan;
        touch = seen;
        return { done: cooldown };
      }
      case 'BUDGET_EXHAUSTED':
        if (plan.next === undefined) {
          touch = plan.touch;
          return { done: { kind: 'BUDGET_EXHAUSTED', entry: plan.entry } };
        }
        return {
          write: plan.next,
          done: { kind: 'BUDGET_EXHAUSTED', entry: plan.entry, escalationClaimed: plan.next },
        };
      case 'CLAIM':
        return { write: plan.next, done: { kind: 'CLAIMED', claimed: plan.next, attempt: plan.attempt } };
    }
  });
  // Best effort: a lost race means another decision wrote the entry, which records the sighting too.
  if (touch !== undefined) await writeLedgerEntry(tableName, touch);
  return result;
}

/** What a claim would do, without writing anything (dry run). */
export async function previewAttempt(
  tableName: string,
  key: string,
  policy: AttemptPolicy,
  now: number,
  stalledSince?: number,
): Promise<AttemptPlan> {
  return planAttempt(key, await readLedgerEntry(tableName, key), policy, now, stalledSince);
}

/** Gives back a claimed attempt whose retry did not happen. False if the entry moved on meanwhile. */
export async function releaseClaim(tableName: string, claimed: LedgerEntry, now: number): Promise<boolean> {
  return writeLedgerEntry(tableName, releaseAttempt(claimed, now));
}

/** Gives back a claimed escalation whose notification could not be sent. */
export async function releaseEscalationClaim(tableName: string, claimed: LedgerEntry, now: number): Promise<boolean> {
  return writeLedgerEntry(tableName, releaseEscalation(claimed, now));
}

export type RecoveryResult =
  | Exclude<RecoveryPlan, { kind: 'CLOSE' }>
  | { readonly kind: 'CLOSED'; readonly closed: LedgerEntry; readonly attempts: number; readonly stallSeconds: number };

/** Closes the server's open stall episode when MGN reports NOT_STALLED. */
export async function closeEpisode(
  tableName: string,
  key: string,
  eventTime: number,
  now: number,
): Promise<RecoveryResult> {
  return settle<RecoveryResult>(tableName, key, EXTRA_ROUNDS, (entry) => {
    const plan = planRecovery(entry, eventTime, now);
    if (plan.kind !== 'CLOSE') return { done: plan };
    return {
      write: plan.next,
      done: { kind: 'CLOSED', closed: plan.next, attempts: plan.attempts, stallSeconds: plan.stallSeconds },
    };
  });
}

/** What closing the episode would do, without writing anything (dry run). */
export async function previewRecovery(tableName: string, key: string, eventTime: number, now: number): Promise<RecoveryPlan> {
  return planRecovery(await readLedgerEntry(tableName, key), eventTime, now);
}

/**
 * Read, plan, write-if-unchanged; on a lost race, read again. `step` returns the entry to write
 * (if any) and the result to return once that write succeeded.
 */
async function settle<T>(
  tableName: string,
  key: string,
  rounds: number,
  step: (entry: LedgerEntry | undefined) => { write?: LedgerEntry; done: T },
): Promise<T> {
  for (let round = 0; round < rounds; round += 1) {
    const { write, done } = step(await readLedgerEntry(tableName, key));
    if (write === undefined || (await writeLedgerEntry(tableName, write))) return done;
  }
  throw new LedgerContentionError(key, rounds);
}
