import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { InvocationResult } from '../../lambda/retry-stalled-replication/decide/outcomes';
import type { MgnStallRetryConfig } from '../../lib/config';
import { MgnStallRetryStack } from '../../lib/mgn-stall-retry-stack';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../tools/local-aws/local-aws';

/** The function as `cdk synth` produces it: the bundle file, its export and its environment. */
export interface BundledFunction {
  readonly entry: string;
  readonly exportName: string;
  /** Environment values from the template; references to other resources are left out. */
  readonly environment: Readonly<Record<string, string>>;
  /** Variables that name other resources (table, topic): the caller supplies local ones. */
  readonly resourceVariables: readonly string[];
  readonly timeoutSeconds: number;
  readonly memorySize: number;
}

/** One invocation's outcome, as the Lambda runtime would report it, how long it took, and what it wrote. */
export type InvocationOutcome = (
  | { readonly ok: true; readonly result: InvocationResult }
  | { readonly ok: false; readonly error: { name: string; message: string; field?: string } }
) & {
  readonly durationMs: number;
  /** True when the handler ran past the timeout it was given: Lambda would have cut it off. */
  readonly timedOut: boolean;
  /** Every line the invocation wrote (stdout and stderr): decision lines, warnings, EMF. */
  readonly lines: readonly string[];
};

/** What one execution environment did: its cold start, its invocations, its output. */
export interface BundleRun {
  /** Time to import the bundle (the cold start's init phase), in milliseconds. */
  readonly initMs: number;
  readonly outcomes: InvocationOutcome[];
  /** Every line the function wrote (stdout and stderr), in order. */
  readonly lines: string[];
  /** Promise rejections nobody handled: always a defect. */
  readonly unhandledRejections: string[];
  /** The execution environment's peak resident memory, in bytes. */
  readonly peakRssBytes: number;
}

/** How one invocation runs. */
export interface InvokeOptions {
  /** The function's clock reads this time (epoch ms) when the invocation starts: simulated days. */
  readonly at?: number;
  /** Lambda's timeout for this invocation; default: the function's own. */
  readonly timeoutMs?: number;
}

const RUNNER = path.join(__dirname, 'invoke-bundle.mjs');

