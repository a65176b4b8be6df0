import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction, type BundledFunction } from '../../tools/bundle-runner/bundled-function';
import { HOUR, MINUTE, Simulation, decisions, outcomeOf, outcomesOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// Notice claims held by their own sender, reads taken before MGN answered, owed notices, and reads
// that settle before the answer: on the synthesized bundle, with races made by fault delays.
jest.setTimeout(180_000);

const { A } = TEST_SERVERS;
let oneRetry: BundledFunction;
let sim: Simulation;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(() => {
  oneRetry = synthesizeBundledFunction({ ...DEFAULT_CONFIG, cooldownMinutes: 0, maxAttempts: 1 });
});
stopSimulationsAfterEach();

describe('a notice is recorded as sent only by the invocation whose claim SNS accepted', () => {
  it('a late publish of the previous episode never marks the next episode\'s notice sent: the re-stall gets its own notice', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, { replicationError: { error: 'AGENT_NOT_SEEN', rawError: 'agent down' } })]);
    const [x, r, y] = await Promise.all([sim.separateEnvironment(), sim.separateEnvironment(), sim.separateEnvironment()]);
    // Episode 1's publish is slow; episode 2's hangs, then SNS fails.
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'delay', ms: 4_000 }, count: 1 });
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'hang', ms: 6_000 }, count: 1 });
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'error', status: 500, errorType: 'InternalError' } });
    const first = x.invoke(sim.stallEvent(A), { at: sim.now });
    await sleep(800);
    // A person fixes it, MGN reports it replicating: episode 1 ends; then it stalls again (episode 2).
    sim.setServer(A, { replicationState: 'CONTINUOUS' });
    delete sim.local.mgn.server(A)?.replicationError;
    expect(outcomeOf(await r.invoke(sim.stallEvent(A, 'NOT_STALLED'), { at: sim.now }))).toBe('RECOVERED');
    sim.setServer(A, { replicationState: 'STALLED', replicationError: { error: 'AGENT_NOT_SEEN', rawError: 'agent down again' } });
    const secondEvent = sim.stallEvent(A);
    const [firstOutcome, secondOutcome] = await Promise.all([first, y.invoke(secondEvent, { at: sim.now })]);
    await Promise.all([x.stop(), r.stop(), y.stop()]);
    expect(outcomeOf(firstOutcome)).toBe('SKIPPED_NEEDS_PERSON');
    expect(secondOutcome.ok).toBe(false);
    expect(sim.notices(A)).toHaveLength(1);
    sim.faults.sns.clear();
    await sim.invoke(secondEvent); // Lambda's retry of episode 2's invocation
    expect(sim.notices(A)).toHaveLength(2);
  });
});

describe('a read taken before MGN answered never decides a skip', () => {
  it('a re-stall after a recovery recorded while MGN was answering starts a new episode and is retried', async () => {
    sim = await Simulation.start(oneRetry, [stalledServer(A)]);
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    sim.local.mgn.advance();
    sim.advance(MINUTE);
    expect(decisions(await sim.stall(A))[0]).toMatchObject({ outcome: 'SKIPPED_BUDGET_EXHAUSTED', escalated: 'BUDGET_SPENT' });
    sim.advance(MINUTE);
    const other = await sim.separateEnvironment();
    // The stall event's Describe is slow; its ledger read-ahead is not.
    sim.faults.mgn.add({ operation: 'DescribeSourceServers', action: { kind: 'delay', ms: 1_500 }, count: 1 });
    const restall = sim.stall(A);
    await sleep(300);
    sim.setServer(A, { replicationState: 'BACKLOG' });
    expect(outcomeOf(await other.invoke(sim.stallEvent(A, 'NOT_STALLED'), { at: sim.now }))).toBe('RECOVERED');
    await other.stop();
    sim.setServer(A, { replicationState: 'STALLED' });
    expect(outcomeOf(await restall)).toBe('RETRIED');
  });
});

describe('a notice that could not be sent is owed, and the platform retries the decision that owes it', () => {
  it('a denied retry whose notice SNS refused fails the invocation; Lambda\'s retry sends the notice', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.faults.mgn.add({ operation: 'RetryDataReplication', action: { kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'explicit deny in an SCP' } });
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'error', status: 500, errorType: 'InternalError' }, count: 3 });
    const event = sim.stallEvent(A);
    const denied = await sim.invoke(event);
    expect(denied.ok).toBe(false);
    expect(decisions(denied)[0]).toMatchObject({ outcome: 'FAILED', attempts: 1 });
    expect(sim.notices(A)).toHaveLength(0);
    sim.advance(MINUTE);
    const retried = await sim.invoke(event);
    expect(decisions(retried)[0]).toMatchObject({ outcome: 'SKIPPED_COOLDOWN', escalated: 'ACCESS_DENIED' });
    expect(sim.notices(A)).toHaveLength(1);
    // The cooldown holds: no second RetryDataReplication reached MGN's endpoint.
    expect(sim.faults.mgn.count('RetryDataReplication')).toBe(1);
  });
});

describe('a sweep that cannot list the open episodes fails, so a recovery it saw is not lost', () => {
  it('the platform\'s retry of the sweep ends the episode, and the re-stall is a new episode', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    for (let hour = 0; hour < 8 && sim.notices(A).length === 0; hour += 1) {
      await sim.sweep();
      sim.local.mgn.advance();
      sim.advance(HOUR);
    }
    expect(sim.acceptedRetries(A)).toBe(3);
    // Fixed by a person; the NOT_STALLED event is lost; MGN shows BACKLOG, no new snapshot yet.
    sim.setServer(A, { replicationState: 'BACKLOG' });
    sim.faults.dynamodb.add({ operation: 'Query', action: { kind: 'error', status: 400, errorType: 'ProvisionedThroughputExceededException' } });
    const event = sim.scheduleEvent();
    expect((await sim.invoke(event)).ok).toBe(false);
    sim.faults.dynamodb.clear();
    expect(outcomesOf(await sim.invoke(event))).toContain('RECOVERED');
    sim.advance(HOUR);
    sim.setServer(A, { replicationState: 'STALLED' });
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
  });
});

describe('nothing a stall event started runs on after its answer', () => {
  it.each([
    ['a stalled server', 'STALLED', 'RETRIED'],
    ['a replicating server (the read-ahead was not needed)', 'CONTINUOUS', 'SKIPPED_NOT_STALLED'],
  ])('the open-episodes Query settles before the answer: %s, no census yet', async (_name, replicationState, outcome) => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, { replicationState })]);
    sim.faults.dynamodb.add({ operation: 'Query', action: { kind: 'delay', ms: 2_000 } });
    const decided = await sim.stall(A);
    expect(outcomeOf(decided)).toBe(outcome);
    expect(sim.faults.dynamodb.count('Query')).toBe(1);
    expect(decided.durationMs).toBeGreaterThanOrEqual(2_000);
  });
});
