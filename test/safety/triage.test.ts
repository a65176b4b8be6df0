import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction } from '../../tools/bundle-runner/bundled-function';
import { generateFleet } from '../../tools/local-mgn/local-mgn-server';
import { HOUR, MINUTE, Simulation, decisions, emitted, outcomeOf, outcomesOf, stalledServer, stopSimulationsAfterEach, defaultBundle } from '../support/simulation';

// Triage on the synthesized bundle: what MGN says is wrong decides. Errors a retry cannot fix go to
// a person at the first decision, without a retry; MGN's own imminent attempt is not pre-empted;
// agentless servers are not retried; a mass stall pauses per-server retries behind one fleet notice.
jest.setTimeout(240_000);

/** The policy of the issue, written out independently of the code: error → what happens. */
const POLICY: [string | undefined, 'escalate' | 'retry'][] = [
  ['AGENT_NOT_SEEN', 'escalate'],
  ['NOT_CONVERGING', 'escalate'],
  ['FAILED_TO_CREATE_SECURITY_GROUP', 'escalate'],
  ['FAILED_TO_AUTHENTICATE_WITH_SERVICE', 'escalate'],
  ['FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE', 'escalate'],
  ['FAILED_TO_CREATE_STAGING_DISKS', 'escalate'],
  ['FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER', 'escalate'],
  ['UNSUPPORTED_VM_CONFIGURATION', 'escalate'],
  ['UNSTABLE_NETWORK', 'retry'],
  ['SNAPSHOTS_FAILURE', 'retry'],
  ['FAILED_TO_LAUNCH_REPLICATION_SERVER', 'retry'],
  ['FAILED_TO_BOOT_REPLICATION_SERVER', 'retry'],
  ['FAILED_TO_ATTACH_STAGING_DISKS', 'retry'],
  ['FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT', 'retry'],
  ['FAILED_TO_START_DATA_TRANSFER', 'retry'],
  ['LAST_SNAPSHOT_JOB_FAILED', 'retry'],
  [undefined, 'retry'],
  ['FAILED_TO_SETUP_FSX_PROXY', 'retry'],
];
const serverFor = (index: number): string => `s-${String(index).padStart(2, '0')}000000000000000`;

let sim: Simulation;

stopSimulationsAfterEach();

describe('the error policy, every default row', () => {
  it('escalates at the first decision, without a retry, the errors a retry cannot fix, and retries the others', async () => {
    sim = await Simulation.start(defaultBundle(), POLICY.map(([error], index) =>
      stalledServer(serverFor(index), error === undefined ? {} : { replicationError: { error, rawError: `raw ${error}` } }),
    ));
    for (const [index] of POLICY.entries()) {
      if (POLICY[index]?.[0] === undefined) delete sim.local.mgn.server(serverFor(index))?.replicationError;
    }
    const outcomes = [];
    for (const [index] of POLICY.entries()) outcomes.push(await sim.stall(serverFor(index)));
    expect(outcomes.map(outcomeOf)).toEqual(POLICY.map(([, action]) => (action === 'escalate' ? 'SKIPPED_NEEDS_PERSON' : 'RETRIED')));
    for (const [index, [error, action]] of POLICY.entries()) {
      const notices = sim.notices(serverFor(index));
      expect([error, notices.length]).toEqual([error, action === 'escalate' ? 1 : 0]);
      expect([error, sim.acceptedRetries(serverFor(index))]).toEqual([error, action === 'escalate' ? 0 : 1]);
      if (action === 'escalate') {
        expect(notices[0]?.message).toMatch(new RegExp(`MGN error:\\s+${String(error)}\n`));
        expect(notices[0]?.message).toMatch(new RegExp(`Policy applied:\\s+not retried: ${String(error)} needs a person`));
      }
    }
    // The notice names the initiation step that failed (and the steps before it).
    expect(sim.notices(serverFor(0))[0]?.message).toMatch(/Initiation steps:\s+WAIT FAILED\n/);
    expect(sim.notices(serverFor(2))[0]?.message).toMatch(/Initiation steps:\s+WAIT ok, CREATE_SECURITY_GROUP FAILED\n/);
    expect(sim.notices(serverFor(1))[0]?.message).toMatch(/Initiation steps:\s+all 11 succeeded/);
    expect(outcomes.reduce((sum, outcome) => sum + emitted(outcome, 'EscalatedWithoutRetry'), 0)).toBe(8);
  });

  it('sends the one notice of a needs-a-person episode once, however often the stall is reported', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(serverFor(0), { replicationError: { error: 'AGENT_NOT_SEEN' } })]);
    for (let hour = 0; hour < 6; hour += 1) {
      expect(outcomeOf(await sim.stall(serverFor(0)))).toBe('SKIPPED_NEEDS_PERSON');
      expect(outcomeOf(await sim.sweep())).toBe('SKIPPED_NEEDS_PERSON');
      sim.advance(HOUR);
    }
    expect(sim.notices()).toHaveLength(1);
    expect(sim.retryCalls()).toBe(0);
  });

  it('follows an override: errorPolicy turns an escalation into a retry and a retry into an escalation', async () => {
    const overridden = synthesizeBundledFunction({ ...DEFAULT_CONFIG, errorPolicy: { AGENT_NOT_SEEN: 'retry', UNSTABLE_NETWORK: 'escalate' } });
    sim = await Simulation.start(overridden, [
      stalledServer(serverFor(1), { replicationError: { error: 'AGENT_NOT_SEEN' } }),
      stalledServer(serverFor(2), { replicationError: { error: 'UNSTABLE_NETWORK' } }),
    ]);
    expect(outcomeOf(await sim.stall(serverFor(1)))).toBe('RETRIED');
    expect(outcomeOf(await sim.stall(serverFor(2)))).toBe('SKIPPED_NEEDS_PERSON');
  });

  it('lets the new error decide when it changes mid-episode', async () => {
    const A = serverFor(3);
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    sim.local.mgn.advance();
    sim.setServer(A, { replicationError: { error: 'AGENT_NOT_SEEN', rawError: 'agent stopped' } });
    sim.advance(40 * MINUTE);
    const changed = await sim.stall(A);
    expect(outcomeOf(changed)).toBe('SKIPPED_NEEDS_PERSON');
    expect(sim.notices(A)).toHaveLength(1);
    expect(sim.notices(A)[0]?.message).toMatch(/Retries:\s+1 of 3/);
    expect(sim.acceptedRetries(A)).toBe(1);
  });
});

