import { createServer, type IncomingMessage, type Server } from 'node:http';
import { AwsJsonError } from '../../lambda/retry-stalled-replication/aws/aws-json';
import { dynamodb } from '../../lambda/retry-stalled-replication/aws/dynamodb-api';
import { putDecisionEvents } from '../../lambda/retry-stalled-replication/aws/events-api';
import type { DecisionEvent } from '../../lambda/retry-stalled-replication/decide/decision-event';
import { closeNow, listenLocally, readBody, signatureProblem } from '../../tools/local-aws/http-stand-in';
import { LocalEventsServer } from '../../tools/local-events/local-events-server';

// DynamoDB and EventBridge are called without their SDK clients (aws/aws-json.ts): the requests
// must be the clients' (signed, awsJson), and failures must be retried and reported as the SDK's
// standard mode does. A scripted DynamoDB answers here; the EventBridge stand-in checks signatures.

interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Never answer: the call hangs. */
  readonly hang?: boolean;
  /** The body as it is, not as JSON. */
  readonly raw?: string;
}

let server: Server;
let answers: Answer[] = [];
const seen: { target: string; body: unknown; amzDate: string; signature?: string }[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    void readBody(request).then(async (body) => {
      seen.push({ target: String(request.headers['x-amz-target']), body: JSON.parse(body) as unknown, amzDate: String(request.headers['x-amz-date']), signature: await signatureProblem(request, 'dynamodb', body) });
      const answer = answers.shift() ?? { status: 200, body: {} };
      if (answer.hang === true) return;
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', ...answer.headers });
      response.end(answer.raw ?? (typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {})));
    });
  });
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = await listenLocally(server);
});
afterAll(() => closeNow(server));
beforeEach(() => {
  answers = [];
  seen.length = 0;
});

const getItem = (signal = new AbortController().signal): Promise<unknown> => dynamodb('GetItem', { TableName: 'ledger', Key: { pk: { S: 'a' } }, ConsistentRead: true }, signal);
const error = (type: string, message = 'no'): unknown => ({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });

it('sends the request DynamoDBClient sends: signed, X-Amz-Target, the input as JSON; and returns the answer', async () => {
  answers = [{ status: 200, body: { Item: { pk: { S: 'a' }, n: { N: '1' } } } }];
  await expect(getItem()).resolves.toEqual({ Item: { pk: { S: 'a' }, n: { N: '1' } } });
  expect(seen).toEqual([{ target: 'DynamoDB_20120810.GetItem', body: { TableName: 'ledger', Key: { pk: { S: 'a' } }, ConsistentRead: true }, amzDate: expect.stringMatching(/^\d{8}T\d{6}Z$/) as unknown, signature: undefined }]);
});

it('writes bytes as base64 and times as epoch seconds, as the SDK\'s JSON serializers do', async () => {
  await dynamodb('PutItem', { TableName: 'ledger', Item: { pk: { S: 'a' }, bytes: { B: new Uint8Array([1, 2, 3]) }, buffer: { B: Buffer.from('x') } } }, new AbortController().signal);
  expect(seen[0]?.body).toEqual({ TableName: 'ledger', Item: { pk: { S: 'a' }, bytes: { B: 'AQID' }, buffer: { B: 'eA==' } } });
  // No ledger input has a time; PutEvents' Time would be one.
  await dynamodb('PutItem', { TableName: 'ledger', Time: new Date(1_795_000_000_500) } as never, new AbortController().signal);
  expect(seen[1]?.body).toEqual({ TableName: 'ledger', Time: 1_795_000_000.5 });
});

it('retries server errors and throttling up to 3 attempts in all, as the SDK does', async () => {
  answers = [{ status: 500, body: error('InternalServerError') }, { status: 400, body: error('ProvisionedThroughputExceededException') }, { status: 200, body: { Item: { pk: { S: 'a' } } } }];
  await expect(getItem()).resolves.toEqual({ Item: { pk: { S: 'a' } } });
  expect(seen).toHaveLength(3);
});

it('gives up after 3 attempts with the service\'s error: its name, message, status and attempts', async () => {
  answers = [503, 503, 503, 200].map((status) => ({ status, body: error('ServiceUnavailable', 'try later') }));
  const failure = await getItem().catch((caught: unknown) => caught);
  expect(failure).toBeInstanceOf(AwsJsonError);
  expect(failure).toMatchObject({ name: 'ServiceUnavailable', message: 'try later', $fault: 'server', $metadata: { httpStatusCode: 503, attempts: 3 } });
  expect(seen).toHaveLength(3);
  // Logged and reported as the SDK's errors are: the answer itself (its socket) is not in them.
  expect(JSON.parse(JSON.stringify(failure))).toEqual({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503, attempts: 3, totalRetryDelay: expect.any(Number) as unknown } });
});

it('does not retry what a retry cannot change: a failed condition, a validation error', async () => {
  answers = [{ status: 400, body: error('ConditionalCheckFailedException', 'The conditional request failed') }];
  await expect(getItem()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 1 } });
  answers = [{ status: 400, body: { __type: 'com.amazon.coral.validate#ValidationException', Message: 'bad key' } }];
  await expect(getItem()).rejects.toMatchObject({ name: 'ValidationException', message: 'bad key' });
  expect(seen).toHaveLength(2);
});

