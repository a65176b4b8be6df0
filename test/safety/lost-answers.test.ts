import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction, type BundledFunction } from '../../tools/bundle-runner/bundled-function';
import { HOUR, MINUTE, Simulation, decisions, outcomeOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// Answers lost on the way back from DynamoDB and SNS after the request was applied, on the
// synthesized bundle: a write recognises itself, no retry is counted that was not sent, a notice is
// never lost (a lost SNS answer can make it arrive twice), duplicates spend one attempt.
jest.setTimeout(180_000);

const { A } = TEST_SERVERS;
let oneRetry: BundledFunction;
let noCooldown: BundledFunction;
let sim: Simulation;

beforeAll(() => {
  oneRetry = synthesizeBundledFunction({ ...DEFAULT_CONFIG, maxAttempts: 1 });
  noCooldown = synthesizeBundledFunction({ ...DEFAULT_CONFIG, cooldownMinutes: 0 });
});
stopSimulationsAfterEach();

async function attemptsOf(sourceServerID: string): Promise<number> {
  const item = (await sim.local.dynamodb.items()).find((entry) => entry['pk']?.S?.endsWith(sourceServerID));
  return item?.['attemptTimes']?.L?.length ?? 0;
}

describe('the ledger claim\'s answer is lost (DynamoDB applied the PutItem)', () => {
  it('still retries the server: the claim is its own, not another invocation\'s', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.faults.dynamodb.add({ operation: 'PutItem', action: { kind: 'drop-response' }, count: 1 });
    const first = await sim.stall(A);
    expect(outcomeOf(first)).toBe('RETRIED');
    expect(sim.retryCalls(A)).toBe(1);
  });

  it('never tells a person that the budget is spent when no retry was ever sent (maxAttempts 1)', async () => {
    sim = await Simulation.start(oneRetry, [stalledServer(A)]);
    sim.faults.dynamodb.add({ operation: 'PutItem', action: { kind: 'drop-response' }, count: 1 });
    const first = await sim.stall(A);
    expect(first.ok).toBe(true); // nothing fails, so the platform does not retry it
    sim.advance(31 * MINUTE);
    const second = await sim.stall(A);
    expect(sim.retryCalls(A)).toBeGreaterThan(0);
    expect(decisions(second)[0]?.['outcome']).not.toBe('SKIPPED_BUDGET_EXHAUSTED');
  });
});

describe('SNS accepted the notice but its answer was lost', () => {
  it('never loses the notice: SNS has no idempotent publish, so one lost answer may deliver it twice, never more', async () => {
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, maxAttempts: 1, cooldownMinutes: 0 }), [stalledServer(A)]);
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    sim.local.mgn.advance();
    sim.advance(MINUTE);
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'drop-response' }, count: 1 });
    await sim.stall(A);
    sim.advance(2 * MINUTE);
    await sim.stall(A);
    expect(sim.notices(A).length).toBeGreaterThanOrEqual(1);
    expect(sim.notices(A).length).toBeLessThanOrEqual(2);
    sim.advance(HOUR);
    await sim.sweep();
    expect(sim.notices(A).length).toBeLessThanOrEqual(2);
  });
});

describe('cooldown 0 and duplicate deliveries', () => {
  it('one accepted retry spends one attempt, not one per duplicate', async () => {
    sim = await Simulation.start(noCooldown, [stalledServer(A)]);
    const environments = await Promise.all(Array.from({ length: 3 }, () => sim.separateEnvironment()));
    const event = sim.stallEvent(A);
    const outcomes = await Promise.all(environments.map((environment) => environment.invoke(event, { at: sim.now })));
    await Promise.all(environments.map((environment) => environment.stop()));
    const all = outcomes.map(outcomeOf);
    expect(sim.acceptedRetries(A)).toBe(1);
    expect(await attemptsOf(A)).toBe(1);
    expect(all.filter((outcome) => outcome === 'RETRIED')).toHaveLength(1);
  });
});

describe('a notice SNS accepted but whose SENT record was throttled', () => {
  it('is never lost: it may go out once more after its claim expires, never more', async () => {
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, maxAttempts: 1, cooldownMinutes: 0 }), [stalledServer(A)]);
    await sim.stall(A);
    sim.local.mgn.advance();
    sim.advance(MINUTE);
    sim.faults.dynamodb.add({ operation: 'PutItem', action: { kind: 'error', status: 400, errorType: 'ProvisionedThroughputExceededException' }, skip: 1, count: 4 });
    await sim.stall(A);
    sim.advance(2 * MINUTE);
    await sim.sweep();
    expect(sim.notices(A).length).toBeGreaterThanOrEqual(1);
    expect(sim.notices(A).length).toBeLessThanOrEqual(2);
    sim.advance(2 * MINUTE);
    await sim.sweep();
    expect(sim.notices(A).length).toBeLessThanOrEqual(2);
  });
});

