import { claimAccountNotice, settleAccountNotice } from './aws/ledger-api';
import { publishNotification } from './aws/sns-api';
import { bestEffort, updateEntry, type LedgerAccess } from './attempt-ledger';
import { errorFacts } from './decide/errors';
import { formatAccountNotice, formatEscalation, type AccountProblem, type EscalationFacts } from './decide/escalation-message';
import { ESCALATION_LEASE_MS, markEscalationSent, releaseEscalation, type LedgerEntry } from './decide/stall-episode';
import type { Invocation } from './invocation';
import { logger } from './report/powertools';

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
  // The publish must end inside the lease, so that no other invocation takes the claim over meanwhile.
  const latest = Math.min(deadline.forWork(), performance.now() + ESCALATION_LEASE_MS - RECORD_RESERVE_MS);
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
    if (!(await claimAccountNotice(config.ledgerTableName, noticeKey, now(), ESCALATION_LEASE_MS, deadline.forWork()))) return;
    const { subject, message } = formatAccountNotice(problem, accountID, config.region, errorFacts(error));
    try {
      await publishNotification(config.notificationTopicArn, subject, message, deadline.forWork());
    } catch (publishError) {
      await settleAccountNotice(config.ledgerTableName, noticeKey, now(), now(), deadline.forCleanup());
      throw publishError;
    }
    await settleAccountNotice(config.ledgerTableName, noticeKey, now() + ACCOUNT_NOTICE_QUIET_MS, now(), deadline.forCleanup());
  } catch (noticeError) {
    logger.warn('could not send the account notice; the next sweep tries again', { problem, accountID, error: noticeError as Error });
  }
}
