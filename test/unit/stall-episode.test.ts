import {
  EPISODE_GAP_MS,
  LEDGER_RETENTION_DAYS,
  SEEN_REFRESH_MS,
  planAttempt,
  planRecovery,
  releaseAttempt,
  releaseEscalation,
  type LedgerEntry,
} from '../../lambda/retry-stalled-replication/stall-episode';

const KEY = '111122223333#s-1234567890abcdef0';
const T0 = Date.parse('2026-11-25T10:00:00Z');
const MINUTE = 60_000;
const policy = { cooldownMinutes: 30, maxAttempts: 3 };

function openEpisode(attemptTimes: number[], changes: Partial<LedgerEntry> = {}): LedgerEntry {
  return { key: KEY, version: attemptTimes.length, episodeStartedAt: T0, attemptTimes, expiresAt: 0, ...changes };
}

describe('planAttempt', () => {
  it('opens an episode with attempt 1 for a server never seen', () => {
    expect(planAttempt(KEY, undefined, policy, T0)).toEqual({
      kind: 'CLAIM',
      attempt: 1,
      next: { key: KEY, version: 1, episodeStartedAt: T0, attemptTimes: [T0], lastSeenStalledAt: T0, expiresAt: T0 / 1000 + LEDGER_RETENTION_DAYS * 86_400 },
    });
  });

  it('counts a new episode from when the stall was reported, not from when it was acted on', () => {
    expect(planAttempt(KEY, undefined, policy, T0, T0 - 5 * MINUTE)).toMatchObject({ next: { episodeStartedAt: T0 - 5 * MINUTE, attemptTimes: [T0] } });
  });

  it('opens a fresh episode with a fresh budget once a recovery has lasted the episode gap', () => {
    const recovered = openEpisode([T0, T0 + 30 * MINUTE, T0 + 60 * MINUTE], { escalatedAt: T0, recoveredAt: T0 + 90 * MINUTE, version: 5 });
    const now = T0 + 90 * MINUTE + EPISODE_GAP_MS + 1;
    const plan = planAttempt(KEY, recovered, policy, now);
    expect(plan).toMatchObject({ kind: 'CLAIM', attempt: 1, next: { version: 6, episodeStartedAt: now, attemptTimes: [now] } });
    expect(plan.kind === 'CLAIM' && 'escalatedAt' in plan.next).toBe(false);
    expect(plan.kind === 'CLAIM' && 'recoveredAt' in plan.next).toBe(false);
  });

  it('continues the episode, budget and all, when the server stalls again soon after a NOT_STALLED', () => {
    // A retry itself ends the stall for a while (INITIATING): its NOT_STALLED must not refill the budget.
    const flapping = openEpisode([T0, T0 + 30 * MINUTE], { recoveredAt: T0 + 35 * MINUTE, version: 3 });
    const plan = planAttempt(KEY, flapping, policy, T0 + 70 * MINUTE);
    expect(plan).toMatchObject({ kind: 'CLAIM', attempt: 3, next: { version: 4, episodeStartedAt: T0 } });
    expect(plan.kind === 'CLAIM' && 'recoveredAt' in plan.next).toBe(false);
    const spent = openEpisode([T0, T0 + 1, T0 + 2], { escalatedAt: T0 + 3, recoveredAt: T0 + 4 });
    expect(planAttempt(KEY, spent, policy, T0 + 60 * MINUTE)).toMatchObject({ kind: 'BUDGET_EXHAUSTED' });
  });

  it('starts a new episode when the server was not seen stalled for the episode gap (a lost NOT_STALLED)', () => {
    const forgotten = openEpisode([T0, T0 + 1, T0 + 2], { escalatedAt: T0 + 3, lastSeenStalledAt: T0 + 10 * MINUTE });
    expect(planAttempt(KEY, forgotten, policy, T0 + 10 * MINUTE + EPISODE_GAP_MS).kind).toBe('BUDGET_EXHAUSTED');
    expect(planAttempt(KEY, forgotten, policy, T0 + 10 * MINUTE + EPISODE_GAP_MS + 1)).toMatchObject({ kind: 'CLAIM', attempt: 1 });
  });

  it('refreshes lastSeenStalledAt on a skipped decision at most once per refresh period', () => {
    const entry = openEpisode([T0], { lastSeenStalledAt: T0 });
    expect(planAttempt(KEY, entry, policy, T0 + SEEN_REFRESH_MS - 1)).not.toHaveProperty('touch');
    expect(planAttempt(KEY, entry, policy, T0 + SEEN_REFRESH_MS)).toMatchObject({
      kind: 'COOLDOWN', touch: { lastSeenStalledAt: T0 + SEEN_REFRESH_MS, version: entry.version + 1 },
    });
  });

  it.each([
    ['one millisecond before the cooldown ends', 30 * MINUTE - 1, 'COOLDOWN'],
    ['exactly when the cooldown ends', 30 * MINUTE, 'CLAIM'],
    ['long after', 300 * MINUTE, 'CLAIM'],
  ])('after one attempt, %s: %s', (_when, elapsed, kind) => {
    expect(planAttempt(KEY, openEpisode([T0]), policy, T0 + elapsed).kind).toBe(kind);
  });

  it('reports when the cooldown ends', () => {
    expect(planAttempt(KEY, openEpisode([T0]), policy, T0 + MINUTE)).toEqual({
      kind: 'COOLDOWN', attempts: 1, lastAttemptAt: T0, retryAfter: T0 + 30 * MINUTE,
    });
  });

  it('claims attempt n+1 and keeps the episode start', () => {
    const plan = planAttempt(KEY, openEpisode([T0, T0 + 30 * MINUTE]), policy, T0 + 60 * MINUTE);
    expect(plan).toMatchObject({ kind: 'CLAIM', attempt: 3, next: { version: 3, episodeStartedAt: T0, attemptTimes: [T0, T0 + 30 * MINUTE, T0 + 60 * MINUTE] } });
  });

  it('allows back-to-back attempts with a cooldown of 0', () => {
    expect(planAttempt(KEY, openEpisode([T0]), { cooldownMinutes: 0, maxAttempts: 3 }, T0).kind).toBe('CLAIM');
  });

  it.each([1, 2, 3, 5])('stops at maxAttempts = %i and asks for the escalation once', (maxAttempts) => {
    const times = Array.from({ length: maxAttempts }, (_, index) => T0 + index * 30 * MINUTE);
    const now = T0 + (maxAttempts - 1) * 30 * MINUTE + 31 * MINUTE;
    const spent = planAttempt(KEY, openEpisode(times), { cooldownMinutes: 30, maxAttempts }, now);
    expect(spent).toMatchObject({ kind: 'BUDGET_EXHAUSTED', next: { escalatedAt: now, version: maxAttempts + 1 } });
    const escalated = openEpisode(times, { escalatedAt: now });
    expect(planAttempt(KEY, escalated, { cooldownMinutes: 30, maxAttempts }, now + MINUTE)).toEqual({ kind: 'BUDGET_EXHAUSTED', entry: escalated });
  });

  it('gives the last retry its cooldown before declaring the budget spent', () => {
    const lastAllowed = openEpisode([T0, T0 + 30 * MINUTE, T0 + 60 * MINUTE]);
    expect(planAttempt(KEY, lastAllowed, policy, T0 + 61 * MINUTE)).toMatchObject({ kind: 'COOLDOWN', attempts: 3 });
    expect(planAttempt(KEY, lastAllowed, policy, T0 + 90 * MINUTE)).toMatchObject({ kind: 'BUDGET_EXHAUSTED' });
  });

  it('does not count a released attempt against cooldown or budget', () => {
    const claimed = openEpisode([T0, T0 + 30 * MINUTE]);
    const released = releaseAttempt(claimed, T0 + 31 * MINUTE);
    expect(released).toMatchObject({ version: 3, attemptTimes: [T0] });
    expect(planAttempt(KEY, released, policy, T0 + 31 * MINUTE)).toMatchObject({ kind: 'CLAIM', attempt: 2 });
  });
});

