import {
  claimAttempt,
  closeEpisode,
  releaseClaim,
  releaseEscalationClaim,
  type ClaimResult,
} from '../../lambda/retry-stalled-replication/attempt-ledger';
import { EPISODE_GAP_MS, LEDGER_RETENTION_DAYS } from '../../lambda/retry-stalled-replication/stall-episode';
import { startLocalDynamoDB, type LocalDynamoDB } from '../../tools/local-dynamodb/local-dynamodb';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const MINUTE = 60_000;
const defaults = { cooldownMinutes: 30, maxAttempts: 3 };

let dynamodb: LocalDynamoDB;
let table: string;
let serverNumber = 0;
/** A fresh ledger key per test, so tests share one dynalite without sharing state. */
let key: string;

beforeAll(async () => {
  dynamodb = await startLocalDynamoDB();
  table = dynamodb.tableName;
  // The ledger adapter's real DynamoDBClient finds dynalite through the standard variable.
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = dynamodb.endpoint;
});
afterAll(() => dynamodb.stop());
beforeEach(() => {
  serverNumber += 1;
  key = `111122223333#s-${String(serverNumber).padStart(17, '0')}`;
});

const kinds = (results: ClaimResult[]): Record<string, number> =>
  results.reduce<Record<string, number>>((count, result) => ({ ...count, [result.kind]: (count[result.kind] ?? 0) + 1 }), {});

async function storedItem(): Promise<Record<string, unknown> | undefined> {
  return (await dynamodb.items()).find((item) => item['pk']?.S === key);
}

