import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SourceServer } from '@aws-sdk/client-mgn';
import type { HandlerConfig } from './config';
import type { RetryRequest } from './input';
import { classifyMgnError, describeActiveSourceServers } from './mgn-api';
import type { ServerResult, SweepSummary } from './outcomes';
import { logger, metrics } from './powertools';
import { MetricName } from './record';
import { decideServer } from './retry-servers';
import { runBounded } from './run-bounded';

/**
 * Time kept in reserve at the end of a sweep: no new page or server is started with less left,
 * so the servers under way finish (each at most a few SDK retries) and the result is returned.
 */
export const SWEEP_RESERVE_MS = 30_000;
const NOT_REACHED_LISTED = 100;

/**
 * Finds the account's stalled servers when no event said so (MGN events are best effort): pages
 * through every non-archived source server, picks the STALLED ones, and sends each through the
 * same guarded decision path as an event, a few at a time.
 */
export async function sweepServers(
  request: RetryRequest,
  config: HandlerConfig,
  dryRun: boolean,
  now: () => number,
  timeLeft: () => number,
): Promise<{ results: ServerResult[]; sweep: SweepSummary }> {
  const base = { trigger: request.trigger, accountID: request.accountID, dryRun };
  const hasTime = (): boolean => timeLeft() > SWEEP_RESERVE_MS;
  const stalled: SourceServer[] = [];
  let serversScanned = 0;
  let pagesRead = 0;
  let scanComplete = true;
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
    const failure = classifyMgnError(error);
    // The sweep could not read MGN: fail the invocation so the failure is visible and retried.
    logger.error('sweep could not read source servers', { mgnErrorCode: failure.code, pagesRead });
    throw error;
  }
  metrics.addMetric(MetricName.STALLED_SERVERS_FOUND, MetricUnit.Count, stalled.length);

  const { results, notStarted } = await runBounded(stalled, config.sweepConcurrency, hasTime, (server) =>
    decideServer(server.sourceServerID ?? '', server, base, undefined, config, now),
  );
  const notReached = notStarted.map((server) => server.sourceServerID ?? '');
  const sweep: SweepSummary = {
    serversScanned,
    pagesRead,
    scanComplete,
    stalledServersFound: stalled.length,
    notReached: notReached.slice(0, NOT_REACHED_LISTED),
    notReachedCount: notReached.length,
  };
  if (!scanComplete || notReached.length > 0) {
    logger.warn('sweep stopped before the function timeout; the next sweep continues', { ...sweep });
  }
  return { results, sweep };
}
