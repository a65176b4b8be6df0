import {
  AccessDeniedException,
  DescribeSourceServersCommand,
  InternalServerException,
  MgnClient,
  ResourceNotFoundException,
  RetryDataReplicationCommand,
  ThrottlingException,
  UninitializedAccountException,
  ValidationException,
  type SourceServer,
} from '@aws-sdk/client-mgn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { performance } from 'node:perf_hooks';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/retry-stalled-replication/index';
import { writeLedgerEntry } from '../../lambda/retry-stalled-replication/aws/ledger-api';
import { startLocalDynamoDB, type LocalDynamoDB } from '../../tools/local-dynamodb/local-dynamodb';
import { LocalEventsServer } from '../../tools/local-events/local-events-server';
import { TEST_ACCOUNT } from '../support/lambda-environment';
import { OTHER_ACCOUNT, SERVER_A, SERVER_B, SERVER_C, stallEvent } from '../support/payloads';
import { captureOutput, metricValue, type OutputCapture } from '../support/output-capture';


const mgn = mockClient(MgnClient);
const sns = mockClient(SNSClient);
const context = {
  functionName: 'mgn-stall-retry-test',
  awsRequestId: 'request-1',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${TEST_ACCOUNT}:function:mgn-stall-retry-test`,
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 300_000,
} as Context;

interface ServerOptions {
  replicationState?: string;
  lifeCycleState?: string;
  isArchived?: boolean;
  tags?: Record<string, string>;
  hostname?: string;
  error?: { error: string; rawError?: string };
}

function server(sourceServerID: string, options: ServerOptions | string = {}, lifeCycleState?: string, isArchived?: boolean): SourceServer {
  const settings: ServerOptions = typeof options === 'string' ? { replicationState: options, lifeCycleState, isArchived } : options;
  return {
    sourceServerID,
    isArchived: settings.isArchived ?? false,
    tags: settings.tags ?? {},
    lifeCycle: { state: (settings.lifeCycleState ?? 'READY_FOR_TEST') as 'READY_FOR_TEST' },
    dataReplicationInfo: {
      dataReplicationState: (settings.replicationState ?? 'STALLED') as 'STALLED',
      ...(settings.error ? { dataReplicationError: settings.error as { error: 'AGENT_NOT_SEEN'; rawError?: string } } : {}),
    },
    sourceProperties: { identificationHints: { hostname: settings.hostname ?? `host-${sourceServerID}` } },
  };
}

function mgnKnows(...servers: SourceServer[]): void {
  mgn.on(DescribeSourceServersCommand).callsFake((input: { filters?: { sourceServerIDs?: string[] } }) => ({
    items: servers.filter((item) => input.filters?.sourceServerIDs?.includes(item.sourceServerID ?? '') ?? true),
  }));
}

const mgnError = {
  throttling: () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }),
  internal: () => new InternalServerException({ message: 'internal', $metadata: { httpStatusCode: 500 } }),
  notFound: () => new ResourceNotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }),
  validation: () => new ValidationException({ message: 'not stalled', $metadata: { httpStatusCode: 400 } }),
  accessDenied: () => new AccessDeniedException({ message: 'explicit deny in a service control policy', $metadata: { httpStatusCode: 403 } }),
  uninitialized: () => new UninitializedAccountException({ message: 'MGN is not initialized in this account and Region', $metadata: { httpStatusCode: 400 } }),
};

/**
 * A context whose time runs short once MGN has accepted the first retry: 31 s left before it,
 * 4.5 s after it: under the 5 s kept for starting work (a tenth of the time, at least 5 s), over
 * the 4 s kept after the last call. Counts the retries by answering them itself.
 */
function contextRunningOutAfterFirstRetry(): Context {
  let retries = 0;
  mgn.on(RetryDataReplicationCommand).callsFake(() => {
    retries += 1;
    return {};
  });
  return { ...context, getRemainingTimeInMillis: () => (retries === 0 ? 31_000 : 4_500) };
}

let dynamodb: LocalDynamoDB;
let eventBridge: LocalEventsServer;
let output: OutputCapture;

beforeAll(async () => {
  // Real DynamoDB and EventBridge implementations for the ledger and the decision events (the
  // function reads AWS_ENDPOINT_URL_<SERVICE> at each request); MGN and SNS are mocked at the client class.
  dynamodb = await startLocalDynamoDB(process.env['LEDGER_TABLE_NAME']);
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = dynamodb.endpoint;
  eventBridge = new LocalEventsServer();
  process.env['AWS_ENDPOINT_URL_EVENTBRIDGE'] = await eventBridge.start();
});
afterAll(() => Promise.all([dynamodb.stop(), eventBridge.stop()]));
beforeEach(async () => {
  await dynamodb.clear();
  mgn.reset();
  sns.reset();
  mgn.on(RetryDataReplicationCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  eventBridge.events.length = 0;
  eventBridge.calls.length = 0;
  eventBridge.failCalls = 0;
  output = captureOutput();
});
afterEach(() => output.restore());

describe('a STALLED event', () => {
  it('retries a stalled server once, with exactly its ID', async () => {
    mgnKnows(server(SERVER_A));
    const result = await handler(stallEvent(SERVER_A), context);
    expect(result).toEqual({ trigger: 'event', dryRun: false, results: [{ sourceServerID: SERVER_A, outcome: 'RETRIED', attempt: 1 }] });
    expect(mgn).toHaveReceivedCommandTimes(RetryDataReplicationCommand, 1);
    expect(mgn).toHaveReceivedCommandWith(RetryDataReplicationCommand, { sourceServerID: SERVER_A });
    expect(mgn.commandCalls(RetryDataReplicationCommand)[0]?.args[0].input).toEqual({ sourceServerID: SERVER_A });
    expect(mgn).toHaveReceivedCommandWith(DescribeSourceServersCommand, { filters: { sourceServerIDs: [SERVER_A] } });
  });

  it('puts one "Stall Retried" decision event on the default bus', async () => {
    mgnKnows(server(SERVER_A));
    await handler(stallEvent(SERVER_A), context);
    expect(eventBridge.calls).toEqual([1]);
    const [entry] = eventBridge.events;
    expect(entry).toMatchObject({ source: 'mgn-stall-retry', detailType: 'Stall Retried' });
    expect(entry?.detail).toMatchObject({ sourceServerID: SERVER_A, accountID: TEST_ACCOUNT, region: 'us-east-1', outcome: 'RETRIED', attempt: 1 });
    expect(eventBridge.badSignatures).toEqual([]);
  });

  it('keeps the outcome when EventBridge refuses the decision events, and counts DecisionEventsFailed', async () => {
    mgnKnows(server(SERVER_A));
    // Every attempt of the call fails.
    eventBridge.failCalls = 3;
    const result = await handler(stallEvent(SERVER_A), context);
    expect(result.results[0]).toMatchObject({ outcome: 'RETRIED' });
    expect(metricValue(output.emf(), 'DecisionEventsFailed')).toBe(1);
  });

  it('emits ReplicationRetried in the MgnStallRetry namespace with the service dimension', async () => {
    mgnKnows(server(SERVER_A));
    await handler(stallEvent(SERVER_A), context);
    const blobs = output.emf();
    expect(metricValue(blobs, 'ReplicationRetried')).toBe(1);
    const retried = blobs.find((blob) => 'ReplicationRetried' in blob);
    expect(retried?._aws.CloudWatchMetrics[0]?.Namespace).toBe('MgnStallRetry');
    expect(retried?.['service']).toBe('mgn-stall-retry');
  });

  it('writes one JSON decision line naming server, outcome and replication state', async () => {
    mgnKnows(server(SERVER_A));
    await handler(stallEvent(SERVER_A), context);
    const decisions = output.json().filter((line) => line['message'] === 'replication retry decision');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      level: 'INFO', sourceServerID: SERVER_A, outcome: 'RETRIED', replicationState: 'STALLED', trigger: 'event',
    });
  });

  it('sends the account ID when the event comes from another account', async () => {
    mgnKnows(server(SERVER_A));
    await handler(stallEvent(SERVER_A, { account: OTHER_ACCOUNT }), context);
    expect(mgn).toHaveReceivedCommandWith(RetryDataReplicationCommand, { sourceServerID: SERVER_A, accountID: OTHER_ACCOUNT });
    expect(mgn).toHaveReceivedCommandWith(DescribeSourceServersCommand, { accountID: OTHER_ACCOUNT });
  });
});

describe('skips without calling RetryDataReplication', () => {
  it.each([
    ['a healthy server', server(SERVER_A, 'CONTINUOUS'), 'SKIPPED_NOT_STALLED'],
    ['an archived server', server(SERVER_A, 'STALLED', 'READY_FOR_TEST', true), 'SKIPPED_ARCHIVED'],
    ['an opted-out server', server(SERVER_A, { tags: { 'mgn-stall-retry': 'off' } }), 'SKIPPED_OPTED_OUT'],
    ['a server cutting over', server(SERVER_A, 'STALLED', 'CUTTING_OVER'), 'SKIPPED_LIFECYCLE'],
    ['a cut-over server', server(SERVER_A, 'STALLED', 'CUTOVER'), 'SKIPPED_LIFECYCLE'],
    ['a disconnected server', server(SERVER_A, 'STALLED', 'DISCONNECTED'), 'SKIPPED_LIFECYCLE'],
  ])('%s', async (_name, known, outcome) => {
    mgnKnows(known);
    const result = await handler(stallEvent(SERVER_A), context);
    expect(result.results).toEqual([expect.objectContaining({ sourceServerID: SERVER_A, outcome })]);
    expect(result.results[0]?.reason).toEqual(expect.any(String));
    expect(mgn).not.toHaveReceivedCommand(RetryDataReplicationCommand);
    expect(metricValue(output.emf(), 'RetrySkipped', ['Reason', outcome])).toBe(1);
  });

  it('reports a server MGN does not know as NOT_FOUND, not as an error', async () => {
    mgnKnows();
    const result = await handler(stallEvent(SERVER_A), context);
    expect(result.results).toEqual([expect.objectContaining({ sourceServerID: SERVER_A, outcome: 'NOT_FOUND' })]);
    expect(mgn).not.toHaveReceivedCommand(RetryDataReplicationCommand);
  });
});

describe('when RetryDataReplication fails after a passing precheck (the server reads STALLED again)', () => {
  it.each([
    ['ResourceNotFoundException', 'NOT_FOUND', mgnError.notFound],
    ['ValidationException', 'RETRY_REFUSED', mgnError.validation],
    ['UninitializedAccountException', 'SKIPPED_MGN_NOT_INITIALIZED', mgnError.uninitialized],
    ['AccessDeniedException', 'SKIPPED_ACCESS_DENIED', mgnError.accessDenied],
  ])('%s gives %s and the invocation succeeds', async (code, outcome, error) => {
    mgnKnows(server(SERVER_A));
    mgn.on(RetryDataReplicationCommand).rejects(error());
    const result = await handler(stallEvent(SERVER_A), context);
    expect(result.results[0]?.outcome).toBe(outcome);
    expect(result.results[0]?.reason).toContain(code);
    const line = output.json().find((entry) => entry['sourceServerID'] === SERVER_A && 'outcome' in entry);
    expect(line).toMatchObject({ mgnErrorCode: code });
  });

  it('a refusal counts the attempt; the other permanent errors give it back', async () => {
    for (const [error, attempts] of [[mgnError.validation, 1], [mgnError.notFound, 0], [mgnError.uninitialized, 0], [mgnError.accessDenied, 1]] as const) {
      await dynamodb.clear();
      mgnKnows(server(SERVER_A));
      mgn.on(RetryDataReplicationCommand).rejects(error());
      await handler(stallEvent(SERVER_A), context);
      expect((await ledgerEntry(SERVER_A))?.['attemptTimes']).toEqual({ L: Array.from({ length: attempts }, () => expect.anything() as unknown) });
    }
  });

  it('a denied retry notifies a person at once, with the error, once per episode', async () => {
    mgnKnows(server(SERVER_A));
    mgn.on(RetryDataReplicationCommand).rejects(mgnError.accessDenied());
    await handler(stallEvent(SERVER_A), context);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain('explicit deny in a service control policy');
    expect(metricValue(output.emf(), 'EscalatedWithoutRetry')).toBe(1);
  });

  it('a retry MGN applied but answered with an error counts as made when the server left STALLED', async () => {
    let retried = false;
    mgn.on(DescribeSourceServersCommand).callsFake(() => ({ items: [server(SERVER_A, retried ? 'INITIATING' : 'STALLED')] }));
    mgn.on(RetryDataReplicationCommand).callsFake(() => {
      retried = true;
      throw mgnError.internal();
    });
    const result = await handler(stallEvent(SERVER_A), context);
    expect(result.results[0]).toMatchObject({ outcome: 'RETRIED', attempt: 1 });
    expect(result.results[0]?.reason).toContain('its answer was lost');
  });

  it.each([
    ['ThrottlingException', mgnError.throttling],
    ['InternalServerException', mgnError.internal],
  ])('%s marks the server FAILED, counts RetryFailed and throws so Lambda retries', async (code, error) => {
    mgnKnows(server(SERVER_A));
    mgn.on(RetryDataReplicationCommand).rejects(error());
    await expect(handler(stallEvent(SERVER_A), context)).rejects.toMatchObject({
      name: 'ReplicationRetryFailedError',
      failedSourceServerIDs: [SERVER_A],
    });
    expect(metricValue(output.emf(), 'RetryFailed')).toBe(1);
    const failure = output.json().find((entry) => entry['outcome'] === 'FAILED');
    expect(failure).toMatchObject({ level: 'ERROR', mgnErrorCode: code });
  });

  it('a throttled DescribeSourceServers fails every server of the invocation and throws', async () => {
    mgn.on(DescribeSourceServersCommand).rejects(mgnError.throttling());
    await expect(handler({ sourceServerIDs: [SERVER_A, SERVER_B] }, context)).rejects.toMatchObject({
      failedSourceServerIDs: [SERVER_A, SERVER_B],
    });
    expect(mgn).not.toHaveReceivedCommand(RetryDataReplicationCommand);
    expect(metricValue(output.emf(), 'RetryFailed')).toBe(2);
  });

  it('handles every other server of a batch before throwing for the failed one', async () => {
    mgnKnows(server(SERVER_A), server(SERVER_B), server(SERVER_C));
    mgn.on(RetryDataReplicationCommand, { sourceServerID: SERVER_B }).rejects(mgnError.throttling());
    await expect(handler({ sourceServerIDs: [SERVER_A, SERVER_B, SERVER_C] }, context)).rejects.toMatchObject({
      failedSourceServerIDs: [SERVER_B],
    });
    expect(mgn).toHaveReceivedCommandWith(RetryDataReplicationCommand, { sourceServerID: SERVER_A });
    expect(mgn).toHaveReceivedCommandWith(RetryDataReplicationCommand, { sourceServerID: SERVER_C });
    expect(metricValue(output.emf(), 'ReplicationRetried')).toBe(2);
  });
});

describe('manual invocations', () => {
  it('retry one server in the function\'s own account without sending the account ID', async () => {
    mgnKnows(server(SERVER_A));
    const result = await handler({ sourceServerID: SERVER_A, accountID: TEST_ACCOUNT }, context);
    expect(result).toMatchObject({ trigger: 'manual', results: [{ outcome: 'RETRIED' }] });
    expect(mgn.commandCalls(RetryDataReplicationCommand)[0]?.args[0].input).toEqual({ sourceServerID: SERVER_A });
    expect(mgn.commandCalls(DescribeSourceServersCommand)[0]?.args[0].input.accountID).toBeUndefined();
  });

  it('send the account ID for another account', async () => {
    mgnKnows(server(SERVER_A));
    await handler({ sourceServerID: SERVER_A, accountID: OTHER_ACCOUNT }, context);
    expect(mgn.commandCalls(RetryDataReplicationCommand)[0]?.args[0].input).toEqual({
      sourceServerID: SERVER_A,
      accountID: OTHER_ACCOUNT,
    });
  });

  it('fail the servers of a batch left when time runs short, so the invocation is tried again', async () => {
    mgnKnows(server(SERVER_A), server(SERVER_B), server(SERVER_C));
    await expect(handler({ sourceServerIDs: [SERVER_A, SERVER_B, SERVER_C] }, contextRunningOutAfterFirstRetry())).rejects.toMatchObject({
      name: 'ReplicationRetryFailedError',
      failedSourceServerIDs: [SERVER_B, SERVER_C],
    });
    expect(mgn).toHaveReceivedCommandTimes(RetryDataReplicationCommand, 1);
  });

  it('decide each server of a batch on its own, reading them in one call', async () => {
    mgnKnows(server(SERVER_A), server(SERVER_B, 'CONTINUOUS'));
    const result = await handler({ sourceServerIDs: [SERVER_A, SERVER_B, SERVER_C] }, context);
    expect(result.results.map((entry) => entry.outcome)).toEqual(['RETRIED', 'SKIPPED_NOT_STALLED', 'NOT_FOUND']);
    // One server at a time, each read right before its decision.
    expect(mgn).toHaveReceivedCommandTimes(DescribeSourceServersCommand, 3);
    expect(mgn).toHaveReceivedCommandTimes(RetryDataReplicationCommand, 1);
  });
});

describe('invalid input', () => {
  it.each<[string, unknown, string]>([
    ['an empty object', {}, 'event'],
    ['a missing ID', { accountID: TEST_ACCOUNT }, 'payload'],
    ['a short ID', { sourceServerID: 's-1' }, 'sourceServerID'],
    ['a wrong type', { sourceServerIDs: 'all' }, 'sourceServerIDs'],
  ])('%s is rejected with InvalidInputError before any MGN call', async (_name, payload, field) => {
    await expect(handler(payload, context)).rejects.toMatchObject({ name: 'InvalidInputError', field });
    expect(mgn.calls()).toHaveLength(0);
    expect(metricValue(output.emf(), 'InvalidInput')).toBe(1);
    expect(output.json().find((line) => line['message'] === 'invalid input rejected')).toMatchObject({ field });
  });
});

describe('output', () => {
  it('is JSON on every line, metrics included', async () => {
    mgnKnows(server(SERVER_A));
    await handler(stallEvent(SERVER_A), context);
    const lines = output.json();
    expect(lines.length).toBeGreaterThan(2);
    expect(output.emf().every((blob) => blob._aws.CloudWatchMetrics.every((set) => set.Namespace === 'MgnStallRetry'))).toBe(true);
  });
});

const MINUTE = 60_000;

/** Puts a server's stall episode in the ledger as if earlier invocations had made it. */
async function seedEpisode(sourceServerID: string, attemptsAgoMinutes: number[], escalated = false): Promise<void> {
  const now = Date.now();
  const attemptTimes = attemptsAgoMinutes.map((ago) => now - ago * MINUTE);
  await writeLedgerEntry(process.env['LEDGER_TABLE_NAME'] ?? '', {
    key: `${TEST_ACCOUNT}#${sourceServerID}`,
    version: 1,
    episodeStartedAt: attemptTimes[0] ?? now,
    episodeOpenedAt: attemptTimes[0] ?? now,
    attemptTimes,
    expiresAt: Math.floor(now / 1000) + 86_400,
    ...(escalated ? { escalation: { kind: 'BUDGET_SPENT', state: 'SENT', claimedAt: now - MINUTE, leaseUntil: now, sentAt: now - MINUTE } } : {}),
  }, { kind: 'ABSENT' }, performance.now() + 10_000);
}

