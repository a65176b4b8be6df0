import type { SourceServer } from '@aws-sdk/client-mgn';
import { bestEffort, claimStall, readEntry, updateEntry, type EarlyRead, type LedgerAccess } from './attempt-ledger';
import { describeSourceServers, retryDataReplication } from './aws/mgn-api';
import { checkServer } from './decide/check-server';
import { errorFacts } from './decide/errors';
import { trustedEventTime, type TrustedTime } from './decide/event-time';
import { classifyMgnError, type ClassifiedMgnError } from './decide/mgn-errors';
import { Outcome, type ServerResult, type Trigger } from './decide/outcomes';
import { massStallReason } from './decide/mass-stall';
import { failedStep, isReplicating, toServerFacts, type ServerFacts } from './decide/server-facts';
import type { ServerScope } from './decide/hub';
import { triage, type TriageVerdict } from './decide/triage';
import {
  claimEscalation,
  closeEpisode,
  ledgerKey,
  opsItemOf,
  recordRetryProblem,
  releaseAttempt,
  type ClosedEpisode,
  type EndedEpisode,
  type EscalationKind,
  type LedgerEntry,
  type StallPlan,
} from './decide/stall-episode';
import { massStallPolicy, type FleetLookup } from './fleet';
import type { Invocation } from './invocation';
import { noticeAccountProblem, resolveOpsItemQuietly, sendEscalation } from './notify';
import { recordDecisionEvent } from './report/decision-events';
import { logger } from './report/powertools';
import { finish, type DecisionRecord } from './report/record';

/** What every decision of one request shares. */
export interface DecisionBase {
  readonly trigger: Trigger;
  readonly scope: ServerScope;
  /** Whether the account is in a mass stall (which pauses per-server retries). */
  readonly fleet: FleetLookup;
  /** What an MGN event reported, and when: a stall's time opens an episode, a recovery's time ends one. */
  readonly reported?: { readonly state: 'STALLED' | 'NOT_STALLED'; readonly time?: number };
  /** A stall event's server: its ledger entry, read while MGN is asked about it. */
  readonly early?: { readonly sourceServerID: string; readonly entry: EarlyRead };
}

type Known = Omit<DecisionRecord, 'outcome'>;

/**
 * One server's whole decision, from what MGN said about it just now (undefined: MGN does not know
 * it) to the recorded outcome. Whatever the trigger, the server's current state decides: a
 * replicating server ends its open stall episode, a stalled one goes through the guards and the
 * ledger to a retry. Never throws: an unexpected error is that server's FAILED outcome.
 */
export async function decideServer(
  sourceServerID: string,
  server: SourceServer | undefined,
  base: DecisionBase,
  invocation: Invocation,
): Promise<ServerResult> {
  const identity = { trigger: base.trigger, accountID: base.scope.accountID, dryRun: invocation.dryRun, sourceServerID };
  if (server === undefined) {
    return finish({ ...identity, outcome: Outcome.NOT_FOUND, reason: 'MGN has no source server with this ID' });
  }
  const facts = toServerFacts(sourceServerID, server);
  const step = failedStep(facts);
  const known: Known = {
    ...identity,
    replicationState: facts.replicationState,
    lifeCycleState: facts.lifeCycleState,
    ...(facts.hostname === undefined ? {} : { hostname: facts.hostname }),
    ...(facts.replicationError === undefined ? {} : { replicationError: facts.replicationError }),
    ...(step === undefined ? {} : { failedStep: step }),
  };
  try {
    if (!facts.isArchived && isReplicating(facts)) return await endEpisode(facts, known, base, invocation);
    const check = checkServer(facts, invocation.config);
    if (check.action === 'SKIP') return finish({ ...known, outcome: check.outcome, reason: check.reason });
    return await decideStall(facts, known, base, invocation);
  } catch (error) {
    // The ledger or the notification could not be reached: fail this server, keep going.
    const { code, message } = errorFacts(error);
    return finish({ ...known, outcome: Outcome.FAILED, reason: `${code}: ${message}`, errorCode: code });
  }
}

/** The ledger as the decisions use it. */
export function ledgerOf(invocation: Invocation): LedgerAccess {
  return { tableName: invocation.config.ledgerTableName, policy: invocation.config };
}

