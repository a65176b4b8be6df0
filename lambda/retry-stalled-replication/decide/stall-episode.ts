/**
 * The attempt ledger's record of one server's stall episode, and the pure transitions between its
 * states. An episode opens at a stall and ends only on evidence that the server replicated again:
 * a replicating state read from MGN, or a snapshot taken after the episode's last retry. Every write
 * is conditional on the entry read, so of several concurrent decisions exactly one moves it on.
 */

import type { TriageVerdict } from './triage';

/** Why a person is told about a stall episode. */
export type EscalationKind =
  /** Every retry of the episode was spent and the server is still stalled. */
  | 'BUDGET_SPENT'
  /** Triage: what MGN reports (the error, an agentless server) is not something a retry fixes. */
  | 'NEEDS_PERSON'
  /** RetryDataReplication is denied for good (IAM, an SCP): no retry can be made. */
  | 'ACCESS_DENIED'
  /** The episode has lasted too long without the server replicating, whatever its attempts. */
  | 'STILL_STALLED';

/** The episode's one notification: being sent by one invocation, or sent. */
export interface Escalation {
  readonly kind: EscalationKind;
  /**
   * PENDING: an invocation claimed it and is sending it until `leaseUntil`; past that, the claim is
   * abandoned and the next decision sends it. SENT: SNS accepted it.
   */
  readonly state: 'PENDING' | 'SENT';
  readonly claimedAt: number;
  readonly leaseUntil: number;
  readonly sentAt?: number;
  /** The OpsCenter OpsItem opened for it (setting `opsItems`), resolved when the episode ends. */
  readonly opsItemId?: string;
}

export interface LedgerEntry {
  /** `<account>#<sourceServerID>`. */
  readonly key: string;
  /** Increases by one with every write. */
  readonly version: number;
  /** When the episode began: the reported stall time, or the first decision that saw it. */
  readonly episodeStartedAt: number;
  /** When the first decision of the episode was made (epoch ms): the open-episodes index sorts by it. */
  readonly episodeOpenedAt: number;
  /** When each attempt of the episode was claimed (epoch milliseconds), oldest first. */
  readonly attemptTimes: readonly number[];
  /** What went wrong with the latest attempt, when MGN refused or denied it. */
  readonly lastRetryProblem?: string;
  /** MGN's own next attempt (epoch ms) that a retry was deferred for: one deferral per value. */
  readonly deferredFor?: number;
  readonly escalation?: Escalation;
  /** The OpsItem opened for the episode's notice, recorded before the notice is sent, so that it is resolved even when the notice had to wait. */
  readonly opsItemId?: string;
  /** When the episode ended because the server replicated again; the next stall opens a new one. */
  readonly recoveredAt?: number;
  /** Set when the entry was rewritten from a malformed item; the episode's notice says so. */
  readonly repairNote?: string;
  /** DynamoDB TTL (epoch seconds): a quiet entry disappears on its own. */
  readonly expiresAt: number;
}

/** The retry budget. */
export interface AttemptPolicy {
  readonly cooldownMinutes: number;
  readonly maxAttempts: number;
}

/** How long an ended episode's entry is kept after its last write. */
export const LEDGER_RETENTION_DAYS = 30;
/**
 * How long an open episode's entry is kept after its last write. An episode ends only when the
 * server is seen replicating, so its entry must outlive any quiet spell (a slow sweep schedule, a
 * server nobody looks at): otherwise a stall would find it gone and get a fresh budget.
 */
export const OPEN_EPISODE_RETENTION_DAYS = 400;
/** A skipped decision refreshes an open episode's expiry once a day, so a long stall keeps its entry. */
const REFRESH_AFTER_S = 86_400;
/** MGN's times (a snapshot's) ahead of the function's clock by more than this are not believed. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** How long an invocation that claimed an escalation has to send it before another may. */
export const ESCALATION_LEASE_MS = 60_000;

