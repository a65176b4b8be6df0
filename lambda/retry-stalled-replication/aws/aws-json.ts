import { Hash } from '@smithy/hash-node';
import { getRetryAfterHint } from '@smithy/middleware-retry';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { HttpRequest, type HttpResponse } from '@smithy/protocol-http';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RetryErrorInfo } from '@smithy/types';
import { StandardRetryStrategy } from '@smithy/util-retry';
import { AWS_CLIENT_SETTINGS } from './clients';
import { defaultProvider } from './environment-credentials';
import { endpointUrlFromEnvironment, serviceEndpoint, type EndpointRules } from './service-endpoints';

/**
 * Calls to AWS JSON-protocol services (DynamoDB, EventBridge) made with the SDK's own parts (its
 * SigV4 signer, HTTP handler, partition table and error classification) instead of their SDK
 * clients. A client's first call (its configuration, middleware stack and endpoint rules) and its
 * code were the largest part of what the ledger and the decision events added to a cold start
 * (`npm run bench`, docs/benchmark.md). The request is the one the client sends (awsJson1.0/1.1,
 * `X-Amz-Target`, the input as JSON: the low-level input shapes are the wire shapes); failures are
 * retried by the SDK's own standard retry strategy (`AWS_MAX_ATTEMPTS`, default 3 attempts;
 * throttling and transient errors; its back-off and retry quota), whatever `AWS_RETRY_MODE` says;
 * the signing clock is corrected from the answers' Date as the SDK's signer corrects it. Errors
 * carry the error name, message, HTTP status and attempts as the SDK's do (read from the answer
 * as its deserializers read it). The local stand-ins check the signatures.
 */

/** A JSON-protocol service as its SDK client knows it. */
export interface JsonService {
  /** The SigV4 signing name, which is also the IAM prefix: `dynamodb`, `events`. */
  readonly signingName: string;
  /** `X-Amz-Target` is `<targetPrefix>.<operation>`. */
  readonly targetPrefix: string;
  readonly contentType: 'application/x-amz-json-1.0' | 'application/x-amz-json-1.1';
  readonly endpoints: EndpointRules;
}

/** A service's error answer, or a request that got none, shaped as the SDK's errors are. */
export class AwsJsonError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number; clockSkewCorrected?: boolean };
  /** The answer, for its headers (`Retry-After`); not enumerable, as on the SDK's errors, so logs leave it out. */
  declare readonly $response?: HttpResponse;
  constructor(
    name: string,
    message: string,
    httpStatusCode?: number,
    response?: HttpResponse,
    /** The Node.js error code of a request that got no (whole) answer: ECONNRESET… */
    readonly code?: string,
  ) {
    super(message);
    this.name = name;
    this.$fault = httpStatusCode !== undefined && httpStatusCode < 500 ? 'client' : 'server';
    const requestId = response?.headers['x-amzn-requestid'];
    this.$metadata = { ...(httpStatusCode === undefined ? {} : { httpStatusCode }), ...(requestId === undefined ? {} : { requestId }) };
    Object.defineProperty(this, '$response', { value: response, enumerable: false });
  }
}

/** How far the signing clock may be from the service's before it is corrected (the SDK's 5 minutes). */
const CLOCK_SKEW_TOLERANCE_MS = 300_000;

/** One HTTP handler (its keep-alive connections) for every service, reused by warm invocations. */
const http = new NodeHttpHandler(AWS_CLIENT_SETTINGS.requestHandler);
const credentials = defaultProvider();
const signers = new Map<string, SignatureV4>();
/** One retry strategy (and so one retry quota) per service, as the SDK keeps one per client. */
const retryStrategies = new Map<string, StandardRetryStrategy>();
/** The services' clock minus this one's, once an answer has shown they differ by 5 minutes or more. */
let clockOffsetMs = 0;

async function resolved<T>(setting: T | (() => Promise<T>)): Promise<T> {
  return typeof setting === 'function' ? (setting as () => Promise<T>)() : setting;
}

function signerFor(service: JsonService, region: string): SignatureV4 {
  const key = `${service.signingName} ${region}`;
  let signer = signers.get(key);
  if (signer === undefined) {
    signer = new SignatureV4({ service: service.signingName, region, credentials, sha256: Hash.bind(null, 'sha256') });
    signers.set(key, signer);
  }
  return signer;
}

function retryStrategyFor(service: JsonService): StandardRetryStrategy {
  let strategy = retryStrategies.get(service.signingName);
  if (strategy === undefined) {
    strategy = new StandardRetryStrategy(async () => resolved(AWS_CLIENT_SETTINGS.maxAttempts));
    retryStrategies.set(service.signingName, strategy);
  }
  return strategy;
}

/**
 * As the SDK's signer does with every answer's Date: when it is 5 minutes or more from this
 * clock (corrected so far), the correction becomes the difference. True when it changed.
 */
function correctClock(response: HttpResponse): boolean {
  const serverTime = Date.parse(response.headers['date'] ?? '');
  if (!Number.isFinite(serverTime) || Math.abs(Date.now() + clockOffsetMs - serverTime) < CLOCK_SKEW_TOLERANCE_MS) return false;
  clockOffsetMs = serverTime - Date.now();
  return true;
}

/** JSON as the SDK's awsJson serializers write the shapes used here: bytes in base64, times in epoch seconds. */
function toJson(input: object): string {
  return JSON.stringify(input, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return raw.getTime() / 1000;
    return raw instanceof Uint8Array ? Buffer.from(raw).toString('base64') : value;
  });
}

