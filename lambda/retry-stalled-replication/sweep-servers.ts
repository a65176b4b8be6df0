import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { queryOpenEpisodes, readSweepState, writeSweepState, type SweepState } from './aws/ledger-api';
import { describeActiveSourceServers } from './aws/mgn-api';
import { bestEffort } from './attempt-ledger';
import type { DecisionBase } from './decide-server';
import { decideFresh } from './decide-fresh';
import { errorFacts } from './decide/errors';
import type { RetryRequest } from './decide/input';
import { classifyMgnError } from './decide/mgn-errors';
import { Outcome, type ServerResult, type SweepSummary } from './decide/outcomes';
import { isReplicating, toServerFacts } from './decide/server-facts';
import type { Invocation } from './invocation';
import { noticeAccountProblem } from './notify';
import { logger, metrics } from './report/powertools';
import { MetricName } from './report/record';

const NOT_REACHED_LISTED = 100;

/**
 * Looks at every non-archived source server of the account when no event said anything (MGN events
 * are best effort): pages through them, decides each STALLED one through the same guarded path as
 * an event, and ends the open stall episodes of servers it sees replicating again. Servers it had
 * no time for are kept in the ledger table and taken first by the next sweep. A permanent problem
 * (MGN not initialized, access denied) is reported and notified, and the sweep succeeds.
 */
export async function sweepServers(
  request: RetryRequest,
  invocation: Invocation,
): Promise<{ results: ServerResult[]; sweep: SweepSummary }> {
  const { config, dryRun, now, deadline, workID } = invocation;
  const accountID = request.accountID;
  const base: DecisionBase = { trigger: request.trigger, scope: { accountID } };
  const nothingLeft: SweepState = { notReached: [] };
  const previous = await optional('read the sweep backlog', nothingLeft, () =>
    readSweepState(config.ledgerTableName, accountID, deadline.forWork()),
  );
  const openEpisodes = await optional('list the open stall episodes', new Set<string>(), () =>
    queryOpenEpisodes(config.ledgerTableName, accountID, deadline.forWork()),
  );

  const stalled: string[] = [];
  const recovering: string[] = [];
  let serversScanned = 0;
  let pagesRead = 0;
  let scanComplete = true;
  let scanError: Error | undefined;
  try {
    for await (const page of describeActiveSourceServers(() => deadline.forWork())) {
      pagesRead += 1;
      serversScanned += page.length;
      for (const server of page) {
        const id = server.sourceServerID;
        if (id === undefined) continue;
        if (server.dataReplicationInfo?.dataReplicationState === 'STALLED') stalled.push(id);
        else if (openEpisodes.has(id) && isReplicating(toServerFacts(id, server))) recovering.push(id);
      }
      if (!deadline.mayStart()) {
        scanComplete = false;
        break;
      }
    }
  } catch (error) {
    scanComplete = false;
    const failure = classifyMgnError(error);
    if (pagesRead === 0 && (failure.kind === 'NOT_INITIALIZED' || failure.kind === 'ACCESS_DENIED')) {
      return { results: [], sweep: await accountUnavailable(failure.kind, accountID, error, invocation) };
    }
    // Decide what was found before the failure, then fail the invocation so it is retried.
    scanError = error instanceof Error ? error : new Error(String(error));
    logger.error('sweep could not read every page of source servers', { mgnErrorCode: failure.code, pagesRead });
  }
  // A platform retry of the same sweep finds the same servers: count them once.
  if (previous.countedSweepID !== workID) metrics.addMetric(MetricName.STALLED_SERVERS_FOUND, MetricUnit.Count, stalled.length);

  // Last sweep's unreached servers first, so that every stalled server is reached in turn.
  const backlog = new Set(previous.notReached);
  const ordered = [...stalled.filter((id) => backlog.has(id)), ...stalled.filter((id) => !backlog.has(id)), ...recovering];
  const { results, notStarted } = await decideFresh(ordered, base, config.sweepConcurrency, invocation);
  const stalledSet = new Set(stalled);
  const notReached = notStarted.filter((id) => stalledSet.has(id));
  if (!dryRun) {
    await bestEffort('record the sweep backlog', `sweep#${accountID}`, () =>
      writeSweepState(config.ledgerTableName, accountID, { notReached, countedSweepID: workID }, now(), deadline.forCleanup()),
    );
  }
  const sweep: SweepSummary = {
    serversScanned,
    pagesRead,
    scanComplete,
    stalledServersFound: stalled.length,
    recoveriesFound: recovering.length,
    notReached: notReached.slice(0, NOT_REACHED_LISTED),
    notReachedCount: notReached.length,
  };
  if (notReached.length > 0 || (!scanComplete && scanError === undefined)) {
    logger.warn('sweep stopped before the function timeout; the next sweep starts with the servers it did not reach', { ...sweep });
  }
  if (scanError !== undefined) throw scanError;
  return { results, sweep };
}

/** MGN cannot be used in the account at all: say so, notify once a week, and let the sweep succeed. */
async function accountUnavailable(
  kind: 'NOT_INITIALIZED' | 'ACCESS_DENIED',
  accountID: string,
  error: unknown,
  invocation: Invocation,
): Promise<SweepSummary> {
  const { code, message } = errorFacts(error);
  const outcome = kind === 'NOT_INITIALIZED' ? Outcome.SKIPPED_MGN_NOT_INITIALIZED : Outcome.SKIPPED_ACCESS_DENIED;
  const reason =
    kind === 'NOT_INITIALIZED'
      ? `MGN is not initialized in account ${accountID}, Region ${invocation.config.region} (${code}); nothing to sweep`
      : `DescribeSourceServers is denied in account ${accountID} (${code}: ${message}); nothing could be swept`;
  logger.warn('sweep skipped: MGN cannot be read in this account', { outcome, reason });
  if (kind === 'NOT_INITIALIZED') metrics.addMetric(MetricName.MGN_NOT_INITIALIZED, MetricUnit.Count, 1);
  const skipped = metrics.singleMetric();
  skipped.addDimension('Reason', outcome);
  skipped.addMetric(MetricName.RETRY_SKIPPED, MetricUnit.Count, 1);
  await noticeAccountProblem(kind === 'NOT_INITIALIZED' ? 'MGN_NOT_INITIALIZED' : 'ACCESS_DENIED', accountID, error, invocation);
  return { outcome, reason, serversScanned: 0, pagesRead: 0, scanComplete: false, stalledServersFound: 0, recoveriesFound: 0, notReached: [], notReachedCount: 0 };
}

/** Reads that only make a sweep better (its backlog, the open episodes): their failure is logged, not fatal. */
async function optional<T>(what: string, fallback: T, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    logger.warn(`could not ${what}; the sweep goes on without it`, { error: error as Error });
    return fallback;
  }
}
