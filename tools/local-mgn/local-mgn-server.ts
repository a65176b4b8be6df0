import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { advanceReplication, renderSourceServer, type LocalSourceServer } from './fleet';
import { isObject, validateDescribe, validateRetry, type FieldProblem } from './request-validation';
import { listenLocally, closeNow, readBody } from '../local-aws/http-stand-in';

export { generateFleet, type LocalSourceServer } from './fleet';

/**
 * A local stand-in for the MGN API: the restJson1 protocol of DescribeSourceServers and
 * RetryDataReplication over real HTTP, so the real MgnClient (pointed here with
 * AWS_ENDPOINT_URL_MGN) and the shipped bundle can be exercised with no AWS account.
 * A dev and test tool: it is never part of the Lambda bundle. docs/development.md, "Local MGN endpoint",
 * lists where it differs from MGN.
 */

export type MgnOperation = 'DescribeSourceServers' | 'RetryDataReplication';

/** One request the stand-in answered, in arrival order. */
export interface RecordedCall {
  readonly operation: MgnOperation | 'Unknown';
  readonly body: unknown;
  readonly status: number;
  readonly signed: boolean;
}

/** Errors the stand-in can answer with on demand: the modelled ones and the service front end's. */
export type InjectableError =
  | 'ThrottlingException'
  | 'InternalServerException'
  | 'AccessDeniedException'
  | 'ValidationException'
  | 'UninitializedAccountException';

/** A fault to return instead of the real answer, for the next `count` calls of an operation. */
export interface InjectedFault {
  readonly operation: MgnOperation;
  readonly errorType: InjectableError;
  readonly count: number;
}

/** Faults at random, reproducible from `seed`: a share of calls throttled or failed, and added latency. */
export interface FaultRates {
  /** Share of calls answered 429 ThrottlingException, 0–1. */
  readonly throttleRate?: number;
  /** Share of calls answered 500 InternalServerException, 0–1. */
  readonly serverErrorRate?: number;
  /** Delay before every answer, in milliseconds. */
  readonly latencyMs?: number;
  readonly seed?: number;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly errorType?: string;
  readonly headers?: Record<string, string>;
}

const ERROR_STATUS: Record<InjectableError, number> = {
  ThrottlingException: 429,
  InternalServerException: 500,
  AccessDeniedException: 403,
  ValidationException: 400,
  UninitializedAccountException: 400,
};
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=[A-Za-z0-9]+\/\d{8}\/[a-z0-9-]+\/mgn\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

export class LocalMgnServer {
  /** Every request answered, in order. */
  public readonly calls: RecordedCall[] = [];
  private readonly servers = new Map<string, LocalSourceServer>();
  private readonly faults: { operation: MgnOperation; errorType: InjectableError; count: number }[] = [];
  private rates: FaultRates = {};
  private random: () => number = Math.random;
  private readonly http: Server;
  /** When false, every call answers UninitializedAccountException, as MGN does before it is initialized. */
  public initialized = true;
  /** Called after each answered request: a test changes the world between two calls of the function. */
  public afterCall?: (call: RecordedCall) => void;