async function ledgerEntry(sourceServerID: string): Promise<Record<string, unknown> | undefined> {
  return (await dynamodb.items()).find((item) => item['pk']?.S === `${TEST_ACCOUNT}#${sourceServerID}`);
}

describe('the attempt ledger guards', () => {
  it('skips a duplicate STALLED within the cooldown', async () => {
    mgnKnows(server(SERVER_A));
    await handler(stallEvent(SERVER_A), context);
    const second = await handler(stallEvent(SERVER_A), context);
    expect(second.results[0]).toMatchObject({ outcome: 'SKIPPED_COOLDOWN', reason: expect.stringContaining('next is allowed after') as string });
    expect(mgn).toHaveReceivedCommandTimes(RetryDataReplicationCommand, 1);
    expect(metricValue(output.emf(), 'RetrySkipped', ['Reason', 'SKIPPED_COOLDOWN'])).toBe(1);
  });

  it('retries again once the cooldown has passed, as attempt 2', async () => {
    mgnKnows(server(SERVER_A));
    await seedEpisode(SERVER_A, [31]);
    const result = await handler(stallEvent(SERVER_A), context);
    expect(result.results[0]).toEqual({ sourceServerID: SERVER_A, outcome: 'RETRIED', attempt: 2 });
  });

  it('gives the attempt back when MGN throttles, so the platform\'s retry is not in cooldown', async () => {
    mgnKnows(server(SERVER_A));
    mgn.on(RetryDataReplicationCommand).rejectsOnce(mgnError.throttling()).resolves({});
    await expect(handler(stallEvent(SERVER_A), context)).rejects.toMatchObject({ name: 'ReplicationRetryFailedError' });
    expect((await ledgerEntry(SERVER_A))?.['attemptTimes']).toEqual({ L: [] });
    const retry = await handler(stallEvent(SERVER_A), context);
    expect(retry.results[0]).toMatchObject({ outcome: 'RETRIED', attempt: 1 });
    expect(mgn).toHaveReceivedCommandTimes(RetryDataReplicationCommand, 2);
  });
});

