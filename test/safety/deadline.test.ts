import { generateFleet } from '../../tools/local-mgn/local-mgn-server';
import { MINUTE, Simulation, decisions, outcomeOf, outcomesOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// The function ends before its timeout whatever a call does: each AWS call gets a deadline from the
// time left, so a hung call or a brownout costs the servers it holds up (FAILED, tried again), never
// the results, metrics, sweep backlog or claims of the rest. On the synthesized bundle, with calls
// hung and slowed by the fault proxy, and short Lambda timeouts so the tests take seconds.
jest.setTimeout(180_000);

const { A } = TEST_SERVERS;
let sim: Simulation;

stopSimulationsAfterEach();

/** Whether the ledger holds a counted attempt for a server. */
async function attemptsOf(sourceServerID: string): Promise<number> {
  const item = (await sim.local.dynamodb.items()).find((entry) => entry['pk']?.S?.endsWith(sourceServerID));
  return item?.['attemptTimes']?.L?.length ?? 0;
}

describe('the function ends before its timeout', () => {
  it('when RetryDataReplication hangs: the server FAILED, its attempt given back, the next try retries it', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.faults.mgn.add({ operation: 'RetryDataReplication', action: { kind: 'hang' }, count: 1 });
    const hung = await sim.stall(A, { timeoutMs: 8_000 });
    expect(hung.timedOut).toBe(false);
    expect(hung.durationMs).toBeLessThan(8_000);
    expect(hung).toMatchObject({ ok: false, error: { name: 'ReplicationRetryFailedError' } });
    expect(decisions(hung)[0]).toMatchObject({ outcome: 'FAILED', replicationState: 'STALLED' });
    expect(hung.lines.some((line) => line.includes('"ReplicationRetried"') || line.includes('"RetryFailed"'))).toBe(true);
    expect(await attemptsOf(A)).toBe(0);
    sim.advance(MINUTE);
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
  });

  it('when the ledger read hangs', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    // A stall event reads the entry and the census together; a manual request reads the entry alone.
    sim.faults.dynamodb.add({ operation: 'BatchGetItem', action: { kind: 'hang' } });
    sim.faults.dynamodb.add({ operation: 'GetItem', action: { kind: 'hang' } });
    const hung = await sim.stall(A, { timeoutMs: 8_000 });
    expect(hung.timedOut).toBe(false);
    expect(hung).toMatchObject({ ok: false, error: { name: 'ReplicationRetryFailedError' } });
    expect(decisions(hung)[0]?.['errorCode']).toBe('DeadlineExceededError');
    expect(sim.acceptedRetries()).toBe(0);
  });

  it('when every call is slow: a manual batch decides what it can and fails the rest, each claim settled', async () => {
    const fleet = generateFleet(100, 100, 'RECOVERS');
    sim = await Simulation.start(defaultBundle(), fleet);
    sim.faults.mgn.add({ operation: '*', action: { kind: 'delay', ms: 150 } });
    sim.faults.dynamodb.add({ operation: '*', action: { kind: 'delay', ms: 150 } });
    const batch = await sim.invoke({ sourceServerIDs: fleet.map((server) => server.sourceServerID) }, { timeoutMs: 12_000 });
    expect(batch.timedOut).toBe(false);
    expect(batch).toMatchObject({ ok: false, error: { name: 'ReplicationRetryFailedError' } });
    const lines = decisions(batch);
    const retried = lines.filter((line) => line['outcome'] === 'RETRIED').map((line) => String(line['sourceServerID']));
    const failed = lines.filter((line) => line['outcome'] === 'FAILED').map((line) => String(line['sourceServerID']));
    expect(retried.length).toBeGreaterThan(5);
    expect(failed.length).toBeGreaterThan(5);
    expect(retried.length + failed.length).toBe(100);
    // Every retried server holds its attempt; no failed one holds a claim it never used.
    expect(new Set(sim.local.mgn.acceptedRetries())).toEqual(new Set(retried));
    for (const id of failed.slice(0, 10)) expect(await attemptsOf(id)).toBe(0);
  });

  it('when a sweep meets a brownout: it stops in time and keeps the servers it did not reach for the next', async () => {
    const fleet = generateFleet(400, 80);
    sim = await Simulation.start(defaultBundle(), fleet);
    sim.faults.dynamodb.add({ operation: '*', action: { kind: 'delay', ms: 200 } });
    const sweep = await sim.sweep({ timeoutMs: 10_000 });
    expect(sweep.timedOut).toBe(false);
    if (!sweep.ok || sweep.result.sweep === undefined) throw new Error(`sweep failed: ${JSON.stringify(sweep)}`);
    const { notReachedCount, stalledServersFound } = sweep.result.sweep;
    expect(stalledServersFound).toBe(80);
    expect(notReachedCount).toBeGreaterThan(0);
    expect(outcomesOf(sweep).filter((outcome) => outcome === 'RETRIED')).toHaveLength(80 - notReachedCount);
    const backlog = (await sim.local.dynamodb.items()).find((item) => item['pk']?.S?.startsWith('sweep#'));
    expect(backlog?.['notReached']?.L).toHaveLength(notReachedCount);

    sim.faults.dynamodb.clear();
    sim.local.mgn.advance();
    sim.advance(MINUTE);
    const next = await sim.sweep();
    expect(next.ok && next.result.results.slice(0, notReachedCount).every((entry) => entry.outcome === 'RETRIED')).toBe(true);
    expect(new Set(sim.local.mgn.acceptedRetries()).size).toBe(80);
  });
});
