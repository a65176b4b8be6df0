import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { claimAccountNotice, settleAccountNotice } from './aws/ledger-api';
import { publishNotification } from './aws/sns-api';
import { bestEffort, updateEntry, type LedgerAccess } from './attempt-ledger';
import { DeadlineExceededError, errorFacts } from './decide/errors';
import {
  formatAccountNotice,
  formatEscalation,
  formatMassStall,
  type AccountProblem,
  type EscalationFacts,
  type StalledServerLine,
} from './decide/escalation-message';
import { ESCALATION_LEASE_MS, markEscalationSent, releaseEscalation, type LedgerEntry } from './decide/stall-episode';
import type { Invocation } from './invocation';
import { logger, metrics } from './report/powertools';
import { MetricName } from './report/record';

/** Time kept inside an escalation claim's lease to record the outcome after the publish. */
const RECORD_RESERVE_MS = 15_000;

/**
 * Sends the escalation that `claimed` (an entry this invocation just wrote, escalation PENDING)
 * holds, then records it as sent. When SNS does not accept it, the claim is given back so the next
 * decision (the platform's retry of this invocation, an event or the sweep) sends it; if even that
 * write fails, the claim's lease runs out and the next decision after it sends it. Never records
 * a notice as sent unless SNS accepted it. Throws when the notice could not be sent.
 */
export async function sendEscalation(
  ledger: LedgerAccess,
  facts: Omit<EscalationFacts, 'entry' | 'now' | 'maxAttempts' | 'kind' | 'region'>,
  claimed: LedgerEntry,
  invocation: Invocation,
): Promise<void> {
  const { config, deadline, now } = invocation;
  const escalation = claimed.escalation;
  if (escalation?.state !== 'PENDING') throw new Error(`no escalation claim to send for ${claimed.key}`);
  // The publish must end inside the claim's lease (counted from the claim, not from now), so that no
  // other invocation takes the claim over and sends it too while this one is still sending.
  if (escalation.leaseUntil - now() <= RECORD_RESERVE_MS) throw new DeadlineExceededError('the notification, whose claim ran out,');
  const latest = withinLease(escalation.claimedAt, now(), deadline.forWork());
  try {
    const { subject, message } = formatEscalation({ ...facts, region: config.region, kind: escalation.kind, entry: claimed, maxAttempts: config.maxAttempts, now: now() });
    await publishNotification(config.notificationTopicArn, subject, message, latest);
  } catch (error) {
    await bestEffort('give the notification claim back', claimed.key, () =>
      updateEntry(ledger, claimed.key, (entry) => (entry === undefined ? undefined : releaseEscalation(entry, escalation.claimedAt, now())), now(), deadline.forCleanup(), claimed),
    );
    throw error;
  }
  const recorded = await bestEffort('record the notification as sent', claimed.key, () =>
    updateEntry(ledger, claimed.key, (entry) => (entry === undefined ? undefined : markEscalationSent(entry, now())), now(), deadline.forCleanup(), claimed),
  );
  if (!recorded) logger.error('notification sent but not recorded: once its claim expires it may be sent again', { key: claimed.key });
}

/** How often an account-wide problem is notified while it lasts. */
const ACCOUNT_NOTICE_QUIET_MS = 7 * 86_400_000;

/**
 * Tells a person once a week about a problem that stops every retry in an account (MGN not
 * initialized, DescribeSourceServers denied). Best effort: a failure is logged, never thrown, so a
 * permanent problem never fails the sweep.
 */
export async function noticeAccountProblem(
  problem: AccountProblem,
  accountID: string,
  error: unknown,
  invocation: Invocation,
): Promise<void> {
  const { config, deadline, now, dryRun } = invocation;
  if (dryRun) return;
  const noticeKey = `notice#${accountID}#${problem}`;
  try {
    const claimedAt = now();
    if (!(await claimAccountNotice(config.ledgerTableName, noticeKey, claimedAt, ESCALATION_LEASE_MS, deadline.forWork()))) return;
    const { subject, message } = formatAccountNotice(problem, accountID, config.region, errorFacts(error));
    try {
      await publishNotification(config.notificationTopicArn, subject, message, withinLease(claimedAt, now(), deadline.forWork()));
    } catch (publishError) {
      await settleAccountNotice(config.ledgerTableName, noticeKey, now(), now(), deadline.forCleanup());
      throw publishError;
    }
    await settleAccountNotice(config.ledgerTableName, noticeKey, now() + ACCOUNT_NOTICE_QUIET_MS, now(), deadline.forCleanup());
  } catch (noticeError) {
    logger.warn('could not send the account notice; the next sweep tries again', { problem, accountID, error: noticeError as Error });
  }
}

/** While a mass stall lasts its notice is not sent again; a sweep that finds it over lifts this. */
const MASS_STALL_QUIET_MS = 30 * 86_400_000;

function massStallKey(accountID: string): string {
  return `notice#${accountID}#MASS_STALL`;
}

/**
 * Sends the one notice of a mass stall, unless it was sent since the mass stall began (or another
 * invocation is sending it). Best effort: a failure is logged and the next decision tries again.
 */
export async function noticeMassStall(
  accountID: string,
  fleet: { stalled: number; inReplication: number },
  servers: readonly StalledServerLine[],
  invocation: Invocation,
): Promise<void> {
  const { config, deadline, now, dryRun } = invocation;
  if (dryRun) return;
  const key = massStallKey(accountID);
  try {
    const claimedAt = now();
    if (!(await claimAccountNotice(config.ledgerTableName, key, claimedAt, ESCALATION_LEASE_MS, deadline.forWork()))) return;
    const { subject, message } = formatMassStall({ accountID, region: config.region, ...fleet, servers, now: now() });
    try {
      await publishNotification(config.notificationTopicArn, subject, message, withinLease(claimedAt, now(), deadline.forWork()));
    } catch (publishError) {
      await settleAccountNotice(config.ledgerTableName, key, now(), now(), deadline.forCleanup());
      throw publishError;
    }
    metrics.addMetric(MetricName.MASS_STALL_DETECTED, MetricUnit.Count, 1);
    await settleAccountNotice(config.ledgerTableName, key, now() + MASS_STALL_QUIET_MS, now(), deadline.forCleanup());
  } catch (error) {
    logger.warn('could not send the mass-stall notice; the next decision tries again', { accountID, error: error as Error });
  }
}

/** A sweep found the mass stall over: the next one gets its own notice. Best effort. */
export async function endMassStall(accountID: string, invocation: Invocation): Promise<void> {
  const { config, deadline, now, dryRun } = invocation;
  if (dryRun) return;
  await bestEffort('record the end of the mass stall', massStallKey(accountID), () =>
    settleAccountNotice(config.ledgerTableName, massStallKey(accountID), now(), now(), deadline.forCleanup()),
  );
}

/** The latest end of a publish under a claim taken at `claimedAt`: inside its lease, and the invocation's deadline. */
function withinLease(claimedAt: number, now: number, latest: number): number {
  return Math.min(latest, performance.now() + claimedAt + ESCALATION_LEASE_MS - RECORD_RESERVE_MS - now);
}
