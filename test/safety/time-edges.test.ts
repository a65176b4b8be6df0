import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction } from '../../tools/bundle-runner/bundled-function';
import { DAY, HOUR, MINUTE, Simulation, decisions, emitted, outcomeOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// Time at its edges, on the synthesized bundle: sweep schedules slower than a month, late copies of
// old events, snapshots dated ahead of the clock: none refills, backdates or switches off a budget.
jest.setTimeout(300_000);

const { A } = TEST_SERVERS;
let sim: Simulation;

stopSimulationsAfterEach();

/** DynamoDB TTL: items whose expiresAt (epoch s) has passed are deleted (in AWS within a few days; here at once). */
async function expireItems(): Promise<number> {
  const client = new DynamoDBClient({ endpoint: sim.local.dynamodb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  let deleted = 0;
  for (const item of await sim.local.dynamodb.items()) {
    const expiresAt = Number(item['expiresAt']?.N ?? Infinity);
    if (expiresAt * 1000 < sim.now) {
      await client.send(new DeleteItemCommand({ TableName: sim.local.dynamodb.tableName, Key: { pk: item['pk'] ?? { S: '' } } }));
      deleted += 1;
    }
  }
  client.destroy();
  return deleted;
}

describe('no sweepSchedule switches the budget off', () => {
  it.each([['rate(45 days)', 45 * DAY], ['cron(0 6 1 * ? *)', 31 * DAY]])('%s: an unfixable stall gets 3 retries and 1 notice in a year', async (sweepSchedule, every) => {
    sim = await Simulation.start(synthesizeBundledFunction({ ...DEFAULT_CONFIG, sweepSchedule }), [stalledServer(A)]);
    for (let elapsed = 0; elapsed < 365 * DAY; elapsed += every) {
      await expireItems();
      await sim.sweep();
      sim.local.mgn.advance(); // the initiation fails: STALLED again, and MGN says so
      sim.advance(10 * MINUTE);
      await sim.stall(A);
      sim.advance(every - 10 * MINUTE);
    }
    expect({ retries: sim.acceptedRetries(A), notices: sim.notices(A).length }).toEqual({ retries: 3, notices: 1 });
  });
});

describe('an event time from before the server was seen replicating', () => {
  it('does not backdate the next episode: no "still stalled" notice 30 minutes into a new stall', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, { afterRetry: 'RECOVERS' })]);
    const firstStallAt = sim.now;
    const staleEvent = sim.stallEvent(A, 'STALLED', firstStallAt);
    expect(outcomeOf(await sim.invoke(staleEvent))).toBe('RETRIED');
    sim.local.mgn.advance(); // INITIAL_SYNC
    sim.advance(5 * MINUTE);
    expect(outcomeOf(await sim.recovery(A))).toBe('RECOVERED');
    sim.local.mgn.advance(); // CONTINUOUS, snapshot taken
    sim.advance(4 * HOUR);
    // A new stall, 4 h after the recovery; the first delivery is a late copy of the old event (within 24 h).
    sim.setServer(A, { replicationState: 'STALLED', replicationError: { error: 'UNSTABLE_NETWORK' }, afterRetry: 'STAYS_STALLED' });
    const late = await sim.invoke(sim.stallEvent(A, 'STALLED', firstStallAt));
    expect(outcomeOf(late)).toBe('RETRIED');
    sim.local.mgn.advance();
    sim.advance(31 * MINUTE);
    const second = await sim.stall(A);
    expect(outcomeOf(second)).toBe('RETRIED');
    expect(decisions(second)[0]?.['escalated']).toBeUndefined();
    expect(sim.notices(A)).toHaveLength(0);
  });

  it('does not count a recovery that did not happen after an attempt is given back', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    // MGN reports a stall dated before the server's last snapshot (a late delivery, within 24 h).
    sim.setServer(A, { lastSnapshotAt: sim.now - HOUR });
    const event = sim.stallEvent(A, 'STALLED', sim.now - 2 * HOUR);
    sim.faults.mgn.add({ operation: 'RetryDataReplication', action: { kind: 'error', status: 503, errorType: 'ServiceUnavailableException' }, count: 3 });
    const failed = await sim.invoke(event);
    expect(failed.ok).toBe(false); // FAILED, attempt given back: the platform retries the event
    sim.advance(MINUTE);
    const again = await sim.invoke(event);
    expect(outcomeOf(again)).toBe('RETRIED');
    expect(emitted(again, 'ReplicationRecovered')).toBe(0);
    expect(emitted(again, 'StallDuration')).toBe(0);
  });
});

describe('MGN times from the future', () => {
  it('a lastSnapshotDateTime ahead of the clock does not switch off cooldown and budget', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.setServer(A, { lastSnapshotAt: sim.now + DAY });
    let recoveries = 0;
    for (let step = 0; step < 12; step += 1) {
      recoveries += emitted(await sim.stall(A), 'ReplicationRecovered');
      sim.local.mgn.advance();
      sim.advance(5 * MINUTE);
    }
    expect({ retries: sim.acceptedRetries(A), recoveries }).toEqual({ retries: 2, recoveries: 0 });
  });
});

