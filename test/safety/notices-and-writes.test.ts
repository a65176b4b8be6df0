import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction, type BundledFunction } from '../../tools/bundle-runner/bundled-function';
import { DAY, MINUTE, SECOND, Simulation, decisions, outcomeOf, stalledServer, stopSimulationsAfterEach, TEST_SERVERS } from '../support/simulation';

// The episode's notice is sent or still owed, never recorded as sent unless SNS accepted it; and a
// write the decision does not depend on (a refresh, the sweep backlog, a note) never changes its
// outcome. On the synthesized bundle, with SNS and DynamoDB failing through the fault proxy.
jest.setTimeout(180_000);

const THROTTLED = { kind: 'error', status: 400, errorType: 'ProvisionedThroughputExceededException' } as const;
/** One retry per episode, no cooldown: the budget is spent by the second decision. */
const { A } = TEST_SERVERS;
let oneRetry: BundledFunction;
let sim: Simulation;

beforeAll(() => {
  oneRetry = synthesizeBundledFunction({ ...DEFAULT_CONFIG, cooldownMinutes: 0, maxAttempts: 1 });
});
stopSimulationsAfterEach();

async function spendTheRetry(): Promise<void> {
  expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
  sim.local.mgn.advance();
  sim.advance(MINUTE);
}

describe('exactly one notice per exhausted episode, never lost', () => {
  it('stays owed when SNS fails and giving the claim back fails too, and goes out once SNS works', async () => {
    sim = await Simulation.start(oneRetry, [stalledServer(A)]);
    await spendTheRetry();
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'error', status: 500, errorType: 'InternalError' } });
    // The claim write goes through; every later write (giving the claim back) is throttled.
    sim.faults.dynamodb.add({ operation: 'PutItem', action: THROTTLED, skip: 1, count: 3 });
    const failed = await sim.stall(A);
    expect(failed).toMatchObject({ ok: false, error: { name: 'ReplicationRetryFailedError' } });
    expect(decisions(failed)[0]?.['reason']).toMatch(/could not be sent .* stays owed/);

    const reasons: string[] = [];
    for (let step = 0; step < 4; step += 1) {
      sim.advance(20 * SECOND); // within the claim's lease, then past it
      reasons.push(String(decisions(await sim.stall(A))[0]?.['reason']));
    }
    expect(sim.notices(A)).toHaveLength(0);
    expect(reasons.some((reason) => /was sent at/.test(reason))).toBe(false);

    sim.faults.sns.clear();
    sim.advance(20 * SECOND);
    expect(decisions(await sim.stall(A))[0]).toMatchObject({ outcome: 'SKIPPED_BUDGET_EXHAUSTED', escalated: 'BUDGET_SPENT' });
    sim.advance(20 * SECOND);
    expect(decisions(await sim.stall(A))[0]?.['reason']).toMatch(/the notification was sent at/);
    expect(sim.notices(A)).toHaveLength(1);
  });

  it('goes out on Lambda\'s retry of the invocation when only SNS failed', async () => {
    sim = await Simulation.start(oneRetry, [stalledServer(A)]);
    await spendTheRetry();
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'error', status: 500, errorType: 'InternalError' }, count: 3 });
    const event = sim.stallEvent(A);
    expect((await sim.invoke(event)).ok).toBe(false);
    sim.advance(MINUTE);
    expect(outcomeOf(await sim.invoke(event))).toBe('SKIPPED_BUDGET_EXHAUSTED');
    expect(sim.notices(A)).toHaveLength(1);
  });

  it('is sent once by 20 concurrent decisions', async () => {
    sim = await Simulation.start(oneRetry, [stalledServer(A)]);
    await spendTheRetry();
    const environments = await Promise.all(Array.from({ length: 20 }, () => sim.separateEnvironment()));
    const outcomes = await Promise.all(environments.map((environment) => environment.invoke(sim.stallEvent(A), { at: sim.now })));
    await Promise.all(environments.map((environment) => environment.stop()));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(sim.notices(A)).toHaveLength(1);
  });
});

describe('best-effort writes never change an outcome', () => {
  it('a throttled refresh of a long stall\'s entry leaves the skip a skip', async () => {
    sim = await Simulation.start(oneRetry, [stalledServer(A)]);
    await spendTheRetry();
    expect(outcomeOf(await sim.stall(A))).toBe('SKIPPED_BUDGET_EXHAUSTED');
    sim.advance(2 * DAY); // the entry's expiry is due for its daily refresh
    sim.faults.dynamodb.add({ operation: 'PutItem', action: THROTTLED });
    const skipped = await sim.stall(A);
    expect(skipped).toMatchObject({ ok: true });
    expect(outcomeOf(skipped)).toBe('SKIPPED_BUDGET_EXHAUSTED');
    expect(skipped.lines.some((line) => line.includes('could not refresh the ledger entry'))).toBe(true);
    expect(sim.faults.dynamodb.calls.filter((call) => call.operation === 'PutItem' && call.fault === 'error').length).toBeGreaterThan(0);
  });

  it('a throttled sweep backlog write leaves the sweep green', async () => {
    sim = await Simulation.start(oneRetry, [stalledServer(A)]);
    // The census and the claim go through; the backlog write after the decisions is throttled.
    sim.faults.dynamodb.add({ operation: 'PutItem', action: THROTTLED, skip: 2 });
    const sweep = await sim.sweep();
    expect(sweep.ok).toBe(true);
    expect(outcomeOf(sweep)).toBe('RETRIED');
    expect(sweep.lines.some((line) => line.includes('could not record the sweep backlog'))).toBe(true);
  });

  it('a notice SNS accepted but the ledger could not record stays sent: the outcome is not FAILED', async () => {
    sim = await Simulation.start(oneRetry, [stalledServer(A)]);
    await spendTheRetry();
    sim.faults.dynamodb.add({ operation: 'PutItem', action: THROTTLED, skip: 1 });
    const escalated = await sim.stall(A);
    expect(escalated.ok).toBe(true);
    expect(decisions(escalated)[0]).toMatchObject({ outcome: 'SKIPPED_BUDGET_EXHAUSTED', escalated: 'BUDGET_SPENT' });
    expect(escalated.lines.some((line) => line.includes('notification sent but not recorded'))).toBe(true);
    expect(sim.notices(A)).toHaveLength(1);
  });
});