/** What a decision saw of a stalled server. */
export interface StallSighting {
  readonly now: number;
  /** When the stall was reported (a trusted event time), else `now`. */
  readonly stalledSince: number;
  /** MGN's last snapshot of the server: taken after the episode's last retry, it proves replication in between. */
  readonly lastSnapshotAt?: number;
  /** When the last mass stall ended: time paused behind it does not count toward a stall's age. */
  readonly massStallEndedAt?: number;
}

/** Where the episode's one notice stands, seen by this decision. */
export type NoticeState = 'SEND' | 'SENT' | 'SENDING';

export type StallVerdict =
  /** Retry now: `next` holds the claimed attempt. */
  | { readonly kind: 'RETRY'; readonly attempt: number }
  /** Triage says a retry cannot help: no retry; the episode's notice goes out at once. */
  | { readonly kind: 'NEEDS_PERSON'; readonly attempts: number; readonly notice: NoticeState; readonly noticeTime?: number }
  /** MGN's own attempt is due within the cooldown: no retry, no budget spent. */
  | { readonly kind: 'MGN_ATTEMPT_PENDING'; readonly attempts: number; readonly nextAttemptAt: number }
  /** The last attempt is too recent. */
  | { readonly kind: 'COOLDOWN'; readonly attempts: number; readonly lastAttemptAt: number; readonly retryAfter: number }
  /** Every attempt is spent. `notice` says whether this decision sends the episode's notification. */
  | { readonly kind: 'BUDGET_SPENT'; readonly attempts: number; readonly notice: NoticeState; readonly noticeTime?: number };

/** An episode a snapshot showed over: its recovery is counted, announced and its OpsItem resolved. */
export interface EndedEpisode {
  readonly attempts: number;
  readonly stallSeconds: number;
  readonly episodeStartedAt: number;
  readonly opsItemId?: string;
}

export interface StallPlan {
  readonly verdict: StallVerdict;
  /** The episode as it stands after this decision. */
  readonly episode: LedgerEntry;
  /** The entry to write; undefined when nothing changes. */
  readonly next?: LedgerEntry;
  /** True when the plan holds only once `next` is written (a claim); false for housekeeping. */
  readonly mustWrite: boolean;
  /** Set when this decision claimed the episode's notification and must send it. */
  readonly escalate?: EscalationKind;
  /** Set when a snapshot showed that the previous episode ended: it is closed as recovered. */
  readonly endedEpisode?: EndedEpisode;
}

/**
 * An episode that lasts this long without the server replicating is escalated whatever its
 * attempts: no pattern of refusals, failures or deferrals can keep it from a person.
 */
export function stillStalledAfterMs(policy: AttemptPolicy): number {
  return (policy.maxAttempts + 1) * Math.max(policy.cooldownMinutes, 30) * 60_000;
}

/**
 * Plans the decision for a server MGN reports STALLED, from its ledger entry (undefined: none) and
 * what triage made of it. `rewrite` says the stored item must be written again even if nothing
 * changes (it was malformed, or predates the open-episodes index). Pure.
 */
