import {
  ConflictException,
  DescribeSourceServersCommand,
  InternalServerException,
  MgnClient,
  ResourceNotFoundException,
  RetryDataReplicationCommand,
  ThrottlingException,
  ValidationException,
  type SourceServer,
} from '@aws-sdk/client-mgn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/retry-stalled-replication/index';
import { TEST_ACCOUNT } from '../support/lambda-environment';
import { OTHER_ACCOUNT, SERVER_A, SERVER_B, SERVER_C, stallEvent } from '../support/payloads';
import { captureOutput, metricValue, type OutputCapture } from '../support/output-capture';

const mgn = mockClient(MgnClient);
const context = {
  functionName: 'mgn-stall-retry-test',
  awsRequestId: 'request-1',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${TEST_ACCOUNT}:function:mgn-stall-retry-test`,
  memoryLimitInMB: '256',
} as Context;

function server(sourceServerID: string, replicationState = 'STALLED', lifeCycleState = 'READY_FOR_TEST', isArchived = false): SourceServer {
  return {
    sourceServerID,
    isArchived,
    lifeCycle: { state: lifeCycleState as SourceServer['lifeCycle'] extends infer L ? L extends { state?: infer S } ? S : never : never },
    dataReplicationInfo: { dataReplicationState: replicationState as 'STALLED' },
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
  conflict: () => new ConflictException({ message: 'conflict', $metadata: { httpStatusCode: 409 } }),
};

let output: OutputCapture;
beforeEach(() => {
  mgn.reset();
  mgn.on(RetryDataReplicationCommand).resolves({});
  output = captureOutput();
});
afterEach(() => output.restore());

describe('a STALLED event', () => {
  it('retries a stalled server once, with exactly its ID', async () => {
    mgnKnows(server(SERVER_A));
    const result = await handler(stallEvent(SERVER_A), context);
    expect(result).toEqual({ trigger: 'event', dryRun: false, results: [{ sourceServerID: SERVER_A, outcome: 'RETRIED' }] });
    expect(mgn).toHaveReceivedCommandTimes(RetryDataReplicationCommand, 1);
    expect(mgn).toHaveReceivedCommandWith(RetryDataReplicationCommand, { sourceServerID: SERVER_A });
    expect(mgn.commandCalls(RetryDataReplicationCommand)[0]?.args[0].input).toEqual({ sourceServerID: SERVER_A });
    expect(mgn).toHaveReceivedCommandWith(DescribeSourceServersCommand, { filters: { sourceServerIDs: [SERVER_A] } });
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

describe('when RetryDataReplication fails after a passing precheck', () => {
  it.each([
    ['ResourceNotFoundException', 'NOT_FOUND', mgnError.notFound],
    ['ValidationException', 'SKIPPED_NOT_STALLED', mgnError.validation],
    ['ConflictException', 'SKIPPED_NOT_STALLED', mgnError.conflict],
  ])('%s gives %s and the invocation succeeds', async (code, outcome, error) => {
    mgnKnows(server(SERVER_A));
    mgn.on(RetryDataReplicationCommand).rejects(error());
    const result = await handler(stallEvent(SERVER_A), context);
    expect(result.results[0]?.outcome).toBe(outcome);
    expect(result.results[0]?.reason).toContain(code);
    const line = output.json().find((entry) => entry['sourceServerID'] === SERVER_A && 'outcome' in entry);
    expect(line).toMatchObject({ mgnErrorCode: code });
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

  it('decide each server of a batch on its own, reading them in one call', async () => {
    mgnKnows(server(SERVER_A), server(SERVER_B, 'CONTINUOUS'));
    const result = await handler({ sourceServerIDs: [SERVER_A, SERVER_B, SERVER_C] }, context);
    expect(result.results.map((entry) => entry.outcome)).toEqual(['RETRIED', 'SKIPPED_NOT_STALLED', 'NOT_FOUND']);
    expect(mgn).toHaveReceivedCommandTimes(DescribeSourceServersCommand, 1);
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
