/**
 * `npm run demo`: the whole product, run locally with no AWS account. Synthesizes the stack (real
 * esbuild bundling), starts the local MGN and SNS stand-ins and dynalite, and drives the bundled
 * function as Lambda would (a fresh Node.js process per execution environment) through a short
 * story. Prints the decisions, the metrics the function emitted, and the escalation e-mail.
 */
import { DEFAULT_CONFIG } from '../../lib/config';
import { invokeBundle, synthesizeBundledFunction, type BundleRun } from '../bundle-runner/bundled-function';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAws } from '../local-aws/local-aws';
import { mgnStallEvent } from '../local-aws/mgn-event';
import { generateFleet, type LocalSourceServer } from '../local-mgn/local-mgn-server';
import { hubStory } from './hub-demo';

const WEB = 's-0a1b2c3d4e5f60001';
const DB = 's-0a1b2c3d4e5f60002';
const APP = 's-0a1b2c3d4e5f60003';
const FILE = 's-0a1b2c3d4e5f60004';
const AGENT = 's-0a1b2c3d4e5f60005';

const stalled = (sourceServerID: string, hostname: string, changes: Partial<LocalSourceServer> = {}): LocalSourceServer => ({
  sourceServerID,
  hostname,
  replicationState: 'STALLED',
  lifeCycleState: 'READY_FOR_TEST',
  isArchived: false,
  replicationError: { error: 'UNSTABLE_NETWORK', rawError: 'connection to replication server reset' },
  afterRetry: 'RECOVERS',
  ...changes,
});

function stallEvent(sourceServerID: string, state: 'STALLED' | 'NOT_STALLED' = 'STALLED'): Record<string, unknown> {
  return mgnStallEvent(sourceServerID, { accountID: LOCAL_ACCOUNT, region: LOCAL_REGION, state });
}

interface Row {
  readonly step: string;
  readonly server: string;
  readonly trigger: string;
  readonly outcome: string;
  readonly reason: string;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  console.log('mgn-stall-retry demo: the bundled function against local MGN, DynamoDB (dynalite), SNS, EventBridge and OpsCenter\n');
  // The demo deploys opsItems: true, to show the OpsItem of a notice opened and resolved.
  const standard = synthesizeBundledFunction({ ...DEFAULT_CONFIG, opsItems: true });
  const fast = synthesizeBundledFunction({ ...DEFAULT_CONFIG, cooldownMinutes: 0, maxAttempts: 2 });
  console.log(`synthesized: ${standard.entry.replace(/.*\/(asset\.[0-9a-f]{8})[0-9a-f]*/, '$1…')} (Node.js bundle, AWS SDK inside)`);

  const lostEvents = generateFleet(200, 3, 'RECOVERS').map((server, index) => ({ ...server, hostname: `batch-${index}` }));
  const local = await startLocalAws([
    stalled(WEB, 'web-01'),
    stalled(DB, 'db-01', { lifeCycleState: 'CUTTING_OVER' }),
    stalled(APP, 'app-07', { tags: { 'mgn-stall-retry': 'off' } }),
    stalled(FILE, 'file-03', { afterRetry: 'STAYS_STALLED', replicationError: { error: 'FAILED_TO_START_DATA_TRANSFER', rawError: 'data transfer did not start after pairing' } }),
    stalled(AGENT, 'erp-02', { replicationError: { error: 'AGENT_NOT_SEEN', rawError: 'agent last seen 47 minutes ago' } }),
    ...lostEvents,
  ]);
  const hostnames = new Map([[WEB, 'web-01'], [DB, 'db-01'], [APP, 'app-07'], [FILE, 'file-03'], [AGENT, 'erp-02']]);
  for (const server of lostEvents) hostnames.set(server.sourceServerID, server.hostname);

  const rows: Row[] = [];
  const lines: string[] = [];
  const record = (step: string, trigger: string, runs: BundleRun[]): void => {
    for (const run of runs) {
      lines.push(...run.lines);
      for (const outcome of run.outcomes) {
        if (!outcome.ok) {
          rows.push({ step, server: '-', trigger, outcome: outcome.error.name, reason: outcome.error.message });
          continue;
        }
        for (const entry of outcome.result.results) {
          rows.push({
            step,
            server: `${hostnames.get(entry.sourceServerID) ?? '?'} (${entry.sourceServerID})`,
            trigger,
            outcome: entry.outcome,
            reason: entry.reason ?? (entry.attempt === undefined ? '' : `attempt ${entry.attempt}`),
          });
        }
      }
    }
  };
  const invoke = (fn: typeof standard, events: unknown[]): Promise<BundleRun> => invokeBundle(fn, events, local.environment);

