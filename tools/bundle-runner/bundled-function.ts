import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { InvocationResult } from '../../lambda/retry-stalled-replication/outcomes';
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

/** One invocation's outcome, as the Lambda runtime would report it, and how long the handler took. */
export type InvocationOutcome = (
  | { readonly ok: true; readonly result: InvocationResult }
  | { readonly ok: false; readonly error: { name: string; message: string; field?: string } }
) & { readonly durationMs: number };

/** What one execution environment did: its cold start, its invocations, its output. */
export interface BundleRun {
  /** Time to import the bundle (the cold start's init phase), in milliseconds. */
  readonly initMs: number;
  readonly outcomes: InvocationOutcome[];
  /** Every line the function wrote (stdout and stderr). */
  readonly lines: string[];
  /** Promise rejections nobody handled: always a defect. */
  readonly unhandledRejections: string[];
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
 * Invokes the bundle in a fresh Node.js process (a fresh execution environment), one event after
 * another, with only the function's environment and `local` (endpoints, table, topic, dummy
 * credentials): no AWS account, no host credentials, no node_modules beside the bundle.
 */
export async function invokeBundle(
  fn: BundledFunction,
  events: readonly unknown[],
  local: Readonly<Record<string, string>>,
): Promise<BundleRun> {
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
  const collect = (stream: NodeJS.ReadableStream | null): Promise<string> =>
    new Promise((resolve, reject) => {
      let text = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => (text += chunk));
      stream?.on('end', () => resolve(text));
      stream?.on('error', reject);
    });
  const [stdout, stderr, resultText, code] = await Promise.all([
    collect(child.stdout),
    collect(child.stderr),
    collect(child.stdio[3] as NodeJS.ReadableStream),
    new Promise<number | null>((resolve) => child.on('close', resolve)),
    new Promise<void>((resolve) => child.stdin.end(
        JSON.stringify({ entry: fn.entry, exportName: fn.exportName, timeoutMs: fn.timeoutSeconds * 1000, events }),
        resolve,
      )),
  ]);
  if (code !== 0) throw new Error(`bundle process exited with ${String(code)}: ${stderr}`);
  const lines = `${stdout}\n${stderr}`.split('\n').filter((line) => line.trim() !== '');
  const report = JSON.parse(resultText) as Omit<BundleRun, 'lines'>;
  return { ...report, lines };
}
