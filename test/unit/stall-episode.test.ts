import {
  ESCALATION_LEASE_MS,
  LEDGER_RETENTION_DAYS,
  OPEN_EPISODE_RETENTION_DAYS,
  claimEscalation,
  closeEpisode,
  markEscalationSent,
  planStall,
  recordOpsItem,
  releaseAttempt,
  releaseEscalation,
  stillStalledAfterMs,
  type LedgerEntry,
} from '../../lambda/retry-stalled-replication/decide/stall-episode';
import { trustedEventTime } from '../../lambda/retry-stalled-replication/decide/event-time';

const KEY = '111122223333#s-1234567890abcdef0';
const T0 = Date.parse('2026-11-25T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const policy = { cooldownMinutes: 30, maxAttempts: 3 };

function entry(changes: Partial<LedgerEntry> = {}): LedgerEntry {
  return { key: KEY, version: 4, episodeStartedAt: T0, episodeOpenedAt: T0, attemptTimes: [T0], expiresAt: Math.floor((T0 + HOUR) / 1000) + OPEN_EPISODE_RETENTION_DAYS * 86_400, ...changes };
}
const at = (now: number, changes: { stalledSince?: number; lastSnapshotAt?: number } = {}) => ({ now, stalledSince: changes.stalledSince ?? now, ...changes });

describe('planStall', () => {
  it('opens an episode with attempt 1 for a server never seen, from when the stall was reported', () => {
    const plan = planStall(KEY, undefined, policy, at(T0, { stalledSince: T0 - 5 * MINUTE }));
    expect(plan).toMatchObject({ verdict: { kind: 'RETRY', attempt: 1 }, mustWrite: true });
    expect(plan.next).toMatchObject({ key: KEY, version: 1, episodeStartedAt: T0 - 5 * MINUTE, attemptTimes: [T0] });
  });

  it('claims attempt n+1 once the cooldown has passed, to the millisecond', () => {
    expect(planStall(KEY, entry(), policy, at(T0 + 30 * MINUTE - 1)).verdict).toEqual({ kind: 'COOLDOWN', attempts: 1, lastAttemptAt: T0, retryAfter: T0 + 30 * MINUTE });
    const plan = planStall(KEY, entry(), policy, at(T0 + 30 * MINUTE));
    expect(plan.verdict).toEqual({ kind: 'RETRY', attempt: 2 });
    expect(plan.next).toMatchObject({ version: 5, episodeStartedAt: T0, attemptTimes: [T0, T0 + 30 * MINUTE] });
  });

  it('gives the last retry its cooldown, then claims the one notice', () => {
    const spent = entry({ attemptTimes: [T0, T0 + 30 * MINUTE, T0 + HOUR] });
    expect(planStall(KEY, spent, policy, at(T0 + 80 * MINUTE)).verdict.kind).toBe('COOLDOWN');
    const plan = planStall(KEY, spent, policy, at(T0 + 90 * MINUTE));
    expect(plan).toMatchObject({ verdict: { kind: 'BUDGET_SPENT', attempts: 3, notice: 'SEND' }, escalate: 'BUDGET_SPENT', mustWrite: true });
    expect(plan.next?.escalation).toEqual({ kind: 'BUDGET_SPENT', state: 'PENDING', claimedAt: T0 + 90 * MINUTE, leaseUntil: T0 + 90 * MINUTE + ESCALATION_LEASE_MS });
  });

  it('does not send the notice again while it is being sent, nor after it was sent', () => {
    const spent = { attemptTimes: [T0, T0 + 30 * MINUTE, T0 + HOUR] };
    const claimed = entry({ ...spent, escalation: { kind: 'BUDGET_SPENT', state: 'PENDING', claimedAt: T0 + 2 * HOUR, leaseUntil: T0 + 2 * HOUR + ESCALATION_LEASE_MS } });
    expect(planStall(KEY, claimed, policy, at(T0 + 2 * HOUR + 1000))).toMatchObject({ verdict: { notice: 'SENDING' }, mustWrite: false });
    // A claim whose holder ran out of time is taken over.
    expect(planStall(KEY, claimed, policy, at(T0 + 2 * HOUR + ESCALATION_LEASE_MS))).toMatchObject({ verdict: { notice: 'SEND' }, escalate: 'BUDGET_SPENT' });
    const sent = entry({ ...spent, escalation: { kind: 'BUDGET_SPENT', state: 'SENT', claimedAt: T0 + 2 * HOUR, leaseUntil: 0, sentAt: T0 + 2 * HOUR } });
    expect(planStall(KEY, sent, policy, at(T0 + 9 * HOUR))).toMatchObject({ verdict: { notice: 'SENT', noticeTime: T0 + 2 * HOUR }, mustWrite: false });
  });

  it('keeps the episode, budget spent, however long the server stays stalled and whatever NOT_STALLED said', () => {
    const spent = entry({ attemptTimes: [T0, T0 + 30 * MINUTE, T0 + HOUR], escalation: { kind: 'BUDGET_SPENT', state: 'SENT', claimedAt: T0, leaseUntil: T0, sentAt: T0 + 2 * HOUR } });
    for (const later of [3 * HOUR, 7 * HOUR, 3 * 24 * HOUR, 25 * 24 * HOUR]) {
      expect(planStall(KEY, spent, policy, at(T0 + later)).verdict.kind).toBe('BUDGET_SPENT');
    }
  });

  it('starts a new episode, with a fresh budget, after one that ended with the server replicating', () => {
    const recovered = entry({ attemptTimes: [T0, T0 + 30 * MINUTE, T0 + HOUR], recoveredAt: T0 + 3 * HOUR, escalation: { kind: 'BUDGET_SPENT', state: 'SENT', claimedAt: T0, leaseUntil: T0, sentAt: T0 } });
    const plan = planStall(KEY, recovered, policy, at(T0 + 3 * HOUR + 5 * MINUTE));
    expect(plan.verdict).toEqual({ kind: 'RETRY', attempt: 1 });
    expect(plan.next).toMatchObject({ version: 5, episodeStartedAt: T0 + 3 * HOUR + 5 * MINUTE, attemptTimes: [T0 + 3 * HOUR + 5 * MINUTE] });
    expect(plan.next?.escalation).toBeUndefined();
    expect(plan.next?.recoveredAt).toBeUndefined();
  });

  it('ends an open episode on a snapshot taken after its last retry, and starts a new one', () => {
    const open = entry({ attemptTimes: [T0, T0 + 30 * MINUTE, T0 + HOUR] });
    const snapshot = T0 + 2 * HOUR;
    const plan = planStall(KEY, open, policy, at(T0 + 5 * HOUR, { lastSnapshotAt: snapshot }));
    expect(plan).toMatchObject({ verdict: { kind: 'RETRY', attempt: 1 }, endedEpisode: { attempts: 3, stallSeconds: 2 * 3600 } });
    // A snapshot from before the last retry proves nothing.
    expect(planStall(KEY, open, policy, at(T0 + 5 * HOUR, { lastSnapshotAt: T0 + 50 * MINUTE })).verdict.kind).toBe('BUDGET_SPENT');
  });

  it('escalates an episode that lasts too long without replicating, whatever its attempts', () => {
    expect(stillStalledAfterMs(policy)).toBe(2 * HOUR);
    expect(stillStalledAfterMs({ cooldownMinutes: 0, maxAttempts: 1 })).toBe(HOUR);
    // Every retry so far failed and was given back: no attempt counts, but two hours have passed.
    const failing = entry({ attemptTimes: [] });
    expect(planStall(KEY, failing, policy, at(T0 + 2 * HOUR - 1)).escalate).toBeUndefined();
    const plan = planStall(KEY, failing, policy, at(T0 + 2 * HOUR));
    expect(plan).toMatchObject({ verdict: { kind: 'RETRY', attempt: 1 }, escalate: 'STILL_STALLED' });
    expect(plan.next).toMatchObject({ attemptTimes: [T0 + 2 * HOUR], escalation: { kind: 'STILL_STALLED', state: 'PENDING' } });
  });

  it('gives a new episode its first retry before any notice, even from an old report', () => {
    expect(planStall(KEY, undefined, policy, at(T0, { stalledSince: T0 - 20 * HOUR })).escalate).toBeUndefined();
  });

  it('writes nothing for a skip, except a daily refresh of a long stall\'s expiry or a repair', () => {
    const fresh = entry();
    expect(planStall(KEY, fresh, policy, at(T0 + 10 * MINUTE))).toMatchObject({ mustWrite: false });
    expect(planStall(KEY, fresh, policy, at(T0 + 10 * MINUTE)).next).toBeUndefined();
    const dayOld = entry({ expiresAt: Math.floor((T0 - 24 * HOUR) / 1000) + OPEN_EPISODE_RETENTION_DAYS * 86_400 });
    expect(planStall(KEY, dayOld, policy, at(T0 + 10 * MINUTE))).toMatchObject({ mustWrite: false, next: { version: 5 } });
    expect(planStall(KEY, fresh, policy, at(T0 + 10 * MINUTE), true)).toMatchObject({ mustWrite: false, next: { version: 5 } });
  });
});

describe('transitions after the claim', () => {
  it('gives back only the attempt that was claimed', () => {
    const claimed = entry({ attemptTimes: [T0, T0 + HOUR] });
    expect(releaseAttempt(claimed, T0 + HOUR, T0 + HOUR)).toMatchObject({ version: 5, attemptTimes: [T0] });
    expect(releaseAttempt(claimed, T0 + 2 * HOUR, T0 + HOUR)).toBeUndefined();
  });

  it('claims a notice only when none is held or sent, and records it sent only from a claim', () => {
    const open = entry();
    const claimed = claimEscalation(open, 'ACCESS_DENIED', T0 + MINUTE);
    expect(claimed?.escalation).toMatchObject({ kind: 'ACCESS_DENIED', state: 'PENDING' });
    expect(claimEscalation(claimed as LedgerEntry, 'BUDGET_SPENT', T0 + MINUTE + ESCALATION_LEASE_MS - 1)).toBeUndefined();
    const claim = { claimedAt: T0 + MINUTE, episodeStartedAt: open.episodeStartedAt };
    const sent = markEscalationSent(claimed as LedgerEntry, claim, T0 + 2 * MINUTE, 'oi-0123456789ab');
    expect(sent).toMatchObject({ escalation: { state: 'SENT', sentAt: T0 + 2 * MINUTE }, opsItemId: 'oi-0123456789ab' });
    expect(markEscalationSent(sent as LedgerEntry, claim, T0 + 3 * MINUTE)).toBeUndefined();
    expect(markEscalationSent(open, claim, T0)).toBeUndefined();
  });

  it('records a notice as sent only for the claim that sent it: never another claim, nor another episode\'s', () => {
    const claimed = claimEscalation(entry(), 'NEEDS_PERSON', T0 + MINUTE) as LedgerEntry;
    expect(markEscalationSent(claimed, { claimedAt: T0 + 30_000, episodeStartedAt: claimed.episodeStartedAt }, T0 + 2 * MINUTE)).toBeUndefined();
    const nextEpisode = { ...claimed, episodeStartedAt: claimed.episodeStartedAt + HOUR };
    expect(markEscalationSent(nextEpisode, { claimedAt: T0 + MINUTE, episodeStartedAt: claimed.episodeStartedAt }, T0 + 2 * MINUTE)).toBeUndefined();
  });

  it('gives back a notice claim only to the invocation that holds it, as a notice owed at once, keeping its kind', () => {
    const claimed = claimEscalation(entry(), 'BUDGET_SPENT', T0 + MINUTE) as LedgerEntry;
    const claim = { claimedAt: T0 + MINUTE, episodeStartedAt: claimed.episodeStartedAt };
    const released = releaseEscalation(claimed, claim, T0 + 2 * MINUTE);
    expect(released?.escalation).toEqual({ kind: 'BUDGET_SPENT', state: 'PENDING', claimedAt: T0 + MINUTE, leaseUntil: T0 + 2 * MINUTE });
    expect(claimEscalation(released as LedgerEntry, 'BUDGET_SPENT', T0 + 2 * MINUTE)).toBeDefined();
    expect(releaseEscalation(claimed, { ...claim, claimedAt: T0 + 30_000 }, T0 + 2 * MINUTE)).toBeUndefined();
  });

  it('keeps the OpsItem recorded before the send when the claim is given back', () => {
    const claimed = claimEscalation(entry(), 'NEEDS_PERSON', T0 + MINUTE) as LedgerEntry;
    const claim = { claimedAt: T0 + MINUTE, episodeStartedAt: claimed.episodeStartedAt };
    const recorded = recordOpsItem(claimed, claim, 'oi-0123456789ab', T0 + MINUTE) as LedgerEntry;
    expect(releaseEscalation(recorded, claim, T0 + 2 * MINUTE)?.opsItemId).toBe('oi-0123456789ab');
    expect(recordOpsItem(recorded, claim, 'oi-0123456789ab', T0 + 2 * MINUTE)).toBeUndefined();
  });
});

describe('closeEpisode', () => {
  it('ends the open episode and measures the stall from its start to the recovery', () => {
    expect(closeEpisode(entry(), T0 + 45 * MINUTE, T0 + HOUR)).toMatchObject({ attempts: 1, stallSeconds: 2700, next: { recoveredAt: T0 + 45 * MINUTE, version: 5 } });
  });

  it('keeps an open episode\'s entry 400 days after its last write, an ended one 30', () => {
    expect(entry().expiresAt).toBe(Math.floor((T0 + HOUR) / 1000) + OPEN_EPISODE_RETENTION_DAYS * 86_400);
    expect(closeEpisode(entry(), T0 + HOUR, T0 + HOUR)?.next.expiresAt).toBe(Math.floor((T0 + HOUR) / 1000) + LEDGER_RETENTION_DAYS * 86_400);
  });

  it('has nothing to end for a server with no open episode', () => {
    expect(closeEpisode(undefined, T0, T0)).toBeUndefined();
    expect(closeEpisode(entry({ recoveredAt: T0 + MINUTE }), T0 + HOUR, T0 + HOUR)).toBeUndefined();
  });

  it('ends an episode at the decision time when the recovery was reported before the episode began', () => {
    expect(closeEpisode(entry(), T0 - MINUTE, T0 + 10 * MINUTE)).toMatchObject({ stallSeconds: 600, next: { recoveredAt: T0 + 10 * MINUTE } });
  });
});

describe('trustedEventTime', () => {
  it.each<[string, number | undefined, number, string | undefined]>([
    ['no event time', undefined, T0, undefined],
    ['an hour old', T0 - HOUR, T0 - HOUR, undefined],
    ['24 h old', T0 - 24 * HOUR, T0 - 24 * HOUR, undefined],
    ['more than 24 h old', T0 - 24 * HOUR - 1, T0, 'more than 24 h old'],
    ['5 min ahead', T0 + 5 * MINUTE, T0 + 5 * MINUTE, undefined],
    ['more than 5 min ahead', T0 + 5 * MINUTE + 1, T0, 'in the future'],
  ])('%s', (_name, eventTime, time, ignored) => {
    const trusted = trustedEventTime(eventTime, T0);
    expect(trusted.time).toBe(time);
    if (ignored === undefined) expect(trusted.ignored).toBeUndefined();
    else expect(trusted.ignored).toContain(ignored);
  });
});