describe('the attempt ledger on dynalite', () => {
  it('lets exactly one of 50 concurrent claims for one server win', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => claimAttempt(table, key, defaults, T0)));
    expect(kinds(results)).toEqual({ CLAIMED: 1, COOLDOWN: 49 });
    expect((await storedItem())?.['attemptTimes']).toEqual({ L: [{ N: String(T0) }] });
  });

  it('with no cooldown, 50 concurrent claims spend the budget exactly and escalate once', async () => {
    const policy = { cooldownMinutes: 0, maxAttempts: 3 };
    const results = await Promise.all(Array.from({ length: 50 }, () => claimAttempt(table, key, policy, T0)));
    expect(kinds(results)).toEqual({ CLAIMED: 3, BUDGET_EXHAUSTED: 47 });
    expect(results.filter((result) => result.kind === 'BUDGET_EXHAUSTED' && result.escalationClaimed !== undefined)).toHaveLength(1);
    expect(results.filter((result) => result.kind === 'CLAIMED').map((result) => result.attempt).sort()).toEqual([1, 2, 3]);
  });

  it('refuses a claim until the cooldown has passed, to the millisecond', async () => {
    expect((await claimAttempt(table, key, defaults, T0)).kind).toBe('CLAIMED');
    expect(await claimAttempt(table, key, defaults, T0 + 30 * MINUTE - 1)).toEqual({
      kind: 'COOLDOWN', attempts: 1, lastAttemptAt: T0, retryAfter: T0 + 30 * MINUTE,
    });
    expect(await claimAttempt(table, key, defaults, T0 + 30 * MINUTE)).toMatchObject({ kind: 'CLAIMED', attempt: 2 });
  });

  it('stops at the budget and claims the escalation exactly once', async () => {
    const policy = { cooldownMinutes: 30, maxAttempts: 2 };
    expect(await claimAttempt(table, key, policy, T0)).toMatchObject({ kind: 'CLAIMED', attempt: 1 });
    expect(await claimAttempt(table, key, policy, T0 + 30 * MINUTE)).toMatchObject({ kind: 'CLAIMED', attempt: 2 });
    const first = await claimAttempt(table, key, policy, T0 + 60 * MINUTE);
    expect(first).toMatchObject({ kind: 'BUDGET_EXHAUSTED', escalationClaimed: { escalatedAt: T0 + 60 * MINUTE } });
    const later = await Promise.all(Array.from({ length: 10 }, () => claimAttempt(table, key, policy, T0 + 90 * MINUTE)));
    expect(later.every((result) => result.kind === 'BUDGET_EXHAUSTED' && result.escalationClaimed === undefined)).toBe(true);
  });

  it('gives back a claim whose retry failed, so the next try is not in cooldown', async () => {
    const claim = await claimAttempt(table, key, defaults, T0);
    if (claim.kind !== 'CLAIMED') throw new Error('expected a claim');
    expect(await releaseClaim(table, claim.claimed, T0 + 1)).toBe(true);
    expect(await claimAttempt(table, key, defaults, T0 + 2)).toMatchObject({ kind: 'CLAIMED', attempt: 1 });
  });

  it('gives back an escalation whose notification failed, so the next try sends it', async () => {
    const policy = { cooldownMinutes: 0, maxAttempts: 1 };
    await claimAttempt(table, key, policy, T0);
    const exhausted = await claimAttempt(table, key, policy, T0 + 1);
    if (exhausted.kind !== 'BUDGET_EXHAUSTED' || exhausted.escalationClaimed === undefined) throw new Error('expected the escalation');
    expect(await releaseEscalationClaim(table, exhausted.escalationClaimed, T0 + 2)).toBe(true);
    expect(await claimAttempt(table, key, policy, T0 + 3)).toMatchObject({ kind: 'BUDGET_EXHAUSTED', escalationClaimed: { escalatedAt: T0 + 3 } });
  });

  it('does not release a claim the entry has moved past', async () => {
    const policy = { cooldownMinutes: 0, maxAttempts: 3 };
    const first = await claimAttempt(table, key, policy, T0);
    await claimAttempt(table, key, policy, T0 + 1);
    if (first.kind !== 'CLAIMED') throw new Error('expected a claim');
    expect(await releaseClaim(table, first.claimed, T0 + 2)).toBe(false);
  });

  it('closes the episode on recovery; a stall soon after continues it, one after a quiet period starts afresh', async () => {
    const policy = { cooldownMinutes: 0, maxAttempts: 2 };
    await claimAttempt(table, key, policy, T0);
    await claimAttempt(table, key, policy, T0 + MINUTE);
    expect((await claimAttempt(table, key, policy, T0 + 2 * MINUTE)).kind).toBe('BUDGET_EXHAUSTED');
    expect(await closeEpisode(table, key, T0 + 10 * MINUTE, T0 + 10 * MINUTE + 500)).toMatchObject({
      kind: 'CLOSED', attempts: 2, stallSeconds: 600,
    });
    expect(await closeEpisode(table, key, T0 + 11 * MINUTE, T0 + 11 * MINUTE)).toEqual({ kind: 'NO_OPEN_EPISODE' });
    // Back within the episode gap: the same trouble, the same spent budget, no second notification.
    expect(await claimAttempt(table, key, policy, T0 + 20 * MINUTE)).toEqual({ kind: 'BUDGET_EXHAUSTED', entry: expect.objectContaining({ escalatedAt: T0 + 2 * MINUTE }) as object });
    await closeEpisode(table, key, T0 + 25 * MINUTE, T0 + 25 * MINUTE);
    const later = T0 + 25 * MINUTE + EPISODE_GAP_MS + 1;
    const fresh = await claimAttempt(table, key, policy, later);
    expect(fresh).toMatchObject({ kind: 'CLAIMED', attempt: 1, claimed: { episodeStartedAt: later } });
    expect((await storedItem())?.['escalatedAt']).toBeUndefined();
  });

  it('records that a skipped server is still stalled, so its episode stays open', async () => {
    await claimAttempt(table, key, defaults, T0);
    await claimAttempt(table, key, defaults, T0 + 20 * MINUTE);
    expect((await storedItem())?.['lastSeenStalledAt']).toEqual({ N: String(T0 + 20 * MINUTE) });
  });

  it('sets the TTL attribute to the retention period after the last write', async () => {
    await claimAttempt(table, key, defaults, T0);
    expect((await storedItem())?.['expiresAt']).toEqual({ N: String(T0 / 1000 + LEDGER_RETENTION_DAYS * 86_400) });
  });
});