describe('releaseEscalation', () => {
  it('removes the escalation claim so a later try sends it', () => {
    const claimed = openEpisode([T0, T0 + 1, T0 + 2], { escalatedAt: T0 + 3 });
    const released = releaseEscalation(claimed, T0 + 4);
    expect('escalatedAt' in released).toBe(false);
    expect(released.version).toBe(claimed.version + 1);
  });
});

describe('planRecovery', () => {
  it('closes the open episode and measures the stall from its start to the event', () => {
    const plan = planRecovery(openEpisode([T0, T0 + 30 * MINUTE]), T0 + 45 * MINUTE, T0 + 46 * MINUTE);
    expect(plan).toMatchObject({ kind: 'CLOSE', attempts: 2, stallSeconds: 45 * 60, next: { recoveredAt: T0 + 46 * MINUTE, version: 3 } });
  });

  it('has nothing to close for a server never retried or already recovered', () => {
    expect(planRecovery(undefined, T0, T0)).toEqual({ kind: 'NO_OPEN_EPISODE' });
    expect(planRecovery(openEpisode([T0], { recoveredAt: T0 + MINUTE }), T0 + 2 * MINUTE, T0 + 2 * MINUTE)).toEqual({ kind: 'NO_OPEN_EPISODE' });
  });

  it('ignores a NOT_STALLED that happened before the open episode began', () => {
    expect(planRecovery(openEpisode([T0]), T0 - 5 * MINUTE, T0 + MINUTE)).toEqual({ kind: 'STALE', episodeStartedAt: T0 });
  });

  it('accepts an event time in whole seconds within the episode\'s first second', () => {
    const entry = openEpisode([T0 + 400], { episodeStartedAt: T0 + 400 });
    expect(planRecovery(entry, T0, T0 + 1000).kind).toBe('CLOSE');
  });
});
