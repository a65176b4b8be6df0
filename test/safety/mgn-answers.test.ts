import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction } from '../../tools/bundle-runner/bundled-function';
import { DAY, HOUR, MINUTE, Simulation, decisions, emitted, outcomeOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// What MGN answers, and what gets lost on the way, on the synthesized bundle through a fault proxy:
// a retry that may have happened counts, a refusal of a server MGN still reports STALLED counts
// and escalates, permanent errors are reported and notified once, never failing every sweep.
jest.setTimeout(180_000);

const { A, B } = TEST_SERVERS;
let sim: Simulation;

stopSimulationsAfterEach();

describe('a retry that may have happened counts', () => {
  it('when MGN applied the retry but its answer was lost, and the SDK\'s retry of it was refused', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.faults.mgn.add({ operation: 'RetryDataReplication', action: { kind: 'drop-response' }, count: 1 });
    const first = await sim.stall(A);
    expect(outcomeOf(first)).toBe('RETRIED');
    expect(decisions(first)[0]?.['reason']).toMatch(/the retry took effect, its answer was lost/);
    sim.local.mgn.advance(); // the initiation fails: STALLED again
    sim.advance(10 * MINUTE);
    expect(outcomeOf(await sim.stall(A))).toBe('SKIPPED_COOLDOWN');
    sim.advance(10 * MINUTE);
    expect(outcomeOf(await sim.sweep())).toBe('SKIPPED_COOLDOWN');
    expect(sim.acceptedRetries(A)).toBe(1);
  });

  it('when every answer to the retry is lost: the server, read again, is no longer STALLED', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.faults.mgn.add({ operation: 'RetryDataReplication', action: { kind: 'drop-response' } });
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    sim.faults.mgn.clear();
    sim.local.mgn.advance();
    sim.advance(20 * MINUTE);
    expect(outcomeOf(await sim.stall(A))).toBe('SKIPPED_COOLDOWN');
    expect(sim.acceptedRetries(A)).toBe(1);
  });

  it('gives the attempt back only when the server is still STALLED after a transient failure', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.faults.mgn.add({ operation: 'RetryDataReplication', action: { kind: 'error', status: 503, errorType: 'ServiceUnavailableException' }, count: 3 });
    const failed = await sim.stall(A);
    expect(failed).toMatchObject({ ok: false, error: { name: 'ReplicationRetryFailedError' } });
    expect(decisions(failed)[0]).toMatchObject({ outcome: 'FAILED', attempts: 0 });
    sim.advance(MINUTE); // Lambda's asynchronous retry of the same event
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    expect(sim.acceptedRetries(A)).toBe(1);
  });
});

describe('a retry MGN refuses while it reports the server STALLED', () => {
  it('counts as an attempt: three in three days, then one notice naming the error', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, { refusesRetry: true })]);
    const outcomes: string[] = [];
    for (let elapsed = 0; elapsed < 3 * DAY; elapsed += HOUR) {
      outcomes.push(outcomeOf(await sim.sweep()));
      sim.advance(HOUR / 2);
      outcomes.push(outcomeOf(await sim.stall(A)));
      sim.advance(HOUR / 2);
    }
    expect(outcomes.filter((outcome) => outcome === 'RETRY_REFUSED')).toHaveLength(3);
    expect(sim.retryCalls(A)).toBe(3);
    const notices = sim.notices(A);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/Last retry:\s+attempt 3 refused: ValidationException/);
    expect(outcomes.every((outcome) => ['RETRY_REFUSED', 'SKIPPED_COOLDOWN', 'SKIPPED_BUDGET_EXHAUSTED'].includes(outcome))).toBe(true);
  });
});

describe('permanent errors', () => {
  it('MGN not initialized: every sweep succeeds, says so, counts it, and one notice goes out', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.local.mgn.initialized = false;
    for (let hour = 0; hour < 24; hour += 1) {
      const sweep = await sim.sweep();
      expect(sweep).toMatchObject({ ok: true, result: { sweep: { outcome: 'SKIPPED_MGN_NOT_INITIALIZED' } } });
      expect(emitted(sweep, 'MgnNotInitialized')).toBe(1);
      sim.advance(HOUR);
    }
    expect(sim.notices()).toHaveLength(1);
    expect(sim.notices()[0]?.subject).toMatch(/MGN is not initialized/);
    const event = await sim.stall(A);
    expect(outcomeOf(event)).toBe('SKIPPED_MGN_NOT_INITIALIZED');
  });

  it('a retry denied for good (an SCP): counted, notified once with the error, every sweep green', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A), stalledServer(B, { afterRetry: 'RECOVERS' })]);
    sim.faults.mgn.add({ operation: 'RetryDataReplication', action: { kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'explicit deny in a service control policy' } });
    let escalatedWithoutRetry = 0;
    for (let hour = 0; hour < 24; hour += 1) {
      const sweep = await sim.sweep();
      expect(sweep.ok).toBe(true);
      escalatedWithoutRetry += emitted(sweep, 'EscalatedWithoutRetry');
      sim.advance(HOUR);
    }
    expect(sim.notices(A)).toHaveLength(1);
    expect(sim.notices(B)).toHaveLength(1);
    expect(sim.notices(A)[0]?.message).toMatch(/explicit deny in a service control policy/);
    expect(escalatedWithoutRetry).toBe(2);
    // Bounded: at most the budget's worth of calls per server, whatever the schedule.
    expect(sim.faults.mgn.calls.filter((call) => call.operation === 'RetryDataReplication')).toHaveLength(6);
  });
});

describe('StalledServersFound', () => {
  it('is not counted again when the platform retries a sweep that failed', async () => {
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, sweepConcurrency: 1 }), [stalledServer(A), stalledServer(B)]);
    sim.faults.mgn.add({ operation: 'RetryDataReplication', action: { kind: 'error', status: 500, errorType: 'InternalServerException' }, count: 3 });
    const event = sim.scheduleEvent('the-same-sweep');
    const first = await sim.invoke(event);
    expect(first).toMatchObject({ ok: false, error: { name: 'ReplicationRetryFailedError' } });
    expect(emitted(first, 'StalledServersFound')).toBe(2);
    sim.advance(MINUTE);
    const again = await sim.invoke(event);
    expect(again.ok).toBe(true);
    expect(emitted(again, 'StalledServersFound')).toBe(0);
    expect(sim.acceptedRetries()).toBe(2);
  });
});
