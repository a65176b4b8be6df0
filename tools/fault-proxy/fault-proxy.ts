import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenLocally, closeNow, readBytes } from '../local-aws/http-stand-in';

/**
 * A fault layer between the function and a local stand-in: an HTTP reverse proxy that forwards
 * every request unless a rule says otherwise. Rules reproduce what networks and services do to a
 * call: an answer lost after the service applied the request, a call that hangs, an error the
 * service never gave, a brownout. A dev and test tool: never part of the Lambda bundle.
 */

/** How the proxy names a request's operation, per AWS protocol. */
export type Protocol =
  /** restJson1 (MGN): the operation is the URL path. */
  | 'rest-json'
  /** awsJson (DynamoDB, EventBridge, Systems Manager): the `X-Amz-Target` header. */
  | 'json'
  /** awsQuery (SNS, STS): the form field `Action`. */
  | 'query';

export type FaultAction =
  /** Forward; the service applies the request; the caller's connection is cut before any answer. */
  | { readonly kind: 'drop-response' }
  /** Never forward, never answer: the caller waits until it gives up (or `ms` pass, then it is cut). */
  | { readonly kind: 'hang'; readonly ms?: number }
  /** Forward after a delay: a brownout. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Answer with an error without forwarding. */
  | { readonly kind: 'error'; readonly status: number; readonly errorType: string; readonly message?: string };

export interface FaultRule {
  /** The operation it applies to, e.g. `RetryDataReplication`, `PutItem`, `Publish`; `*` for any. */
  readonly operation: string;
  readonly action: FaultAction;
  /** How many matching calls it affects; unlimited when absent. */
  count?: number;
  /** Lets the first `skip` matching calls through before it applies. */
  skip?: number;
}

/** One request the proxy saw. */
export interface ProxiedCall {
  readonly operation: string;
  /** The fault applied, if any. */
  readonly fault?: FaultAction['kind'];
}

export class FaultProxy {
  public readonly calls: ProxiedCall[] = [];
  private rules: FaultRule[] = [];
  private readonly http: Server;
  private readonly target: URL;

  constructor(target: string, private readonly protocol: Protocol) {
    this.target = new URL(target);
    this.http = createServer((request, response) => {
      void this.handle(request, response).catch(() => response.destroy());
    });
  }

  async start(): Promise<string> {
    return listenLocally(this.http);
  }

  async stop(): Promise<void> {
    await closeNow(this.http);
  }

  /** Adds a rule; rules apply in the order added, the first match wins. */
  add(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  /** Calls of an operation seen so far (with or without a fault). */
  count(operation: string): number {
    return this.calls.filter((call) => call.operation === operation).length;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBytes(request);
    const operation = operationOf(this.protocol, request, body);
    const rule = this.match(operation);
    this.calls.push({ operation, ...(rule ? { fault: rule.action.kind } : {}) });
    const action = rule?.action;
    switch (action?.kind) {
      case 'hang':
        if (action.ms !== undefined) setTimeout(() => response.destroy(), action.ms).unref();
        return;
      case 'error':
        this.answerError(response, action);
        return;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, action.ms));
        break;
      default:
        break;
    }
    const upstream = await this.forward(request, body);
    if (action?.kind === 'drop-response') {
      response.destroy();
      return;
    }
    response.writeHead(upstream.status, upstream.headers);
    response.end(upstream.body);
  }

  private match(operation: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.operation !== '*' && rule.operation !== operation) continue;
      if ((rule.count ?? 1) <= 0) continue;
      if ((rule.skip ?? 0) > 0) {
        rule.skip = (rule.skip ?? 0) - 1;
        continue;
      }
      if (rule.count !== undefined) rule.count -= 1;
      return rule;
    }
    return undefined;
  }

  private answerError(response: ServerResponse, action: Extract<FaultAction, { kind: 'error' }>): void {
    const message = action.message ?? `injected ${action.errorType}`;
    if (this.protocol === 'query') {
      response.writeHead(action.status, { 'content-type': 'text/xml' });
      response.end(`<ErrorResponse><Error><Type>Sender</Type><Code>${action.errorType}</Code><Message>${message}</Message></Error></ErrorResponse>`);
      return;
    }
    response.writeHead(action.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': action.errorType });
    response.end(JSON.stringify({ __type: action.errorType, message }));
  }

  private forward(request: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: request.method,
          path: request.url,
          // The Host the client signed, unchanged: the stand-ins check signatures, as AWS does.
          headers: request.headers,
        },
        (answer) => {
          void readBytes(answer).then((answerBody) => {
            const headers: Record<string, string | string[]> = {};
            for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) headers[name] = value;
            resolve({ status: answer.statusCode ?? 502, headers, body: answerBody });
          }, reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

function operationOf(protocol: Protocol, request: IncomingMessage, body: Buffer): string {
  switch (protocol) {
    case 'rest-json':
      return (request.url ?? '').split('?')[0]?.replace(/^\//, '') ?? '';
    case 'json':
      return String(request.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    case 'query':
      return new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
  }
}

