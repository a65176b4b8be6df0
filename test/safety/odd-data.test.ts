import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction } from '../../tools/bundle-runner/bundled-function';
import { LOCAL_ACCOUNT } from '../../tools/local-aws/local-aws';
import { DAY, HOUR, MINUTE, Simulation, outcomeOf, outcomesOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// Odd data and fresh state, on the synthesized bundle: a cutover that starts mid-sweep is respected
// at any concurrency; ledger items with impossible times, huge versions, or written by the first
// version are repaired once and never hold a server or double a notice.
jest.setTimeout(300_000);

const { A, B, C } = TEST_SERVERS;
let sim: Simulation;

stopSimulationsAfterEach();

describe('state read just before acting', () => {
  it('a cutover that starts while the sweep works through its re-read batch is respected (sweepConcurrency 1)', async () => {
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, sweepConcurrency: 1 }), [stalledServer(A), stalledServer(B), stalledServer(C)]);
    sim.local.mgn.afterCall = (call) => {
      // Right after the retry of A, before B and C are decided, a cutover of C starts.
      if (call.operation === 'RetryDataReplication' && (call.body as { sourceServerID?: string }).sourceServerID === A) {
        sim.setServer(C, { lifeCycleState: 'CUTTING_OVER' });
      }
    };
    const sweep = await sim.sweep();
    expect(outcomesOf(sweep)).toEqual(['RETRIED', 'RETRIED', 'SKIPPED_LIFECYCLE']);
    expect(sim.acceptedRetries(C)).toBe(0);
  });
});

describe('ledger items of other shapes', () => {
  it('attempt and start times in microseconds (in the far future) do not hold the server in cooldown for good', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    await sim.local.dynamodb.putItem({
      pk: { S: `${LOCAL_ACCOUNT}#${A}` }, version: { N: '1' }, episodeStartedAt: { N: String(sim.now * 1000) },
      attemptTimes: { L: [{ N: String(sim.now * 1000) }] }, expiresAt: { N: String(Math.floor(sim.now / 1000) + 30 * 86_400) },
    });
    const outcomes: string[] = [];
    for (let day = 0; day < 10; day += 1) {
      const sweep = await sim.sweep();
      outcomes.push(outcomeOf(sweep));
      sim.advance(DAY);
    }
    expect(sim.retryCalls(A) + sim.notices(A).length).toBeGreaterThan(0);
  });

  it('a version beyond 2^53 still guards the escalation claim: one notice for 5 concurrent decisions', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    const started = sim.now - 3 * HOUR;
    await sim.local.dynamodb.putItem({
      pk: { S: `${LOCAL_ACCOUNT}#${A}` }, version: { N: '9007199254740992' }, episodeStartedAt: { N: String(started) },
      attemptTimes: { L: [0, 1, 2].map((index) => ({ N: String(started + index * 40 * MINUTE) })) },
      expiresAt: { N: String(Math.floor(sim.now / 1000) + 30 * 86_400) },
    });
    const environments = await Promise.all(Array.from({ length: 5 }, () => sim.separateEnvironment()));
    const outcomes = await Promise.all(environments.map((environment) => environment.invoke(sim.stallEvent(A), { at: sim.now })));
    await Promise.all(environments.map((environment) => environment.stop()));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(sim.notices(A)).toHaveLength(1);
  });

  it('a malformed entry of an ended episode is logged once and replaced when the server is seen replicating', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, { replicationState: 'CONTINUOUS' })]);
    await sim.local.dynamodb.putItem({
      pk: { S: `${LOCAL_ACCOUNT}#${A}` }, episodeStartedAt: { N: String(sim.now - DAY) }, attemptTimes: { L: [] },
      recoveredAt: { N: String(sim.now - 20 * HOUR) },
    });
    let warnings = 0;
    for (let step = 0; step < 3; step += 1) {
      const recovered = await sim.recovery(A);
      expect(outcomeOf(recovered)).toBe('RECOVERED');
      warnings += recovered.lines.filter((line) => line.includes('malformed ledger item')).length;
      sim.advance(HOUR);
    }
    const [stored] = await sim.local.dynamodb.items();
    expect({ warnings, versioned: /^\d+$/.test(stored?.['version']?.N ?? '') }).toEqual({ warnings: 1, versioned: true });
  });
});

describe('an open episode written by the previous version (no openEpisodeAccount attribute)', () => {
  it('ends when the sweep sees the server replicating, so the next stall gets a fresh budget', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, { replicationState: 'INITIAL_SYNC' })]);
    const started = sim.now - 5 * HOUR;
    await sim.local.dynamodb.putItem({
      pk: { S: `${LOCAL_ACCOUNT}#${A}` }, version: { N: '5' }, episodeStartedAt: { N: String(started) },
      attemptTimes: { L: [0, 1, 2].map((index) => ({ N: String(started + index * 30 * MINUTE) })) },
      escalatedAt: { N: String(started + 2 * HOUR) }, expiresAt: { N: String(Math.floor(sim.now / 1000) + 20 * 86_400) },
    });
    const sweep = await sim.sweep();
    const swept = outcomesOf(sweep);
    sim.advance(HOUR);
    sim.setServer(A, { replicationState: 'STALLED' }); // INITIAL_SYNC broke off before any snapshot
    const again = await sim.stall(A);
    expect({ swept, again: outcomeOf(again) }).toEqual({ swept: ['RECOVERED'], again: 'RETRIED' });
  });
});