/** A server read replicating again: its open stall episode, if any, ends here. */
async function endEpisode(facts: ServerFacts, known: Known, base: DecisionBase, invocation: Invocation): Promise<ServerResult> {
  const { now, deadline, dryRun } = invocation;
  const key = ledgerKey(base.scope.accountID, facts.sourceServerID);
  const reported = base.reported?.state === 'NOT_STALLED' ? base.reported : undefined;
  const reportedRecovery = reported !== undefined;
  const recovered = reported ? trustedEventTime(reported.time, now()) : { time: now() };
  const context = { ...known, ...ignoredTime(recovered) };
  let closed: ClosedEpisode | undefined;
  if (dryRun) {
    closed = closeEpisode((await readEntry(ledgerOf(invocation), key, now(), deadline.forWork()))?.entry, recovered.time, now());
  } else {
    const { changed } = await updateEntry(ledgerOf(invocation), key, (entry) => {
      closed = closeEpisode(entry, recovered.time, now());
      return closed?.next;
    }, now(), deadline.forWork());
    if (!changed) closed = undefined;
  }
  const state = facts.replicationState ?? 'unknown';
  if (closed === undefined) {
    return reportedRecovery
      ? finish({ ...context, outcome: Outcome.RECOVERED, reason: `replicating (${state}); no open stall episode: never retried, or already ended` })
      : finish({ ...context, outcome: Outcome.SKIPPED_NOT_STALLED, reason: `data replication state is ${state}, not STALLED` });
  }
  const summary = `${plural(closed.attempts, 'retry', 'retries')} and ${closed.stallSeconds} s stalled`;
  const opsItemId = opsItemOf(closed.next);
  if (!dryRun && opsItemId !== undefined) {
    await resolveOpsItemQuietly(opsItemId, `replicating again (${state}) after ${summary}`, deadline.forWork());
  }
  return dryRun
    ? finish({ ...context, outcome: Outcome.DRY_RUN, attempts: closed.attempts, reason: `dry run: would end the stall episode (${state}) after ${summary}` })
    : finish({
        ...context,
        outcome: Outcome.RECOVERED,
        attempts: closed.attempts,
        stallSeconds: closed.stallSeconds,
        episodeStartedAt: closed.next.episodeStartedAt,
        reason: `replicating again (${state}) after ${summary}`,
      });
}

/**
 * A stalled server that passed the guards, in the decision's order: a mass stall pauses it; triage
 * sends it to a person at once or lets MGN's own pending attempt happen; otherwise the ledger
 * decides between a retry and a wait, and the episode's one notice goes out when retries are spent.
 */
