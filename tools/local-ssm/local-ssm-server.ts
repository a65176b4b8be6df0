import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { listenLocally, closeNow, readBody } from '../local-aws/http-stand-in';

/** An OpsItem as the stand-in keeps it. */
export interface LocalOpsItem {
  readonly opsItemId: string;
  readonly title: string;
  readonly description: string;
  readonly severity?: string;
  readonly source: string;
  status: string;
  readonly operationalData: Record<string, { Type?: string; Value?: string }>;
}

/**
 * A local stand-in for Systems Manager OpsCenter (awsJson1.1: `X-Amz-Target:
 * AmazonSSM.CreateOpsItem` / `AmazonSSM.UpdateOpsItem`), with OpsCenter's deduplication: a
 * CreateOpsItem whose `/aws/dedup` string matches an Open or InProgress OpsItem opens none. What
 * the real service answers then is not documented: `onDuplicate` picks one of the two plausible
 * answers (the existing ID, or OpsItemAlreadyExistsException carrying it). A dev and test tool.
 */
export class LocalSsmServer {
  public readonly opsItems: LocalOpsItem[] = [];
  public onDuplicate: 'RETURN_EXISTING' | 'THROW' = 'THROW';
  private readonly http: Server;

  constructor() {
    this.http = createServer((request, response) => {
      void readBody(request).then((body) => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const input = JSON.parse(body || '{}') as Record<string, unknown>;
        const answer = target === 'AmazonSSM.CreateOpsItem' ? this.create(input) : target === 'AmazonSSM.UpdateOpsItem' ? this.update(input) : error(400, 'UnknownOperationException', target);
        response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(answer.body));
      });
    });
  }

  async start(): Promise<string> {
    return listenLocally(this.http);
  }

  async stop(): Promise<void> {
    await closeNow(this.http);
  }

  private create(input: Record<string, unknown>): { status: number; body: unknown } {
    const { Title, Description, Source } = input as { Title?: string; Description?: string; Source?: string };
    if (!Title || !Description || !Source) return error(400, 'ValidationException', 'Title, Description and Source are required');
    if (Title.length > 1024) return error(400, 'ValidationException', 'Title is longer than 1024');
    const operationalData = (input['OperationalData'] ?? {}) as Record<string, { Type?: string; Value?: string }>;
    const dedup = dedupString(operationalData['/aws/dedup']?.Value);
    const open = dedup === undefined ? undefined : this.opsItems.find((item) => ['Open', 'InProgress'].includes(item.status) && dedupString(item.operationalData['/aws/dedup']?.Value) === dedup);
    if (open !== undefined) {
      return this.onDuplicate === 'THROW'
        ? { status: 400, body: { __type: 'OpsItemAlreadyExistsException', message: `OpsItem with dedup string ${dedup} already exists`, OpsItemId: open.opsItemId } }
        : { status: 200, body: { OpsItemId: open.opsItemId } };
    }
    const opsItemId = `oi-${randomBytes(6).toString('hex')}`;
    const severity = input['Severity'] as string | undefined;
    this.opsItems.push({ opsItemId, title: Title, description: Description, source: Source, status: 'Open', operationalData, ...(severity === undefined ? {} : { severity }) });
    return { status: 200, body: { OpsItemId: opsItemId, OpsItemArn: `arn:aws:ssm:us-east-1:111122223333:opsitem/${opsItemId}` } };
  }

  private update(input: Record<string, unknown>): { status: number; body: unknown } {
    const item = this.opsItems.find((candidate) => candidate.opsItemId === input['OpsItemId']);
    if (item === undefined) return error(400, 'OpsItemNotFoundException', `OpsItem ${String(input['OpsItemId'])} not found`);
    if (typeof input['Status'] === 'string') item.status = input['Status'];
    Object.assign(item.operationalData, input['OperationalData'] ?? {});
    return { status: 200, body: {} };
  }
}

function dedupString(value: string | undefined): string | undefined {
  try {
    return (JSON.parse(value ?? '') as { dedupString?: string }).dedupString?.toLowerCase();
  } catch {
    return undefined;
  }
}

function error(status: number, type: string, message: string): { status: number; body: unknown } {
  return { status, body: { __type: type, message } };
}

