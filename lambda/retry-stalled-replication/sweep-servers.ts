import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  queryOpenEpisodes,
  readCensus,
  readSweepState,
  scanUnindexedOpenEpisodes,
  writeCensus,
  writeSweepState,
  type StoredCensus,
  type SweepState,
} from './aws/ledger-api';
import { describeActiveSourceServers } from './aws/mgn-api';
import { bestEffort, updateEntry } from './attempt-ledger';
import { ledgerOf, type DecisionBase } from './decide-server';
import { decideFresh } from './decide-fresh';
import { scopeOf, type ServerScope } from './decide/hub';
import type { RetryRequest } from './decide/input';
import { accountProblemOf, classifyMgnError, type ClassifiedMgnError } from './decide/mgn-errors';
import { Outcome, type ServerResult, type SweepSummary } from './decide/outcomes';
import { healthTally } from './decide/fleet-health';
import { FLEET_NOTICE_SERVERS, assessFleet, countFleet, massStallReason, type FleetState } from './decide/mass-stall';
import { isReplicating, toServerFacts, type ServerFacts } from './decide/server-facts';
import { massStallPolicy, stalledServerLine } from './fleet';
import type { Invocation } from './invocation';
import { liftMassStall, noticeAccountProblem, noticeMassStall } from './notify';
import { finish } from './report/record';
import { logger, metrics } from './report/powertools';
import { MetricName } from './report/metric-names';

const NOT_REACHED_LISTED = 100;

/**
 * Looks at every non-archived source server of an account when no event said anything (MGN events
 * are best effort): pages through them, decides each STALLED one through the same guarded path as
 * an event, and ends the open stall episodes of servers it sees replicating again. Servers it had
 * no time for are kept in the ledger table and taken first by the next sweep. A permanent problem
 * (MGN not initialized, access denied, a spoke role that cannot be assumed) is reported and
 * notified, and the sweep succeeds.
 */