async function decideStall(facts: ServerFacts, known: Known, base: DecisionBase, invocation: Invocation): Promise<ServerResult> {
  const { config, now, deadline, dryRun } = invocation;
  const fleet = await base.fleet();
  if (fleet.kind === 'MASS_STALL') {
    return finish({ ...known, outcome: Outcome.SKIPPED_MASS_STALL, reason: massStallReason(fleet, massStallPolicy(invocation)) });
  }
  const verdictOfTriage = triage(facts, config, now());
  const ledger = ledgerOf(invocation);
  const key = ledgerKey(base.scope.accountID, facts.sourceServerID);
  const stalled = base.reported?.state === 'STALLED' ? trustedEventTime(base.reported.time, now()) : { time: now() };
  const sighting = {
    now: now(),
    stalledSince: stalled.time,
    ...(facts.lastSnapshotAt === undefined ? {} : { lastSnapshotAt: facts.lastSnapshotAt }),
    ...(fleet.kind === 'NORMAL' && fleet.massStallEndedAt !== undefined ? { massStallEndedAt: fleet.massStallEndedAt } : {}),
  };
  const early = base.early?.sourceServerID === facts.sourceServerID ? base.early.entry : undefined;
  const { plan, stored, problems } = await claimStall(ledger, key, sighting, deadline.forWork(), dryRun, verdictOfTriage, early);
  if (plan.endedEpisode !== undefined && !dryRun) await closeEndedEpisode(plan.endedEpisode, known, invocation);
  const context: Known = {
    ...known,
    ...ignoredTime(stalled),
    episodeStartedAt: plan.episode.episodeStartedAt,
    ...(problems.length > 0 ? { ledgerRepaired: problems.join('; ') } : {}),
    // A snapshot after the last retry shows the previous episode ended: count its recovery.
    ...(plan.endedEpisode !== undefined && !dryRun ? { stallSeconds: plan.endedEpisode.stallSeconds } : {}),
  };
  if (dryRun) return finish({ ...context, ...dryRunOutcome(plan, config.maxAttempts, verdictOfTriage) });

  const { verdict } = plan;
  const escalation = { key, facts: { ...facts, policy: verdictOfTriage.policy }, invocation, ledger };
  const noticeReason = (notice: 'SENT' | 'SENDING', time: number | undefined): string =>
    notice === 'SENT' ? `the notification was sent at ${iso(time)}` : `another invocation is sending the notification (claimed at ${iso(time)})`;
  switch (verdict.kind) {
    case 'NEEDS_PERSON': {
      const record = { ...context, outcome: Outcome.SKIPPED_NEEDS_PERSON, attempts: verdict.attempts };
      return verdict.notice === 'SEND'
        ? notify({ ...record, reason: `${verdictOfTriage.policy}; notification sent` }, 'NEEDS_PERSON', stored as LedgerEntry, escalation)
        : finish({ ...record, reason: `${verdictOfTriage.policy}; ${noticeReason(verdict.notice, verdict.noticeTime)}` });
    }
    case 'MGN_ATTEMPT_PENDING': {
      const record = { ...context, outcome: Outcome.SKIPPED_MGN_ATTEMPT_PENDING, attempts: verdict.attempts, reason: verdictOfTriage.policy };
      return plan.escalate === undefined ? finish(record) : notify(record, plan.escalate, stored as LedgerEntry, escalation);
    }
    case 'RETRY': {
      const { record, entry } = await retryClaimed(facts, context, stored as LedgerEntry, verdict.attempt, base.scope, invocation);
      if (plan.escalate !== undefined) {
        // The retry's outcome stands; a notice that could not go out is owed to the next decision.
        try {
          await sendEscalation(ledger, noticeFacts({ ...facts, policy: verdictOfTriage.policy }, known), entry, invocation);
          return finish({ ...record, escalated: plan.escalate });
        } catch (error) {
          logger.warn('could not send the notification; the next decision sends it', { key, error: error as Error });
        }
      }
      return finish(record);
    }
    case 'COOLDOWN': {
      const reason = `last retry at ${iso(verdict.lastAttemptAt)}; the next is allowed after ${iso(verdict.retryAfter)}`;
      const record = { ...context, outcome: Outcome.SKIPPED_COOLDOWN, attempts: verdict.attempts, reason };
      return plan.escalate === undefined ? finish(record) : notify(record, plan.escalate, stored as LedgerEntry, escalation);
    }
    case 'BUDGET_SPENT': {
      const spent = `${verdict.attempts} of ${config.maxAttempts} retries spent in the stall episode that began at ${iso(plan.episode.episodeStartedAt)}`;
      const record = { ...context, outcome: Outcome.SKIPPED_BUDGET_EXHAUSTED, attempts: verdict.attempts };
      switch (verdict.notice) {
        case 'SEND':
          return notify({ ...record, reason: `${spent}; notification sent` }, 'BUDGET_SPENT', stored as LedgerEntry, escalation);
        case 'SENT':
        case 'SENDING':
          return finish({ ...record, reason: `${spent}; ${noticeReason(verdict.notice, verdict.noticeTime)}` });
      }
    }
  }
}

/**
 * The previous episode a snapshot showed over (no recovery was seen in between): its recovery is
 * announced as such, apart from this decision, and its OpsItem resolved.
 */
async function closeEndedEpisode(ended: EndedEpisode, known: Known, invocation: Invocation): Promise<void> {
  const summary = `${plural(ended.attempts, 'retry', 'retries')} and ${ended.stallSeconds} s stalled`;
  recordDecisionEvent({
    sourceServerID: known.sourceServerID,
    accountID: known.accountID,
    outcome: Outcome.RECOVERED,
    reason: `a snapshot shows the server replicated after the stall episode that began at ${iso(ended.episodeStartedAt)} (${summary}); it stalled again since`,
    attempts: ended.attempts,
    stallSeconds: ended.stallSeconds,
    episodeStartedAt: ended.episodeStartedAt,
    ...(known.hostname === undefined ? {} : { hostname: known.hostname }),
    dryRun: false,
  });
  if (ended.opsItemId !== undefined) {
    await resolveOpsItemQuietly(ended.opsItemId, `replicated again after ${summary}, then stalled again: a new episode follows`, invocation.deadline.forWork());
  }
}

