import { DEFAULT_CONFIG } from '../../lib/config';
import { invokeBundle, synthesizeBundledFunction, type BundledFunction, type InvocationOutcome } from '../../tools/bundle-runner/bundled-function';
import { startLocalAws, type LocalAws } from '../../tools/local-aws/local-aws';
import { generateFleet, type LocalSourceServer } from '../../tools/local-mgn/local-mgn-server';
import { stallEvent } from '../support/payloads';

// The shipped bundle, the real AWS SDK inside it, real HTTP to local MGN and SNS stand-ins, and
// dynalite for DynamoDB: the whole product, end to end, with no AWS account.
jest.setTimeout(180_000);

const server = (sourceServerID: string, changes: Partial<LocalSourceServer> = {}): LocalSourceServer => ({
  sourceServerID,
  replicationState: 'STALLED',
  lifeCycleState: 'READY_FOR_TEST',
  isArchived: false,
  afterRetry: 'STAYS_STALLED',
  replicationError: { error: 'UNSTABLE_NETWORK', rawError: 'connection reset' },
  ...changes,
});

const outcomeOf = (outcome: InvocationOutcome | undefined): string =>
  outcome === undefined ? 'missing' : outcome.ok ? outcome.result.results.map((entry) => entry.outcome).join(',') : outcome.error.name;

let standard: BundledFunction;
let strict: BundledFunction;
let local: LocalAws | undefined;

beforeAll(() => {
  standard = synthesizeBundledFunction();
  strict = synthesizeBundledFunction({ ...DEFAULT_CONFIG, cooldownMinutes: 0, maxAttempts: 1 });
});
afterEach(async () => {
  await local?.stop();
  local = undefined;
});

async function start(fleet: LocalSourceServer[]): Promise<LocalAws> {
  local = await startLocalAws(fleet);
  return local;
}

