import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { listenLocally, closeNow, readBody } from '../local-aws/http-stand-in';

/** One message published to the stand-in. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  /** What an e-mail subscriber reads: the `email` text of a JSON-structured message, else the message. */
  readonly message: string;
  /** With `MessageStructure: json`: what every other subscriber (a chat channel, a queue) receives: the `default` text. */
  readonly default?: string;
}

/** The largest message SNS publishes: 256 KB, counted in UTF-8 bytes (every shape of a JSON-structured one together). */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

/**
 * A local stand-in for SNS Publish (awsQuery protocol: form-encoded request, XML response), so the
 * real SNSClient (pointed here with AWS_ENDPOINT_URL_SNS) can publish with no AWS account.
 * A dev and test tool: never part of the Lambda bundle.
 */
export class LocalSnsServer {
  public readonly published: PublishedMessage[] = [];
  /** Publish calls refused because the message was over 256 KB. */
  public rejectedTooLong = 0;
  private failuresLeft = 0;
  private readonly http: Server;

  constructor() {
    this.http = createServer((request, response) => {
      void readBody(request).then((body) => {
        const form = new URLSearchParams(body);
        const signed = (request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256');
        if (form.get('Action') !== 'Publish' || !signed || this.failuresLeft > 0) {
          if (this.failuresLeft > 0) this.failuresLeft -= 1;
          response.writeHead(form.get('Action') === 'Publish' && signed ? 500 : 400, { 'content-type': 'text/xml' });
          response.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>InternalError</Code>' +
              '<Message>local SNS stand-in refused the request</Message></Error></ErrorResponse>',
          );
          return;
        }
        const raw = form.get('Message') ?? '';
        if (Buffer.byteLength(raw, 'utf8') > SNS_MAX_MESSAGE_BYTES) {
          // As SNS answers a message over 256 KB.
          this.rejectedTooLong += 1;
          invalidParameter(response, 'Invalid parameter: Message too long');
          return;
        }
        const structured = form.get('MessageStructure') === 'json' ? parseStructure(raw) : undefined;
        if (form.get('MessageStructure') === 'json' && structured === undefined) {
          // SNS refuses a JSON structure without a top-level string "default".
          invalidParameter(response, 'Invalid parameter: Message Structure - No default entry in JSON message body');
          return;
        }
        this.published.push({
          topicArn: form.get('TopicArn') ?? '',
          message: structured === undefined ? raw : (structured['email'] ?? structured['default'] ?? ''),
          ...(structured === undefined ? {} : { default: structured['default'] ?? '' }),
          ...(form.has('Subject') ? { subject: form.get('Subject') ?? '' } : {}),
        });
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(
          `<PublishResponse><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
            `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
        );
      });
    });
  }

  /** Answers the next `count` Publish calls with a 500. */
  failNext(count: number): void {
    this.failuresLeft = count;
  }

  async start(): Promise<string> {
    return listenLocally(this.http);
  }

  async stop(): Promise<void> {
    await closeNow(this.http);
  }
}

function invalidParameter(response: ServerResponse, message: string): void {
  response.writeHead(400, { 'content-type': 'text/xml' });
  response.end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>${message}</Message></Error></ErrorResponse>`);
}

/** A `MessageStructure: json` message: a JSON object of strings with a string `default`. */
function parseStructure(raw: string): Record<string, string> | undefined {
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as Record<string, unknown>)['default'] !== 'string') return undefined;
    return parsed as Record<string, string>;
  } catch {
    return undefined;
  }
}

