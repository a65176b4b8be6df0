import { DEFAULT_CONFIG } from '../../lib/config';
import { startLocalAws, type LocalAws } from '../../tools/local-aws/local-aws';
import { generateFleet, type LocalSourceServer } from '../../tools/local-mgn/local-mgn-server';
import { invokeBundle, synthesizeBundledFunction, type BundledFunction, type InvocationOutcome } from '../../tools/bundle-runner/bundled-function';
import { OTHER_ACCOUNT, SERVER_A, SERVER_B, SERVER_C, stallEvent } from '../support/payloads';

jest.setTimeout(120_000);

const SERVER_D = 's-d00000000000000d0';
const SERVER_E = 's-e00000000000000e0';
const fleet = (): LocalSourceServer[] => [
  { sourceServerID: SERVER_A, replicationState: 'STALLED', lifeCycleState: 'READY_FOR_TEST', isArchived: false, hostname: 'app-01', replicationError: { error: 'FAILED_TO_START_DATA_TRANSFER', rawError: 'data transfer did not start' }, afterRetry: 'STAYS_STALLED' },
  { sourceServerID: SERVER_B, replicationState: 'CONTINUOUS', lifeCycleState: 'READY_FOR_TEST', isArchived: false },
  { sourceServerID: SERVER_C, replicationState: 'STALLED', lifeCycleState: 'CUTTING_OVER', isArchived: false },
  { sourceServerID: SERVER_D, replicationState: 'STALLED', lifeCycleState: 'READY_FOR_CUTOVER', isArchived: true },
  { sourceServerID: SERVER_E, replicationState: 'STALLED', lifeCycleState: 'READY_FOR_TEST', isArchived: false, tags: { 'mgn-stall-retry': 'off' } },
];

const outcomeOf = (outcome: InvocationOutcome | undefined): string =>
  outcome === undefined ? 'missing' : outcome.ok ? (outcome.result.results[0]?.outcome ?? 'none') : outcome.error.name;

let fn: BundledFunction;
/** Synthesized with cooldownMinutes 0 and maxAttempts 2: a whole budget in seconds. */
let strict: BundledFunction;
let local: LocalAws;

beforeAll(() => {
  fn = synthesizeBundledFunction();
  strict = synthesizeBundledFunction({ ...DEFAULT_CONFIG, cooldownMinutes: 0, maxAttempts: 2 });
});

/**
 * Sends `rounds` STALLED events for SERVER_A, a stall no retry fixes, to the strict function: after
 * each, MGN moves the retried server from INITIATING back to STALLED. With `flapping`, MGN also
 * reports the retry's initiation as NOT_STALLED in between. Returns each round's outcome.
 */
async function stallRounds(rounds: number, flapping: boolean): Promise<string[]> {
  const outcomes: string[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const { outcomes: [outcome] } = await invokeBundle(strict, [stallEvent(SERVER_A)], local.environment);
    outcomes.push(outcomeOf(outcome));
    if (flapping) {
      await invokeBundle(strict, [stallEvent(SERVER_A, { state: 'NOT_STALLED', time: new Date().toISOString() })], local.environment);
    }
    local.mgn.advance();
  }
  return outcomes;
}
beforeEach(async () => {
  local = await startLocalAws(fleet());
});
afterEach(() => local.stop());

