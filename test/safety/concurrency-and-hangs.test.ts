import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction } from '../../tools/bundle-runner/bundled-function';
import { generateFleet } from '../../tools/local-mgn/local-mgn-server';
import { MINUTE, SECOND, Simulation, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// Concurrent sweeps, every service hung, SNS hung mid-notice: on the synthesized bundle.
jest.setTimeout(300_000);

const { A } = TEST_SERVERS;
let sim: Simulation;

stopSimulationsAfterEach();

describe('concurrency', () => {
  it('five environments sweeping 60 stalled servers of 200 at once (sweepConcurrency 50) retry each once', async () => {
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, sweepConcurrency: 50 }), generateFleet(200, 60)); // 30% stalled: below the mass-stall share
    const environments = await Promise.all(Array.from({ length: 5 }, () => sim.separateEnvironment()));
    const event = sim.scheduleEvent('dup');
    const outcomes = await Promise.all(environments.map((environment, index) => environment.invoke(index < 2 ? event : sim.scheduleEvent(), { at: sim.now })));
    await Promise.all(environments.map((environment) => environment.stop()));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(sim.local.mgn.acceptedRetries()).toHaveLength(60);
    expect(new Set(sim.local.mgn.acceptedRetries()).size).toBe(60);
  });
});

describe('deadlines', () => {
  it('every service hangs: the sweep still returns before its timeout', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.faults.mgn.add({ operation: 'DescribeSourceServers', action: { kind: 'hang' }, skip: 1 });
    sim.faults.dynamodb.add({ operation: '*', action: { kind: 'hang' } });
    sim.faults.sns.add({ operation: '*', action: { kind: 'hang' } });
    const sweep = await sim.sweep({ timeoutMs: 9_000 });
    expect(sweep.timedOut).toBe(false);
  });

  it('SNS hangs during an escalation: the notice stays owed and is sent later, once', async () => {
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, maxAttempts: 1, cooldownMinutes: 0 }), [stalledServer(A)]);
    await sim.stall(A);
    sim.local.mgn.advance();
    sim.advance(MINUTE);
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'hang' } });
    const hung = await sim.stall(A, { timeoutMs: 9_000 });
    expect(hung.timedOut).toBe(false);
    sim.faults.sns.clear();
    for (let step = 0; step < 4; step += 1) {
      sim.advance(30 * SECOND);
      await sim.stall(A);
    }
    expect(sim.notices(A)).toHaveLength(1);
  });
});

