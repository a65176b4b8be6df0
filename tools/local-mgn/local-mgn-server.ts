import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the MGN API: the restJson1 protocol of DescribeSourceServers and
 * RetryDataReplication over real HTTP, so the real MgnClient (pointed here with
 * AWS_ENDPOINT_URL_MGN) and the shipped bundle can be exercised with no AWS account.
 * A dev and test tool: it is never part of the Lambda bundle.
 */

/** A source server as the stand-in keeps it. */
export interface LocalSourceServer {
  readonly sourceServerID: string;
  replicationState: string;
  lifeCycleState: string;
  isArchived: boolean;
  hostname?: string;
  tags?: Record<string, string>;
  /** `dataReplicationInfo.dataReplicationError` of a stalled server. */
  replicationError?: { error: string; rawError?: string };
  /** What a retry does to this server when the stand-in's clock advances: recover, or stall again. */
  afterRetry?: 'RECOVERS' | 'STAYS_STALLED';
}

/**
 * A fleet of `size` source servers with deterministic IDs, `stalled` of them STALLED (spread
 * evenly), the rest replicating normally. Stalled ones stay stalled after a retry unless told otherwise.
 */
export function generateFleet(size: number, stalled: number, afterRetry: LocalSourceServer['afterRetry'] = 'STAYS_STALLED'): LocalSourceServer[] {
  const every = stalled === 0 ? Infinity : size / stalled;
  return Array.from({ length: size }, (_, index) => {
    const isStalled = Math.floor(index % every) === 0 && Math.floor(index / every) < stalled;
    return {
      sourceServerID: `s-${index.toString(16).padStart(17, '0')}`,
      replicationState: isStalled ? 'STALLED' : 'CONTINUOUS',
      lifeCycleState: 'READY_FOR_TEST',
      isArchived: false,
      hostname: `server-${index}`,
      ...(isStalled ? { replicationError: { error: 'UNSTABLE_NETWORK' }, afterRetry } : {}),
    };
  });
}

export type MgnOperation = 'DescribeSourceServers' | 'RetryDataReplication';

/** One request the stand-in answered, in arrival order. */
export interface RecordedCall {
  readonly operation: MgnOperation | 'Unknown';
  readonly body: unknown;
  readonly status: number;
  readonly signed: boolean;
}

/** A fault to return instead of the real answer, for the next `count` calls of an operation. */
export interface InjectedFault {
  readonly operation: MgnOperation;
  readonly errorType: 'ThrottlingException' | 'InternalServerException' | 'AccessDeniedException' | 'ConflictException';
  readonly count: number;
}

interface ErrorReply {
  readonly status: number;
  readonly type: string;
  readonly body: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

const SOURCE_SERVER_ID = /^s-[0-9a-zA-Z]{17}$/;
const ACCOUNT_ID = /^[0-9]{12}$/;
const ERROR_STATUS: Record<InjectedFault['errorType'], number> = {
  ThrottlingException: 429,
  InternalServerException: 500,
  AccessDeniedException: 403,
  ConflictException: 409,
};

export class LocalMgnServer {
  /** Every request answered, in order. */
  public readonly calls: RecordedCall[] = [];
  private readonly servers = new Map<string, LocalSourceServer>();
  private readonly faults: { -readonly [K in keyof InjectedFault]: InjectedFault[K] }[] = [];
  private readonly http: Server;

  constructor(
    servers: readonly LocalSourceServer[] = [],
    private readonly account = '111122223333',
    private readonly region = 'us-east-1',
  ) {
    for (const server of servers) this.servers.set(server.sourceServerID, { ...server });
    this.http = createServer((request, response) => {
      this.answer(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerException' });
        response.end(JSON.stringify({ message: String(error) }));
      });
    });
  }

  /** Starts listening on 127.0.0.1 and returns the endpoint URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.http.close((error) => (error ? reject(error) : resolve())));
  }

  /** The stand-in's current view of a server. */
  server(sourceServerID: string): LocalSourceServer | undefined {
    return this.servers.get(sourceServerID);
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

  /**
   * Moves replication on, as MGN does after an initiation: a server that was retried leaves
   * INITIATING and either replicates again or stalls again.
   */
  advance(): void {
    for (const server of this.servers.values()) {
      if (server.replicationState !== 'INITIATING') continue;
      server.replicationState = server.afterRetry === 'STAYS_STALLED' ? 'STALLED' : 'CONTINUOUS';
    }
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const operation = operationOf(request);
    const signed = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/mgn\/aws4_request/.test(
      request.headers.authorization ?? '',
    );
    let body: unknown;
    let reply: ErrorReply | { body: unknown };
    try {
      body = raw === '' ? {} : JSON.parse(raw);
      reply = this.route(request.method, operation, signed, body);
    } catch {
      reply = validation('cannotParse', 'request body is not valid JSON');
    }
    const status = 'status' in reply ? reply.status : 200;
    const headers = 'status' in reply ? { 'x-amzn-errortype': reply.type, ...reply.headers } : {};
    this.calls.push({ operation: operation ?? 'Unknown', body, status, signed });
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(reply.body));
  }

