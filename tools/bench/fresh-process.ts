import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable, Writable } from 'node:stream';
import type { BundledFunction } from '../bundle-runner/bundled-function';

const COLD_DECISION = path.join(__dirname, 'cold-decision.mjs');

/** One fresh process: how long it lived (spawn to exit), and how long the import and the handler took inside it. */
export interface FreshRun {
  readonly wallMs: number;
  readonly importMs: number;
  /** 0 when there was no event. */
  readonly handlerMs: number;
}

/**
 * Runs a bundle in a fresh Node.js process, as a new Lambda execution environment would: imports
 * it and, given an event, invokes its handler once; then the process exits. With the function's
 * environment and `local` (endpoints, credentials), nothing else from this machine.
 */
export async function runFreshProcess(fn: BundledFunction, event: unknown, local: Readonly<Record<string, string>>): Promise<FreshRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [COLD_DECISION, fn.entry, fn.exportName], {
    cwd: path.dirname(fn.entry),
    env: {
      PATH: process.env['PATH'],
      ...fn.environment,
      ...local,
      AWS_LAMBDA_FUNCTION_NAME: 'mgn-stall-retry-bench',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    },
    stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
  });
  const [stdin, , stderr, answers] = child.stdio as unknown as [Writable, null, Readable, Readable];
  const report: string[] = [];
  const errors: string[] = [];
  answers.setEncoding('utf8').on('data', (chunk: string) => report.push(chunk));
  stderr.setEncoding('utf8').on('data', (chunk: string) => errors.push(chunk));
  let wallMs = 0;
  child.on('exit', () => (wallMs = performance.now() - started));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  stdin.end(JSON.stringify(event));
  const code = await closed;
  if (code !== 0) throw new Error(`${fn.entry} exited with ${String(code)}: ${errors.join('')}`);
  const { importMs, handlerMs } = JSON.parse(report.join('')) as { importMs: number; handlerMs: number };
  return { wallMs, importMs, handlerMs };
}
