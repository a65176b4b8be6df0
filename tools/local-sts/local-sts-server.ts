import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listenLocally, closeNow, readBody } from '../local-aws/http-stand-in';

/** One AssumeRole call the stand-in answered. */
export interface AssumeRoleCall {
  readonly roleArn: string;
  readonly sessionName: string;
  /** The account of the caller's signing credentials (their key), as the stand-in read it. */
  readonly callerKey: string;
  readonly granted: boolean;
}

/**
 * A local stand-in for STS AssumeRole (awsQuery: form-encoded request, XML response), so the hub
 * function's real STSClient (pointed here with AWS_ENDPOINT_URL_STS) assumes spoke roles with no
 * AWS account. A role can be assumed when it was added with `trust`; any other role is answered
 * AccessDenied, as STS answers for a role that does not exist or does not trust the caller.
 * Credentials carry their account in the key (`ASIA<account>…`), which the local MGN reads to act
 * in that account. A dev and test tool: never part of the Lambda bundle.
 */
export class LocalStsServer {
  public readonly calls: AssumeRoleCall[] = [];
  private readonly trusted = new Set<string>();
  private failuresLeft = 0;
  /** The length of the sessions it grants; unset: as the caller asks. */
  private sessionSeconds: number | undefined;
  private readonly http: Server;

  constructor(private readonly clock: () => number = Date.now) {
    this.http = createServer((request, response) => {
      void readBody(request).then((body) => this.answer(request, body, response.writeHead.bind(response), response.end.bind(response)));
    });
  }

  /** Makes a role assumable (it exists and trusts the hub). */
  trust(roleArn: string): void {
    this.trusted.add(roleArn);
  }

  /** Takes a role's trust away (or deletes it): AssumeRole is denied from then on. */
  distrust(roleArn: string): void {
    this.trusted.delete(roleArn);
  }

  /** Answers the next `count` AssumeRole calls with a throttling error. */
  throttleNext(count: number): void {
    this.failuresLeft = count;
  }

  /** Grants sessions of this length from now on, whatever the caller asks: a session that ends within one invocation. */
  shortenSessions(seconds: number): void {
    this.sessionSeconds = seconds;
  }

  async start(): Promise<string> {
    return listenLocally(this.http);
  }

  async stop(): Promise<void> {
    await closeNow(this.http);
  }

  private answer(
    request: IncomingMessage,
    body: string,
    head: (status: number, headers: Record<string, string>) => unknown,
    end: (text: string) => unknown,
  ): void {
    const form = new URLSearchParams(body);
    const authorization = request.headers.authorization ?? '';
    const fail = (status: number, code: string, message: string): void => {
      head(status, { 'content-type': 'text/xml' });
      end(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
    };
    if (!authorization.startsWith('AWS4-HMAC-SHA256') || form.get('Action') !== 'AssumeRole') {
      fail(400, 'InvalidAction', 'only signed AssumeRole is served here');
      return;
    }
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    const callerKey = /Credential=([A-Z0-9]+)\//.exec(authorization)?.[1] ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      fail(400, 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint`);
      return;
    }
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      fail(400, 'Throttling', 'Rate exceeded');
      return;
    }
    const account = /^arn:[\w-]+:iam::([0-9]{12}):role\//.exec(roleArn)?.[1];
    const granted = account !== undefined && this.trusted.has(roleArn);
    this.calls.push({ roleArn, sessionName, callerKey, granted });
    if (!granted) {
      fail(403, 'AccessDenied', `User: arn:aws:sts::local:assumed-role/hub/${sessionName} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      return;
    }
    const seconds = this.sessionSeconds ?? Number(form.get('DurationSeconds') ?? '3600');
    const expiration = new Date(this.clock() + seconds * 1000).toISOString();
    const keyID = `ASIA${account}${randomBytes(2).toString('hex').toUpperCase()}`;
    head(200, { 'content-type': 'text/xml' });
    end(
      '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>' +
        `<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${roleArn.split('/').pop() ?? ''}/${sessionName}</Arn>` +
        `<AssumedRoleId>AROALOCAL:${sessionName}</AssumedRoleId></AssumedRoleUser>` +
        `<Credentials><AccessKeyId>${keyID}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('hex')}</SecretAccessKey>` +
        `<SessionToken>${randomBytes(32).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  }
}