export async function sweepAccount(
  scope: ServerScope,
  request: RetryRequest,
  invocation: Invocation,
): Promise<{ results: ServerResult[]; sweep: SweepSummary }> {
  const { config, dryRun, now, deadline, workID } = invocation;
  const { accountID } = scope;
  const nothingLeft: SweepState = { notReached: [] };
  const previous = await optional('read the sweep backlog', nothingLeft, () =>
    readSweepState(config.ledgerTableName, accountID, deadline.forWork()),
  );
  // Without the open episodes a recovery seen now could not end its episode: the sweep goes on
  // (stalls are still decided) and then fails, so that the platform runs it again.
  let openEpisodesUnread: Error | undefined;
  const openEpisodes = await queryOpenEpisodes(config.ledgerTableName, accountID, deadline.forWork()).catch((error: unknown) => {
    openEpisodesUnread = error instanceof Error ? error : new Error(String(error));
    logger.warn('could not list the open stall episodes; the sweep decides the stalled servers, then fails so that it runs again', { error: openEpisodesUnread });
    return new Set<string>();
  });
  const previousCensus = await optional('read the last census', undefined as StoredCensus | undefined, () =>
    readCensus(config.ledgerTableName, accountID, deadline.forWork()),
  );
  const indexBackfilled = previous.indexBackfilled === true || (await backfillOpenEpisodeIndex(accountID, openEpisodes, invocation));

  const stalled: string[] = [];
  /** Facts of the stalled servers as the pages showed them: for a mass stall's notice and its outcomes. */
  const stalledFacts: ServerFacts[] = [];
  const states: (string | undefined)[] = [];
  const recovering: string[] = [];
  let serversScanned = 0;
  let pagesRead = 0;
  let scanComplete = true;
  let scanError: Error | undefined;
  const health = healthTally(config.health, now());
  try {
    for await (const page of describeActiveSourceServers(() => deadline.forWork(), scope)) {
      pagesRead += 1;
      serversScanned += page.length;
      for (const server of page) {
        health.add(server);
        const id = server.sourceServerID;
        if (id === undefined) continue;
        const state = server.dataReplicationInfo?.dataReplicationState;
        states.push(state);
        if (state === 'STALLED') {
          stalled.push(id);
          stalledFacts.push(toServerFacts(id, server));
        } else if (openEpisodes.has(id) && isReplicating(toServerFacts(id, server))) recovering.push(id);
      }
      if (!deadline.mayStart()) {
        scanComplete = false;
        break;
      }
    }
  } catch (error) {
    scanComplete = false;
    const failure = classifyMgnError(error);
    const unavailable = pagesRead === 0 ? accountProblemOf(failure.kind) : undefined;
    if (unavailable !== undefined) {
      return { results: [], sweep: await accountUnavailable(unavailable, failure, accountID, error, invocation) };
    }
    // Decide what was found before the failure, then fail the invocation so it is retried.
    scanError = error instanceof Error ? error : new Error(String(error));
    logger.error('sweep could not read every page of source servers', { mgnErrorCode: failure.code, pagesRead });
  }
  // A platform retry of the same sweep finds the same servers: count them once.
  if (previous.countedSweepID !== workID) metrics.addMetric(MetricName.STALLED_SERVERS_FOUND, MetricUnit.Count, stalled.length);
  const fleet = scanComplete ? await takeCensus(accountID, states, stalledFacts, previousCensus, invocation) : undefined;
  const base: DecisionBase = {
    trigger: request.trigger,
    scope,
    // A partial scan cannot count the fleet: its decisions look at the last census instead.
    fleet: fleet === undefined ? fleetFromCensus(previousCensus, stalled.length, invocation) : () => Promise.resolve(fleet),
  };

  // During a mass stall the stalled servers are only recorded as paused: nothing to read again,
  // nothing to decide. Otherwise the last sweep's unreached servers go first, so every stalled
  // server is reached in turn.
  const paused = fleet?.kind === 'MASS_STALL' ? pauseAll(stalledFacts, accountID, fleet, request, invocation) : [];
  const backlog = new Set(previous.notReached);
  const toDecide = paused.length > 0 ? [] : [...stalled.filter((id) => backlog.has(id)), ...stalled.filter((id) => !backlog.has(id))];
  const decided = await decideFresh([...toDecide, ...recovering], base, config.sweepConcurrency, invocation);
  const results = [...paused, ...decided.results];
  const { notStarted } = decided;
  const stalledSet = new Set(stalled);
  const notReached = notStarted.filter((id) => stalledSet.has(id));
  if (!dryRun) {
    await bestEffort('record the sweep backlog', `sweep#${accountID}`, () =>
      writeSweepState(config.ledgerTableName, accountID, { notReached, countedSweepID: workID, indexBackfilled }, now(), deadline.forCleanup()),
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
    // Only a scan that read every page can count the fleet.
    ...(scanComplete ? { fleetHealth: health.result() } : {}),
  };
  if (notReached.length > 0 || (!scanComplete && scanError === undefined)) {
    logger.warn('sweep stopped before the function timeout; the next sweep starts with the servers it did not reach', { ...sweep });
  }
  if (scanError !== undefined) throw scanError;
  if (openEpisodesUnread !== undefined) throw openEpisodesUnread;
  return { results, sweep };
}

/**
 * Once per account the function reaches without a spoke role: open episodes written before the open-episodes index existed are written again
 * (which adds them to it) and joined to this sweep's list, so that sweeps can end them too. True
 * when done; a failure or a lack of time leaves it to the next sweep.
 */
async function backfillOpenEpisodeIndex(accountID: string, openEpisodes: Set<string>, invocation: Invocation): Promise<boolean> {
  const { config, deadline, now, dryRun } = invocation;
  if (dryRun) return false;
  // A spoke account's entries were all written by a hub, which came after the index: nothing to add
  // (and no Scan of the whole table at every sweep of an account whose role cannot be assumed).
  if (scopeOf(accountID, config).access.kind === 'spoke-role') return true;
  return optional('add older open episodes to the open-episodes index', false, async () => {
    const keys = await scanUnindexedOpenEpisodes(config.ledgerTableName, accountID, () => deadline.forWork());
    let all = true;
    for (const key of keys) {
      const { repaired } = await updateEntry(ledgerOf(invocation), key, () => undefined, now(), deadline.forWork());
      all &&= repaired === true;
      openEpisodes.add(key.split('#')[1] ?? '');
    }
    if (keys.length > 0) logger.info('older open episodes added to the open-episodes index', { accountID, count: keys.length, complete: all });
    return all;
  });
}

/**
 * Counts the fleet the sweep read, keeps the census for event-driven decisions, and acts on a
 * mass stall: its one notice when it begins, and lifting it when a census finds it over.
 */
async function takeCensus(
  accountID: string,
  states: readonly (string | undefined)[],
  stalledFacts: readonly ServerFacts[],
  previous: StoredCensus | undefined,
  invocation: Invocation,
): Promise<FleetState> {
  const { config, dryRun, now, deadline } = invocation;
  const counted = { takenAt: now(), ...countFleet(states) };
  const fleet = assessFleet(counted, counted.stalled, massStallPolicy(invocation), now());
  const massStall = fleet.kind === 'MASS_STALL';
  let massStallEndedAt = previous?.massStallEndedAt;
  if (massStall) {
    logger.warn('mass stall: per-server retries paused', { accountID, stalled: counted.stalled, inReplication: counted.inReplication });
  } else if (await liftMassStall(accountID, invocation)) {
    logger.info('mass stall over: per-server handling resumes', { accountID, stalled: counted.stalled, inReplication: counted.inReplication });
    massStallEndedAt = now();
  }
  const census = { ...counted, ...(massStallEndedAt === undefined ? {} : { massStallEndedAt }) };
  if (!dryRun) {
    await bestEffort('record the census', `census#${accountID}`, () =>
      writeCensus(config.ledgerTableName, accountID, { ...census, massStall }, deadline.forWork()),
    );
  }
  if (massStall) {
    const servers = stalledFacts.slice(0, FLEET_NOTICE_SERVERS).map((facts) => stalledServerLine(facts, invocation));
    await noticeMassStall(accountID, census.takenAt, () => Promise.resolve({ fleet: census, servers }), invocation);
    return fleet;
  }
  return massStallEndedAt === undefined ? fleet : { ...fleet, massStallEndedAt } as FleetState;
}

/** The outcome of each stalled server while a mass stall pauses per-server retries. */
function pauseAll(
  stalledFacts: readonly ServerFacts[],
  accountID: string,
  fleet: Extract<FleetState, { kind: 'MASS_STALL' }>,
  request: RetryRequest,
  invocation: Invocation,
): ServerResult[] {
  const reason = massStallReason(fleet, massStallPolicy(invocation));
  return stalledFacts.map((facts) =>
    finish({
      trigger: request.trigger,
      accountID,
      dryRun: invocation.dryRun,
      sourceServerID: facts.sourceServerID,
      outcome: Outcome.SKIPPED_MASS_STALL,
      reason,
      replicationState: facts.replicationState,
      lifeCycleState: facts.lifeCycleState,
      ...(facts.hostname === undefined ? {} : { hostname: facts.hostname }),
      ...(facts.replicationError === undefined ? {} : { replicationError: facts.replicationError }),
    }),
  );
}

/** The fleet as the last census saw it, for a sweep that could not read every page. */
function fleetFromCensus(census: StoredCensus | undefined, stalledNow: number, invocation: Invocation): () => Promise<FleetState> {
  const fleet = assessFleet(census, stalledNow, massStallPolicy(invocation), invocation.now());
  return () => Promise.resolve(fleet);
}

/** MGN cannot be used in the account at all: say so, notify once a week, and let the sweep succeed. */
async function accountUnavailable(
  { problem, outcome }: NonNullable<ReturnType<typeof accountProblemOf>>,
  failure: ClassifiedMgnError,
  accountID: string,
  error: unknown,
  invocation: Invocation,
): Promise<SweepSummary> {
  const { code, message } = failure;
  const reason = {
    MGN_NOT_INITIALIZED: `MGN is not initialized in account ${accountID}, Region ${invocation.config.region} (${code}); nothing to sweep`,
    ACCESS_DENIED: `DescribeSourceServers is denied in account ${accountID} (${code}: ${message}); nothing could be swept`,
    SPOKE_ROLE_UNAVAILABLE: `${message}; nothing could be swept`,
  }[problem];
  logger.warn('sweep skipped: MGN cannot be read in this account', { accountID, outcome, reason });
  if (problem === 'MGN_NOT_INITIALIZED') metrics.addMetric(MetricName.MGN_NOT_INITIALIZED, MetricUnit.Count, 1);
  const skipped = metrics.singleMetric();
  skipped.addDimension('Reason', outcome);
  skipped.addMetric(MetricName.RETRY_SKIPPED, MetricUnit.Count, 1);
  await noticeAccountProblem(problem, accountID, error, invocation);
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