describe('the synthesized bundle against local MGN, DynamoDB and SNS endpoints', () => {
  it('retries a stalled server exactly once, signed, with its ID', async () => {
    const { outcomes } = await invokeBundle(fn, [stallEvent(SERVER_A)], local.environment);
    expect(outcomes).toMatchObject([{ ok: true, result: { results: [{ sourceServerID: SERVER_A, outcome: 'RETRIED', attempt: 1 }] } }]);
    expect(local.mgn.acceptedRetries()).toEqual([SERVER_A]);
    expect(local.mgn.calls.every((call) => call.signed)).toBe(true);
    expect(local.mgn.server(SERVER_A)?.replicationState).toBe('INITIATING');
  });

  it('leaves healthy, unknown, cutting-over, archived and opted-out servers alone and succeeds', async () => {
    const events = [SERVER_B, 's-00000000000000000', SERVER_C, SERVER_D, SERVER_E].map((id) => stallEvent(id));
    const { outcomes } = await invokeBundle(fn, events, local.environment);
    expect(outcomes.map(outcomeOf)).toEqual([
      'SKIPPED_NOT_STALLED', 'NOT_FOUND', 'SKIPPED_LIFECYCLE', 'SKIPPED_ARCHIVED', 'SKIPPED_OPTED_OUT',
    ]);
    expect(local.mgn.calls.filter((call) => call.operation === 'RetryDataReplication')).toHaveLength(0);
  });

  it('rejects malformed input with named errors and makes no MGN call', async () => {
    const inputs: [unknown, string][] = [
      [{}, 'event'],
      [{ accountID: OTHER_ACCOUNT }, 'payload'],
      [{ sourceServerID: 's-123' }, 'sourceServerID'],
      [{ sourceServerID: 's-1234567890abcdef0; rm -rf /' }, 'sourceServerID'],
      [{ sourceServerID: 123 }, 'sourceServerID'],
      [{ sourceServerIDs: SERVER_A }, 'sourceServerIDs'],
      [{ ...stallEvent(SERVER_A), resources: [] }, 'resources'],
      [{ ...stallEvent(SERVER_A), source: 'my.mgn' }, 'source'],
      [null, 'event'],
      [[], 'event'],
      ['STALLED', 'event'],
    ];
    const { outcomes } = await invokeBundle(fn, inputs.map(([input]) => input), local.environment);
    expect(outcomes.map((outcome) => (outcome.ok ? 'accepted' : `${outcome.error.name}:${outcome.error.field ?? ''}`))).toEqual(
      inputs.map(([, field]) => `InvalidInputError:${field}`),
    );
    expect(local.mgn.calls).toHaveLength(0);
  });

  it('fails the invocation when MGN keeps throttling, after the SDK retried, and gives the claim back', async () => {
    local.mgn.injectFault({ operation: 'RetryDataReplication', errorType: 'ThrottlingException', count: 3 });
    const { outcomes } = await invokeBundle(fn, [stallEvent(SERVER_A), stallEvent(SERVER_A)], local.environment);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { name: 'ReplicationRetryFailedError' } });
    expect(outcomeOf(outcomes[1])).toBe('RETRIED');
    expect(local.mgn.calls.filter((call) => call.operation === 'RetryDataReplication').map((call) => call.status)).toEqual([429, 429, 429, 200]);
  });

  it('writes only JSON, with EMF in the MgnStallRetry namespace and a cold start', async () => {
    const { lines } = await invokeBundle(fn, [stallEvent(SERVER_A), stallEvent(SERVER_B)], local.environment);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const emf = parsed.filter((line) => '_aws' in line) as { _aws: { CloudWatchMetrics: { Namespace: string }[] } }[];
    expect(emf.length).toBeGreaterThan(0);
    expect(emf.every((blob) => blob._aws.CloudWatchMetrics[0]?.Namespace === 'MgnStallRetry')).toBe(true);
    expect(parsed.filter((line) => 'ColdStart' in line)).toHaveLength(1);
    expect(parsed.filter((line) => 'ReplicationRetried' in line)).toHaveLength(1);
  });

  it('turns 30 concurrent duplicate events, each in its own environment, into exactly one retry', async () => {
    const runs = await Promise.all(Array.from({ length: 30 }, () => invokeBundle(fn, [stallEvent(SERVER_A)], local.environment)));
    const outcomes = runs.flatMap((run) => run.outcomes);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(local.mgn.acceptedRetries()).toEqual([SERVER_A]);
    expect(outcomes.filter((outcome) => outcomeOf(outcome) === 'RETRIED')).toHaveLength(1);
    // The others lost the ledger race (cooldown) or already saw the server INITIATING.
    expect(outcomes.map(outcomeOf).filter((o) => !['RETRIED', 'SKIPPED_COOLDOWN', 'SKIPPED_NOT_STALLED'].includes(o))).toEqual([]);

    local.mgn.advance(); // the retry did not help: STALLED again
    const { outcomes: later } = await invokeBundle(fn, [stallEvent(SERVER_A)], local.environment);
    expect(outcomeOf(later[0])).toBe('SKIPPED_COOLDOWN');
    expect(local.mgn.acceptedRetries()).toHaveLength(1);
  });

  it('closes the stall episode on NOT_STALLED, once MGN shows it replicating, with ReplicationRecovered and StallDuration', async () => {
    await invokeBundle(fn, [stallEvent(SERVER_A)], local.environment);
    Object.assign(local.mgn.server(SERVER_A) ?? {}, { afterRetry: 'RECOVERS' });
    local.mgn.advance(); // INITIATING → INITIAL_SYNC
    const recovery = stallEvent(SERVER_A, { state: 'NOT_STALLED', time: new Date(Date.now() + 5000).toISOString() });
    const { outcomes, lines } = await invokeBundle(fn, [recovery], local.environment);
    expect(outcomeOf(outcomes[0])).toBe('RECOVERED');
    const emf = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => '_aws' in line);
    expect(emf.find((blob) => 'ReplicationRecovered' in blob)).toMatchObject({ ReplicationRecovered: 1 });
    expect(emf.find((blob) => 'StallDuration' in blob)?.['StallDuration']).toEqual(expect.any(Number));
  });

  it('changes nothing in a dry run asked for by the payload', async () => {
    const { outcomes } = await invokeBundle(fn, [{ sourceServerIDs: [SERVER_A, SERVER_E], dryRun: true }], local.environment);
    expect(outcomes[0]).toMatchObject({ ok: true, result: { dryRun: true, results: [{ outcome: 'DRY_RUN' }, { outcome: 'SKIPPED_OPTED_OUT' }] } });
    expect(local.mgn.calls.filter((call) => call.operation === 'RetryDataReplication')).toHaveLength(0);
    expect(await local.dynamodb.items()).toEqual([]);
  });
});

