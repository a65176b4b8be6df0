/**
 * The attempt ledger's record of one server's current stall episode, and the pure transitions
 * between its states. Every write is conditional on `version`, so of several concurrent
 * invocations that read the same entry, exactly one can write its successor.
 */
export interface LedgerEntry {
  /** `<account>#<sourceServerID>`. */
  readonly key: string;
  /** Increases by one with every write: the optimistic-concurrency check. */
  readonly version: number;
  /** When the episode's first STALLED was acted on (epoch milliseconds). */
  readonly episodeStartedAt: number;
  /** When each retry of the episode was claimed (epoch milliseconds), oldest first. */
  readonly attemptTimes: readonly number[];
  /** When the budget-exhausted notification was claimed; at most once per episode. */
  readonly escalatedAt?: number;
  /** When the episode ended with NOT_STALLED; a recovered entry starts a new episode on the next stall. */
  readonly recoveredAt?: number;
  /** DynamoDB TTL (epoch seconds): a quiet entry disappears on its own. */
  readonly expiresAt: number;
}

/** The retry budget. */
export interface AttemptPolicy {
  readonly cooldownMinutes: number;
  readonly maxAttempts: number;
}

/** How long an entry is kept after its last write. */
export const LEDGER_RETENTION_DAYS = 30;

export type AttemptPlan =
  /** A retry is allowed: write `next` (the claim), then call MGN. */
  | { readonly kind: 'CLAIM'; readonly next: LedgerEntry; readonly attempt: number }
  /** The last retry is too recent. */
  | { readonly kind: 'COOLDOWN'; readonly attempts: number; readonly lastAttemptAt: number; readonly retryAfter: number }
  /** The episode's budget is spent; `next` is set when the escalation is still to be claimed. */
  | { readonly kind: 'BUDGET_EXHAUSTED'; readonly entry: LedgerEntry; readonly next?: LedgerEntry };

/** Plans a retry of a stalled server from its ledger entry (absent: never seen). Pure. */
export function planAttempt(
  key: string,
  entry: LedgerEntry | undefined,
  policy: AttemptPolicy,
  now: number,
): AttemptPlan {
  if (entry === undefined || entry.recoveredAt !== undefined) {
    // No open episode: this stall starts one, with a fresh budget.
    const next: LedgerEntry = {
      key,
      version: (entry?.version ?? 0) + 1,
      episodeStartedAt: now,
      attemptTimes: [now],
      expiresAt: expiry(now),
    };
    return { kind: 'CLAIM', next, attempt: 1 };
  }
  const attempts = entry.attemptTimes.length;
  if (attempts >= policy.maxAttempts) {
    return entry.escalatedAt === undefined
      ? { kind: 'BUDGET_EXHAUSTED', entry, next: successor(entry, now, { escalatedAt: now }) }
      : { kind: 'BUDGET_EXHAUSTED', entry };
  }
  const lastAttemptAt = entry.attemptTimes[attempts - 1];
  const cooldownMs = policy.cooldownMinutes * 60_000;
  if (lastAttemptAt !== undefined && now - lastAttemptAt < cooldownMs) {
    return { kind: 'COOLDOWN', attempts, lastAttemptAt, retryAfter: lastAttemptAt + cooldownMs };
  }
  return {
    kind: 'CLAIM',
    next: successor(entry, now, { attemptTimes: [...entry.attemptTimes, now] }),
    attempt: attempts + 1,
  };
}

/** Gives back a claimed attempt whose retry did not happen, so a later try can use it. Pure. */
export function releaseAttempt(claimed: LedgerEntry, now: number): LedgerEntry {
  return successor(claimed, now, { attemptTimes: claimed.attemptTimes.slice(0, -1) });
}

/** Gives back a claimed escalation whose notification could not be sent. Pure. */
export function releaseEscalation(claimed: LedgerEntry, now: number): LedgerEntry {
  const next = successor(claimed, now, {});
  delete (next as { escalatedAt?: number }).escalatedAt;
  return next;
}

export type RecoveryPlan =
  | { readonly kind: 'CLOSE'; readonly next: LedgerEntry; readonly attempts: number; readonly stallSeconds: number }
  | { readonly kind: 'NO_OPEN_EPISODE' }
  /** The NOT_STALLED happened before the open episode began: it belongs to an earlier one. */
  | { readonly kind: 'STALE'; readonly episodeStartedAt: number };

/** Plans closing the open episode when MGN reports NOT_STALLED at `eventTime`. Pure. */
export function planRecovery(entry: LedgerEntry | undefined, eventTime: number, now: number): RecoveryPlan {
  if (entry === undefined || entry.recoveredAt !== undefined) return { kind: 'NO_OPEN_EPISODE' };
  // Event times have whole seconds: compare at that precision.
  if (eventTime < Math.floor(entry.episodeStartedAt / 1000) * 1000) {
    return { kind: 'STALE', episodeStartedAt: entry.episodeStartedAt };
  }
  return {
    kind: 'CLOSE',
    next: successor(entry, now, { recoveredAt: now }),
    attempts: entry.attemptTimes.length,
    stallSeconds: Math.max(0, Math.round((eventTime - entry.episodeStartedAt) / 1000)),
  };
}

/** The ledger key of a server. */
export function ledgerKey(accountID: string, sourceServerID: string): string {
  return `${accountID}#${sourceServerID}`;
}

function successor(entry: LedgerEntry, now: number, changes: Partial<LedgerEntry>): LedgerEntry {
  return { ...entry, ...changes, version: entry.version + 1, expiresAt: expiry(now) };
}

function expiry(now: number): number {
  return Math.floor(now / 1000) + LEDGER_RETENTION_DAYS * 86_400;
}
