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
  /** When a decision last saw the server stalled (epoch milliseconds). */
  readonly lastSeenStalledAt?: number;
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

/**
 * A stall episode ends when the server has been neither seen stalled nor reported recovered for
 * this long: only then does a new stall get a fresh budget. It covers a lost NOT_STALLED event
 * (MGN events are best effort) and a NOT_STALLED that only meant a retry was initiating. A stall
 * that goes on is seen at every sweep (hourly by default), which keeps its episode open.
 */
export const EPISODE_GAP_MS = 6 * 60 * 60_000;

/** How often a skipped decision refreshes `lastSeenStalledAt`: at most one extra write per server per period. */
export const SEEN_REFRESH_MS = 15 * 60_000;

export type AttemptPlan =
  /** A retry is allowed: write `next` (the claim), then call MGN. */
  | { readonly kind: 'CLAIM'; readonly next: LedgerEntry; readonly attempt: number }
  /** The last retry is too recent. `touch` records that the server is still stalled. */
  | {
      readonly kind: 'COOLDOWN';
      readonly attempts: number;
      readonly lastAttemptAt: number;
      readonly retryAfter: number;
      readonly touch?: LedgerEntry;
    }
  /**
   * The episode's budget is spent. `next` is set when the escalation is still to be claimed;
   * otherwise `touch` may record that the server is still stalled.
   */
  | { readonly kind: 'BUDGET_EXHAUSTED'; readonly entry: LedgerEntry; readonly next?: LedgerEntry; readonly touch?: LedgerEntry };

/**
 * Plans a retry of a stalled server from its ledger entry (absent: never seen). `stalledSince` is
 * when the stall was reported (the event's time), so a new episode's duration counts from there.
 * Pure.
 */
export function planAttempt(
  key: string,
  stored: LedgerEntry | undefined,
  policy: AttemptPolicy,
  now: number,
  stalledSince: number = now,
): AttemptPlan {
  const entry = stored === undefined ? undefined : continuingEpisode(stored, now);
  if (entry === undefined) {
    // No episode to continue: this stall starts one, with a fresh budget.
    const next: LedgerEntry = {
      key,
      version: (stored?.version ?? 0) + 1,
      episodeStartedAt: Math.min(stalledSince, now),
      attemptTimes: [now],
      lastSeenStalledAt: now,
      expiresAt: expiry(now),
    };
    return { kind: 'CLAIM', next, attempt: 1 };
  }
  const attempts = entry.attemptTimes.length;
  const touch = now - lastSeenStalled(entry) >= SEEN_REFRESH_MS ? successor(entry, now, { lastSeenStalledAt: now }) : undefined;
  if (attempts >= policy.maxAttempts && entry.escalatedAt !== undefined) {
    return { kind: 'BUDGET_EXHAUSTED', entry, ...(touch ? { touch } : {}) };
  }
  const lastAttemptAt = entry.attemptTimes[attempts - 1];
  const cooldownMs = policy.cooldownMinutes * 60_000;
  if (lastAttemptAt !== undefined && now - lastAttemptAt < cooldownMs) {
    // Also after the last allowed retry: it gets its cooldown to work before anyone is told it failed.
    return { kind: 'COOLDOWN', attempts, lastAttemptAt, retryAfter: lastAttemptAt + cooldownMs, ...(touch ? { touch } : {}) };
  }
  if (attempts >= policy.maxAttempts) {
    return { kind: 'BUDGET_EXHAUSTED', entry, next: successor(entry, now, { escalatedAt: now, lastSeenStalledAt: now }) };
  }
  return {
    kind: 'CLAIM',
    next: successor(entry, now, { attemptTimes: [...entry.attemptTimes, now], lastSeenStalledAt: now }),
    attempt: attempts + 1,
  };
}

/**
 * The episode a new stall belongs to, or undefined for a new one. A stall continues the episode
 * when the server was seen stalled within EPISODE_GAP_MS, even if MGN reported NOT_STALLED in
 * between: a retry itself ends the stall for a while (the server goes INITIATING), and a stall
 * that comes back within hours is the same trouble, with the same budget, not a new one.
 */
function continuingEpisode(entry: LedgerEntry, now: number): LedgerEntry | undefined {
  const lastSeen = lastSeenStalled(entry);
  const since = Math.max(lastSeen, entry.recoveredAt ?? 0);
  if (now - since > EPISODE_GAP_MS) return undefined;
  if (entry.recoveredAt === undefined) return entry;
  const reopened: LedgerEntry = { ...entry };
  delete (reopened as { recoveredAt?: number }).recoveredAt;
  return reopened;
}

/** When the server was last seen stalled; entries written before that was recorded use their latest time. */
function lastSeenStalled(entry: LedgerEntry): number {
  return entry.lastSeenStalledAt ?? Math.max(entry.episodeStartedAt, ...entry.attemptTimes, entry.escalatedAt ?? 0);
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