  constructor(
    servers: readonly LocalSourceServer[] = [],
    private readonly account = '111122223333',
    private readonly region = 'us-east-1',
    /** The stand-in's clock (epoch ms): simulated days move it instead of waiting. */
    private readonly clock: () => number = Date.now,
  ) {
    for (const server of servers) this.servers.set(server.sourceServerID, { ...server });
    this.http = createServer((request, response) => {
      this.answer(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerException' });
        response.end(JSON.stringify({ message: String(error) }));
      });
    });
  }

  /** Starts listening on 127.0.0.1 (a free port unless given) and returns the endpoint URL. */
  async start(port = 0): Promise<string> {
    return listenLocally(this.http, port);
  }

  async stop(): Promise<void> {
    await closeNow(this.http);
  }

  /** The stand-in's current view of a server. */
  server(sourceServerID: string): LocalSourceServer | undefined {
    return this.servers.get(sourceServerID);
  }

  /** Adds or replaces a server. */
  putServer(server: LocalSourceServer): void {
    this.servers.set(server.sourceServerID, { ...server });
  }

  /** The IDs of every RetryDataReplication that MGN accepted, in order. */
  acceptedRetries(): string[] {
    return this.calls
      .filter((call) => call.operation === 'RetryDataReplication' && call.status === 200)
      .map((call) => (call.body as { sourceServerID: string }).sourceServerID);
  }

  /** Answers the next `count` calls of an operation with an error. */
  injectFault(fault: InjectedFault): void {
    this.faults.push({ ...fault });
  }

  /** Throttles or fails a share of all calls at random (reproducibly), and delays every answer. */
  setFaultRates(rates: FaultRates): void {
    this.rates = rates;
    this.random = seededRandom(rates.seed ?? 1);
  }

  /**
   * Moves replication one step on, as MGN does after an initiation: INITIATING servers stall
   * again or start their initial sync; syncing servers reach CONTINUOUS. Returns the servers changed.
   */
  advance(): string[] {
    return [...this.servers.values()].filter((server) => advanceReplication(server, this.clock())).map((server) => server.sourceServerID);
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const operation = operationOf(request);
    const authorization = request.headers.authorization;
    const signed = authorization !== undefined && SIGV4.test(authorization) && request.headers['x-amz-date'] !== undefined;
    let body: unknown;
    let reply: Reply;
    try {
      body = raw === '' ? {} : (JSON.parse(raw) as unknown);
      reply = this.route(request.method, operation, authorization, signed, body);
    } catch {
      reply = validation('cannotParse', 'Could not parse request body into json', []);
    }
    if (this.rates.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.rates.latencyMs));
    const call = { operation: operation ?? 'Unknown', body, status: reply.status, signed } as const;
    this.calls.push(call);
    this.afterCall?.(call);
    response.writeHead(reply.status, {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      ...(reply.errorType ? { 'x-amzn-errortype': reply.errorType } : {}),
      ...reply.headers,
    });
    response.end(JSON.stringify(reply.body));
  }

  private route(
    method: string | undefined,
    operation: MgnOperation | undefined,
    authorization: string | undefined,
    signed: boolean,
    body: unknown,
  ): Reply {
    if (authorization === undefined) {
      return { status: 403, errorType: 'MissingAuthenticationTokenException', body: { message: 'Missing Authentication Token' } };
    }
    if (!signed) {
      return {
        status: 400,
        errorType: 'IncompleteSignatureException',
        body: { message: 'Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256, service mgn) and X-Amz-Date' },
      };
    }
    if (method !== 'POST' || operation === undefined) {
      return { status: 404, errorType: 'UnknownOperationException', body: { message: 'The requested operation is not supported' } };
    }
    if (!isObject(body)) return validation('cannotParse', 'Request body must be a JSON object', []);
    const fault = this.nextFault(operation);
    if (fault !== undefined) return injected(fault);
    if (!this.initialized) return injected('UninitializedAccountException');
    const problems = operation === 'DescribeSourceServers' ? validateDescribe(body) : validateRetry(body);
    if (problems.length > 0) return validation('fieldValidationFailed', 'Invalid request', problems);
    const account = this.callerAccount(authorization, body);
    return operation === 'DescribeSourceServers' ? this.describe(body, account) : this.retry(body, account);
  }

  /**
   * The account a call acts in: the `accountID` parameter (global view); else the account of the
   * signing credentials when the local STS issued them (their key is ASIA<account>…); else the
   * stand-in's own account.
   */
  private callerAccount(authorization: string, body: Record<string, unknown>): string {
    if (typeof body['accountID'] === 'string') return body['accountID'];
    return /Credential=ASIA([0-9]{12})/.exec(authorization)?.[1] ?? this.account;
  }

  private ownerOf(server: LocalSourceServer): string {
    return server.accountID ?? this.account;
  }

  private nextFault(operation: MgnOperation): InjectableError | undefined {
    const counted = this.faults.find((candidate) => candidate.operation === operation && candidate.count > 0);
    if (counted) {
      counted.count -= 1;
      return counted.errorType;
    }
    const draw = this.random();
    const throttle = this.rates.throttleRate ?? 0;
    if (draw < throttle) return 'ThrottlingException';
    if (draw < throttle + (this.rates.serverErrorRate ?? 0)) return 'InternalServerException';
    return undefined;
  }

  private describe(body: Record<string, unknown>, account: string): Reply {
    const filters = isObject(body['filters']) ? body['filters'] : {};
    const list = (name: string): unknown[] | undefined => (Array.isArray(filters[name]) ? (filters[name] as unknown[]) : undefined);
    const ids = list('sourceServerIDs');
    const lifeCycleStates = list('lifeCycleStates');
    const replicationTypes = list('replicationTypes');
    const applicationIDs = list('applicationIDs');
    const matching = [...this.servers.values()].filter(
      (server) =>
        this.ownerOf(server) === account &&
        (ids === undefined || ids.includes(server.sourceServerID)) &&
        (typeof filters['isArchived'] !== 'boolean' || filters['isArchived'] === server.isArchived) &&
        (lifeCycleStates === undefined || lifeCycleStates.includes(server.lifeCycleState)) &&
        (replicationTypes === undefined || replicationTypes.includes(server.replicationType ?? 'AGENT_BASED')) &&
        (applicationIDs === undefined || applicationIDs.includes(server.applicationID)),
    );
    const maxResults = typeof body['maxResults'] === 'number' ? body['maxResults'] : 1000;
    const offset = decodeToken(body['nextToken']);
    if (offset === undefined) return validation('fieldValidationFailed', 'Invalid nextToken', [{ name: 'nextToken', message: 'is not a token this service issued' }]);
    const page = matching.slice(offset, offset + maxResults);
    const next = offset + maxResults < matching.length ? encodeToken(offset + maxResults) : undefined;
    return {
      status: 200,
      body: { items: page.map((server) => renderSourceServer(server, account, this.region)), ...(next ? { nextToken: next } : {}) },
    };
  }

  private retry(body: Record<string, unknown>, account: string): Reply {
    const id = body['sourceServerID'] as string;
    const found = this.servers.get(id);
    // Another account's server is as unknown to the caller as one that does not exist.
    const server = found !== undefined && this.ownerOf(found) === account ? found : undefined;
    if (!server) {
      return {
        status: 404,
        errorType: 'ResourceNotFoundException',
        body: { message: 'Source server not found', code: 'RESOURCE_NOT_FOUND', resourceId: id, resourceType: 'SOURCE_SERVER' },
      };
    }
    // "This command will not work if the SourceServer is not stalled or is in a DISCONNECTED or
    // STOPPED state." MGN does not document the error; the stand-in answers ValidationException.
    if (server.isArchived || server.replicationState !== 'STALLED' || ['DISCONNECTED', 'STOPPED'].includes(server.lifeCycleState)) {
      return validation('other', `Source server ${id} data replication is not stalled`, [
        { name: 'sourceServerID', message: `data replication state is ${server.replicationState}` },
      ]);
    }
    if (server.refusesRetry === true) {
      return validation('other', `Source server ${id} cannot be retried now`, [{ name: 'sourceServerID', message: 'retry refused' }]);
    }
    server.replicationState = 'INITIATING';
    server.initiationStartedAt = this.clock();
    return { status: 200, body: renderSourceServer(server, account, this.region) };
  }
}