describe('a spent retry budget', () => {
  const stuck = (): SourceServer =>
    server(SERVER_A, { hostname: 'db-07.corp.example', error: { error: 'UNSTABLE_NETWORK', rawError: 'connection reset 14 times in an hour' } });

  it('is skipped and escalated with exactly one notification per episode', async () => {
    mgnKnows(stuck());
    await seedEpisode(SERVER_A, [120, 90, 60]);
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push((await handler(stallEvent(SERVER_A), context)).results[0]?.outcome);
    expect(outcomes).toEqual(['SKIPPED_BUDGET_EXHAUSTED', 'SKIPPED_BUDGET_EXHAUSTED', 'SKIPPED_BUDGET_EXHAUSTED']);
    expect(mgn).not.toHaveReceivedCommand(RetryDataReplicationCommand);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(metricValue(output.emf(), 'RetryBudgetExhausted')).toBe(1);
    expect(metricValue(output.emf(), 'RetrySkipped', ['Reason', 'SKIPPED_BUDGET_EXHAUSTED'])).toBe(3);
  });

  it('sends a notification an on-call engineer can act on', async () => {
    mgnKnows(stuck());
    await seedEpisode(SERVER_A, [120, 90, 60]);
    await handler(stallEvent(SERVER_A), context);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(process.env['NOTIFICATION_TOPIC_ARN']);
    expect(input?.Subject).toBe(`MGN replication still stalled after 3 retries: db-07.corp.example (${SERVER_A})`);
    for (const text of [SERVER_A, 'db-07.corp.example', `${TEST_ACCOUNT} / us-east-1`, 'UNSTABLE_NETWORK', 'connection reset 14 times in an hour', '3 of 3', 'bandwidth', 'console.aws.amazon.com/mgn']) {
      expect(input?.Message).toContain(text);
    }
  });

  it('keeps the escalation owed when SNS fails, and sends it on the platform\'s retry', async () => {
    mgnKnows(stuck());
    await seedEpisode(SERVER_A, [120, 90, 60]);
    sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('SNS unavailable'), { name: 'InternalErrorException' })).resolves({});
    await expect(handler(stallEvent(SERVER_A), context)).rejects.toMatchObject({ failedSourceServerIDs: [SERVER_A] });
    await handler(stallEvent(SERVER_A), context);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect((await ledgerEntry(SERVER_A))?.['escalatedAt']).toBeDefined();
    expect(metricValue(output.emf(), 'RetryBudgetExhausted')).toBe(1);
  });
});

