import { generateFleet } from '../../tools/local-mgn/local-mgn-server';
import { HOUR, Simulation, decisions, outcomeOf, outcomesOf, stopSimulationsAfterEach, defaultBundle } from '../support/simulation';

// The end of a mass stall on the synthesized bundle: no stale second notice from an event racing the
// sweep that lifts it, no burst of per-server notices for time spent paused.
jest.setTimeout(300_000);

let sim: Simulation;

stopSimulationsAfterEach();

const fleetNotices = (): { subject?: string; message: string }[] => sim.notices().filter((notice) => /MGN mass stall/.test(notice.subject ?? ''));

describe('an event racing the sweep that ends the mass stall', () => {
  it('sends a second fleet notice ("30 of 30") for a mass stall that just ended', async () => {
    const fleet = generateFleet(30, 30);
    sim = await Simulation.start(defaultBundle(), fleet);
    await sim.sweep();
    expect(fleetNotices()).toHaveLength(1);
    // The shared cause is fixed: 25 replicate again, 5 stay stalled.
    for (const server of fleet.slice(5)) sim.setServer(server.sourceServerID, { replicationState: 'CONTINUOUS' });
    sim.advance(HOUR);
    // A stall event for one of the 5 arrives while the next sweep runs: its open-episode query is slow.
    sim.faults.dynamodb.add({ operation: 'Query', action: { kind: 'delay', ms: 3_000 }, count: 1 });
    const other = await sim.separateEnvironment();
    const eventRun = other.invoke(sim.stallEvent(fleet[0]?.sourceServerID as string), { at: sim.now });
    await new Promise((resolve) => setTimeout(resolve, 800));
    const sweep = await sim.sweep();
    const event = await eventRun;
    await other.stop();
    expect(outcomesOf(sweep).filter((outcome) => outcome === 'RETRIED').length).toBeGreaterThan(0); // the sweep lifted the pause
    expect(outcomeOf(event)).toBe('SKIPPED_MASS_STALL'); // it read the census before the sweep wrote the new one: fine
    expect(fleetNotices()).toHaveLength(1);
  });
});

describe('per-server notices right after a mass stall', () => {
  it('episodes opened before the mass stall all mail STILL_STALLED at the same moment as their next retry', async () => {
    const fleet = generateFleet(30, 0);
    sim = await Simulation.start(defaultBundle(), fleet);
    await sim.sweep(); // census 0 of 30
    const early = fleet.slice(0, 9);
    for (const server of early) sim.setServer(server.sourceServerID, { replicationState: 'STALLED', afterRetry: 'STAYS_STALLED', replicationError: { error: 'UNSTABLE_NETWORK' } });
    for (const server of early) expect(outcomeOf(await sim.stall(server.sourceServerID))).toBe('RETRIED');
    sim.local.mgn.advance(); // the retries fail: stalled again
    // The rest of the fleet stalls: a mass stall for 5 hours.
    for (const server of fleet.slice(9)) sim.setServer(server.sourceServerID, { replicationState: 'STALLED', afterRetry: 'STAYS_STALLED', replicationError: { error: 'UNSTABLE_NETWORK' } });
    for (let hour = 0; hour < 5; hour += 1) {
      sim.advance(HOUR);
      expect(new Set(outcomesOf(await sim.sweep()))).toEqual(new Set(['SKIPPED_MASS_STALL']));
    }
    expect(sim.notices()).toHaveLength(1);
    // The shared cause is fixed for all but the 9: the mass stall ends.
    for (const server of fleet.slice(9)) sim.setServer(server.sourceServerID, { replicationState: 'CONTINUOUS' });
    sim.advance(HOUR);
    const resumed = await sim.sweep();
    const escalated = decisions(resumed).filter((line) => line['escalated'] !== undefined);
    // Each of the 9 gets its second retry and, in the same decision, a "retries are not getting it going" mail.
    expect(outcomesOf(resumed).filter((outcome) => outcome === 'RETRIED')).toHaveLength(9);
    expect({ mailsAtResume: escalated.length, kinds: [...new Set(escalated.map((line) => line['escalated']))] }).toEqual({ mailsAtResume: 0, kinds: [] });
  });
});
