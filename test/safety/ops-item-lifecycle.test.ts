import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction, type BundledFunction } from '../../tools/bundle-runner/bundled-function';
import { generateFleet } from '../../tools/local-mgn/local-mgn-server';
import { HOUR, MINUTE, Simulation, outcomeOf, stalledServer, stopSimulationsAfterEach, TEST_SERVERS } from '../support/simulation';

// Every OpsItem the function opens is resolved when its cause ends, whatever happened in between:
// a notice that had to wait, an episode whose end only a snapshot showed, a mass stall whose
// notice needed a second try. On the synthesized bundle against the local Systems Manager.
jest.setTimeout(180_000);

const { A } = TEST_SERVERS;
let withOpsItems: BundledFunction;
let sim: Simulation;

beforeAll(() => {
  withOpsItems = synthesizeBundledFunction({ ...DEFAULT_CONFIG, opsItems: true, cooldownMinutes: 0, maxAttempts: 1 });
});
stopSimulationsAfterEach();

const statuses = (): string[] => sim.local.ssm.opsItems.map((item) => item.status);

describe('OpsItems are resolved when their cause ends', () => {
  it('a notice SNS refused keeps its OpsItem: the recovery resolves it', async () => {
    sim = await Simulation.start(withOpsItems, [stalledServer(A, { replicationError: { error: 'AGENT_NOT_SEEN', rawError: 'agent down' } })]);
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'error', status: 500, errorType: 'InternalError' }, count: 3 });
    expect(outcomeOf(await sim.stall(A))).toBe('ReplicationRetryFailedError');
    expect(statuses()).toEqual(['Open']);
    sim.setServer(A, { replicationState: 'CONTINUOUS' });
    sim.advance(10 * MINUTE);
    expect(outcomeOf(await sim.recovery(A))).toBe('RECOVERED');
    expect(statuses()).toEqual(['Resolved']);
  });

  it('an episode only a snapshot showed over: its OpsItem is resolved, its recovery announced, the new episode gets its own', async () => {
    sim = await Simulation.start(withOpsItems, [stalledServer(A)]);
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    sim.local.mgn.advance();
    sim.advance(MINUTE);
    expect(outcomeOf(await sim.stall(A))).toBe('SKIPPED_BUDGET_EXHAUSTED');
    expect(statuses()).toEqual(['Open']);
    // It replicated for a while (its NOT_STALLED event lost), then stalled again.
    sim.advance(HOUR);
    sim.setServer(A, { replicationState: 'STALLED', lastSnapshotAt: sim.now - 30 * MINUTE });
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    expect(statuses()).toEqual(['Resolved']);
    const types = sim.local.events.events.map((event) => event.detailType);
    expect(types).toEqual(['Stall Retried', 'Stall Escalated', 'Stall Recovered', 'Stall Retried']);
    const recovered = sim.local.events.events[2]?.detail as Record<string, unknown>;
    expect(recovered).toMatchObject({ outcome: 'RECOVERED', attempts: 1, stallSeconds: expect.any(Number) as unknown });
    // Only the recovery carries the old episode's duration; the new episode's retry does not.
    expect((sim.local.events.events[3]?.detail as Record<string, unknown>)['stallSeconds']).toBeUndefined();
    sim.local.mgn.advance();
    sim.advance(MINUTE);
    await sim.stall(A);
    expect(statuses()).toEqual(['Resolved', 'Open']);
  });

  it('a mass stall whose notice needed a second try has one OpsItem, resolved when it is over', async () => {
    const fleet = generateFleet(20, 20);
    sim = await Simulation.start(withOpsItems, fleet);
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'error', status: 500, errorType: 'InternalError' }, count: 3 });
    await sim.sweep();
    sim.advance(10 * MINUTE);
    await sim.sweep();
    expect(sim.notices().filter((notice) => /mass stall/i.test(notice.subject ?? ''))).toHaveLength(1);
    expect(statuses()).toEqual(['Open']);
    for (const server of fleet) sim.setServer(server.sourceServerID, { replicationState: 'CONTINUOUS' });
    sim.advance(HOUR);
    await sim.sweep();
    expect(statuses()).toEqual(['Resolved']);
  });
});