describe('MGN\'s own next attempt', () => {
  it('is not pre-empted when it is due within the cooldown: no retry, no budget spent', async () => {
    const A = serverFor(4);
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    const due = sim.now + 10 * MINUTE;
    sim.setServer(A, { nextAttemptAt: due });
    const pending = await sim.stall(A);
    expect(outcomeOf(pending)).toBe('SKIPPED_MGN_ATTEMPT_PENDING');
    expect(decisions(pending)[0]?.['reason']).toContain(new Date(due).toISOString());
    expect(sim.retryCalls(A)).toBe(0);
    // MGN's attempt happened and failed; the server is stalled again: now the retry, as attempt 1.
    sim.advance(11 * MINUTE);
    sim.local.mgn.advance();
    sim.local.mgn.advance();
    const retried = await sim.stall(A);
    expect(retried).toMatchObject({ ok: true, result: { results: [{ outcome: 'RETRIED', attempt: 1 }] } });
  });

  it('is brought forward by a retry when it is further away than the cooldown', async () => {
    const A = serverFor(5);
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.setServer(A, { nextAttemptAt: sim.now + 3 * HOUR });
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
  });

  it('cannot hide a stall: deferrals that go on escalate once the episode is too long', async () => {
    const A = serverFor(6);
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    const outcomes = [];
    for (let step = 0; step < 10; step += 1) {
      // MGN keeps scheduling its next attempt a few minutes ahead, and never gets the server going.
      sim.setServer(A, { nextAttemptAt: sim.now + 20 * MINUTE });
      outcomes.push(outcomeOf(await sim.stall(A)));
      sim.advance(15 * MINUTE);
    }
    expect(outcomes.every((outcome) => outcome === 'SKIPPED_MGN_ATTEMPT_PENDING')).toBe(true);
    expect(sim.notices(A)).toHaveLength(1);
    expect(sim.notices(A)[0]?.subject).toMatch(/MGN replication stalled for 2 h/);
  });
});

describe('agentless servers', () => {
  it('are not retried by default: a person hears of them at once, with agentless hints', async () => {
    const A = serverFor(7);
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, { replicationType: 'SNAPSHOT_SHIPPING', replicationError: { error: 'LAST_SNAPSHOT_JOB_FAILED' } })]);
    expect(outcomeOf(await sim.stall(A))).toBe('SKIPPED_NEEDS_PERSON');
    const [notice] = sim.notices(A);
    expect(notice?.message).toMatch(/Replication type:\s+agentless \(SNAPSHOT_SHIPPING\)/);
    expect(notice?.message.replace(/\s+/g, ' ')).toContain('vCenter');
    expect(sim.retryCalls(A)).toBe(0);
  });

  it('are retried with retryAgentless', async () => {
    const A = serverFor(8);
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, retryAgentless: true }), [
      stalledServer(A, { replicationType: 'SNAPSHOT_SHIPPING', replicationError: { error: 'LAST_SNAPSHOT_JOB_FAILED' } }),
    ]);
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
  });
});

