import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction } from '../../tools/bundle-runner/bundled-function';
import { generateFleet } from '../../tools/local-mgn/local-mgn-server';
import { DAY, HOUR, MINUTE, Simulation, outcomeOf, outcomesOf, stopSimulationsAfterEach, defaultBundle } from '../support/simulation';

// Mass stalls on the synthesized bundle: no false pause from episodes that cannot close, a second
// mass stall gets its own notice, exact thresholds, cheap events once the notice is out, one notice
// naming the paused servers, a claim whose answer was lost.
jest.setTimeout(300_000);

let sim: Simulation;

stopSimulationsAfterEach();

const fleetNotices = (): { subject?: string; message: string }[] => sim.notices().filter((notice) => /MGN mass stall/.test(notice.subject ?? ''));

describe('open episodes that never close inflate the event-driven stalled count', () => {
  it('10 disconnected servers with old open episodes + 1 fresh stall in a healthy fleet of 20 = false mass stall', async () => {
    const fleet = generateFleet(30, 10); // 10 of 30 stalled: 33 %, not a mass stall
    sim = await Simulation.start(defaultBundle(), fleet);
    const first = await sim.sweep();
    expect(outcomesOf(first).filter((outcome) => outcome === 'RETRIED')).toHaveLength(10);
    const stalled = fleet.filter((server) => server.replicationState === 'STALLED').map((server) => server.sourceServerID);
    const healthy = fleet.filter((server) => server.replicationState !== 'STALLED').map((server) => server.sourceServerID);
    // A person gives up on those 10 and disconnects them: never seen replicating again, so their episodes stay open (400 days).
    for (const id of stalled) sim.setServer(id, { replicationState: 'DISCONNECTED', lifeCycleState: 'DISCONNECTED' });
    sim.advance(HOUR);
    const census = await sim.sweep(); // census: 20 in replication, 0 stalled
    expect(census.ok).toBe(true);
    // One healthy server stalls: 1 of 20.
    const lone = healthy[0] as string;
    sim.setServer(lone, { replicationState: 'STALLED', afterRetry: 'STAYS_STALLED', replicationError: { error: 'UNSTABLE_NETWORK' } });
    sim.advance(5 * MINUTE);
    const event = await sim.stall(lone);
    expect({ outcome: outcomeOf(event), fleetNotices: fleetNotices().map((notice) => notice.subject) }).toEqual({ outcome: 'RETRIED', fleetNotices: [] });
  });
});

describe('a mass stall seen only by events is never lifted', () => {
  it('a second, real mass stall gets no fleet notice', async () => {
    const fleet = generateFleet(30, 0);
    sim = await Simulation.start(defaultBundle(), fleet);
    await sim.sweep(); // census: 30 in replication, none stalled
    const stallAll = (): void => {
      for (const server of fleet) sim.setServer(server.sourceServerID, { replicationState: 'STALLED', afterRetry: 'STAYS_STALLED', replicationError: { error: 'UNSTABLE_NETWORK' } });
    };
    stallAll();
    sim.advance(10 * MINUTE);
    for (const server of fleet) await sim.stall(server.sourceServerID);
    expect(fleetNotices()).toHaveLength(1); // the first mass stall, found by events
    // The shared cause is fixed before the next sweep: everything replicates again.
    for (const server of fleet) sim.setServer(server.sourceServerID, { replicationState: 'CONTINUOUS', lastSnapshotAt: sim.now });
    sim.advance(50 * MINUTE);
    await sim.sweep(); // census 0 of 30: the mass stall is over
    sim.advance(HOUR);
    await sim.sweep();
    // Two days later, a second mass stall (the VPN goes down again), found by the sweep.
    sim.advance(2 * DAY);
    stallAll();
    const second = await sim.sweep();
    expect(new Set(outcomesOf(second))).toEqual(new Set(['SKIPPED_MASS_STALL']));
    expect(fleetNotices()).toHaveLength(2);
  });
});

describe('threshold boundary', () => {
  it('exactly massStallShare (0.55) of 100 servers stalled is "at least" the share', async () => {
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, massStallShare: 0.55 }), generateFleet(100, 55));
    const sweep = await sim.sweep();
    expect(new Set(outcomesOf(sweep))).toEqual(new Set(['SKIPPED_MASS_STALL']));
    expect(sim.acceptedRetries()).toBe(0);
  });

  it('exactly 10 of 20 is a mass stall; 9 of 18 and 10 of 21 are not', async () => {
    sim = await Simulation.start(defaultBundle(), generateFleet(20, 10));
    expect(new Set(outcomesOf(await sim.sweep()))).toEqual(new Set(['SKIPPED_MASS_STALL']));
    await sim.stop();
    sim = await Simulation.start(defaultBundle(), generateFleet(18, 9));
    expect(new Set(outcomesOf(await sim.sweep()))).toEqual(new Set(['RETRIED']));
    await sim.stop();
    sim = await Simulation.start(defaultBundle(), generateFleet(21, 10));
    expect(new Set(outcomesOf(await sim.sweep()))).toEqual(new Set(['RETRIED']));
  });
});

