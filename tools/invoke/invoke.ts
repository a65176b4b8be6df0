/**
 * `npm run invoke -- events/<file>.json [more files] [--state STALLED|CONTINUOUS|…]`: one
 * invocation of the bundled function per file, with the file's payload, locally, with no AWS
 * account. Synthesizes the stack once (real esbuild bundling); per file, starts the local stand-ins
 * with a small fleet, invokes the bundle once, and prints its result (or the error Lambda would
 * report) and its decision lines, one per line.
 *
 * The fleet holds the servers the sample payloads in events/ name: s-1a2b3c4d5e6f7a8b9 and
 * s-0f1e2d3c4b5a69788 STALLED (UNSTABLE_NETWORK, a retry helps), s-9a8b7c6d5e4f3a2b1 replicating
 * (CONTINUOUS), and a few healthy servers for the sweep. Any other server a payload names is added
 * STALLED; a stall event's server is STALLED, or CONTINUOUS when the event says NOT_STALLED.
 * `--state` sets the state of every server the payload names.
 *
 * Exits 0 when the invocations ran, whatever their answers (as `aws lambda invoke` does: a function
 * error is part of the output); 2, before anything starts, when a file is missing or not JSON, or an
 * option is wrong.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DECISION_LOG_MESSAGE } from '../../lambda/retry-stalled-replication/report/metric-names';
import { invokeBundle, synthesizeBundledFunction } from '../bundle-runner/bundled-function';
import { startLocalAws } from '../local-aws/local-aws';
import { generateFleet, type LocalSourceServer } from '../local-mgn/local-mgn-server';

const REPLICATION_STATES = [
  'STOPPED', 'INITIATING', 'INITIAL_SYNC', 'BACKLOG', 'CREATING_SNAPSHOT', 'CONTINUOUS', 'PAUSED', 'RESCAN', 'STALLED', 'DISCONNECTED',
  'PENDING_SNAPSHOT_SHIPPING', 'SHIPPING_SNAPSHOT',
];
const SOURCE_SERVER_ID = /s-[0-9a-zA-Z]{17}/g;
/** Fields of a decision line that every log line carries: left out of the printout. */
const LOG_NOISE = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate', 'xray_trace_id', 'function_arn', 'function_memory_size', 'function_name', 'function_request_id', 'cold_start']);

function fail(message: string): never {
  console.error(`invoke: ${message}`);
  process.exit(2);
}

function server(sourceServerID: string, hostname: string, replicationState: string): LocalSourceServer {
  return {
    sourceServerID,
    hostname,
    replicationState,
    lifeCycleState: 'READY_FOR_TEST',
    isArchived: false,
    lagDuration: replicationState === 'STALLED' ? 'PT2H' : 'PT4S',
    ...(replicationState === 'STALLED'
      ? { replicationError: { error: 'UNSTABLE_NETWORK', rawError: 'connection to replication server reset' }, afterRetry: 'RECOVERS' as const }
      : {}),
  };
}

/** The sample fleet, with every server the payload names in the state it asks for. */
function fleetFor(payload: unknown, stateOption: string | undefined): LocalSourceServer[] {
  const fleet = new Map(
    [
      server('s-1a2b3c4d5e6f7a8b9', 'web-01', 'STALLED'),
      server('s-0f1e2d3c4b5a69788', 'db-01', 'STALLED'),
      server('s-9a8b7c6d5e4f3a2b1', 'app-01', 'CONTINUOUS'),
      ...generateFleet(6, 0),
    ].map((entry) => [entry.sourceServerID, entry]),
  );
  const detail = (payload as { detail?: { state?: unknown } } | null)?.detail;
  const eventState = detail?.state === 'NOT_STALLED' ? 'CONTINUOUS' : detail?.state === 'STALLED' ? 'STALLED' : undefined;
  const state = stateOption ?? eventState;
  for (const id of new Set(JSON.stringify(payload).match(SOURCE_SERVER_ID) ?? [])) {
    const known = fleet.get(id);
    if (state !== undefined || known === undefined) fleet.set(id, server(id, known?.hostname ?? id, state ?? 'STALLED'));
  }
  return [...fleet.values()];
}

/** A decision line without the fields every log line has, outcome and server first, on one line. */
function decision(line: string): string | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (entry['message'] !== DECISION_LOG_MESSAGE) return undefined;
  const { outcome, sourceServerID, ...rest } = Object.fromEntries(Object.entries(entry).filter(([key]) => !LOG_NOISE.has(key)));
  return JSON.stringify({ outcome, sourceServerID, ...rest });
}

/** Reads and parses every file before anything starts: a bad one stops the run, named. */
function readPayload(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    fail(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  const { values, positionals: files } = parseArgs({ allowPositionals: true, options: { state: { type: 'string' } } });
  if (files.length === 0) fail('usage: npm run invoke -- events/<file>.json [more files] [--state STALLED|CONTINUOUS|…]');
  if (values.state !== undefined && !REPLICATION_STATES.includes(values.state)) {
    fail(`--state must be one of ${REPLICATION_STATES.join(', ')}, got "${values.state}"`);
  }
  const payloads = files.map((file) => ({ file, payload: readPayload(file) }));

  const fn = synthesizeBundledFunction();
  for (const { file, payload } of payloads) {
    // Fresh stand-ins and a fresh execution environment per file: each invocation starts from the same fleet and an empty ledger.
    const local = await startLocalAws(fleetFor(payload, values.state));
    try {
      const run = await invokeBundle(fn, [payload], local.environment);
      const [outcome] = run.outcomes;
      if (outcome === undefined) throw new Error('the bundle answered no invocation');
      console.log(`invoked the bundle with ${file} (${outcome.durationMs.toFixed(0)} ms)`);
      if (outcome.ok) {
        console.log('result:');
        console.log(JSON.stringify(outcome.result, null, 2));
      } else {
        console.log('function error (Lambda reports it as FunctionError: Unhandled):');
        console.log(JSON.stringify(outcome.error, null, 2));
      }
      const decisions = run.lines.map(decision).filter((line) => line !== undefined);
      console.log(`decision lines (${decisions.length}):`);
      for (const line of decisions) console.log(`  ${line}`);
      if ((payload as { source?: unknown } | null)?.source === 'mgn-stall-retry') {
        console.log('note: this is a sample of a decision event the function puts on the bus, not an input; the function rejects it.');
      }
      console.log('');
    } finally {
      await local.stop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