describe('a mass stall', () => {
  it('30 of 30 stalled: per-server retries pause behind one fleet notice, and resume when it clears', async () => {
    const fleet = generateFleet(30, 30);
    sim = await Simulation.start(defaultBundle(), fleet);
    const sweep = await sim.sweep();
    expect(new Set(outcomesOf(sweep))).toEqual(new Set(['SKIPPED_MASS_STALL']));
    expect(emitted(sweep, 'MassStallDetected')).toBe(1);
    for (const server of fleet.slice(0, 10)) expect(outcomeOf(await sim.stall(server.sourceServerID))).toBe('SKIPPED_MASS_STALL');
    sim.advance(HOUR);
    expect(emitted(await sim.sweep(), 'MassStallDetected')).toBe(0);
    expect(sim.notices()).toHaveLength(1);
    const [notice] = sim.notices();
    expect(notice?.subject).toBe('MGN mass stall: 30 of 30 servers stalled in 111122223333 us-east-1');
    expect(notice?.message).toContain('UNSTABLE_NETWORK: 30');
    expect(notice?.message).toContain(fleet[29]?.sourceServerID);

    // The shared cause is fixed: 26 replicate again, 4 stay stalled and are handled one by one.
    for (const server of fleet.slice(4)) sim.setServer(server.sourceServerID, { replicationState: 'CONTINUOUS' });
    sim.advance(HOUR);
    const resumed = await sim.sweep();
    expect(outcomesOf(resumed).filter((outcome) => outcome === 'RETRIED')).toHaveLength(4);
    expect(sim.acceptedRetries()).toBeLessThanOrEqual(10);
    expect(sim.notices()).toHaveLength(1);
  });

  it('a wave that stalls between sweeps: events pause once the open episodes reach the threshold', async () => {
    const fleet = generateFleet(30, 0);
    sim = await Simulation.start(defaultBundle(), fleet);
    await sim.sweep(); // the census: 30 in replication, none stalled
    for (const server of fleet) sim.setServer(server.sourceServerID, { replicationState: 'STALLED', afterRetry: 'STAYS_STALLED', replicationError: { error: 'UNSTABLE_NETWORK' } });
    sim.advance(10 * MINUTE);
    const outcomes = [];
    for (const server of fleet) outcomes.push(outcomeOf(await sim.stall(server.sourceServerID)));
    // 15 stalled of 30 reaches both thresholds (10 servers, 50%): from there, no more retries.
    expect(outcomes.filter((outcome) => outcome === 'RETRIED')).toHaveLength(15);
    expect(outcomes.slice(15).every((outcome) => outcome === 'SKIPPED_MASS_STALL')).toBe(true);
    expect(sim.notices()).toHaveLength(1);
    expect(sim.notices()[0]?.subject).toMatch(/MGN mass stall/);
  });

  it('40 of 2,500 stalled is not a mass stall: 40 retries, no fleet notice', async () => {
    sim = await Simulation.start(defaultBundle(), generateFleet(2500, 40));
    const sweep = await sim.sweep();
    expect(outcomesOf(sweep).filter((outcome) => outcome === 'RETRIED')).toHaveLength(40);
    expect(sim.acceptedRetries()).toBe(40);
    expect(sim.notices()).toHaveLength(0);
  });
});

describe('a dry run', () => {
  it('reports what triage would do and sends nothing', async () => {
    sim = await Simulation.start(defaultBundle(), [
      stalledServer(serverFor(1), { replicationError: { error: 'AGENT_NOT_SEEN' } }),
      stalledServer(serverFor(2)),
      stalledServer(serverFor(3), { replicationType: 'SNAPSHOT_SHIPPING' }),
    ]);
    sim.setServer(serverFor(2), { nextAttemptAt: sim.now + 5 * MINUTE });
    const dry = await sim.invoke({ sourceServerIDs: [serverFor(1), serverFor(2), serverFor(3)], dryRun: true });
    expect(outcomesOf(dry)).toEqual(['SKIPPED_NEEDS_PERSON', 'SKIPPED_MGN_ATTEMPT_PENDING', 'SKIPPED_NEEDS_PERSON']);
    expect(decisions(dry)[0]?.['reason']).toMatch(/dry run: no notification sent/);
    expect(sim.notices()).toHaveLength(0);
    expect(await sim.local.dynamodb.items()).toEqual([]);
  });
});