  try {
    // EventBridge and Lambda deliver at least once: the same stall arrives six times at once.
    const stall = stallEvent(WEB);
    record('1 stall, 6 deliveries', 'event', await Promise.all(Array.from({ length: 6 }, () => invoke(standard, [stall]))));
    record('2 server in cutover', 'event', [await invoke(standard, [stallEvent(DB)])]);
    record('3 opted-out server', 'event', [await invoke(standard, [stallEvent(APP)])]);
    // A stall a retry cannot fix. With the deployed defaults (30-minute cooldown, 3 attempts) this
    // takes over an hour; the demo deploys cooldownMinutes 0 and maxAttempts 2 to show it in seconds.
    for (let round = 0; round < 3; round += 1) {
      record('4 unfixable stall*', 'event', [await invoke(fast, [stallEvent(FILE)])]);
      local.mgn.advance();
    }
    // Triage: an agent that is down is not something a retry fixes: a person hears of it at once.
    record('5 agent down', 'event', [await invoke(standard, [stallEvent(AGENT)])]);
    local.mgn.advance(); // web-01: INITIAL_SYNC → CONTINUOUS
    record('6 recovery', 'event', [await invoke(standard, [stallEvent(WEB, 'NOT_STALLED')])]);
    record('7 hourly sweep', 'schedule', [await invoke(standard, [{ sweep: true }])]);
    // Someone restarts erp-02's agent: replication resumes, MGN reports NOT_STALLED, the OpsItem is resolved.
    Object.assign(local.mgn.server(AGENT) ?? {}, { replicationState: 'CONTINUOUS' });
    record('8 agent fixed', 'event', [await invoke(standard, [stallEvent(AGENT, 'NOT_STALLED')])]);
  } finally {
    await local.stop();
  }

  printTable(['step', 'server', 'trigger', 'outcome', 'reason'], rows.map((row) => [row.step, row.server, row.trigger, row.outcome, row.reason]));
  console.log('* step 4 runs with cooldownMinutes 0 and maxAttempts 2 (defaults: 30 and 3) so the budget is spent in seconds.\n');

  console.log('Metrics emitted (CloudWatch EMF, namespace MgnStallRetry), summed over the story:');
  printTable(['metric', 'dimension', 'value'], sumMetrics(lines));

  console.log(`MGN calls: ${local.mgn.calls.length} (RetryDataReplication accepted: ${local.mgn.acceptedRetries().length}); ` +
    `DynamoDB calls: ${Object.entries(local.dynamodb.requests()).map(([op, n]) => `${op} ${n}`).join(', ')}\n`);

  if (local.sns.published.length !== 2) throw new Error(`the story should have sent two notifications, not ${local.sns.published.length}`);
  for (const notice of local.sns.published) {
    console.log('Notification sent to SNS, as an e-mail subscriber reads it:');
    console.log(`Subject: ${notice.subject ?? ''}\n`);
    console.log(notice.message.replace(/^/gm, '  '));
    console.log('');
  }
  const needsPerson = local.sns.published.find((notice) => notice.subject?.includes('needs a person'));
  console.log('The same notification as an Amazon Q Developer chat channel receives it (SNS "default" shape):');
  console.log(JSON.stringify(JSON.parse(needsPerson?.default ?? '{}'), null, 2).replace(/^/gm, '  '));
  console.log('\nDecision events put on the default event bus (source mgn-stall-retry):');
  printTable(['detail-type', 'server', 'outcome'], local.events.events.map((event) => [event.detailType, String(event.detail['hostname'] ?? event.detail['accountID']), String(event.detail['outcome'])]));
  const escalatedEvent = local.events.events.find((event) => event.detailType === 'Stall Escalated' && event.detail['sourceServerID'] === AGENT);
  console.log('The "Stall Escalated" event of erp-02, as a rule on the bus matches it:');
  console.log(JSON.stringify({ source: escalatedEvent?.source, 'detail-type': escalatedEvent?.detailType, detail: escalatedEvent?.detail }, null, 2).replace(/^/gm, '  '));
  console.log('\nOpsCenter OpsItems (opsItems: true):');
  printTable(['OpsItem', 'severity', 'status', 'title'], local.ssm.opsItems.map((item) => [item.opsItemId, item.severity ?? '', item.status, item.title]));
  if (local.ssm.opsItems.some((item) => item.status !== 'Resolved')) throw new Error('every OpsItem of the story should be resolved at its end');
  console.log('\nOrganization mode: a hub in account 111122223333 serving two migration accounts through their spoke roles');
  console.log('(wave 2\'s spoke is deployed only after H2):');
  printTable(['step', 'account', 'server', 'outcome', 'reason'], await hubStory());
  console.log(`Demo finished in ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`);

  const outcomes = new Set(rows.map((row) => row.outcome));
  for (const expected of ['RETRIED', 'SKIPPED_COOLDOWN', 'SKIPPED_LIFECYCLE', 'SKIPPED_OPTED_OUT', 'SKIPPED_BUDGET_EXHAUSTED', 'SKIPPED_NEEDS_PERSON', 'RECOVERED']) {
    if (!outcomes.has(expected)) throw new Error(`the story did not reach ${expected}`);
  }
}

/** Sums every metric of the EMF lines, per metric and Reason. */
function sumMetrics(lines: readonly string[]): string[][] {
  const totals = new Map<string, number>();
  for (const line of lines) {
    if (!line.startsWith('{"_aws"')) continue;
    const blob = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] } };
    for (const metric of blob._aws.CloudWatchMetrics.flatMap((set) => set.Metrics)) {
      const reason = typeof blob['Reason'] === 'string' ? `Reason=${blob['Reason']}` : '';
      const key = `${metric.Name} (${metric.Unit})\t${reason}`;
      const value = [blob[metric.Name]].flat().reduce((sum: number, item) => sum + Number(item), 0);
      totals.set(key, (totals.get(key) ?? 0) + value);
    }
  }
  return [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => [...key.split('\t'), String(value)]);
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.min(70, Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length))));
  const format = (cells: string[]): string =>
    cells.map((cell, column) => {
      const width = widths[column] ?? 0;
      return (cell.length > width ? `${cell.slice(0, width - 1)}…` : cell).padEnd(width);
    }).join('  ').trimEnd();
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(format(row));
  console.log('');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
