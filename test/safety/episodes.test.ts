import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction } from '../../tools/bundle-runner/bundled-function';
import { DAY, HOUR, MINUTE, Simulation, decisions, emitted, outcomeOf, outcomesOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// Stall episodes over simulated days, on the synthesized bundle: an episode ends only when MGN
// shows the server replicating again, so no schedule, lost event or flapping state can refill or
// switch off the retry budget, and a stall after a real recovery gets its own budget and notice.
jest.setTimeout(180_000);

const { A } = TEST_SERVERS;
let sim: Simulation;

stopSimulationsAfterEach();

/**
 * Drives an unfixable stall of A through the default policy (3 retries 30 minutes apart): hourly
 * sweeps, each retried initiation failing back to STALLED, until the episode's notice goes out.
 */
async function spendBudget(): Promise<void> {
  const noticesBefore = sim.notices(A).length;
  for (let hour = 0; hour < 8 && sim.notices(A).length === noticesBefore; hour += 1) {
    await sim.sweep();
    sim.local.mgn.advance(); // INITIATING → STALLED: the retry did not help
    sim.advance(HOUR);
  }
}

/** A person fixed the cause: MGN resumes, through initial sync to continuous replication. */
function personFixes(): void {
  sim.setServer(A, { replicationState: 'INITIAL_SYNC', afterRetry: 'STAYS_STALLED' });
  delete sim.local.mgn.server(A)?.replicationError;
}

function stallsAgain(): void {
  sim.setServer(A, { replicationState: 'STALLED', replicationError: { error: 'UNSTABLE_NETWORK', rawError: 'link down again' } });
}

describe('a new episode after the server is seen replicating', () => {
  it('gives a stall after a real recovery its own budget and its own notice (NOT_STALLED delivered)', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    sim.local.mgn.advance();
    sim.advance(10 * MINUTE);
    expect(outcomeOf(await sim.stall(A))).toBe('SKIPPED_COOLDOWN');
    sim.advance(50 * MINUTE);
    await spendBudget();
    expect(sim.acceptedRetries(A)).toBe(3);
    expect(sim.notices(A)).toHaveLength(1);

    personFixes();
    const recovered = await sim.recovery(A);
    expect(outcomeOf(recovered)).toBe('RECOVERED');
    expect(emitted(recovered, 'ReplicationRecovered')).toBe(1);
    sim.local.mgn.advance(); // INITIAL_SYNC → CONTINUOUS
    for (let hour = 0; hour < 2; hour += 1) {
      sim.advance(HOUR);
      expect((await sim.sweep()).ok).toBe(true);
    }
    sim.advance(30 * MINUTE); // 2.5 h after the recovery
    stallsAgain();
    const again = await sim.stall(A);
    expect(outcomeOf(again)).toBe('RETRIED');
    expect(again.ok && again.result.results[0]?.attempt).toBe(1);
    sim.local.mgn.advance();
    sim.advance(HOUR);
    await spendBudget();
    expect(sim.acceptedRetries(A)).toBe(6);
    expect(sim.notices(A)).toHaveLength(2);
  });

  it('ends the episode when only the sweep sees the server replicating (NOT_STALLED lost)', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    await spendBudget();
    expect(sim.notices(A)).toHaveLength(1);
    personFixes();
    sim.advance(HOUR);
    const sweep = await sim.sweep();
    expect(outcomesOf(sweep)).toEqual(['RECOVERED']);
    expect(sweep.ok && sweep.result.sweep?.recoveriesFound).toBe(1);
    expect(emitted(sweep, 'ReplicationRecovered')).toBe(1);
    sim.local.mgn.advance();
    sim.advance(2 * HOUR);
    stallsAgain();
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    sim.local.mgn.advance();
    sim.advance(HOUR);
    await spendBudget();
    expect(sim.notices(A)).toHaveLength(2);
  });

  it('ends the episode on a snapshot taken after the last retry (sweep off, NOT_STALLED lost)', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await sim.stall(A);
      sim.local.mgn.advance();
      sim.advance(31 * MINUTE);
    }
    expect(sim.acceptedRetries(A)).toBe(3);
    expect(sim.notices(A)).toHaveLength(1);
    personFixes();
    sim.local.mgn.advance(); // CONTINUOUS, with a snapshot now
    sim.advance(3 * HOUR);
    stallsAgain();
    const again = await sim.stall(A);
    expect(outcomeOf(again)).toBe('RETRIED');
    expect(emitted(again, 'ReplicationRecovered')).toBe(1);
  });

  it('keeps one episode, budget spent, while a stall flaps through INITIATING for a day', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    let recoveries = 0;
    for (let step = 0; step < 96; step += 1) {
      // Every 15 minutes: MGN reports STALLED; every retry's initiation reports NOT_STALLED.
      await sim.stall(A);
      if (sim.local.mgn.server(A)?.replicationState === 'INITIATING') {
        recoveries += emitted(await sim.recovery(A), 'ReplicationRecovered');
        sim.local.mgn.advance();
      }
      if (step % 4 === 0) recoveries += emitted(await sim.sweep(), 'ReplicationRecovered');
      sim.advance(15 * MINUTE);
    }
    expect(sim.acceptedRetries(A)).toBe(3);
    expect(sim.notices(A)).toHaveLength(1);
    expect(recoveries).toBe(0);
  });
});

describe('no setting switches the budget off', () => {
  it.each([['rate(12 hours)'], ['cron(0 6 * * ? *)']])('with sweepSchedule %s, an unfixable stall gets 3 retries and 1 notice in 10 days', async (sweepSchedule) => {
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, sweepSchedule }), [stalledServer(A)]);
    const every = sweepSchedule.startsWith('rate') ? 12 * HOUR : DAY;
    for (let elapsed = 0; elapsed < 10 * DAY; elapsed += every) {
      await sim.sweep();
      sim.local.mgn.advance();
      sim.advance(every / 2);
      await sim.stall(A); // MGN reports the stall again now and then
      sim.advance(every / 2);
    }
    expect(sim.acceptedRetries(A)).toBe(3);
    expect(sim.notices(A)).toHaveLength(1);
  });
});

describe('event times outside [now − 24 h, now + 5 min]', () => {
  it('are not used as the episode start or end: the decision time is, and the log says why', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, { afterRetry: 'RECOVERS' })]);
    const redriven = await sim.invoke(sim.stallEvent(A, 'STALLED', sim.now - 13 * DAY));
    expect(outcomeOf(redriven)).toBe('RETRIED');
    expect(decisions(redriven)[0]?.['eventTimeIgnored']).toMatch(/more than 24 h old/);
    sim.local.mgn.advance(); // INITIAL_SYNC
    sim.advance(10 * MINUTE);
    const future = await sim.invoke(sim.stallEvent(A, 'NOT_STALLED', sim.now + 365 * DAY));
    expect(outcomeOf(future)).toBe('RECOVERED');
    expect(decisions(future)[0]?.['eventTimeIgnored']).toMatch(/in the future/);
    // Stalled from the decision that saw it to the one that saw it replicate: 10 minutes.
    expect(emitted(future, 'StallDuration')).toBe(600);
  });
});