it('corrects its signing clock from an answer\'s Date 5 minutes or more away, and retries the skewed request, as the SDK does', async () => {
  const serverTime = new Date(Date.now() + 3_600_000);
  answers = [{ status: 400, body: error('InvalidSignatureException', 'Signature expired'), headers: { date: serverTime.toUTCString() } }, { status: 200, body: {}, headers: { date: serverTime.toUTCString() } }];
  await expect(getItem()).resolves.toEqual({});
  const signedAt = (amzDate: string): number => Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  expect(Math.abs(signedAt(seen[1]?.amzDate ?? '') - serverTime.getTime())).toBeLessThan(5_000);
  // Every answer's Date keeps the correction in line: one with the right time puts it back.
  answers = [{ status: 200, body: {} }, { status: 200, body: {} }];
  await getItem();
  await getItem();
  expect(Math.abs(signedAt(seen[3]?.amzDate ?? '') - Date.now())).toBeLessThan(5_000);
  // A skew error whose Date agrees with the clock corrects nothing and is not retried.
  answers = [{ status: 400, body: error('InvalidSignatureException', 'bad signature') }];
  await expect(getItem()).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { attempts: 1 } });
});

it('reads the error name as the SDK does: the x-amzn-errortype header first, then code, then __type, cleaned', async () => {
  answers = [
    { status: 400, body: error('ValidationException'), headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/' } },
    { status: 400, body: { code: 'ProvisionedThroughputExceededException' } },
    { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException:extra,more' } },
  ];
  await expect(getItem()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException', message: 'UnknownError', $metadata: { attempts: 3 } });
  expect(seen).toHaveLength(3);
  answers = [{ status: 502, body: '<html>bad gateway</html>' }, { status: 200, body: {} }];
  await expect(getItem()).resolves.toEqual({});
});

it('waits as the SDK\'s standard strategy waits: at most 100 ms, then 200 ms (throttling 500 ms, then 1 s)', async () => {
  const random = jest.spyOn(Math, 'random').mockReturnValue(0.999);
  try {
    answers = [{ status: 503, body: error('ServiceUnavailable') }, { status: 503, body: error('ServiceUnavailable') }, { status: 400, body: error('ThrottlingException') }];
    await expect(getItem()).rejects.toMatchObject({ $metadata: { attempts: 3, totalRetryDelay: 99 + 199 } });
    answers = [{ status: 400, body: error('ThrottlingException') }, { status: 400, body: error('ThrottlingException') }, { status: 400, body: error('ThrottlingException') }];
    await expect(getItem()).rejects.toMatchObject({ $metadata: { attempts: 3, totalRetryDelay: 499 + 999 } });
  } finally {
    random.mockRestore();
  }
});

it('does not retry a server error the SDK does not (501)', async () => {
  answers = [{ status: 501, body: error('NotImplemented') }];
  await expect(getItem()).rejects.toMatchObject({ name: 'NotImplemented', $fault: 'server', $metadata: { attempts: 1 } });
});

it('reports an answer that is not JSON, with its status and attempts', async () => {
  answers = [{ status: 200, raw: '{"Item": ' }];
  await expect(getItem()).rejects.toMatchObject({ name: 'SerializationError', $metadata: { httpStatusCode: 200, attempts: 1 } });
});

it('stops at once when the call is aborted (its deadline), without another attempt', async () => {
  answers = [{ status: 200, hang: true }];
  const controller = new AbortController();
  const call = getItem(controller.signal);
  setTimeout(() => controller.abort(), 50);
  await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  expect(seen).toHaveLength(1);
});

it('retries a connection that fails, and reports its code when every attempt does', async () => {
  const unreachable = createServer();
  const endpoint = await listenLocally(unreachable);
  await closeNow(unreachable);
  const before = process.env['AWS_ENDPOINT_URL_DYNAMODB'];
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = endpoint;
  try {
    await expect(getItem()).rejects.toMatchObject({ code: 'ECONNREFUSED', $metadata: { attempts: 3 } });
  } finally {
    process.env['AWS_ENDPOINT_URL_DYNAMODB'] = before;
  }
});

describe('decision events', () => {
  const events: LocalEventsServer = new LocalEventsServer();
  const decision = (n: number): DecisionEvent => ({ detailType: 'Stall Retried', detail: { sourceServerID: `s-${String(n).padStart(17, '0')}` } }) as unknown as DecisionEvent;
  beforeAll(async () => {
    process.env['AWS_ENDPOINT_URL_EVENTBRIDGE'] = await events.start();
  });
  afterAll(() => events.stop());

  it('are put 10 per call with a signature EventBridge accepts', async () => {
    const result = await putDecisionEvents(Array.from({ length: 23 }, (_, n) => decision(n)), 'us-east-1', performance.now() + 10_000);
    expect(result).toEqual({ failed: 0 });
    expect(events.calls).toEqual([10, 10, 3]);
    expect(events.badSignatures).toEqual([]);
    expect(events.events[22]).toEqual({ source: 'mgn-stall-retry', detailType: 'Stall Retried', detail: { sourceServerID: 's-00000000000000022' } });
  });

  it('count what EventBridge did not accept, and a call that failed every attempt, with its error', async () => {
    events.rejectEntries = 1;
    await expect(putDecisionEvents([decision(1), decision(2)], 'us-east-1', performance.now() + 10_000)).resolves.toEqual({ failed: 1 });
    events.failCalls = 3;
    const result = await putDecisionEvents([decision(3)], 'us-east-1', performance.now() + 10_000);
    expect(result).toMatchObject({ failed: 1, error: { name: 'InternalException', $metadata: { httpStatusCode: 500, attempts: 3 } } });
  });
});