describe('end to end on the bundled function', () => {
  it('reaches every outcome', async () => {
    const aws = await start([
      server('s-a0000000000000000'),
      server('s-b0000000000000000'),
      server('s-c0000000000000000', { replicationState: 'CONTINUOUS' }),
      server('s-d0000000000000000', { lifeCycleState: 'CUTTING_OVER' }),
      server('s-e0000000000000000', { isArchived: true }),
      server('s-f0000000000000000', { tags: { 'mgn-stall-retry': 'off' } }),
      server('s-10000000000000000'),
      server('s-20000000000000000'),
      server('s-30000000000000000'),
      server('s-40000000000000000'),
    ]);
    const first = await invokeBundle(standard, [
      stallEvent('s-a0000000000000000'),
      { sourceServerID: 's-b0000000000000000', dryRun: true },
      stallEvent('s-c0000000000000000'),
      stallEvent('s-d0000000000000000'),
      stallEvent('s-e0000000000000000'),
      stallEvent('s-f0000000000000000'),
      stallEvent('s-9999999999999999a'),
    ], aws.environment);
    aws.mgn.advance(); // s-a… stalls again after its initiation
    const cooldown = await invokeBundle(standard, [stallEvent('s-a0000000000000000')], aws.environment);
    // Someone fixes it: MGN replicates again and reports NOT_STALLED.
    Object.assign(aws.mgn.server('s-a0000000000000000') ?? {}, { replicationState: 'CONTINUOUS' });
    const recovery = await invokeBundle(standard, [stallEvent('s-a0000000000000000', { state: 'NOT_STALLED' })], aws.environment);
    const second = { outcomes: [...cooldown.outcomes, ...recovery.outcomes] };
    expect([...first.outcomes, ...second.outcomes].map(outcomeOf)).toEqual([
      'RETRIED', 'DRY_RUN', 'SKIPPED_NOT_STALLED', 'SKIPPED_LIFECYCLE', 'SKIPPED_ARCHIVED', 'SKIPPED_OPTED_OUT',
      'NOT_FOUND', 'SKIPPED_COOLDOWN', 'RECOVERED',
    ]);

    const budget = await invokeBundle(strict, [stallEvent('s-10000000000000000')], aws.environment);
    aws.mgn.advance(); // the retry did not fix it
    const spent = await invokeBundle(strict, [stallEvent('s-10000000000000000')], aws.environment);
    expect([budget, spent].map((run) => outcomeOf(run.outcomes[0]))).toEqual(['RETRIED', 'SKIPPED_BUDGET_EXHAUSTED']);
    expect(aws.sns.published).toHaveLength(1);

    aws.mgn.injectFault({ operation: 'RetryDataReplication', errorType: 'InternalServerException', count: 3 });
    const failed = await invokeBundle(standard, [stallEvent('s-20000000000000000')], aws.environment);
    expect(outcomeOf(failed.outcomes[0])).toBe('ReplicationRetryFailedError');
    const decision = failed.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => 'outcome' in line);
    expect(decision).toMatchObject({ outcome: 'FAILED', mgnErrorCode: 'InternalServerException', level: 'ERROR' });

    aws.mgn.injectFault({ operation: 'RetryDataReplication', errorType: 'AccessDeniedException', count: 1 });
    const denied = await invokeBundle(standard, [stallEvent('s-30000000000000000')], aws.environment);
    expect(outcomeOf(denied.outcomes[0])).toBe('SKIPPED_ACCESS_DENIED');

    aws.mgn.injectFault({ operation: 'RetryDataReplication', errorType: 'ValidationException', count: 1 });
    const refused = await invokeBundle(standard, [stallEvent('s-40000000000000000')], aws.environment);
    expect(outcomeOf(refused.outcomes[0])).toBe('RETRY_REFUSED');
  });

  it('turns 100 concurrent events for 10 servers, each in its own environment, into exactly 10 retries', async () => {
    const fleet = generateFleet(10, 10);
    const aws = await start(fleet);
    const events = Array.from({ length: 100 }, (_, index) => stallEvent(fleet[index % 10]?.sourceServerID ?? ''));
    const runs = await Promise.all(events.map((event) => invokeBundle(standard, [event], aws.environment)));
    const outcomes = runs.flatMap((run) => run.outcomes);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const retried = aws.mgn.acceptedRetries();
    expect(retried).toHaveLength(10);
    expect(new Set(retried)).toEqual(new Set(fleet.map((entry) => entry.sourceServerID)));
    expect(outcomes.filter((outcome) => outcomeOf(outcome) === 'RETRIED')).toHaveLength(10);
  });

  it('retries once when MGN throttles and then succeeds (the SDK retries the call)', async () => {
    const aws = await start([server('s-a0000000000000000')]);
    aws.mgn.injectFault({ operation: 'RetryDataReplication', errorType: 'ThrottlingException', count: 2 });
    const { outcomes } = await invokeBundle(standard, [stallEvent('s-a0000000000000000')], aws.environment);
    expect(outcomeOf(outcomes[0])).toBe('RETRIED');
    expect(aws.mgn.calls.filter((call) => call.operation === 'RetryDataReplication').map((call) => call.status)).toEqual([429, 429, 200]);
    expect(aws.mgn.acceptedRetries()).toEqual(['s-a0000000000000000']);
  });

  it('fails on persistent 5xx, gives the claim back, and the platform\'s retry after recovery retries once', async () => {
    const aws = await start([server('s-a0000000000000000')]);
    aws.mgn.injectFault({ operation: 'RetryDataReplication', errorType: 'InternalServerException', count: 3 });
    const first = await invokeBundle(standard, [stallEvent('s-a0000000000000000')], aws.environment);
    expect(outcomeOf(first.outcomes[0])).toBe('ReplicationRetryFailedError');
    const [entry] = await aws.dynamodb.items();
    expect(entry?.['attemptTimes']).toEqual({ L: [] });
    // Lambda's asynchronous retry of the same event, once MGN has recovered.
    const retry = await invokeBundle(standard, [stallEvent('s-a0000000000000000')], aws.environment);
    expect(outcomeOf(retry.outcomes[0])).toBe('RETRIED');
    expect(aws.mgn.acceptedRetries()).toEqual(['s-a0000000000000000']);
  });

  it('sweeps a fleet spread over several pages, reading every page', async () => {
    const aws = await start(generateFleet(3210, 25));
    const { outcomes } = await invokeBundle(standard, [{ sweep: true }], aws.environment);
    const [sweep] = outcomes;
    if (!sweep?.ok) throw new Error(outcomeOf(sweep));
    expect(sweep.result.sweep).toMatchObject({ serversScanned: 3210, pagesRead: 4, scanComplete: true, stalledServersFound: 25, notReachedCount: 0 });
    expect(new Set(aws.mgn.acceptedRetries()).size).toBe(25);
    expect(aws.mgn.acceptedRetries()).toHaveLength(25);
  });
});
