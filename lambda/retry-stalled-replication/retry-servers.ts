import type { SourceServer } from '@aws-sdk/client-mgn';
import { claimAttempt, previewAttempt, releaseClaim, releaseEscalationClaim } from './attempt-ledger';
import type { HandlerConfig } from './config';
import type { Invocation } from './invocation';
import { checkServer, type ServerSnapshot } from './check-server';
import { formatEscalation } from './escalation';
import type { RetryRequest } from './input';
import { classifyMgnError, describeSourceServers, retryDataReplication } from './mgn-api';
import { Outcome, type ServerResult } from './outcomes';
import { logger } from './powertools';
import { finish, type DecisionRecord } from './record';
import { publishNotification } from './sns-api';
import { ledgerKey, type LedgerEntry } from './stall-episode';
import { errorFacts } from './errors';
import { runBounded, TIME_RESERVE_MS } from './run-bounded';

/** A server as MGN reported it, with what the log and an escalation need. */
interface ServerFacts extends ServerSnapshot {
  readonly hostname?: string;
  readonly replicationError?: string;
  readonly rawError?: string;
}

type Known = Omit<DecisionRecord, 'outcome'>;

/** What every decision of one invocation shares. */
export interface DecisionBase extends Pick<DecisionRecord, 'trigger' | 'accountID' | 'dryRun'> {
  /** When the stall was reported, for an event: a new stall episode counts from there. */
  readonly stalledSince?: number;
}

/**
 * Runs every server of a retry request through the decision path: read it fresh from MGN, apply
 * the server guards, claim an attempt in the ledger, retry, and record the outcome. A single
 * server's failure never stops the others: its outcome is FAILED and the caller fails the
 * invocation at the end.
 */
export async function retryServers(request: RetryRequest, invocation: Invocation): Promise<ServerResult[]> {
  const { config, dryRun, timeLeft } = invocation;
  // The account ID goes to MGN only for another account's servers (global view), never for our own.
  const mgnAccountID = request.accountID === config.homeAccountID ? undefined : request.accountID;
  const base = { trigger: request.trigger, accountID: request.accountID, dryRun, stalledSince: request.eventTime };

  let servers: Map<string, SourceServer>;
  try {
    servers = await describeSourceServers(request.sourceServerIDs, mgnAccountID);
  } catch (error) {
    const failure = classifyMgnError(error);
    const reason = `DescribeSourceServers failed: ${failure.code}: ${failure.message}`;
    return request.sourceServerIDs.map((sourceServerID) =>
      finish({ ...base, sourceServerID, outcome: Outcome.FAILED, reason, mgnErrorCode: failure.code }),
    );
  }

  // One server at a time: a manual batch is at most 100 servers, and a paced series of writes
  // keeps MGN's API throttling away. Servers left when time runs short fail the invocation, so
  // they are retried rather than lost.
  const { results, notStarted } = await runBounded(
    request.sourceServerIDs,
    1,
    () => timeLeft() > TIME_RESERVE_MS,
    (sourceServerID) => decideServer(sourceServerID, servers.get(sourceServerID), base, mgnAccountID, invocation),
  );
  const reason = 'not reached before the function timeout; the invocation fails so it is tried again';
  return [...results, ...notStarted.map((sourceServerID) => finish({ ...base, sourceServerID, outcome: Outcome.FAILED, reason }))];
}

/**
 * One server's whole decision, from what MGN said about it (undefined: MGN does not know it) to
 * the recorded outcome. Never throws: an unexpected error is that server's FAILED outcome.
 */
export async function decideServer(
  sourceServerID: string,
  server: SourceServer | undefined,
  { stalledSince, ...base }: DecisionBase,
  mgnAccountID: string | undefined,
  { config, now }: Invocation,
): Promise<ServerResult> {
  if (server === undefined) {
    return finish({ ...base, sourceServerID, outcome: Outcome.NOT_FOUND, reason: 'MGN has no source server with this ID' });
  }
  const facts = toFacts(sourceServerID, server);
  const known: Known = {
    ...base,
    sourceServerID,
    replicationState: facts.replicationState,
    lifeCycleState: facts.lifeCycleState,
  };
  try {
    return await retryOne(facts, known, mgnAccountID, config, now, stalledSince);
  } catch (error) {
    // The ledger or the notification could not be reached: fail this server, keep going.
    const { code, message } = errorFacts(error);
    return finish({ ...known, outcome: Outcome.FAILED, reason: `${code}: ${message}`, errorCode: code });
  }
}

