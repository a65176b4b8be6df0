import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SourceServer } from '@aws-sdk/client-mgn';
import type { Invocation } from './invocation';
import type { RetryRequest } from './input';
import { errorFacts } from './errors';
import { readSweepBacklog, writeSweepBacklog } from './ledger-api';
import { describeActiveSourceServers } from './mgn-api';
import type { ServerResult, SweepSummary } from './outcomes';
import { logger, metrics } from './powertools';
import { MetricName } from './record';
import { decideServer } from './retry-servers';
import { runBounded, TIME_RESERVE_MS } from './run-bounded';

const NOT_REACHED_LISTED = 100;

/**
 * Finds the account's stalled servers when no event said so (MGN events are best effort): pages
 * through every non-archived source server, picks the STALLED ones, and sends each through the
 * same guarded decision path as an event, a few at a time. Servers a sweep had no time for are
 * kept in the ledger table and taken first by the next sweep.
 */
export async function sweepServers(
  request: RetryRequest,
  invocation: Invocation,
): Promise<{ results: ServerResult[]; sweep: SweepSummary }> {
  const { config, dryRun, now, timeLeft } = invocation;
  const base = { trigger: request.trigger, accountID: request.accountID, dryRun };
  const hasTime = (): boolean => timeLeft() > TIME_RESERVE_MS;
  const backlog = new Set(await readSweepBacklog(config.ledgerTableName, request.accountID));
  const stalled: SourceServer[] = [];
  let serversScanned = 0;
  let pagesRead = 0;
  let scanComplete = true;
  let scanError: Error | undefined;
  try {
    for await (const page of describeActiveSourceServers()) {
      pagesRead += 1;
      serversScanned += page.length;
      stalled.push(...page.filter((server) => server.dataReplicationInfo?.dataReplicationState === 'STALLED'));
      if (!hasTime()) {
        scanComplete = false;
        break;
      }
    }
  } catch (error) {
    // Decide what was found before the failure, then fail the invocation so it is retried.
    scanComplete = false;
    scanError = error instanceof Error ? error : new Error(String(error));
    logger.error('sweep could not read every page of source servers', { mgnErrorCode: errorFacts(error).code, pagesRead });
  }
  metrics.addMetric(MetricName.STALLED_SERVERS_FOUND, MetricUnit.Count, stalled.length);

  // Last sweep's unreached servers first, so that every stalled server is reached in turn.
  const ordered = [
    ...stalled.filter((server) => backlog.has(server.sourceServerID ?? '')),
    ...stalled.filter((server) => !backlog.has(server.sourceServerID ?? '')),
  ];
  const { results, notStarted } = await runBounded(ordered, config.sweepConcurrency, hasTime, (server) =>
    decideServer(server.sourceServerID ?? '', server, base, undefined, invocation),
  );
  const notReached = notStarted.map((server) => server.sourceServerID ?? '');
  if (!dryRun && (notReached.length > 0 || backlog.size > 0)) {
    await writeSweepBacklog(config.ledgerTableName, request.accountID, notReached, now());
  }
  const sweep: SweepSummary = {
    serversScanned,
    pagesRead,
    scanComplete,
    stalledServersFound: stalled.length,
    notReached: notReached.slice(0, NOT_REACHED_LISTED),
    notReachedCount: notReached.length,
  };
  if (notReached.length > 0 || (!scanComplete && scanError === undefined)) {
    logger.warn('sweep stopped before the function timeout; the next sweep starts with the servers it did not reach', { ...sweep });
  }
  if (scanError !== undefined) throw scanError;
  return { results, sweep };
}