/** Sends the notification this decision claimed; a notice that could not go out fails the server, so the platform retries it. */
async function notify(
  record: DecisionRecord,
  kind: EscalationKind,
  claimed: LedgerEntry,
  { facts, invocation, ledger }: { facts: NoticeSource; invocation: Invocation; ledger: LedgerAccess },
): Promise<ServerResult> {
  try {
    await sendEscalation(ledger, noticeFacts(facts, record), claimed, invocation);
  } catch (error) {
    const { code, message } = errorFacts(error);
    return finish({ ...record, outcome: Outcome.FAILED, errorCode: code, reason: `the notification could not be sent (${code}: ${message}); it stays owed and is sent by the next decision` });
  }
  return finish({ ...record, escalated: kind });
}

/**
 * Calls RetryDataReplication for an attempt the ledger granted, and turns MGN's answer into the
 * outcome. After any answer but 200 the server is read again, because the retry may have happened
 * even so (a lost answer, the SDK's retry of it refused): a server that left STALLED counts the
 * attempt as made; one MGN still reports STALLED after a refusal counts it as refused; one still
 * STALLED after a transient failure gives the attempt back and fails, so the platform retries it.
 */
async function retryClaimed(
  facts: ServerFacts,
  context: Known,
  claimed: LedgerEntry,
  attempt: number,
  scope: ServerScope,
  invocation: Invocation,
): Promise<{ record: DecisionRecord; entry: LedgerEntry }> {
  const { now, deadline } = invocation;
  const ledger = ledgerOf(invocation);
  const attemptAt = claimed.attemptTimes[claimed.attemptTimes.length - 1] ?? now();
  const counted = { ...context, attempt, attempts: attempt };
  const giveBack = async (): Promise<void> => {
    await bestEffort('give the attempt back', claimed.key, () =>
      updateEntry(ledger, claimed.key, (entry) => (entry === undefined ? undefined : releaseAttempt(entry, attemptAt, now())), now(), deadline.forCleanup(), claimed),
    );
  };
  const sentAt = now();
  try {
    await retryDataReplication(facts.sourceServerID, scope, deadline.forWork());
    return { record: { ...counted, outcome: Outcome.RETRIED }, entry: claimed };
  } catch (error) {
    const failure = classifyMgnError(error);
    const problem = `${failure.code}: ${failure.message}`;
    const answered = { ...context, mgnErrorCode: failure.code };
    switch (failure.kind) {
      case 'NOT_FOUND':
        await giveBack();
        return { record: { ...answered, outcome: Outcome.NOT_FOUND, reason: `RetryDataReplication: ${problem}` }, entry: claimed };
      case 'NOT_INITIALIZED':
        await giveBack();
        await noticeAccountProblem('MGN_NOT_INITIALIZED', scope.accountID, error, invocation);
        return { record: { ...answered, outcome: Outcome.SKIPPED_MGN_NOT_INITIALIZED, reason: `RetryDataReplication: ${problem}` }, entry: claimed };
      case 'ACCESS_DENIED':
        return accessDenied(facts, { ...counted, ...answered }, claimed, `attempt ${attempt} denied: ${problem}`, invocation);
      case 'SPOKE_ROLE_UNAVAILABLE':
        // No request reached MGN: the attempt was not made.
        await giveBack();
        await noticeAccountProblem('SPOKE_ROLE_UNAVAILABLE', scope.accountID, error, invocation);
        return { record: { ...answered, outcome: Outcome.SKIPPED_SPOKE_ROLE_UNAVAILABLE, reason: failure.message }, entry: claimed };
      case 'SPOKE_SESSION_NOT_RENEWED':
        // No request reached MGN: the attempt was not made, and the platform tries again.
        await giveBack();
        return {
          record: { ...answered, attempts: attempt - 1, outcome: Outcome.FAILED, reason: `${failure.message}: RetryDataReplication was not sent; the attempt was given back and the invocation fails, so it is tried again` },
          entry: claimed,
        };
      case 'REFUSED':
      case 'TRANSIENT':
        return verifyAfterFailure(facts, { ...counted, ...answered }, claimed, { ...failure, sentAt }, scope, invocation, giveBack);
    }
  }
}

