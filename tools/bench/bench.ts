/**
 * `npm run bench`: measures the shipped bundle against its floors with no AWS account, prints a
 * table and writes it to docs/benchmark.md and docs/benchmark.json.
 * `npm run bench -- --check`: the same, then exits 1 when a cold-start target is missed:
 * import at most 1.05× the import floor, cold start plus first decision at most 1.15× the floor handler.
 * `--runs N` sets the number of fresh processes per bundle and measure (default 60); `--out DIR`
 * writes elsewhere than docs/; `--only cold|warm|sweep|storm|hub` runs one part and writes nothing.
 * A benchmark on a shared machine, not a test: CI does not run it.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BundleEnvironment, invokeBundle, synthesizeBundledFunction, type BundledFunction } from '../bundle-runner/bundled-function';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAws, type LocalAws } from '../local-aws/local-aws';
import { mgnStallEvent } from '../local-aws/mgn-event';
import { generateFleet, type LocalSourceServer } from '../local-mgn/local-mgn-server';
import { DEFAULT_CONFIG } from '../../lib/config';
import { spokeRoleArn } from '../../lambda/retry-stalled-replication/decide/hub';
import { measureBundleFiles } from './bundle-files';
import { bundleFloor } from './floors';
import { runFreshProcess, type FreshRun } from './fresh-process';
import { machine, targetLine, textTable, writeReport, type Row, type Target } from './report';

const IMPORT_LIMIT = 1.05;
const COLD_DECISION_LIMIT = 1.15;
const WARM_DECISIONS = 300;
const HEALTHY_FLEET = 1000;
const SWEEPS = [
  [1000, 20],
  [10_000, 200],
  [50_000, 1000],
] as const;

const options = parseArgs({
  options: { check: { type: 'boolean', default: false }, runs: { type: 'string', default: '60' }, out: { type: 'string' }, only: { type: 'string' } },
}).values;
const RUNS = Number(options.runs);
if (!Number.isInteger(RUNS) || RUNS < 5) throw new Error(`--runs must be a whole number of at least 5, not ${options.runs}`);

function stallEvent(sourceServerID: string): Record<string, unknown> {
  return mgnStallEvent(sourceServerID, { accountID: LOCAL_ACCOUNT, region: LOCAL_REGION });
}

function stalledServer(index: number): LocalSourceServer {
  return {
    sourceServerID: `s-${(0xb000000 + index).toString(16).padStart(17, '0')}`,
    replicationState: 'STALLED',
    lifeCycleState: 'READY_FOR_TEST',
    isArchived: false,
    hostname: `bench-${index}`,
    replicationError: { error: 'UNSTABLE_NETWORK', rawError: 'connection to replication server lost' },
    afterRetry: 'STAYS_STALLED',
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
const median = (values: readonly number[]): number => percentile(values, 50);
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const spread = (values: readonly number[]): string => `p25–p75 ${values.length > 0 ? `${percentile(values, 25).toFixed(1)}–${percentile(values, 75).toFixed(1)}` : ''}`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * A fleet as an event-driven decision meets it: a sweep has taken the census of a healthy fleet,
 * then `stalled` servers stall. Decisions then read the census, count the episodes opened since,
 * describe the server, claim the ledger, retry, and put a decision event.
 */
async function fleetAfterCensus(fn: BundledFunction, stalled: number): Promise<{ local: LocalAws; servers: string[] }> {
  const local = await startLocalAws(generateFleet(HEALTHY_FLEET, 0));
  const [census] = (await invokeBundle(fn, [{ sweep: true }], local.environment)).outcomes;
  if (!census?.ok) throw new Error('the census sweep failed');
  const servers = Array.from({ length: stalled }, (_, index) => stalledServer(index));
  for (const server of servers) local.mgn.putServer(server);
  return { local, servers: servers.map((server) => server.sourceServerID) };
}

/** Runs `first` and `second` in turn `RUNS` times each, swapping who goes first every round. */
async function alternate(first: (run: number) => Promise<FreshRun>, second: (run: number) => Promise<FreshRun>): Promise<[FreshRun[], FreshRun[]]> {
  const results: [FreshRun[], FreshRun[]] = [[], []];
  for (let run = 0; run < RUNS; run += 1) {
    if (run % 2 === 0) {
      results[0].push(await first(run));
      results[1].push(await second(run));
    } else {
      results[1].push(await second(run));
      results[0].push(await first(run));
    }
  }
  return results;
}