export function planStall(
  key: string,
  stored: LedgerEntry | undefined,
  policy: AttemptPolicy,
  sighting: StallSighting,
  rewrite = false,
  triage: TriageVerdict = { kind: 'RETRY', policy: 'retried' },
): StallPlan {
  const { now } = sighting;
  // A snapshot dated ahead of the clock proves nothing: it would end every episode at once.
  const lastSnapshotAt = sighting.lastSnapshotAt !== undefined && sighting.lastSnapshotAt <= now + CLOCK_SKEW_MS ? sighting.lastSnapshotAt : undefined;
  let endedEpisode: StallPlan['endedEpisode'];
  let open = stored !== undefined && stored.recoveredAt === undefined ? stored : undefined;
  if (open !== undefined && replicatedSince(open, lastSnapshotAt)) {
    const opsItemId = opsItemOf(open);
    endedEpisode = {
      attempts: open.attemptTimes.length,
      stallSeconds: Math.max(0, Math.round(((lastSnapshotAt ?? now) - open.episodeStartedAt) / 1000)),
      episodeStartedAt: open.episodeStartedAt,
      ...(opsItemId === undefined ? {} : { opsItemId }),
    };
    open = undefined;
  }
  // A new episode starts when the stall was reported, unless that report predates the last sign of
  // replication (a late copy of an old event): then it starts now.
  const replicatedAt = Math.max(stored?.recoveredAt ?? -Infinity, lastSnapshotAt ?? -Infinity);
  const episode: LedgerEntry =
    open ??
    successor(stored ?? emptyEntry(key), now, {
      episodeStartedAt: sighting.stalledSince >= replicatedAt ? Math.min(sighting.stalledSince, now) : now,
      episodeOpenedAt: now,
      attemptTimes: [],
    }, ['recoveredAt', 'escalation', 'lastRetryProblem', 'deferredFor', 'opsItemId']);
  const isNewEpisode = open === undefined;

  const attempts = episode.attemptTimes.length;
  const lastAttemptAt = attempts === 0 ? undefined : Math.max(...episode.attemptTimes);
  const retryAfter = lastAttemptAt === undefined ? now : lastAttemptAt + policy.cooldownMinutes * 60_000;
  const escalationFree = isEscalationFree(episode.escalation, now);
  const notice = (): { notice: NoticeState; noticeTime?: number } => {
    const state: NoticeState = escalationFree ? 'SEND' : episode.escalation?.state === 'SENT' ? 'SENT' : 'SENDING';
    return state === 'SEND' || episode.escalation === undefined
      ? { notice: state }
      : { notice: state, noticeTime: episode.escalation.sentAt ?? episode.escalation.claimedAt };
  };
  let verdict: StallVerdict;
  let escalate: EscalationKind | undefined;
  let deferredFor: number | undefined;
  if (triage.kind === 'NEEDS_PERSON') {
    verdict = { kind: 'NEEDS_PERSON', attempts, ...notice() };
    if (verdict.notice === 'SEND') escalate = 'NEEDS_PERSON';
  } else if (triage.kind === 'MGN_ATTEMPT_PENDING') {
    verdict = { kind: 'MGN_ATTEMPT_PENDING', attempts, nextAttemptAt: triage.nextAttemptAt };
    if (episode.deferredFor !== triage.nextAttemptAt) deferredFor = triage.nextAttemptAt;
  } else if (lastAttemptAt !== undefined && now < retryAfter) {
    // Also after the last allowed retry: it gets its cooldown to work before anyone is told it failed.
    verdict = { kind: 'COOLDOWN', attempts, lastAttemptAt, retryAfter };
  } else if (attempts >= policy.maxAttempts) {
    // A "needs a person, not retried" notice said no retry would come; when the error turned
    // retryable and the retries were spent after all, the person hears that too (once).
    const toldNoRetry = episode.escalation?.state === 'SENT' && episode.escalation.kind === 'NEEDS_PERSON';
    verdict = { kind: 'BUDGET_SPENT', attempts, ...(toldNoRetry ? { notice: 'SEND' as const } : notice()) };
    if (verdict.notice === 'SEND') escalate = 'BUDGET_SPENT';
  } else {
    verdict = { kind: 'RETRY', attempt: attempts + 1 };
  }
  // A notice whose send failed is owed (its claim given back with its kind): a decision that
  // neither retries nor sends a notice of its own sends it, so it never waits for a retry.
  const owed = episode.escalation?.state === 'PENDING' && escalationFree ? episode.escalation.kind : undefined;
  if (escalate === undefined && owed !== undefined && (verdict.kind === 'COOLDOWN' || verdict.kind === 'MGN_ATTEMPT_PENDING')) escalate = owed;
  // A new episode gets its first retry before anyone is told that retries do not help.
  const ageFrom = Math.max(episode.episodeStartedAt, sighting.massStallEndedAt ?? -Infinity);
  if (escalate === undefined && escalationFree && !isNewEpisode && now - ageFrom >= stillStalledAfterMs(policy)) {
    escalate = 'STILL_STALLED';
  }

  const changes: Partial<LedgerEntry> = {
    ...(verdict.kind === 'RETRY' ? { attemptTimes: [...episode.attemptTimes, now] } : {}),
    ...(deferredFor === undefined ? {} : { deferredFor }),
    ...(escalate === undefined ? {} : { escalation: pendingEscalation(escalate, now) }),
  };
  const claims = Object.keys(changes).length > 0;
  if (claims || isNewEpisode) {
    return { verdict, episode, next: successor(episode, now, changes, [], stored?.version ?? 0), mustWrite: true, ...(escalate ? { escalate } : {}), ...(endedEpisode ? { endedEpisode } : {}) };
  }
  // Nothing claimed: rewrite only a malformed item, or an expiry running down during a long stall.
  const housekeeping = rewrite || (stored !== undefined && stored.expiresAt - now / 1000 < OPEN_EPISODE_RETENTION_DAYS * 86_400 - REFRESH_AFTER_S);
  return { verdict, episode, mustWrite: false, ...(housekeeping ? { next: successor(episode, now, {}, [], stored?.version ?? 0) } : {}) };
}

