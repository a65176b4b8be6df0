import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction, type BundledFunction } from '../../tools/bundle-runner/bundled-function';
import { LOCAL_ACCOUNT } from '../../tools/local-aws/local-aws';
import { DAY, HOUR, MINUTE, Simulation, decisions, outcomeOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// Ledger edges on the synthesized bundle: lost answers with throttled retries, implausible leases and
// times, entries of the first version.
jest.setTimeout(300_000);

const THROTTLED = { kind: 'error', status: 400, errorType: 'ProvisionedThroughputExceededException' } as const;
const { A } = TEST_SERVERS;
let oneRetry: BundledFunction;
let sim: Simulation;

beforeAll(() => {
  oneRetry = synthesizeBundledFunction({ ...DEFAULT_CONFIG, maxAttempts: 1 });
});
stopSimulationsAfterEach();

describe('a claim applied, its answer lost, and the SDK\'s retry of it throttled', () => {
  it('recognises itself and makes the retry it claimed', async () => {
    sim = await Simulation.start(oneRetry, [stalledServer(A)]);
    // The claim PutItem is applied but its answer is lost; the SDK's two retries of it are throttled.
    sim.faults.dynamodb.add({ operation: 'PutItem', action: { kind: 'drop-response' }, count: 1 });
    sim.faults.dynamodb.add({ operation: 'PutItem', action: THROTTLED, count: 2 });
    const event = sim.stallEvent(A);
    const first = await sim.invoke(event);
    sim.faults.dynamodb.clear();
    sim.advance(MINUTE);
    const redelivered = await sim.invoke(event);
    const outcomes = [outcomeOf(first), outcomeOf(redelivered)];
    // The claim recognises itself: the retry it claimed is made at once, and the redelivery finds it made.
    expect({ retryCalls: sim.retryCalls(A), outcomes }).toEqual({ retryCalls: 1, outcomes: ['RETRIED', 'SKIPPED_NOT_STALLED'] });
  });
});

describe('escalation claim with an implausible lease', () => {
  it('a PENDING claim whose lease runs for years keeps the notice from ever going out', async () => {
    sim = await Simulation.start(oneRetry, [stalledServer(A)]);
    const started = sim.now - 3 * HOUR;
    await sim.local.dynamodb.putItem({
      pk: { S: `${LOCAL_ACCOUNT}#${A}` },
      version: { N: '4' },
      openEpisodeAccount: { S: LOCAL_ACCOUNT },
      episodeStartedAt: { N: String(started) },
      attemptTimes: { L: [{ N: String(started + 10 * MINUTE) }] },
      escalationKind: { S: 'BUDGET_SPENT' },
      escalationState: { S: 'PENDING' },
      escalationClaimedAt: { N: String(started + 60 * MINUTE) },
      // A lease that runs 10 years: no invocation could ever have written it (the lease is 60 s).
      escalationLeaseUntil: { N: String(sim.now + 3650 * DAY) },
      expiresAt: { N: String(Math.floor(sim.now / 1000) + 400 * 86_400) },
    });
    const reasons: string[] = [];
    for (let day = 0; day < 3; day += 1) {
      const sweep = await sim.sweep();
      reasons.push(String(decisions(sweep)[0]?.['reason']));
      sim.advance(DAY);
    }
    expect(sim.notices(A)).toHaveLength(1);
    expect(reasons.join('\n')).not.toMatch(/another invocation is sending/);
  });
});

describe('plausible times', () => {
  it('an attempt time 23 h ahead of the clock holds the server in cooldown for a day (snapshots get only 5 min of skew)', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    await sim.local.dynamodb.putItem({
      pk: { S: `${LOCAL_ACCOUNT}#${A}` }, version: { N: '1' }, openEpisodeAccount: { S: LOCAL_ACCOUNT },
      episodeStartedAt: { N: String(sim.now - 10 * MINUTE) }, attemptTimes: { L: [{ N: String(sim.now + 23 * HOUR) }] },
      expiresAt: { N: String(Math.floor(sim.now / 1000) + 400 * 86_400) },
    });
    const outcomes: string[] = [];
    for (let step = 0; step < 4; step += 1) {
      outcomes.push(outcomeOf(await sim.stall(A)));
      sim.local.mgn.advance();
      sim.advance(HOUR);
    }
    expect(sim.retryCalls(A)).toBeGreaterThan(0);
  });
});

describe('backfill of entries from the previous version (no openEpisodeAccount)', () => {
  it('an old open episode is indexed by the first sweep and ended when the server replicates', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.setServer(A, { replicationState: 'CONTINUOUS' });
    await sim.local.dynamodb.putItem({
      pk: { S: `${LOCAL_ACCOUNT}#${A}` }, version: { N: '3' }, episodeStartedAt: { N: String(sim.now - 5 * HOUR) },
      attemptTimes: { L: [{ N: String(sim.now - 4 * HOUR) }] }, expiresAt: { N: String(Math.floor(sim.now / 1000) + 30 * 86_400) },
    });
    const sweep = await sim.sweep();
    expect(outcomeOf(sweep)).toBe('RECOVERED');
    const item = (await sim.local.dynamodb.items()).find((entry) => entry['pk']?.S === `${LOCAL_ACCOUNT}#${A}`);
    expect(item?.['recoveredAt']).toBeDefined();
  });
});