describe('NOT_STALLED', () => {
  it('closes the episode as RECOVERED with its duration and the retries it took, once MGN shows it replicating', async () => {
    mgnKnows(server(SERVER_A, 'CONTINUOUS'));
    await seedEpisode(SERVER_A, [45, 10], true);
    const recovered = await handler(stallEvent(SERVER_A, { state: 'NOT_STALLED', time: new Date().toISOString() }), context);
    expect(recovered.results[0]).toMatchObject({ outcome: 'RECOVERED' });
    expect(metricValue(output.emf(), 'ReplicationRecovered')).toBe(1);
    const duration = metricValue(output.emf(), 'StallDuration');
    expect(duration).toBeGreaterThanOrEqual(45 * 60 - 2);
    expect(duration).toBeLessThanOrEqual(45 * 60 + 2);
    expect(output.json().find((line) => line['outcome'] === 'RECOVERED')).toMatchObject({ attempts: 2 });
    expect(mgn).not.toHaveReceivedCommand(RetryDataReplicationCommand);
  });

  it('is not a recovery while the server is only initiating (a retry\'s own NOT_STALLED)', async () => {
    mgnKnows(server(SERVER_A, 'INITIATING'));
    await seedEpisode(SERVER_A, [10]);
    const result = await handler(stallEvent(SERVER_A, { state: 'NOT_STALLED' }), context);
    expect(result.results[0]).toMatchObject({ outcome: 'SKIPPED_NOT_STALLED' });
    expect(metricValue(output.emf(), 'ReplicationRecovered')).toBe(0);
    expect((await ledgerEntry(SERVER_A))?.['recoveredAt']).toBeUndefined();
  });

  it('does not refill the budget when the server stalls again soon after (the retry\'s own NOT_STALLED)', async () => {
    mgnKnows(server(SERVER_A));
    await seedEpisode(SERVER_A, [45, 10], true);
    await handler(stallEvent(SERVER_A, { state: 'NOT_STALLED', time: new Date().toISOString() }), context);
    const again = await handler(stallEvent(SERVER_A), context);
    expect(again.results[0]).toMatchObject({ outcome: 'SKIPPED_COOLDOWN' });
    expect(mgn).not.toHaveReceivedCommand(RetryDataReplicationCommand);
  });

  it('gives a fresh budget to a stall after a lasting recovery', async () => {
    mgnKnows(server(SERVER_A));
    const longAgo = Date.now() - 8 * 60 * MINUTE;
    await writeLedgerEntry(process.env['LEDGER_TABLE_NAME'] ?? '', {
      key: `${TEST_ACCOUNT}#${SERVER_A}`, version: 4, episodeStartedAt: longAgo - 90 * MINUTE, episodeOpenedAt: longAgo - 90 * MINUTE,
      attemptTimes: [longAgo - 90 * MINUTE, longAgo - 60 * MINUTE, longAgo - 30 * MINUTE],
      escalation: { kind: 'BUDGET_SPENT', state: 'SENT', claimedAt: longAgo - MINUTE, leaseUntil: longAgo, sentAt: longAgo - MINUTE },
      recoveredAt: longAgo, expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    }, { kind: 'ABSENT' }, performance.now() + 10_000);
    const fresh = await handler(stallEvent(SERVER_A), context);
    expect(fresh.results[0]).toMatchObject({ outcome: 'RETRIED', attempt: 1 });
  });

  it('counts nothing when there is no open episode (a duplicate NOT_STALLED)', async () => {
    mgnKnows(server(SERVER_A, 'CONTINUOUS'));
    const result = await handler(stallEvent(SERVER_A, { state: 'NOT_STALLED' }), context);
    expect(result.results[0]).toMatchObject({ outcome: 'RECOVERED', reason: expect.stringContaining('no open stall episode') as string });
    expect(metricValue(output.emf(), 'ReplicationRecovered')).toBe(0);
  });
});