describe('the bundle synthesized with settings', () => {
  it('with an empty skipLifecycleStates, starts and retries a stalled server in any lifecycle state', async () => {
    const everyState = synthesizeBundledFunction({ ...DEFAULT_CONFIG, skipLifecycleStates: [] });
    expect(everyState.environment['SKIP_LIFECYCLE_STATES']).toBe('');
    const { outcomes } = await invokeBundle(everyState, [stallEvent(SERVER_C)], local.environment);
    expect(outcomes.map(outcomeOf)).toEqual(['RETRIED']);
  });

  it('with dryRun configured, never writes to MGN even for a STALLED event', async () => {
    const dryRunFn = synthesizeBundledFunction({ ...DEFAULT_CONFIG, dryRun: true });
    const { outcomes } = await invokeBundle(dryRunFn, [stallEvent(SERVER_A), { sourceServerID: SERVER_A, dryRun: false }], local.environment);
    expect(outcomes.map(outcomeOf)).toEqual(['DRY_RUN', 'DRY_RUN']);
    expect(local.mgn.acceptedRetries()).toEqual([]);
  });

  it('with cooldownMinutes 0 and maxAttempts 2, retries an unfixable stall twice, then escalates once', async () => {
    const outcomes = await stallRounds(4, false);
    expect(outcomes).toEqual(['RETRIED', 'RETRIED', 'SKIPPED_BUDGET_EXHAUSTED', 'SKIPPED_BUDGET_EXHAUSTED']);
    expect(local.mgn.acceptedRetries()).toEqual([SERVER_A, SERVER_A]);
    expect(local.sns.published).toHaveLength(1);
    expect(local.sns.published[0]?.subject).toContain(SERVER_A);
    expect(local.sns.published[0]?.message).toContain('FAILED_TO_START_DATA_TRANSFER');
    expect(local.sns.published[0]?.message).toContain('data transfer did not start');
  });
});

describe('a stall that flaps: every retry answered by NOT_STALLED, then STALLED again', () => {
  it('gets exactly maxAttempts retries and one notification, not a fresh budget each time', async () => {
    const outcomes = await stallRounds(4, true);
    expect(outcomes).toEqual(['RETRIED', 'RETRIED', 'SKIPPED_BUDGET_EXHAUSTED', 'SKIPPED_BUDGET_EXHAUSTED']);
    expect(local.mgn.acceptedRetries()).toEqual([SERVER_A, SERVER_A]);
    expect(local.sns.published).toHaveLength(1);
  });
});

describe('the sweep of the synthesized bundle', () => {
  it('finds 40 stalled servers among 2,500 over 3 pages and retries each exactly once', async () => {
    const fleetMgn = await startLocalAws(generateFleet(2500, 40));
    try {
      const { outcomes } = await invokeBundle(fn, [{ sweep: true }], fleetMgn.environment);
      const [outcome] = outcomes;
      if (!outcome?.ok) throw new Error(`sweep failed: ${JSON.stringify(outcome)}`);
      expect(outcome.result.sweep).toEqual({
        serversScanned: 2500, pagesRead: 3, scanComplete: true, stalledServersFound: 40, recoveriesFound: 0, notReached: [], notReachedCount: 0,
        // The stalled servers are two hours behind: lagging, and listed (the first 50) as at risk.
        fleetHealth: expect.objectContaining({ byState: { CONTINUOUS: 2460, STALLED: 40 }, lagging: 40, maxLagSeconds: 7200, atRiskCount: 40 }) as unknown,
      });
      // Three pages, then the 40 stalled servers read again by ID right before their decisions, in
      // batches of the sweep's concurrency (5): the state a decision acts on is milliseconds old.
      const describes = fleetMgn.mgn.calls.filter((call) => call.operation === 'DescribeSourceServers');
      const pages = describes.filter((call) => (call.body as { filters?: { isArchived?: boolean } }).filters?.isArchived === false);
      expect(pages.map((call) => (call.body as { nextToken?: string }).nextToken === undefined)).toEqual([true, false, false]);
      expect(describes).toHaveLength(3 + 40 / 5);
      const retried = fleetMgn.mgn.acceptedRetries();
      expect(retried).toHaveLength(40);
      expect(new Set(retried).size).toBe(40);
      expect(outcome.result.results.every((entry) => entry.outcome === 'RETRIED')).toBe(true);
    } finally {
      await fleetMgn.stop();
    }
  });
});