async function coldStart(fn: BundledFunction, rows: Row[], targets: Target[]): Promise<void> {
  const importFloor = await bundleFloor('floor-import.ts', 'handler');
  const handlerFloor = await bundleFloor('floor-handler.ts', 'handler');
  const { local, servers } = await fleetAfterCensus(fn, 2 * RUNS);
  try {
    const [fnImports, floorImports] = await alternate(
      () => runFreshProcess(fn, null, local.environment),
      () => runFreshProcess(importFloor, null, local.environment),
    );
    const importTimes = [fnImports.map((run) => run.importMs), floorImports.map((run) => run.importMs)] as const;
    const importRatio = median(importTimes[0]) / median(importTimes[1]);
    rows.push({
      measure: 'import (cold start init), median', value: ms(median(importTimes[0])), floor: ms(median(importTimes[1])), ratio: importRatio,
      how: `${RUNS} fresh processes each, alternating; function ${spread(importTimes[0])}, floor ${spread(importTimes[1])} ms`,
    });
    targets.push({ name: 'import', ratio: importRatio, limit: IMPORT_LIMIT });

    const [fnDecisions, floorDecisions] = await alternate(
      (run) => runFreshProcess(fn, stallEvent(servers[run] ?? ''), local.environment),
      (run) => runFreshProcess(handlerFloor, stallEvent(servers[RUNS + run] ?? ''), local.environment),
    );
    const retried = new Set(local.mgn.acceptedRetries());
    if (!servers.every((id) => retried.has(id))) throw new Error('a cold decision did not retry its stalled server');
    const wall = [fnDecisions.map((run) => run.wallMs), floorDecisions.map((run) => run.wallMs)] as const;
    const coldRatio = median(wall[0]) / median(wall[1]);
    rows.push({
      measure: 'cold start + first decision, median', value: ms(median(wall[0])), floor: ms(median(wall[1])), ratio: coldRatio,
      how: `fresh process, spawn to exit, one stalled server retried each; ${RUNS} each, alternating; function ${spread(wall[0])}, floor ${spread(wall[1])} ms`,
    });
    const handler = [fnDecisions.map((run) => run.handlerMs), floorDecisions.map((run) => run.handlerMs)] as const;
    rows.push({
      measure: 'of which the first decision, median', value: ms(median(handler[0])), floor: ms(median(handler[1])), ratio: median(handler[0]) / median(handler[1]),
      how: 'the handler, from the event to its answer, in the same processes',
    });
    targets.push({ name: 'cold start + first decision', ratio: coldRatio, limit: COLD_DECISION_LIMIT });
  } finally {
    await local.stop();
  }

  const fnFiles = measureBundleFiles(fn.entry);
  const floorFiles = measureBundleFiles(importFloor.entry);
  rows.push({
    measure: 'bundle loaded at start', value: kb(fnFiles.loadedAtStart.bytes), floor: kb(floorFiles.loadedAtStart.bytes),
    ratio: fnFiles.loadedAtStart.bytes / floorFiles.loadedAtStart.bytes,
    how: `index.mjs and its static imports; gzip ${kb(fnFiles.loadedAtStart.gzipBytes)} vs ${kb(floorFiles.loadedAtStart.gzipBytes)}`,
  });
  rows.push({
    measure: 'bundle, all files', value: kb(fnFiles.all.bytes), floor: kb(floorFiles.all.bytes),
    how: `gzip ${kb(fnFiles.all.gzipBytes)}; loaded only when needed: ${fnFiles.lazy.map((file) => `${file.file.replace(/^chunks\//, '').replace(/-[A-Z0-9]{8}\.mjs$/, '')} ${kb(file.bytes)}`).join(', ')}`,
  });
}

/** Warm decisions, one environment of each, invoked in turn: per-decision time and calls. */
async function warmDecisions(fn: BundledFunction, rows: Row[]): Promise<void> {
  const floor = await bundleFloor('floor-handler.ts', 'handler');
  const { local, servers } = await fleetAfterCensus(fn, 2 * WARM_DECISIONS + 2);
  const environments = await Promise.all([BundleEnvironment.start(fn, local.environment), BundleEnvironment.start(floor, local.environment)]);
  const durations: [number[], number[]] = [[], []];
  try {
    const mgnBefore = local.mgn.calls.length;
    const eventsCallsBefore = local.events.calls.length;
    const ddbBefore = Object.values(local.dynamodb.requests()).reduce((sum, count) => sum + count, 0);
    for (let decision = 0; decision <= WARM_DECISIONS; decision += 1) {
      for (const [which, environment] of environments.entries()) {
        const outcome = await environment.invoke(stallEvent(servers[2 * decision + which] ?? ''));
        if (!outcome.ok) throw new Error(`a warm decision failed: ${outcome.error.message}`);
        // The first invocation of each environment is its cold one.
        if (decision > 0) durations[which]?.push(outcome.durationMs);
      }
    }
    const fnServers = new Set(servers.filter((_, index) => index % 2 === 0));
    const calls = local.mgn.calls.slice(mgnBefore);
    const isFunctions = (body: unknown): boolean => {
      const request = body as { sourceServerID?: string; filters?: { sourceServerIDs?: string[] } };
      return fnServers.has(request.sourceServerID ?? request.filters?.sourceServerIDs?.[0] ?? '');
    };
    const fnMgnCalls = calls.filter((call) => isFunctions(call.body)).length;
    const ddbCalls = Object.values(local.dynamodb.requests()).reduce((sum, count) => sum + count, 0) - ddbBefore;
    const decisions = WARM_DECISIONS + 1;
    rows.push({
      measure: 'warm decision (stall → retry), p50', value: ms(median(durations[0])), floor: ms(median(durations[1])), ratio: median(durations[0]) / median(durations[1]),
      how: `${WARM_DECISIONS} warm invocations each, alternating; local endpoints with no latency`,
    });
    rows.push({ measure: 'warm decision (stall → retry), p99', value: ms(percentile(durations[0], 99)), floor: ms(percentile(durations[1], 99)), ratio: percentile(durations[0], 99) / percentile(durations[1], 99), how: '' });
    rows.push({
      measure: 'calls per retry decision', value: `MGN ${(fnMgnCalls / decisions).toFixed(1)}, DynamoDB ${(ddbCalls / decisions).toFixed(1)}, EventBridge ${((local.events.calls.length - eventsCallsBefore) / decisions).toFixed(1)}`,
      floor: `MGN ${((calls.length - fnMgnCalls) / decisions).toFixed(1)}`,
      how: 'MGN: Describe + Retry; DynamoDB: entry and census in one read, open stall episodes since the census, the claim; one decision event',
    });
  } finally {
    await Promise.all(environments.map((environment) => environment.stop()));
    await local.stop();
  }
}

/** Sweeps in a fresh environment each, floor first: throughput and peak memory. */
async function sweeps(fn: BundledFunction, rows: Row[]): Promise<void> {
  const floor = await bundleFloor('floor-handler.ts', 'sweep');
  const concurrency = Number(fn.environment['SWEEP_CONCURRENCY']);
  for (const [size, stalled] of SWEEPS) {
    const floorLocal = await startLocalAws(generateFleet(size, stalled));
    const floorRun = await invokeBundle(floor, [{ concurrency }], floorLocal.environment).finally(() => floorLocal.stop());
    const local = await startLocalAws(generateFleet(size, stalled));
    const run = await invokeBundle(fn, [{ sweep: true }], local.environment).finally(() => local.stop());
    const mgnCalls = local.mgn.calls.filter((call) => call.operation === 'DescribeSourceServers').length;
    const [floorOutcome] = floorRun.outcomes;
    const [outcome] = run.outcomes;
    if (!floorOutcome?.ok || !outcome?.ok) throw new Error(`the sweep of ${size} servers failed`);
    const summary = outcome.result.sweep;
    if (summary?.stalledServersFound !== stalled || summary.notReachedCount !== 0) throw new Error(`the sweep of ${size} servers did not reach every stalled server`);
    const rate = (durationMs: number): string => `${Math.round(size / (durationMs / 1000)).toLocaleString('en-US')} servers/s`;
    rows.push({
      measure: `sweep of ${size.toLocaleString('en-US')} servers, ${stalled} stalled`,
      value: `${rate(outcome.durationMs)}, ${mib(run.peakRssBytes)}`,
      floor: `${rate(floorOutcome.durationMs)}, ${mib(floorRun.peakRssBytes)}`,
      ratio: outcome.durationMs / floorOutcome.durationMs,
      how: `${ms(outcome.durationMs)} vs ${ms(floorOutcome.durationMs)}; peak memory of the execution environment; ${summary.pagesRead} page(s), ` +
        `${mgnCalls} DescribeSourceServers (pages + the stalled servers re-read in batches of ${concurrency}), fleet health included`,
    });
  }
}

/** 100 deliveries of one stall, 10 environments at once with 10 each: one retry, whatever the race. */
async function storm(fn: BundledFunction, rows: Row[]): Promise<void> {
  const fleet = generateFleet(1, 1);
  const local = await startLocalAws(fleet);
  try {
    const id = fleet[0]?.sourceServerID ?? '';
    await Promise.all(Array.from({ length: 10 }, () => invokeBundle(fn, Array.from({ length: 10 }, () => stallEvent(id)), local.environment)));
    const ddb = local.dynamodb.requests();
    const count = (operation: string): number => local.mgn.calls.filter((call) => call.operation === operation).length;
    rows.push({
      measure: 'duplicate storm: 100 events, 1 server', value: `${local.mgn.acceptedRetries().length} retry`, floor: '',
      how: `MGN: ${count('DescribeSourceServers')} Describe, ${count('RetryDataReplication')} Retry; DynamoDB: ${(ddb['GetItem'] ?? 0) + (ddb['BatchGetItem'] ?? 0)} reads, ${ddb['Query'] ?? 0} Query, ${ddb['PutItem'] ?? 0} PutItem`,
    });
  } finally {
    await local.stop();
  }
}

/**
 * Organization mode: a hub's calls for a spoke account's stall (a first decision assumes the spoke
 * role; later ones reuse the session), and a sweep of its own account and two spokes.
 */
async function hubMode(_fn: BundledFunction, rows: Row[]): Promise<void> {
  const spokes = ['222233334444', '555566667777'];
  const hub = synthesizeBundledFunction({ ...DEFAULT_CONFIG, hub: { account: LOCAL_ACCOUNT, region: LOCAL_REGION, spokeAccounts: spokes } });
  const fleetOf = (accountID: string, index: number): LocalSourceServer[] =>
    generateFleet((index + 1) * 1000, 20).slice(index * 1000).map((server, position) => ({ ...server, accountID, replicationState: position % 50 === 0 ? 'STALLED' : 'CONTINUOUS' }));
  const fleet = [LOCAL_ACCOUNT, ...spokes].flatMap((accountID, index) => fleetOf(accountID, index));
  const local = await startLocalAws(fleet);
  for (const accountID of spokes) local.sts.trust(spokeRoleArn(accountID, LOCAL_REGION));
  try {
    const spokeStalls = fleet.filter((server) => server.accountID === spokes[0] && server.replicationState === 'STALLED').slice(0, 2);
    const counts = (): number[] => [local.sts.calls.length, local.mgn.calls.length, Object.values(local.dynamodb.requests()).reduce((sum, count) => sum + count, 0), local.events.calls.length];
    const before = counts();
    const run = await invokeBundle(hub, spokeStalls.map((server) => spokeStallEvent(spokes[0] ?? '', server.sourceServerID)), local.environment);
    if (!run.outcomes.every((outcome) => outcome.ok)) throw new Error('a hub decision failed');
    const after = counts();
    const per = after.map((count, index) => count - (before[index] ?? 0));
    rows.push({
      measure: 'hub: calls for 2 stalls of a spoke account', value: `STS ${per[0]}, MGN ${per[1]}, DynamoDB ${per[2]}, EventBridge ${per[3]}`, floor: '',
      how: 'one fresh environment, two stall events: the first assumes the spoke role, the second reuses the session',
    });
    const stsBefore = local.sts.calls.length;
    const swept = await invokeBundle(hub, [{ sweep: true }], local.environment);
    const [outcome] = swept.outcomes;
    if (!outcome?.ok || outcome.result.sweep?.accounts?.length !== 3) throw new Error('the hub sweep did not cover three accounts');
    rows.push({
      measure: 'hub: sweep of 3 accounts × 1,000 servers', value: `${Math.round(3000 / (outcome.durationMs / 1000)).toLocaleString('en-US')} servers/s, ${mib(swept.peakRssBytes)}`, floor: '',
      how: `${ms(outcome.durationMs)}; ${outcome.result.sweep.stalledServersFound} stalled found, ${local.sts.calls.length - stsBefore} AssumeRole; the hub's own account and two spokes, one after the other`,
    });
  } finally {
    await local.stop();
  }
}

function spokeStallEvent(accountID: string, sourceServerID: string): Record<string, unknown> {
  return mgnStallEvent(sourceServerID, { accountID, region: LOCAL_REGION });
}

const PARTS = { cold: coldStart, warm: warmDecisions, sweep: sweeps, storm, hub: hubMode } as const;

async function main(): Promise<void> {
  if (options.only !== undefined && !(options.only in PARTS)) throw new Error(`--only must be one of ${Object.keys(PARTS).join(', ')}, not ${options.only}`);
  const fn = synthesizeBundledFunction();
  const rows: Row[] = [];
  const targets: Target[] = [];
  for (const [name, part] of Object.entries(PARTS)) {
    if (options.only === undefined || options.only === name) await part(fn, rows, targets);
  }
  const report = { machine: machine(), rows, targets };
  console.log(`\nmgn-stall-retry benchmark — ${report.machine}\n`);
  console.log(textTable(rows));
  console.log('');
  for (const target of targets) console.log(targetLine(target));
  if (options.only === undefined) {
    const out = options.out ?? path.join(__dirname, '..', '..', 'docs');
    writeReport(out, report, new Date());
    console.log(`\nwritten to ${path.relative(process.cwd(), path.join(out, 'benchmark.md'))} and benchmark.json`);
  }
  if (options.check && targets.some((target) => target.ratio > target.limit)) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