describe('cost of an event during a mass stall whose notice is already out', () => {
  it('reads the ledger once (entry and census together) and the open stalls once, and writes nothing, for a notice sent long ago', async () => {
    const fleet = generateFleet(30, 30);
    sim = await Simulation.start(defaultBundle(), fleet);
    await sim.sweep();
    expect(fleetNotices()).toHaveLength(1);
    sim.advance(10 * MINUTE);
    const mgnBefore = sim.faults.mgn.count('DescribeSourceServers');
    const putBefore = sim.faults.dynamodb.count('PutItem');
    const getBefore = sim.faults.dynamodb.count('GetItem') + sim.faults.dynamodb.count('BatchGetItem');
    const queryBefore = sim.faults.dynamodb.count('Query');
    expect(outcomeOf(await sim.stall(fleet[3]?.sourceServerID as string))).toBe('SKIPPED_MASS_STALL');
    const cost = {
      describe: sim.faults.mgn.count('DescribeSourceServers') - mgnBefore,
      putItem: sim.faults.dynamodb.count('PutItem') - putBefore,
      reads: sim.faults.dynamodb.count('GetItem') + sim.faults.dynamodb.count('BatchGetItem') - getBefore,
      query: sim.faults.dynamodb.count('Query') - queryBefore,
    };
    // Nothing needs writing: the fleet notice went out 10 minutes ago.
    expect(cost).toEqual({ describe: 1, putItem: 0, reads: 1, query: 1 });
  });
});

describe('fleet notice written by events', () => {
  it('names the paused stalled servers and their errors, not the servers it already retried', async () => {
    const fleet = generateFleet(30, 0);
    sim = await Simulation.start(defaultBundle(), fleet);
    await sim.sweep();
    for (const server of fleet) sim.setServer(server.sourceServerID, { replicationState: 'STALLED', afterRetry: 'STAYS_STALLED', replicationError: { error: 'FAILED_TO_LAUNCH_REPLICATION_SERVER' } });
    sim.advance(10 * MINUTE);
    const mgnBefore = sim.faults.mgn.count('DescribeSourceServers');
    for (const server of fleet) await sim.stall(server.sourceServerID);
    const describes = sim.faults.mgn.count('DescribeSourceServers') - mgnBefore;
    const [notice] = fleetNotices();
    // All 30 report FAILED_TO_LAUNCH_REPLICATION_SERVER: the notice names the error and the paused
    // servers (one fresh count of the fleet, by the event that sends it); 30 events cost 31 reads.
    expect({
      errorsNamed: /FAILED_TO_LAUNCH_REPLICATION_SERVER: \d+/.test(notice?.message ?? ''),
      pausedServerNamed: notice?.message.includes(fleet[29]?.sourceServerID as string),
      describes,
    }).toEqual({ errorsNamed: true, pausedServerNamed: true, describes: 31 });
  });

  it('one fleet notice for 10 environments deciding at once', async () => {
    const fleet = generateFleet(30, 0);
    sim = await Simulation.start(defaultBundle(), fleet);
    await sim.sweep();
    for (const server of fleet) sim.setServer(server.sourceServerID, { replicationState: 'STALLED', afterRetry: 'STAYS_STALLED' });
    // 15 events, one at a time: each sees at most 14 open episodes, so each is retried and no notice goes out yet.
    for (const server of fleet.slice(0, 15)) await sim.stall(server.sourceServerID);
    const environments = await Promise.all(Array.from({ length: 10 }, () => sim.separateEnvironment()));
    const before = fleetNotices().length;
    const outcomes = await Promise.all(environments.map((environment, index) => environment.invoke(sim.stallEvent(fleet[15 + index]?.sourceServerID as string), { at: sim.now })));
    await Promise.all(environments.map((environment) => environment.stop()));
    expect(outcomes.map(outcomeOf)).toEqual(Array.from({ length: 10 }, () => "SKIPPED_MASS_STALL"));
    expect({ before, after: fleetNotices().length }).toEqual({ before: 0, after: 1 });
  });
});

describe('the fleet notice claim\'s answer is lost', () => {
  it('the sweep that found the mass stall sends no notice at all (the claim does not recognise itself)', async () => {
    sim = await Simulation.start(defaultBundle(), generateFleet(30, 30));
    // PutItem #1 is the census; #2 is the fleet-notice claim: applied, answer lost; the SDK's retry fails its condition.
    sim.faults.dynamodb.add({ operation: 'PutItem', action: { kind: 'drop-response' }, skip: 1, count: 1 });
    const sweep = await sim.sweep();
    expect(new Set(outcomesOf(sweep))).toEqual(new Set(['SKIPPED_MASS_STALL']));
    expect(fleetNotices()).toHaveLength(1);
  });
});