/** Whether a snapshot taken after the episode's last activity shows that the server replicated. */
function replicatedSince(entry: LedgerEntry, lastSnapshotAt: number | undefined): boolean {
  if (lastSnapshotAt === undefined) return false;
  return lastSnapshotAt > Math.max(entry.episodeStartedAt, ...entry.attemptTimes);
}

/** An escalation that no invocation holds: none yet, or a claim whose holder ran out of time. */
function isEscalationFree(escalation: Escalation | undefined, now: number): boolean {
  return escalation === undefined || (escalation.state === 'PENDING' && escalation.leaseUntil <= now);
}

function pendingEscalation(kind: EscalationKind, now: number): Escalation {
  return { kind, state: 'PENDING', claimedAt: now, leaseUntil: now + ESCALATION_LEASE_MS };
}

/** The same entry written again (a repair of a malformed item, an expiry refresh). Pure. */
export function rewriteEntry(entry: LedgerEntry, now: number): LedgerEntry {
  return successor(entry, now, {});
}

/** Gives back the attempt claimed at `attemptAt` when the retry certainly did not happen. Pure. */
export function releaseAttempt(entry: LedgerEntry, attemptAt: number, now: number): LedgerEntry | undefined {
  const index = entry.attemptTimes.lastIndexOf(attemptAt);
  if (index < 0) return undefined;
  return successor(entry, now, { attemptTimes: entry.attemptTimes.filter((_, position) => position !== index) });
}

/** Records why the latest attempt did not take: MGN refused it or access was denied. The attempt stays counted. Pure. */
export function recordRetryProblem(entry: LedgerEntry, problem: string, now: number): LedgerEntry {
  return successor(entry, now, { lastRetryProblem: problem });
}

/** Claims the episode's notification, if no invocation holds it and none was sent. Pure. */
export function claimEscalation(entry: LedgerEntry, kind: EscalationKind, now: number): LedgerEntry | undefined {
  if (entry.recoveredAt !== undefined || !isEscalationFree(entry.escalation, now)) return undefined;
  return successor(entry, now, { escalation: pendingEscalation(kind, now) });
}

/** Which claim of which episode: only its holder may record it as sent, or give it back. */
export interface EscalationClaim {
  readonly claimedAt: number;
  readonly episodeStartedAt: number;
}

function holds(entry: LedgerEntry, claim: EscalationClaim): boolean {
  return entry.escalation?.state === 'PENDING' && entry.escalation.claimedAt === claim.claimedAt && entry.episodeStartedAt === claim.episodeStartedAt;
}

/** The OpsItem of an episode, wherever an earlier version recorded it. */
export function opsItemOf(entry: LedgerEntry): string | undefined {
  return entry.opsItemId ?? entry.escalation?.opsItemId;
}