describe('dry run', () => {
  it('evaluates a stalled server and changes nothing: no MGN write, no ledger entry', async () => {
    mgnKnows(server(SERVER_A));
    const result = await handler({ sourceServerID: SERVER_A, dryRun: true }, context);
    expect(result).toMatchObject({ dryRun: true, results: [{ outcome: 'DRY_RUN', attempt: 1, reason: 'dry run: would retry (attempt 1 of 3)' }] });
    expect(mgn).not.toHaveReceivedCommand(RetryDataReplicationCommand);
    expect(await dynamodb.items()).toEqual([]);
    expect(metricValue(output.emf(), 'RetrySkipped', ['Reason', 'DRY_RUN'])).toBe(1);
  });

  it('reports a spent budget without notifying anyone', async () => {
    mgnKnows(server(SERVER_A));
    await seedEpisode(SERVER_A, [120, 90, 60]);
    const before = await dynamodb.items();
    const result = await handler({ sourceServerIDs: [SERVER_A], dryRun: true }, context);
    expect(result.results[0]).toMatchObject({ outcome: 'SKIPPED_BUDGET_EXHAUSTED', reason: expect.stringContaining('dry run') as string });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(await dynamodb.items()).toEqual(before);
  });

  it('still applies the server guards', async () => {
    mgnKnows(server(SERVER_A, { lifeCycleState: 'CUTTING_OVER' }));
    const result = await handler({ sourceServerID: SERVER_A, dryRun: true }, context);
    expect(result.results[0]).toMatchObject({ outcome: 'SKIPPED_LIFECYCLE' });
  });
});