  private route(
    method: string | undefined,
    operation: MgnOperation | undefined,
    signed: boolean,
    body: unknown,
  ): ErrorReply | { body: unknown } {
    if (method !== 'POST' || operation === undefined) {
      return validation('unknownOperation', 'no such operation');
    }
    if (!signed) {
      return { status: 403, type: 'MissingAuthenticationTokenException', body: { message: 'Missing Authentication Token' } };
    }
    const fault = this.faults.find((candidate) => candidate.operation === operation && candidate.count > 0);
    if (fault) {
      fault.count -= 1;
      return injected(fault.errorType);
    }
    return operation === 'DescribeSourceServers' ? this.describe(body) : this.retry(body);
  }

  private describe(input: unknown): ErrorReply | { body: unknown } {
    const body = isObject(input) ? input : {};
    const filters = isObject(body['filters']) ? body['filters'] : {};
    const ids = filters['sourceServerIDs'];
    if (ids !== undefined) {
      if (!Array.isArray(ids) || ids.length > 200 || !ids.every((id) => typeof id === 'string' && SOURCE_SERVER_ID.test(id))) {
        return validation('fieldValidationFailed', 'Invalid sourceServerIDs', 'filters.sourceServerIDs');
      }
    }
    const maxResults = body['maxResults'] ?? 1000;
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      return validation('fieldValidationFailed', 'maxResults must be between 1 and 1000', 'maxResults');
    }
    const accountError = checkAccount(body['accountID']);
    if (accountError) return accountError;
    const lifeCycleStates = filters['lifeCycleStates'];
    const matching = [...this.servers.values()].filter(
      (server) =>
        (!Array.isArray(ids) || ids.includes(server.sourceServerID)) &&
        (typeof filters['isArchived'] !== 'boolean' || filters['isArchived'] === server.isArchived) &&
        (!Array.isArray(lifeCycleStates) || lifeCycleStates.includes(server.lifeCycleState)),
    );
    const offset = decodeToken(body['nextToken']);
    if (offset === undefined) return validation('fieldValidationFailed', 'Invalid nextToken', 'nextToken');
    const page = matching.slice(offset, offset + maxResults);
    const next = offset + maxResults < matching.length ? encodeToken(offset + maxResults) : undefined;
    return { body: { items: page.map((server) => this.render(server)), ...(next ? { nextToken: next } : {}) } };
  }

  private retry(input: unknown): ErrorReply | { body: unknown } {
    const body = isObject(input) ? input : {};
    const id = body['sourceServerID'];
    if (typeof id !== 'string' || !SOURCE_SERVER_ID.test(id)) {
      return validation('fieldValidationFailed', 'Invalid sourceServerID', 'sourceServerID');
    }
    const accountError = checkAccount(body['accountID']);
    if (accountError) return accountError;
    const server = this.servers.get(id);
    if (!server) {
      return {
        status: 404,
        type: 'ResourceNotFoundException',
        body: { message: 'Source server not found', resourceId: id, resourceType: 'SOURCE_SERVER' },
      };
    }
    if (server.isArchived || server.replicationState !== 'STALLED' || ['DISCONNECTED', 'STOPPED'].includes(server.lifeCycleState)) {
      return validation('other', 'Source server data replication is not stalled', 'sourceServerID');
    }
    server.replicationState = 'INITIATING';
    return { body: this.render(server) };
  }

  private render(server: LocalSourceServer): Record<string, unknown> {
    return {
      sourceServerID: server.sourceServerID,
      arn: `arn:aws:mgn:${this.region}:${this.account}:source-server/${server.sourceServerID}`,
      isArchived: server.isArchived,
      tags: server.tags ?? {},
      replicationType: 'AGENT_BASED',
      lifeCycle: { state: server.lifeCycleState },
      dataReplicationInfo: {
        dataReplicationState: server.replicationState,
        ...(server.replicationState === 'STALLED' && server.replicationError
          ? { dataReplicationError: server.replicationError }
          : {}),
      },
      sourceProperties: { identificationHints: { hostname: server.hostname ?? server.sourceServerID } },
    };
  }
}

function operationOf(request: IncomingMessage): MgnOperation | undefined {
  const path = (request.url ?? '').split('?')[0];
  if (path === '/DescribeSourceServers') return 'DescribeSourceServers';
  if (path === '/RetryDataReplication') return 'RetryDataReplication';
  return undefined;
}

function validation(reason: string, message: string, field?: string): ErrorReply {
  return {
    status: 400,
    type: 'ValidationException',
    body: { message, reason, ...(field ? { fieldList: [{ name: field, message }] } : {}) },
  };
}

function injected(errorType: InjectedFault['errorType']): ErrorReply {
  const status = ERROR_STATUS[errorType];
  return {
    status,
    type: errorType,
    body: { message: `injected ${errorType}` },
    headers: errorType === 'ThrottlingException' ? { 'retry-after': '1' } : {},
  };
}

function checkAccount(accountID: unknown): ErrorReply | undefined {
  if (accountID === undefined || (typeof accountID === 'string' && ACCOUNT_ID.test(accountID))) return undefined;
  return validation('fieldValidationFailed', 'Invalid accountID', 'accountID');
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