/** Synthesizes the stack with real esbuild bundling into a fresh directory outside the project. */
export function synthesizeBundledFunction(config?: MgnStallRetryConfig): BundledFunction {
  const outdir = mkdtempSync(path.join(tmpdir(), 'mgn-stall-retry-synth-'));
  const app = new App({ outdir });
  const stack = new MgnStallRetryStack(app, 'BundleTest', config ? { config } : {});
  const template = Template.fromStack(stack);
  app.synth();
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as {
    Properties: {
      Handler: string;
      Code: { S3Key: string };
      Environment: { Variables: Record<string, unknown> };
      Timeout: number;
      MemorySize: number;
    };
  }[];
  if (!fn) throw new Error('the stack has no Lambda function');
  const [file = '', exportName = ''] = fn.Properties.Handler.split('.');
  const entry = path.join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`, `${file}.mjs`);
  if (!existsSync(entry)) throw new Error(`bundle not found at ${entry}`);
  const environment: Record<string, string> = {};
  const resourceVariables: string[] = [];
  for (const [name, value] of Object.entries(fn.Properties.Environment.Variables)) {
    const resolved = resolvePseudoParameter(value);
    if (resolved === undefined) resourceVariables.push(name);
    else environment[name] = resolved;
  }
  return {
    entry,
    exportName,
    environment,
    resourceVariables,
    timeoutSeconds: fn.Properties.Timeout,
    memorySize: fn.Properties.MemorySize,
  };
}

/** Plain values and the account/Region/partition pseudo parameters; undefined for resource references. */
function resolvePseudoParameter(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const ref = (value as { Ref?: string }).Ref;
  if (ref === 'AWS::AccountId') return LOCAL_ACCOUNT;
  if (ref === 'AWS::Region') return LOCAL_REGION;
  if (ref === 'AWS::Partition') return 'aws';
  if (ref !== undefined && !ref.startsWith('AWS::')) return undefined;
  throw new Error(`cannot resolve environment value ${JSON.stringify(value)} locally`);
}

/**
 * One execution environment of the bundle: a fresh Node.js process that imports it once (the cold
 * start) and then takes invocations one after another (warm), with only the function's environment
 * and `local` (endpoints, table, topic, dummy credentials): no AWS account, no host credentials, no
 * node_modules beside the bundle.
 */
export class BundleEnvironment {
  private readonly answers: AsyncIterator<string, undefined>;
  private readonly stderr: string[] = [];

  /** Time to import the bundle (the cold start's init phase), in milliseconds. */
  public initMs = 0;
  /** Lines written while the bundle was imported. */
  public coldStartLines: readonly string[] = [];

  private constructor(
    private readonly fn: BundledFunction,
    private readonly child: ChildProcessWithoutNullStreams,
    answers: Readable,
  ) {
    this.answers = createInterface({ input: answers })[Symbol.asyncIterator]();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => this.stderr.push(chunk));
  }

  static async start(fn: BundledFunction, local: Readonly<Record<string, string>>): Promise<BundleEnvironment> {
    const missing = fn.resourceVariables.filter((name) => local[name] === undefined);
    if (missing.length > 0) throw new Error(`no local value for ${missing.join(', ')}`);
    const child = spawn(process.execPath, [RUNNER], {
      cwd: path.dirname(fn.entry),
      env: {
        PATH: process.env['PATH'],
        ...fn.environment,
        ...local,
        AWS_LAMBDA_FUNCTION_NAME: 'mgn-stall-retry-bundle-test',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    const environment = new BundleEnvironment(fn, child, child.stdio[3] as Readable);
    child.stdin.write(`${JSON.stringify({ entry: fn.entry, exportName: fn.exportName })}\n`);
    const { initMs, lines } = (await environment.next()) as { initMs: number; lines: string[] };
    environment.initMs = initMs;
    environment.coldStartLines = lines;
    return environment;
  }

  /** Invokes the handler with one event and waits for its outcome. */
  async invoke(event: unknown, options: InvokeOptions = {}): Promise<InvocationOutcome> {
    const timeoutMs = options.timeoutMs ?? this.fn.timeoutSeconds * 1000;
    this.child.stdin.write(`${JSON.stringify({ event, timeoutMs, ...(options.at === undefined ? {} : { at: options.at }) })}\n`);
    return (await this.next()) as InvocationOutcome;
  }

  /** Ends the execution environment; returns the promise rejections nobody handled and its peak memory. */
  async stop(): Promise<{ unhandledRejections: string[]; peakRssBytes: number }> {
    const closed = new Promise<number | null>((resolve) => this.child.on('close', resolve));
    this.child.stdin.end();
    const ended = (await this.next()) as { unhandledRejections: string[]; peakRssBytes: number };
    const code = await closed;
    if (code !== 0) throw new Error(`bundle process exited with ${String(code)}: ${this.stderr.join('')}`);
    return ended;
  }

  private async next(): Promise<unknown> {
    const { value, done } = await this.answers.next();
    if (done === true) throw new Error(`bundle process ended early: ${this.stderr.join('')}`);
    return JSON.parse(value) as unknown;
  }
}

/** Invokes the bundle in a fresh execution environment with each event in turn, then ends it. */
export async function invokeBundle(
  fn: BundledFunction,
  events: readonly unknown[],
  local: Readonly<Record<string, string>>,
  options: InvokeOptions = {},
): Promise<BundleRun> {
  const environment = await BundleEnvironment.start(fn, local);
  const outcomes: InvocationOutcome[] = [];
  for (const event of events) outcomes.push(await environment.invoke(event, options));
  const { unhandledRejections, peakRssBytes } = await environment.stop();
  return {
    initMs: environment.initMs,
    outcomes,
    lines: [...environment.coldStartLines, ...outcomes.flatMap((outcome) => outcome.lines)],
    unhandledRejections,
    peakRssBytes,
  };
}