function operationOf(request: IncomingMessage): MgnOperation | undefined {
  const path = (request.url ?? '').split('?')[0];
  if (path === '/DescribeSourceServers') return 'DescribeSourceServers';
  if (path === '/RetryDataReplication') return 'RetryDataReplication';
  return undefined;
}

function validation(reason: string, message: string, fieldList: readonly FieldProblem[]): Reply {
  return {
    status: 400,
    errorType: 'ValidationException',
    body: { message, code: 'VALIDATION_ERROR', reason, ...(fieldList.length > 0 ? { fieldList } : {}) },
  };
}

function injected(errorType: InjectableError): Reply {
  if (errorType === 'ValidationException') return validation('other', 'injected ValidationException', []);
  const retryable = errorType === 'ThrottlingException' || errorType === 'InternalServerException';
  const message = {
    ThrottlingException: 'Rate exceeded',
    UninitializedAccountException: 'Account not initialized for Application Migration Service',
    InternalServerException: 'injected InternalServerException',
    AccessDeniedException: 'User is not authorized to perform this action (injected)',
  }[errorType];
  return {
    status: ERROR_STATUS[errorType],
    errorType,
    body: {
      message,
      ...(errorType === 'ThrottlingException' ? { serviceCode: 'mgn', quotaCode: 'local-api-rate' } : {}),
      ...(errorType === 'UninitializedAccountException' ? { code: 'UNINITIALIZED_ACCOUNT' } : {}),
    },
    headers: retryable ? { 'retry-after': '1' } : {},
  };
}

function encodeToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

function decodeToken(token: unknown): number | undefined {
  if (token === undefined) return 0;
  if (typeof token !== 'string') return undefined;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString());
  return match ? Number(match[1]) : undefined;
}

/** mulberry32: small, fast, reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

