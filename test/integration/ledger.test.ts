import { performance } from 'node:perf_hooks';
import { claimStall, updateEntry, type LedgerAccess, type StallClaim } from '../../lambda/retry-stalled-replication/attempt-ledger';
import { queryOpenEpisodes } from '../../lambda/retry-stalled-replication/aws/ledger-api';
import {
  LEDGER_RETENTION_DAYS,
  OPEN_EPISODE_RETENTION_DAYS,
  closeEpisode,
  releaseAttempt,
  releaseEscalation,
  type LedgerEntry,
} from '../../lambda/retry-stalled-replication/decide/stall-episode';
import { startLocalDynamoDB, type LocalDynamoDB } from '../../tools/local-dynamodb/local-dynamodb';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const MINUTE = 60_000;
const ACCOUNT = '111122223333';

let dynamodb: LocalDynamoDB;
let serverNumber = 0;
/** A fresh ledger key per test, so tests share one dynalite without sharing state. */
let key: string;

beforeAll(async () => {
  dynamodb = await startLocalDynamoDB();
  // The ledger adapter's real DynamoDBClient finds dynalite through the standard variable.
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = dynamodb.endpoint;
});
afterAll(() => dynamodb.stop());
beforeEach(() => {
  serverNumber += 1;
  key = `${ACCOUNT}#s-${String(serverNumber).padStart(17, '0')}`;
});

const ledger = (cooldownMinutes = 30, maxAttempts = 3): LedgerAccess => ({ tableName: dynamodb.tableName, policy: { cooldownMinutes, maxAttempts } });
const soon = (): number => performance.now() + 10_000;
const claim = (access: LedgerAccess, now: number): Promise<StallClaim> => claimStall(access, key, { now, stalledSince: now }, soon(), false);
const kinds = (claims: StallClaim[]): Record<string, number> =>
  claims.reduce<Record<string, number>>((count, { plan }) => ({ ...count, [plan.verdict.kind]: (count[plan.verdict.kind] ?? 0) + 1 }), {});

async function storedItem(): Promise<Record<string, unknown> | undefined> {
  return (await dynamodb.items()).find((item) => item['pk']?.S === key);
}

describe('the attempt ledger on dynalite', () => {
  it('lets exactly one of 50 concurrent claims for one server win', async () => {
    const claims = await Promise.all(Array.from({ length: 50 }, () => claim(ledger(), T0)));
    expect(kinds(claims)).toEqual({ RETRY: 1, COOLDOWN: 49 });
    expect((await storedItem())?.['attemptTimes']).toEqual({ L: [{ N: String(T0) }] });
  });

  it('with no cooldown, 50 concurrent claims spend the budget exactly and claim the notice once', async () => {
    const claims = await Promise.all(Array.from({ length: 50 }, () => claim(ledger(0, 3), T0)));
    expect(kinds(claims)).toEqual({ RETRY: 3, BUDGET_SPENT: 47 });
    expect(claims.filter(({ plan }) => plan.escalate === 'BUDGET_SPENT')).toHaveLength(1);
    expect(claims.flatMap(({ plan }) => (plan.verdict.kind === 'RETRY' ? [plan.verdict.attempt] : [])).sort()).toEqual([1, 2, 3]);
  });

  it('gives back a claimed attempt, so the next try is not in cooldown', async () => {
    const { stored } = await claim(ledger(), T0);
    const { changed } = await updateEntry(ledger(), key, (entry) => (entry ? releaseAttempt(entry, T0, T0 + 1) : undefined), T0 + 1, soon(), stored);
    expect(changed).toBe(true);
    expect((await claim(ledger(), T0 + 2)).plan.verdict).toEqual({ kind: 'RETRY', attempt: 1 });
  });

  it('applies a change to the entry as it is now when another decision moved it on meanwhile', async () => {
    const first = await claim(ledger(0, 3), T0);
    await claim(ledger(0, 3), T0 + 1);
    // Starting from the stale entry, the write loses the race, reads again and gives back the right attempt.
    const { entry, changed } = await updateEntry(ledger(0, 3), key, (current) => (current ? releaseAttempt(current, T0, T0 + 2) : undefined), T0 + 2, soon(), first.stored);
    expect(changed).toBe(true);
    expect(entry?.attemptTimes).toEqual([T0 + 1]);
  });

  it('gives a notice claim back only to its holder', async () => {
    await claim(ledger(0, 1), T0);
    const { plan, stored } = await claim(ledger(0, 1), T0 + 1);
    expect(plan.escalate).toBe('BUDGET_SPENT');
    const held = { claimedAt: (stored as LedgerEntry).escalation?.claimedAt ?? 0, episodeStartedAt: (stored as LedgerEntry).episodeStartedAt };
    const { changed } = await updateEntry(ledger(0, 1), key, (entry) => (entry ? releaseEscalation(entry, held, T0 + 2) : undefined), T0 + 2, soon(), stored);
    expect(changed).toBe(true);
    expect((await claim(ledger(0, 1), T0 + 3)).plan.escalate).toBe('BUDGET_SPENT');
  });

  it('lists the open episodes of an account from the index, and no ended one', async () => {
    const { stored } = await claim(ledger(), T0);
    expect(await queryOpenEpisodes(dynamodb.tableName, ACCOUNT, soon())).toContain(key.split('#')[1]);
    await updateEntry(ledger(), key, (entry) => closeEpisode(entry, T0 + MINUTE, T0 + MINUTE)?.next, T0 + MINUTE, soon(), stored);
    expect(await queryOpenEpisodes(dynamodb.tableName, ACCOUNT, soon())).not.toContain(key.split('#')[1]);
    expect(await queryOpenEpisodes(dynamodb.tableName, '999999999999', soon())).toEqual(new Set());
  });

  it('replaces an item without a version, or with a string version, through a write conditioned on it as stored', async () => {
    await dynamodb.putItem({ pk: { S: key }, episodeStartedAt: { N: String(T0) }, attemptTimes: { L: [] } });
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => claim(ledger(), T0)));
    expect(kinds(concurrent)).toEqual({ RETRY: 1, COOLDOWN: 9 });
    expect((await storedItem())?.['version']).toEqual({ N: '1' });
    serverNumber += 1;
    key = `${ACCOUNT}#s-${String(serverNumber).padStart(17, '0')}`;
    await dynamodb.putItem({ pk: { S: key }, version: { S: '8' }, episodeStartedAt: { N: String(T0) }, attemptTimes: { L: [] } });
    expect((await claim(ledger(), T0)).plan.verdict).toEqual({ kind: 'RETRY', attempt: 1 });
    expect((await storedItem())?.['version']).toEqual({ N: '9' });
  });

  it('sets the TTL attribute: an open episode 400 days after its last write, an ended one 30', async () => {
    const { stored } = await claim(ledger(), T0);
    expect((await storedItem())?.['expiresAt']).toEqual({ N: String(T0 / 1000 + OPEN_EPISODE_RETENTION_DAYS * 86_400) });
    await updateEntry(ledger(), key, (entry) => closeEpisode(entry, T0 + MINUTE, T0 + MINUTE)?.next, T0 + MINUTE, soon(), stored);
    expect((await storedItem())?.['expiresAt']).toEqual({ N: String((T0 + MINUTE) / 1000 + LEDGER_RETENTION_DAYS * 86_400) });
  });
});