async function retryOne(
  server: ServerFacts,
  known: Known,
  mgnAccountID: string | undefined,
  config: HandlerConfig,
  now: () => number,
  stalledSince: number | undefined,
): Promise<ServerResult> {
  const check = checkServer(server, config);
  if (check.action === 'SKIP') return finish({ ...known, outcome: check.outcome, reason: check.reason });

  const key = ledgerKey(known.accountID, server.sourceServerID);
  if (known.dryRun) {
    const plan = await previewAttempt(config.ledgerTableName, key, config, now(), stalledSince);
    switch (plan.kind) {
      case 'CLAIM':
        return finish({
          ...known,
          outcome: Outcome.DRY_RUN,
          attempt: plan.attempt,
          attempts: plan.attempt - 1,
          reason: `dry run: would retry (attempt ${plan.attempt} of ${config.maxAttempts})`,
        });
      case 'COOLDOWN':
        return finish({ ...known, ...cooldown(plan.attempts, plan.lastAttemptAt, plan.retryAfter) });
      case 'BUDGET_EXHAUSTED':
        return finish({
          ...known,
          outcome: Outcome.SKIPPED_BUDGET_EXHAUSTED,
          attempts: plan.entry.attemptTimes.length,
          reason: `${budgetSpent(plan.entry, config)}; dry run: no notification sent`,
        });
    }
  }

  const claim = await claimAttempt(config.ledgerTableName, key, config, now(), stalledSince);
  switch (claim.kind) {
    case 'COOLDOWN':
      return finish({ ...known, ...cooldown(claim.attempts, claim.lastAttemptAt, claim.retryAfter) });
    case 'BUDGET_EXHAUSTED':
      return claim.escalationClaimed === undefined
        ? finish({
            ...known,
            outcome: Outcome.SKIPPED_BUDGET_EXHAUSTED,
            attempts: claim.entry.attemptTimes.length,
            reason: `${budgetSpent(claim.entry, config)}; the notification was sent at ${iso(claim.entry.escalatedAt)}`,
          })
        : escalate(server, known, claim.escalationClaimed, config, now);
    case 'CLAIMED':
      return retryClaimed(server, known, claim.claimed, claim.attempt, mgnAccountID, config, now);
  }
}

async function retryClaimed(
  server: ServerFacts,
  known: Known,
  claimed: LedgerEntry,
  attempt: number,
  mgnAccountID: string | undefined,
  config: HandlerConfig,
  now: () => number,
): Promise<ServerResult> {
  try {
    await retryDataReplication(server.sourceServerID, mgnAccountID);
    return finish({ ...known, outcome: Outcome.RETRIED, attempt, attempts: attempt });
  } catch (error) {
    // The retry did not happen: give the attempt back so a later try (the platform's retry of
    // this invocation, the next event or sweep) can use it.
    await releaseQuietly(() => releaseClaim(config.ledgerTableName, claimed, now()), claimed.key);
    const failure = classifyMgnError(error);
    const reason = `RetryDataReplication failed: ${failure.code}: ${failure.message}`;
    const outcome = {
      NOT_FOUND: Outcome.NOT_FOUND,
      // The precheck passed, so the server changed in between: it no longer needs the retry.
      NOT_APPLICABLE: Outcome.SKIPPED_NOT_STALLED,
      FAILED: Outcome.FAILED,
    }[failure.kind];
    return finish({ ...known, outcome, reason, mgnErrorCode: failure.code, attempts: attempt - 1 });
  }
}

async function escalate(
  server: ServerFacts,
  known: Known,
  claimed: LedgerEntry,
  config: HandlerConfig,
  now: () => number,
): Promise<ServerResult> {
  try {
    const { subject, message } = formatEscalation({
      ...server,
      accountID: known.accountID,
      region: config.region,
      entry: claimed,
      maxAttempts: config.maxAttempts,
    });
    await publishNotification(config.notificationTopicArn, subject, message);
  } catch (error) {
    // Give the escalation back so the platform's retry of this invocation sends it.
    await releaseQuietly(() => releaseEscalationClaim(config.ledgerTableName, claimed, now()), claimed.key);
    throw error;
  }
  return finish({
    ...known,
    outcome: Outcome.SKIPPED_BUDGET_EXHAUSTED,
    attempts: claimed.attemptTimes.length,
    escalated: true,
    reason: `${budgetSpent(claimed, config)}; notification sent`,
  });
}

/** A failed release leaves the attempt counted: logged, never allowed to hide the real outcome. */
async function releaseQuietly(release: () => Promise<boolean>, key: string): Promise<void> {
  try {
    if (!(await release())) logger.warn('ledger entry changed before the claim could be released', { key });
  } catch (error) {
    logger.error('could not release the ledger claim', { key, error: error as Error });
  }
}

function cooldown(attempts: number, lastAttemptAt: number, retryAfter: number): Pick<DecisionRecord, 'outcome' | 'reason' | 'attempts'> {
  return {
    outcome: Outcome.SKIPPED_COOLDOWN,
    attempts,
    reason: `last retry at ${iso(lastAttemptAt)}; the next is allowed after ${iso(retryAfter)}`,
  };
}

function budgetSpent(entry: LedgerEntry, config: HandlerConfig): string {
  return `${entry.attemptTimes.length} of ${config.maxAttempts} retries spent in the stall episode that began at ${iso(entry.episodeStartedAt)}`;
}

function iso(time: number | undefined): string {
  return time === undefined ? 'an unknown time' : new Date(time).toISOString();
}

function toFacts(sourceServerID: string, server: SourceServer): ServerFacts {
  const hints = server.sourceProperties?.identificationHints;
  return {
    sourceServerID,
    isArchived: server.isArchived === true,
    replicationState: server.dataReplicationInfo?.dataReplicationState,
    lifeCycleState: server.lifeCycle?.state,
    tags: server.tags ?? {},
    hostname: hints?.hostname ?? hints?.fqdn,
    replicationError: server.dataReplicationInfo?.dataReplicationError?.error,
    rawError: server.dataReplicationInfo?.dataReplicationError?.rawError,
  };
}