/** Records the OpsItem opened for a claimed notice, before the notice is sent. Pure. */
export function recordOpsItem(entry: LedgerEntry, claim: EscalationClaim, opsItemId: string, now: number): LedgerEntry | undefined {
  if (!holds(entry, claim) || entry.opsItemId === opsItemId) return undefined;
  return successor(entry, now, { opsItemId });
}

/**
 * Records that SNS accepted the episode's notification, and the OpsItem opened for it: only while
 * the claim is still this sender's (another episode's claim, or one taken over, is left alone). Pure.
 */
export function markEscalationSent(entry: LedgerEntry, claim: EscalationClaim, now: number, opsItemId?: string): LedgerEntry | undefined {
  if (!holds(entry, claim) || entry.escalation === undefined) return undefined;
  const sent: Escalation = { ...entry.escalation, state: 'SENT', sentAt: now };
  return successor(entry, now, { escalation: sent, ...(opsItemId === undefined ? {} : { opsItemId }) }, ['repairNote']);
}

/**
 * Gives back a notification claim whose message could not be sent: it stays as an owed notice of
 * its kind, free to claim at once, so the next decision sends it. Pure.
 */
export function releaseEscalation(entry: LedgerEntry, claim: EscalationClaim, now: number): LedgerEntry | undefined {
  if (!holds(entry, claim) || entry.escalation === undefined) return undefined;
  return successor(entry, now, { escalation: { ...entry.escalation, leaseUntil: Math.min(entry.escalation.leaseUntil, now) } });
}

export interface ClosedEpisode {
  readonly next: LedgerEntry;
  readonly attempts: number;
  readonly stallSeconds: number;
}

/**
 * Ends the open episode of a server read replicating again. `recoveredAt` is when it recovered
 * (a trusted NOT_STALLED event time, else now); undefined when no episode is open. Pure.
 */
export function closeEpisode(entry: LedgerEntry | undefined, recoveredAt: number, now: number): ClosedEpisode | undefined {
  if (entry === undefined || entry.recoveredAt !== undefined) return undefined;
  // A recovery reported before the episode began (an event delayed past a newer stall) ends it now.
  const end = recoveredAt >= entry.episodeStartedAt ? recoveredAt : now;
  return {
    next: successor(entry, now, { recoveredAt: end }),
    attempts: entry.attemptTimes.length,
    stallSeconds: Math.max(0, Math.round((end - entry.episodeStartedAt) / 1000)),
  };
}

/** The ledger key of a server. */
export function ledgerKey(accountID: string, sourceServerID: string): string {
  return `${accountID}#${sourceServerID}`;
}

/** The account of a ledger key. */
export function accountOfKey(key: string): string {
  return key.split('#')[0] ?? '';
}

function emptyEntry(key: string): LedgerEntry {
  return { key, version: 0, episodeStartedAt: 0, episodeOpenedAt: 0, attemptTimes: [], expiresAt: 0 };
}

/**
 * The entry after a write: `changes` applied, `drop` removed, version one above the stored one it
 * replaces (`storedVersion`, by default `entry`'s), expiry pushed out.
 */
function successor(
  entry: LedgerEntry,
  now: number,
  changes: Partial<LedgerEntry>,
  drop: readonly (keyof LedgerEntry)[] = [],
  storedVersion: number = entry.version,
): LedgerEntry {
  const kept = Object.entries({ ...entry, ...changes }).filter(([field]) => !drop.includes(field as keyof LedgerEntry));
  const next = Object.fromEntries(kept) as unknown as LedgerEntry;
  return { ...next, version: storedVersion + 1, expiresAt: expiry(now, next.recoveredAt === undefined) };
}

function expiry(now: number, open: boolean): number {
  return Math.floor(now / 1000) + (open ? OPEN_EPISODE_RETENTION_DAYS : LEDGER_RETENTION_DAYS) * 86_400;
}