/** The request the service's SDK client would send for this operation and input. */
async function requestFor(service: JsonService, operation: string, body: string, region: string): Promise<HttpRequest> {
  const endpointUrl = endpointUrlFromEnvironment(service.endpoints, process.env);
  const url = serviceEndpoint(service.endpoints, {
    region,
    useFipsEndpoint: await resolved(AWS_CLIENT_SETTINGS.useFipsEndpoint),
    useDualstackEndpoint: await resolved(AWS_CLIENT_SETTINGS.useDualstackEndpoint),
    ...(endpointUrl === undefined ? {} : { endpointUrl }),
  });
  const traceID = process.env['_X_AMZN_TRACE_ID'];
  return new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname,
    headers: {
      host: url.host,
      'content-type': service.contentType,
      'x-amz-target': `${service.targetPrefix}.${operation}`,
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'mgn-stall-retry',
      // As the SDK's recursion-detection step does: the call joins the invocation's X-Ray trace.
      ...(process.env['AWS_LAMBDA_FUNCTION_NAME'] !== undefined && traceID !== undefined ? { 'x-amzn-trace-id': traceID } : {}),
    },
    body,
  });
}

/**
 * An error answer as the SDK's awsJson deserializers read it: the error code from the
 * `x-amzn-errortype` header, else the body's `code`, else its `__type`, cleaned as the SDK cleans
 * it (`a,b` → `a`, `a:uri` → `a`, `namespace#a` → `a`); the message from `message` or `Message`.
 */
function errorFrom(response: HttpResponse, text: string): AwsJsonError {
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): the status names the error.
  }
  const header = Object.keys(response.headers).find((name) => name.toLowerCase() === 'x-amzn-errortype');
  const raw = header !== undefined ? response.headers[header] : body['code'] ?? body['__type'];
  const code = typeof raw === 'string' || typeof raw === 'number' ? String(raw).split(',')[0]?.split(':')[0] : undefined;
  const name = (code?.includes('#') === true ? code.split('#')[1] : code) || (typeof body['Code'] === 'string' ? body['Code'] : '') || String(response.statusCode);
  const message = typeof body['message'] === 'string' ? body['message'] : typeof body['Message'] === 'string' ? body['Message'] : 'UnknownError';
  return new AwsJsonError(name, message, response.statusCode, response);
}

/** One attempt: the parsed answer, or an AwsJsonError. */
async function attempt(service: JsonService, operation: string, body: string, region: string, abortSignal: AbortSignal): Promise<unknown> {
  const request = await requestFor(service, operation, body, region);
  const signed = await signerFor(service, region).sign(request, { signingDate: new Date(Date.now() + clockOffsetMs) });
  let response: HttpResponse | undefined;
  let text: string;
  try {
    ({ response } = await http.handle(new HttpRequest(signed), { abortSignal }));
    text = Buffer.from(await streamCollector(response.body)).toString('utf8');
  } catch (error) {
    const { name, message, code } = error as NodeJS.ErrnoException;
    throw new AwsJsonError(name, message, response?.statusCode, response, code);
  }
  const corrected = correctClock(response);
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const failure = errorFrom(response, text);
    // Transient once the clock is corrected, as the SDK treats it.
    if (corrected) failure.$metadata.clockSkewCorrected = true;
    throw failure;
  }
  try {
    return text === '' ? {} : (JSON.parse(text) as unknown);
  } catch (error) {
    throw new AwsJsonError('SerializationError', `the answer is not JSON: ${(error as Error).message}`, response.statusCode, response);
  }
}

/** The SDK retry middleware's reading of an error: its type, and the answer's `Retry-After`. */
function retryErrorInfo(error: AwsJsonError): RetryErrorInfo {
  const sdkError = error as unknown as Parameters<typeof isThrottlingError>[0];
  const errorType = isThrottlingError(sdkError) ? 'THROTTLING' : isTransientError(sdkError) ? 'TRANSIENT' : isServerError(sdkError) ? 'SERVER_ERROR' : 'CLIENT_ERROR';
  const retryAfterHint = getRetryAfterHint(error.$response);
  return { errorType, ...(retryAfterHint === undefined ? {} : { retryAfterHint }) };
}

function pause(ms: number, abortSignal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      abortSignal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    abortSignal.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Calls `operation` with `input` in `region`, retried by the SDK's standard retry strategy until
 * `abortSignal` fires. Throws AwsJsonError, with the attempts made.
 */
export async function callJson(service: JsonService, operation: string, input: object, region: string, abortSignal: AbortSignal): Promise<unknown> {
  const body = toJson(input);
  const strategy = retryStrategyFor(service);
  let token = await strategy.acquireInitialRetryToken(service.signingName);
  let totalRetryDelay = 0;
  for (;;) {
    try {
      const answer = await attempt(service, operation, body, region, abortSignal);
      strategy.recordSuccess(token);
      return answer;
    } catch (error) {
      if (!(error instanceof AwsJsonError)) throw error;
      Object.assign(error.$metadata, { attempts: token.getRetryCount() + 1, totalRetryDelay });
      if (abortSignal.aborted) throw error;
      try {
        token = await strategy.refreshRetryTokenForRetry(token, retryErrorInfo(error));
      } catch {
        throw error;
      }
      totalRetryDelay += token.getRetryDelay();
      await pause(token.getRetryDelay(), abortSignal);
    }
  }
}
