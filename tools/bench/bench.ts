/**
 * `npm run bench`: measures the shipped bundle with no AWS account and prints a table.
 * - bundle size (bytes, gzip);
 * - cold init: median time to import the bundle in fresh Node.js processes, and its ratio to a
 *   floor bundle that only imports @aws-sdk/client-mgn (target: at most 1.5x);
 * - per-decision time of warm invocations against the local endpoint with zero latency (p50/p99),
 *   and MGN and DynamoDB calls per decision;
 * - sweep throughput for 1,000 and 10,000 servers; API calls of a duplicate-event storm.
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { invokeBundle, synthesizeBundledFunction, type BundledFunction } from '../bundle-runner/bundled-function';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAws, type LocalAws } from '../local-aws/local-aws';
import { generateFleet } from '../local-mgn/local-mgn-server';

const COLD_RUNS = 21;
const DECISIONS = 300;

type Row = [measure: string, value: string, note: string];

function stallEvent(sourceServerID: string): Record<string, unknown> {
  return {
    version: '0', id: crypto.randomUUID(), 'detail-type': 'MGN Source Server Data Replication Stalled Change', source: 'aws.mgn',
    account: LOCAL_ACCOUNT, time: new Date().toISOString(), region: LOCAL_REGION,
    resources: [`arn:aws:mgn:${LOCAL_REGION}:${LOCAL_ACCOUNT}:source-server/${sourceServerID}`], detail: { state: 'STALLED' },
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** Bundles the floor handler exactly as the stack bundles the real one. */
async function buildFloor(): Promise<BundledFunction> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'mgn-stall-retry-floor-'));
  await build({
    entryPoints: [path.join(__dirname, 'floor-handler.ts')],
    outfile: path.join(outdir, 'index.mjs'),
    bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true,
    mainFields: ['module', 'main'],
    banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  return { entry: path.join(outdir, 'index.mjs'), exportName: 'handler', environment: {}, resourceVariables: [], timeoutSeconds: 60, memorySize: 256 };
}

/**
 * Import times of two bundles in fresh processes, alternating one and the other so that both see
 * the same machine conditions; one process at a time, so they do not compete for the cores.
 */
async function coldInits(first: BundledFunction, second: BundledFunction, local: LocalAws): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  for (let run = 0; run < COLD_RUNS; run += 1) {
    times[0].push((await invokeBundle(first, [], local.environment)).initMs);
    times[1].push((await invokeBundle(second, [], local.environment)).initMs);
  }
  return times;
}

const spread = (values: readonly number[]): string => `p25 ${ms(percentile(values, 25))}, p75 ${ms(percentile(values, 75))}`;

async function main(): Promise<void> {
  const rows: Row[] = [];
  const fn = synthesizeBundledFunction();
  const bundle = readFileSync(fn.entry);
  rows.push(['bundle size', `${bundle.length} B`, `${gzipSync(bundle).length} B gzip; AWS SDK v3 (MGN, DynamoDB, SNS) and Powertools inside`]);

  // Cold init, against the floor.
  const floor = await buildFloor();
  const idle = await startLocalAws([]);
  try {
    const [fnTimes, floorTimes] = await coldInits(fn, floor, idle);
    const fnInit = percentile(fnTimes, 50);
    const floorInit = percentile(floorTimes, 50);
    rows.push(['cold init (import), median', ms(fnInit), `${spread(fnTimes)}; ${COLD_RUNS} fresh Node.js processes, alternating with the floor`]);
    rows.push(['cold init of the floor bundle', ms(floorInit), `${spread(floorTimes)}; ${readFileSync(floor.entry).length} B: @aws-sdk/client-mgn + RetryDataReplicationCommand only`]);
    rows.push(['cold init ratio (medians)', `${(fnInit / floorInit).toFixed(2)}x`, 'target: at most 1.5x']);
  } finally {
    await idle.stop();
  }

  // Per-decision time and calls, warm, zero latency.
  const fleet = generateFleet(DECISIONS + 1, DECISIONS + 1);
  const decisions = await startLocalAws(fleet);
  try {
    const run = await invokeBundle(fn, fleet.map((server) => stallEvent(server.sourceServerID)), decisions.environment);
    const warm = run.outcomes.slice(1).map((outcome) => outcome.durationMs);
    if (!run.outcomes.every((outcome) => outcome.ok)) throw new Error('a decision failed');
    const ddb = decisions.dynamodb.requests();
    const ddbCalls = (ddb['GetItem'] ?? 0) + (ddb['PutItem'] ?? 0);
    rows.push(['decision (stall → retry), p50', ms(percentile(warm, 50)), `${warm.length} warm invocations, local endpoints, no latency`]);
    rows.push(['decision (stall → retry), p99', ms(percentile(warm, 99)), '']);
    rows.push(['calls per retry decision', `MGN ${(decisions.mgn.calls.length / fleet.length).toFixed(1)}, DynamoDB ${(ddbCalls / fleet.length).toFixed(1)}`, 'DescribeSourceServers + RetryDataReplication; GetItem + conditional PutItem']);
  } finally {
    await decisions.stop();
  }

  // Sweep throughput.
  for (const [size, stalled] of [[1000, 20], [10_000, 200]] as const) {
    const local = await startLocalAws(generateFleet(size, stalled));
    try {
      const [outcome] = (await invokeBundle(fn, [{ sweep: true }], local.environment)).outcomes;
      if (!outcome?.ok || outcome.result.sweep?.stalledServersFound !== stalled) throw new Error(`sweep of ${size} failed`);
      rows.push([
        `sweep of ${size.toLocaleString('en-US')} servers`,
        `${Math.round(size / (outcome.durationMs / 1000)).toLocaleString('en-US')} servers/s`,
        `${ms(outcome.durationMs)}; ${outcome.result.sweep.pagesRead} page(s) of 1,000, ${stalled} stalled retried (concurrency 5)`,
      ]);
    } finally {
      await local.stop();
    }
  }

  // Duplicate storm: 100 deliveries of one stall, 10 environments at once, 10 each.
  const storm = await startLocalAws(generateFleet(1, 1));
  try {
    const id = generateFleet(1, 1)[0]?.sourceServerID ?? '';
    await Promise.all(Array.from({ length: 10 }, () => invokeBundle(fn, Array.from({ length: 10 }, () => stallEvent(id)), storm.environment)));
    const ddb = storm.dynamodb.requests();
    const count = (operation: string): number => storm.mgn.calls.filter((call) => call.operation === operation).length;
    rows.push([
      'duplicate storm: 100 events, 1 server',
      `${storm.mgn.acceptedRetries().length} retry`,
      `MGN: ${count('DescribeSourceServers')} Describe, ${count('RetryDataReplication')} Retry; DynamoDB: ${ddb['GetItem'] ?? 0} GetItem, ${ddb['PutItem'] ?? 0} PutItem`,
    ]);
  } finally {
    await storm.stop();
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nmgn-stall-retry benchmark — Node.js ${process.version}, ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB\n`);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0), 8));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ').trimEnd();
  console.log(line(['measure', 'value', 'how']));
  console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