/** Access denied for good: the attempt counts, the episode's notice goes out now, and the sweep stays green. */
async function accessDenied(
  facts: ServerFacts,
  record: Known,
  claimed: LedgerEntry,
  problem: string,
  invocation: Invocation,
): Promise<{ record: DecisionRecord; entry: LedgerEntry }> {
  const { now, deadline } = invocation;
  const ledger = ledgerOf(invocation);
  const denied = { ...record, outcome: Outcome.SKIPPED_ACCESS_DENIED, reason: `RetryDataReplication is denied (${problem}); the attempt counts and a person is notified once` };
  let entry = claimed;
  try {
    const at = now();
    const update = await updateEntry(ledger, claimed.key, (current) => {
      if (current === undefined) return undefined;
      const noted = recordRetryProblem(current, problem, at);
      return claimEscalation(noted, 'ACCESS_DENIED', at) ?? noted;
    }, at, deadline.forWork(), claimed);
    entry = update.entry ?? claimed;
    if (entry.escalation?.state === 'PENDING' && entry.escalation.claimedAt === at) {
      await sendEscalation(ledger, noticeFacts(facts, record), entry, invocation);
      return { record: { ...denied, escalated: 'ACCESS_DENIED' }, entry };
    }
  } catch (error) {
    // The notice stays owed; failing the server makes the platform retry it, and that decision sends it.
    const { code, message } = errorFacts(error);
    return {
      record: { ...denied, outcome: Outcome.FAILED, errorCode: code, reason: `RetryDataReplication is denied (${problem}); the attempt counts, but the notification could not be sent or recorded (${code}: ${message}); it stays owed and the next decision sends it` },
      entry,
    };
  }
  return { record: denied, entry };
}

/** MGN's clock may run this far behind the function's when it stamps an initiation's start. */
const INITIATION_CLOCK_SKEW_MS = 2_000;

/**
 * After a RetryDataReplication that did not answer 200, reads the server again and decides whether
 * the retry took effect. Evidence that it did: MGN answered after more than one send (an earlier
 * send may have been applied) or not at all, and the server has left STALLED, or shows an
 * initiation that started after the retry was sent. A single refused send certainly did not take
 * effect: a server that left STALLED then is someone else's initiation (give the attempt back); one
 * still STALLED is a refusal, which counts. A transient failure with no such evidence gives the
 * attempt back and fails the invocation, so the platform retries it.
 */
async function verifyAfterFailure(
  facts: ServerFacts,
  record: Known,
  claimed: LedgerEntry,
  failure: ClassifiedMgnError & { readonly sentAt: number },
  scope: ServerScope,
  invocation: Invocation,
  giveBack: () => Promise<void>,
): Promise<{ record: DecisionRecord; entry: LedgerEntry }> {
  const { now, deadline } = invocation;
  const problem = `${failure.code}: ${failure.message}`;
  let after: ServerFacts | undefined;
  try {
    const server = (await describeSourceServers([facts.sourceServerID], scope, deadline.forCleanup())).get(facts.sourceServerID);
    if (server === undefined) {
      await giveBack();
      return { record: { ...record, outcome: Outcome.NOT_FOUND, reason: `RetryDataReplication: ${problem}; MGN no longer knows the server` }, entry: claimed };
    }
    after = toServerFacts(facts.sourceServerID, server);
  } catch {
    after = undefined;
  }
  const state = after?.replicationState;
  const verified = { ...record, ...(state === undefined ? {} : { replicationState: state }) };
  const refusedOnce = failure.kind === 'REFUSED' && failure.attempts === 1;
  const initiatedSinceSent = after?.initiationStartedAt !== undefined && after.initiationStartedAt >= failure.sentAt - INITIATION_CLOCK_SKEW_MS;
  const leftStalled = after !== undefined && state !== 'STALLED';
  if (!refusedOnce && (initiatedSinceSent || (leftStalled && after?.initiationStartedAt === undefined))) {
    return {
      record: { ...verified, outcome: Outcome.RETRIED, reason: `MGN answered ${problem}, but the server ${leftStalled ? `is now ${state ?? 'in an unknown state'}` : 'shows an initiation since the retry'}: the retry took effect, its answer was lost` },
      entry: claimed,
    };
  }
  if (leftStalled) {
    // Not this retry's doing (MGN's own attempt, another retry): nothing to count, nothing to do.
    await giveBack();
    return { record: { ...verified, outcome: Outcome.SKIPPED_NOT_STALLED, reason: `MGN answered ${problem}; the server is ${state ?? 'in an unknown state'} through an initiation this retry did not start` }, entry: claimed };
  }
  const reread = after !== undefined;
  if (failure.kind === 'REFUSED') {
    await bestEffort('record the refusal', claimed.key, () =>
      updateEntry(ledgerOf(invocation), claimed.key, (entry) => (entry === undefined ? undefined : recordRetryProblem(entry, `attempt ${record.attempt ?? '?'} refused: ${problem}`, now())), now(), deadline.forCleanup(), claimed),
    );
    const seen = reread ? 'MGN still reports the server STALLED' : 'the server could not be read again';
    return { record: { ...verified, outcome: Outcome.RETRY_REFUSED, reason: `MGN refused the retry (${problem}) and ${seen}: the attempt counts` }, entry: claimed };
  }
  if (!reread) {
    return {
      record: { ...verified, outcome: Outcome.FAILED, reason: `RetryDataReplication failed (${problem}) and the server could not be read again: the attempt stays counted, since the retry may have happened` },
      entry: claimed,
    };
  }
  await giveBack();
  const uncounted: Known = { ...verified, attempts: (record.attempts ?? 1) - 1 };
  delete (uncounted as { attempt?: number }).attempt;
  return {
    record: { ...uncounted, outcome: Outcome.FAILED, reason: `RetryDataReplication failed (${problem}) and the server is still STALLED: the attempt was given back and the invocation fails, so it is tried again` },
    entry: claimed,
  };
}

