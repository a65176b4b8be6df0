import { MINUTE, Simulation, decisions, outcomeOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// A stall event's ledger reads start while MGN answers (the bundle's read-ahead): they must never
// run on after the invocation, never allow a second retry, and never cost a retry when they fail.
jest.setTimeout(120_000);

const { A } = TEST_SERVERS;
let sim: Simulation;

stopSimulationsAfterEach();

describe('reads started ahead of a stall decision', () => {
  it('are waited for before the invocation answers, even when the server no longer needs them', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, { replicationState: 'CONTINUOUS' })]);
    sim.faults.dynamodb.add({ operation: 'BatchGetItem', action: { kind: 'delay', ms: 600 } });
    const answered = await sim.stall(A);
    expect(outcomeOf(answered)).toBe('SKIPPED_NOT_STALLED');
    expect(sim.faults.dynamodb.count('BatchGetItem')).toBe(1);
    // The read it started (delayed 600 ms) settled before the answer: nothing of it runs on frozen.
    expect(answered.durationMs).toBeGreaterThanOrEqual(600);
  });

  it('that fail are made again by the claim: the stall is retried once', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.faults.dynamodb.add({ operation: 'BatchGetItem', action: { kind: 'error', status: 500, errorType: 'InternalServerError' } });
    const decided = await sim.stall(A);
    expect(outcomeOf(decided)).toBe('RETRIED');
    expect(sim.acceptedRetries(A)).toBe(1);
    expect(sim.faults.dynamodb.count('GetItem')).toBeGreaterThanOrEqual(1);
  });

  it('that went stale while another invocation claimed the same stall allow no second retry', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    // The first environment reads ahead (nothing stored yet), then its claim is held back while a
    // second environment decides the same stall in full.
    sim.faults.dynamodb.add({ operation: 'PutItem', action: { kind: 'delay', ms: 1_500 }, count: 1 });
    const [first, second] = await Promise.all([sim.separateEnvironment(), sim.separateEnvironment()]);
    const slow = first.invoke(sim.stallEvent(A), { at: sim.now });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const fast = await second.invoke(sim.stallEvent(A), { at: sim.now });
    const late = await slow;
    await Promise.all([first.stop(), second.stop()]);
    expect([outcomeOf(fast), outcomeOf(late)].sort()).toEqual(['RETRIED', 'SKIPPED_COOLDOWN']);
    expect(sim.acceptedRetries(A)).toBe(1);
    sim.advance(MINUTE);
    expect(decisions(await sim.stall(A))[0]?.['outcome']).not.toBe('RETRIED');
  });
});