describe('the sweep', () => {
  const id = (n: number): string => `s-${String(n).padStart(17, '0')}`;
  /** MGN with `total` non-archived servers over pages of `pageSize`; every `stalledEvery`th one is stalled. */
  function fleetInPages(total: number, pageSize: number, stalledEvery: number): void {
    const fleet = Array.from({ length: total }, (_, n) => server(id(n), n % stalledEvery === 0 ? 'STALLED' : 'CONTINUOUS'));
    mgn.on(DescribeSourceServersCommand).callsFake((input: { nextToken?: string; filters?: { sourceServerIDs?: string[] } }) => {
      const ids = input.filters?.sourceServerIDs;
      if (ids !== undefined) return { items: fleet.filter((item) => ids.includes(item.sourceServerID ?? '')) };
      const start = Number(input.nextToken ?? '0');
      const end = start + pageSize;
      return { items: fleet.slice(start, end), ...(end < total ? { nextToken: String(end) } : {}) };
    });
  }

  it('reads every page of non-archived servers and retries exactly the stalled ones', async () => {
    fleetInPages(25, 10, 5);
    const result = await handler({ sweep: true }, context);
    // Three pages, then the five stalled servers read again, in one call, right before their decisions.
    expect(mgn).toHaveReceivedCommandTimes(DescribeSourceServersCommand, 4);
    expect(mgn).toHaveReceivedCommandWith(DescribeSourceServersCommand, { filters: { isArchived: false }, maxResults: 1000 });
    expect(mgn).toHaveReceivedCommandWith(DescribeSourceServersCommand, { filters: { sourceServerIDs: [0, 5, 10, 15, 20].map(id) } });
    expect(result.sweep).toEqual({
      serversScanned: 25, pagesRead: 3, scanComplete: true, stalledServersFound: 5, recoveriesFound: 0, notReached: [], notReachedCount: 0,
      // These records carry no lag, last-seen time or elapsed duration: unknown, never 0.
      fleetHealth: expect.objectContaining({ byState: { CONTINUOUS: 20, STALLED: 5 }, lagging: 0, unknown: { lag: 25, backlog: 0, lastSeen: 25, elapsed: 25 } }) as unknown,
    });
    expect(result.results.map((entry) => entry.outcome)).toEqual(['RETRIED', 'RETRIED', 'RETRIED', 'RETRIED', 'RETRIED']);
    expect(mgn.commandCalls(RetryDataReplicationCommand).map((call) => call.args[0].input.sourceServerID).sort()).toEqual(
      [0, 5, 10, 15, 20].map(id),
    );
    expect(metricValue(output.emf(), 'StalledServersFound')).toBe(5);
  });

  it('is what the schedule rule starts', async () => {
    fleetInPages(3, 10, 1);
    const scheduled = {
      version: '0', id: 'b1c6a3c9-0d5e-4f2a-9f61-3c2b1a0d9e8f', 'detail-type': 'Scheduled Event', source: 'aws.events',
      account: TEST_ACCOUNT, time: '2026-11-25T21:00:00Z', region: 'us-east-1',
      resources: [`arn:aws:events:us-east-1:${TEST_ACCOUNT}:rule/sweep`], detail: {},
    };
    const result = await handler(scheduled, context);
    expect(result).toMatchObject({ trigger: 'schedule', sweep: { stalledServersFound: 3 } });
    expect(mgn).toHaveReceivedCommandTimes(RetryDataReplicationCommand, 3);
  });

  it('stops before the function times out and reports the servers it did not reach', async () => {
    // 10 of 30 stalled: below the mass-stall share, so each is decided on its own.
    fleetInPages(30, 100, 3);
    // The five workers (SWEEP_CONCURRENCY) have each started a server before the first retry
    // is made; no sixth is started.
    const result = await handler({ sweep: true }, contextRunningOutAfterFirstRetry());
    expect(result.results.map((entry) => entry.sourceServerID)).toEqual([0, 3, 6, 9, 12].map(id));
    expect(result.sweep).toMatchObject({ stalledServersFound: 10, notReachedCount: 5, notReached: [15, 18, 21, 24, 27].map(id) });
    expect(mgn).toHaveReceivedCommandTimes(RetryDataReplicationCommand, 5);
    expect(output.json().find((line) => line['message'] === 'sweep stopped before the function timeout; the next sweep starts with the servers it did not reach')).toBeDefined();
  });

  it('starts the next sweep with the servers the last one did not reach', async () => {
    fleetInPages(30, 100, 3);
    const first = await handler({ sweep: true }, contextRunningOutAfterFirstRetry());
    expect(first.sweep?.notReached).toEqual([15, 18, 21, 24, 27].map(id));
    const second = await handler({ sweep: true }, context);
    expect(second.results.map((entry) => [entry.sourceServerID, entry.outcome])).toEqual([
      ...[15, 18, 21, 24, 27].map((n) => [id(n), 'RETRIED']),
      ...[0, 3, 6, 9, 12].map((n) => [id(n), 'SKIPPED_COOLDOWN']),
    ]);
    expect(second.sweep?.notReachedCount).toBe(0);
  });

  it('decides the servers found before a page fails to load, then fails the invocation', async () => {
    const fleet = Array.from({ length: 4 }, (_, n) => server(id(n)));
    mgn.on(DescribeSourceServersCommand).callsFake((input: { nextToken?: string; filters?: { sourceServerIDs?: string[] } }) => {
      const ids = input.filters?.sourceServerIDs;
      if (ids !== undefined) return { items: fleet.filter((item) => ids.includes(item.sourceServerID ?? '')) };
      if (input.nextToken === undefined) return { items: fleet.slice(0, 2), nextToken: 'page-2' };
      throw mgnError.internal();
    });
    await expect(handler({ sweep: true }, context)).rejects.toMatchObject({ name: 'InternalServerException' });
    expect(mgn.commandCalls(RetryDataReplicationCommand).map((call) => call.args[0].input.sourceServerID)).toEqual([id(0), id(1)]);
  });

  it('in a dry run, shows what it would retry and retries nothing', async () => {
    fleetInPages(12, 5, 4);
    const result = await handler({ sweep: true, dryRun: true }, context);
    expect(result).toMatchObject({ dryRun: true, sweep: { stalledServersFound: 3 } });
    expect(result.results.map((entry) => entry.outcome)).toEqual(['DRY_RUN', 'DRY_RUN', 'DRY_RUN']);
    expect(mgn).not.toHaveReceivedCommand(RetryDataReplicationCommand);
    expect(await dynamodb.items()).toEqual([]);
  });

  it('fails the invocation when MGN cannot be read for a transient reason', async () => {
    mgn.on(DescribeSourceServersCommand).rejects(mgnError.throttling());
    await expect(handler({ sweep: true }, context)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it.each([
    ['MGN is not initialized', mgnError.uninitialized, 'SKIPPED_MGN_NOT_INITIALIZED', /MGN is not initialized/],
    ['DescribeSourceServers is denied', mgnError.accessDenied, 'SKIPPED_ACCESS_DENIED', /access denied/],
  ])('succeeds, says so and notifies once a week when %s', async (_name, error, outcome, subject) => {
    mgn.on(DescribeSourceServersCommand).rejects(error());
    const result = await handler({ sweep: true }, context);
    expect(result.sweep).toMatchObject({ outcome, pagesRead: 0 });
    expect(metricValue(output.emf(), 'RetrySkipped', ['Reason', outcome])).toBe(1);
    await handler({ sweep: true }, context);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toMatch(subject);
  });
});
