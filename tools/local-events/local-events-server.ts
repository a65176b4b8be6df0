import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { listenLocally, closeNow, readBody, signatureProblem } from '../local-aws/http-stand-in';

/** One entry the stand-in accepted, as a rule on the bus would see it. */
export interface PutEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

/**
 * A local stand-in for EventBridge PutEvents (awsJson1.1: `X-Amz-Target: AWSEvents.PutEvents`), so
 * the function (pointed here with AWS_ENDPOINT_URL_EVENTBRIDGE) puts decision events with no AWS
 * account. It checks what EventBridge checks: the SigV4 signature (for the local credentials),
 * and per entry Source, DetailType and a Detail that is a JSON object, at most 10 entries a call.
 * A dev and test tool: never part of the bundle.
 */
export class LocalEventsServer {
  public readonly events: PutEvent[] = [];
  /** Calls answered, with how many entries each carried. */
  public readonly calls: number[] = [];
  /** Entries to refuse (with an entry-level error, in a 200 answer) from now on. */
  public rejectEntries = 0;
  /** Calls to answer with a 500 InternalException from now on (each attempt of a call counts). */
  public failCalls = 0;
  /** Requests refused for their signature, with the reason. */
  public readonly badSignatures: string[] = [];
  private readonly http: Server;

  constructor() {
    this.http = createServer((request, response) => {
      void readBody(request).then(async (body) => {
        if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: 'UnknownOperationException', message: 'only PutEvents is served here' }));
          return;
        }
        const badSignature = await signatureProblem(request, 'events', body);
        if (badSignature !== undefined) {
          this.badSignatures.push(badSignature);
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: 'InvalidSignatureException', message: badSignature }));
          return;
        }
        if (this.failCalls > 0) {
          this.failCalls -= 1;
          response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: 'InternalException', message: 'injected failure' }));
          return;
        }
        const entries = ((JSON.parse(body) as { Entries?: unknown[] }).Entries ?? []) as { Source?: string; DetailType?: string; Detail?: string }[];
        if (entries.length < 1 || entries.length > 10) {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: 'ValidationException', message: '1 validation error detected: Value at \'entries\' failed to satisfy constraint: Member must have length less than or equal to 10' }));
          return;
        }
        this.calls.push(entries.length);
        const results = entries.map((entry) => {
          const detail = parseObject(entry.Detail);
          if (this.rejectEntries > 0) {
            this.rejectEntries -= 1;
            return { ErrorCode: 'InternalFailure', ErrorMessage: 'injected entry failure' };
          }
          if (!entry.Source || !entry.DetailType || detail === undefined) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
          this.events.push({ source: entry.Source, detailType: entry.DetailType, detail });
          return { EventId: randomUUID() };
        });
        const failed = results.filter((result) => 'ErrorCode' in result).length;
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ FailedEntryCount: failed, Entries: results }));
      });
    });
  }

  async start(): Promise<string> {
    return listenLocally(this.http);
  }

  async stop(): Promise<void> {
    await closeNow(this.http);
  }
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(text ?? '') as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