function dryRunOutcome(plan: StallPlan, maxAttempts: number, triaged: TriageVerdict): Pick<DecisionRecord, 'outcome' | 'reason' | 'attempt' | 'attempts'> {
  const { verdict } = plan;
  const ended = plan.endedEpisode === undefined ? '' : '; a snapshot shows the previous episode ended, so this stall is a new one';
  switch (verdict.kind) {
    case 'NEEDS_PERSON':
      return { outcome: Outcome.SKIPPED_NEEDS_PERSON, attempts: verdict.attempts, reason: `${triaged.policy}${verdict.notice === 'SEND' ? '; dry run: no notification sent' : ''}` };
    case 'MGN_ATTEMPT_PENDING':
      return { outcome: Outcome.SKIPPED_MGN_ATTEMPT_PENDING, attempts: verdict.attempts, reason: triaged.policy };
    case 'RETRY':
      return { outcome: Outcome.DRY_RUN, attempt: verdict.attempt, attempts: verdict.attempt - 1, reason: `dry run: would retry (attempt ${verdict.attempt} of ${maxAttempts})${ended}` };
    case 'COOLDOWN':
      return { outcome: Outcome.SKIPPED_COOLDOWN, attempts: verdict.attempts, reason: `last retry at ${iso(verdict.lastAttemptAt)}; the next is allowed after ${iso(verdict.retryAfter)}` };
    case 'BUDGET_SPENT':
      return {
        outcome: Outcome.SKIPPED_BUDGET_EXHAUSTED,
        attempts: verdict.attempts,
        reason: `${verdict.attempts} of ${maxAttempts} retries spent${verdict.notice === 'SEND' ? '; dry run: no notification sent' : ''}`,
      };
  }
}

/** A server's facts and the triage policy applied to it: what its notice says. */
type NoticeSource = ServerFacts & { readonly policy?: string };

function noticeFacts(facts: NoticeSource, known: Pick<DecisionRecord, 'accountID'>): Parameters<typeof sendEscalation>[1] {
  return {
    sourceServerID: facts.sourceServerID,
    accountID: known.accountID,
    initiationSteps: facts.initiationSteps,
    ...(facts.policy === undefined ? {} : { policy: facts.policy }),
    ...(facts.replicationType === undefined ? {} : { replicationType: facts.replicationType }),
    ...(facts.nextAttemptAt === undefined ? {} : { nextAttemptAt: facts.nextAttemptAt }),
    ...(facts.hostname === undefined ? {} : { hostname: facts.hostname }),
    ...(facts.replicationState === undefined ? {} : { replicationState: facts.replicationState }),
    ...(facts.lifeCycleState === undefined ? {} : { lifeCycleState: facts.lifeCycleState }),
    ...(facts.replicationError === undefined ? {} : { replicationError: facts.replicationError }),
    ...(facts.rawError === undefined ? {} : { rawError: facts.rawError }),
  };
}

function ignoredTime(time: TrustedTime): { eventTimeIgnored?: string } {
  if (time.ignored === undefined) return {};
  logger.warn('event time ignored: the decision time is used', { reason: time.ignored });
  return { eventTimeIgnored: time.ignored };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function iso(time: number | undefined): string {
  return time === undefined ? 'an unknown time' : new Date(time).toISOString();
}
