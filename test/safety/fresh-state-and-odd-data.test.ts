import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction } from '../../tools/bundle-runner/bundled-function';
import { LOCAL_ACCOUNT } from '../../tools/local-aws/local-aws';
import { MINUTE, Simulation, decisions, outcomeOf, outcomesOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// Decisions act on state read just before acting, and on ledger items of any shape: a cutover or
// an opt-out that begins while a sweep works is respected, and a hand-written, old or damaged
// ledger item is repaired once and the server decided normally. On the synthesized bundle.
jest.setTimeout(180_000);

const { A, B, C } = TEST_SERVERS;
let sim: Simulation;

stopSimulationsAfterEach();

describe('decisions use state read just before acting', () => {
  it('a cutover or an opt-out that begins after the sweep read its page is respected', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A), stalledServer(B), stalledServer(C)]);
    sim.local.mgn.afterCall = (call) => {
      const filters = (call.body as { filters?: { isArchived?: boolean } }).filters;
      if (call.operation !== 'DescribeSourceServers' || filters?.isArchived !== false) return;
      // Between the page read and the decisions: a cutover starts, an owner opts out.
      sim.setServer(B, { lifeCycleState: 'CUTTING_OVER' });
      sim.setServer(C, { tags: { 'mgn-stall-retry': 'off' } });
    };
    const sweep = await sim.sweep();
    expect(outcomesOf(sweep)).toEqual(['RETRIED', 'SKIPPED_LIFECYCLE', 'SKIPPED_OPTED_OUT']);
    expect(decisions(sweep).find((line) => line['sourceServerID'] === B)).toMatchObject({ outcome: 'SKIPPED_LIFECYCLE', lifeCycleState: 'CUTTING_OVER' });
    expect(sim.local.mgn.acceptedRetries()).toEqual([A]);
    // The stalled servers of the page were read again in one call, by ID.
    const rereads = sim.local.mgn.calls.filter((call) => (call.body as { filters?: { sourceServerIDs?: string[] } }).filters?.sourceServerIDs !== undefined);
    expect(rereads).toHaveLength(1);
    expect((rereads[0]?.body as { filters: { sourceServerIDs: string[] } }).filters.sourceServerIDs).toEqual([A, B, C]);
  });
});

describe('a malformed ledger item is logged once and replaced by a valid one', () => {
  const now = (): number => sim.now;
  const cases: [string, () => Record<string, AttributeValue>, string][] = [
    ['version missing', () => ({ episodeStartedAt: { N: String(now() - 2 * 60 * MINUTE) }, attemptTimes: { L: [] } }), 'RETRIED'],
    ['version a string', () => ({ version: { S: '3' }, episodeStartedAt: { N: String(now()) }, attemptTimes: { L: [] } }), 'RETRIED'],
    // (episodeStartedAt as a string cannot be written at all: it is a key of the open-episodes index.)
    ['numbers stored as strings', () => ({ version: { N: '2' }, episodeStartedAt: { N: String(now() - 3 * 60 * MINUTE) }, attemptTimes: { L: [{ S: String(now() - 2 * 60 * MINUTE) }] }, recoveredAt: { S: 'soon' } }), 'RETRIED'],
    ['attempts unreadable: counted as spent', () => ({ version: { N: '1' }, episodeStartedAt: { N: String(now()) }, attemptTimes: { S: 'lots' } }), 'SKIPPED_COOLDOWN'],
    ['an unknown escalation state', () => ({ version: { N: '4' }, episodeStartedAt: { N: String(now()) }, attemptTimes: { L: [] }, escalationState: { S: 'MAYBE' } }), 'RETRIED'],
  ];

  it.each(cases)('%s: the server is decided, the item rewritten valid, the warning logged once', async (_name, item, expected) => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    await sim.local.dynamodb.putItem({ pk: { S: `${LOCAL_ACCOUNT}#${A}` }, ...item() });
    const first = await sim.stall(A);
    expect(outcomeOf(first)).toBe(expected);
    expect(first.lines.filter((line) => line.includes('malformed ledger item'))).toHaveLength(1);
    const [stored] = await sim.local.dynamodb.items();
    expect(stored?.['version']?.N).toMatch(/^\d+$/);
    expect(stored?.['attemptTimes']?.L?.every((value) => value.N !== undefined)).toBe(true);
    sim.local.mgn.advance();
    sim.advance(MINUTE);
    const second = await sim.stall(A);
    expect(second.ok).toBe(true);
    expect(second.lines.filter((line) => line.includes('malformed ledger item'))).toHaveLength(0);
  });

  it('reads an entry of the first version as it was written, without a warning', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    const started = sim.now - 3 * 60 * MINUTE;
    await sim.local.dynamodb.putItem({
      pk: { S: `${LOCAL_ACCOUNT}#${A}` }, version: { N: '5' }, episodeStartedAt: { N: String(started) },
      attemptTimes: { L: [0, 1, 2].map((index) => ({ N: String(started + index * 30 * MINUTE) })) },
      escalatedAt: { N: String(started + 90 * MINUTE) }, lastSeenStalledAt: { N: String(sim.now) }, expiresAt: { N: '1' },
    });
    const decided = await sim.stall(A);
    expect(decisions(decided)[0]?.['reason']).toMatch(/3 of 3 retries spent .* the notification was sent at/);
    expect(decided.lines.filter((line) => line.includes('malformed ledger item'))).toHaveLength(0);
    expect(sim.notices()).toHaveLength(0);
  });

  it('says in the episode\'s notice that its entry was repaired', async () => {
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, cooldownMinutes: 0 }), [stalledServer(A)]);
    await sim.local.dynamodb.putItem({ pk: { S: `${LOCAL_ACCOUNT}#${A}` }, version: { S: 'x' }, episodeStartedAt: { N: String(sim.now) } });
    expect(outcomeOf(await sim.stall(A))).toBe('SKIPPED_BUDGET_EXHAUSTED');
    expect(sim.notices(A)).toHaveLength(1);
    expect(sim.notices(A)[0]?.message).toMatch(/ledger entry was malformed and was repaired/);
  });
});
