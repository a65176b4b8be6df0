import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { claimAccountNotice, readAccountNotice, settleAccountNotice } from './aws/ledger-api';
import { bestEffort, updateEntry, type LedgerAccess } from './attempt-ledger';
import { DeadlineExceededError, errorFacts } from './decide/errors';
import { massStallEvent } from './decide/decision-event';
import { consoleUrl } from './decide/console-link';
import type { AccountProblem, EscalationFacts, Notice } from './decide/escalation-message';
import type { StalledServerLine } from './decide/mass-stall';
import type { OpsItemDraft } from './decide/ops-item';
import { ESCALATION_LEASE_MS, markEscalationSent, recordOpsItem, releaseEscalation, type LedgerEntry } from './decide/stall-episode';
import type { Invocation } from './invocation';
import { recordEvent } from './report/decision-events';
import { MetricName } from './report/metric-names';
import { logger, metrics } from './report/powertools';

/**
 * The texts of notices and OpsItems, loaded with the first notice: a decision that sends none (a
 * retry, a skip) never parses them.
 */
async function noticeText(): Promise<typeof import('./decide/escalation-message') & typeof import('./decide/ops-item')> {
  const [messages, opsItems] = await Promise.all([import('./decide/escalation-message'), import('./decide/ops-item')]);
  return { ...messages, ...opsItems };
}

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
  const claim = { claimedAt: escalation.claimedAt, episodeStartedAt: claimed.episodeStartedAt };
  const { formatEscalation, opsItemDraft } = await noticeText();
  const notice = formatEscalation({ ...facts, region: config.region, kind: escalation.kind, entry: claimed, maxAttempts: config.maxAttempts, now: now() });
  // The OpsItem first: its deduplication makes a second try after a failed publish find the same one.
  const opsItemId = config.opsItems
    ? await openOpsItemQuietly(
        opsItemDraft(escalation.kind, {
          title: notice.subject,
          text: notice.message,
          accountID: facts.accountID,
          episode: `${facts.sourceServerID}:${claimed.episodeStartedAt}`,
          data: {
            SourceServer: facts.sourceServerID,
            Hostname: facts.hostname,
            AccountRegion: `${facts.accountID}/${config.region}`,
            Error: facts.replicationError,
            FailedStep: facts.initiationSteps?.find((step) => step.status === 'FAILED')?.name,
            Attempts: `${claimed.attemptTimes.length} of ${config.maxAttempts}`,
            Cause: escalation.kind,
            ConsoleUrl: consoleUrl(config.region, facts.sourceServerID),
          },
        }),
        latest,
      )
    : undefined;
  // Recorded before the send: if the notice must wait for a later decision, the episode's end still resolves it.
  let current = claimed;
  if (opsItemId !== undefined) {
    await bestEffort('record the OpsItem', claimed.key, async () => {
      const update = await updateEntry(ledger, claimed.key, (entry) => (entry === undefined ? undefined : recordOpsItem(entry, claim, opsItemId, now())), now(), latest, claimed);
      if (update.changed && update.entry !== undefined) current = update.entry;
    });
  }
  try {
    await publishNotification(config.notificationTopicArn, notice, latest);
  } catch (error) {
    await bestEffort('give the notification claim back', claimed.key, () =>
      updateEntry(ledger, claimed.key, (entry) => (entry === undefined ? undefined : releaseEscalation(entry, claim, now())), now(), deadline.forCleanup(), current),
    );
    throw error;
  }
  const recorded = await bestEffort('record the notification as sent', claimed.key, async () =>
    (await updateEntry(ledger, claimed.key, (entry) => (entry === undefined ? undefined : markEscalationSent(entry, claim, now(), opsItemId)), now(), deadline.forCleanup(), current)).changed,
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
    const { formatAccountNotice } = await noticeText();
    const notice = formatAccountNotice(problem, accountID, config.region, errorFacts(error));
    try {
      await publishNotification(config.notificationTopicArn, notice, withinLease(claimedAt, now(), deadline.forWork()));
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

/** What a mass-stall notice needs once its claim is held: the fleet and the servers to name. */
export interface MassStallFindings {
  readonly fleet: { readonly stalled: number; readonly inReplication: number };
  readonly servers: readonly StalledServerLine[];
}

/**
 * Sends the one notice of a mass stall, unless it went out since the mass stall began or another
 * invocation is sending it. `seenAt` is the time of the census the caller judged by: a notice
 * lifted since cannot be claimed on it (a stale view of a mass stall already over). `confirm` runs
 * only once this invocation holds the claim and gives what to send, or undefined when a fresh look
 * shows no mass stall after all (the claim is given back). Best effort: a failure is logged, and
 * the next decision tries again. True when this invocation sent it.
 */
export async function noticeMassStall(
  accountID: string,
  seenAt: number,
  confirm: () => Promise<MassStallFindings | undefined>,
  invocation: Invocation,
): Promise<boolean> {
  const { config, deadline, now, dryRun } = invocation;
  if (dryRun) return false;
  const key = massStallKey(accountID);
  try {
    const claimedAt = now();
    if (!(await claimAccountNotice(config.ledgerTableName, key, claimedAt, ESCALATION_LEASE_MS, deadline.forWork(), seenAt))) return false;
    const findings = await confirm().catch((error: unknown) => {
      logger.warn('could not confirm the mass stall; the next decision tries again', { accountID, error: error as Error });
      return undefined;
    });
    if (findings === undefined) {
      await settleAccountNotice(config.ledgerTableName, key, now(), now(), deadline.forCleanup());
      return false;
    }
    const { fleet, servers } = findings;
    const { formatMassStall, opsItemDraft } = await noticeText();
    const notice = formatMassStall({ accountID, region: config.region, ...fleet, servers, now: now() });
    const latest = withinLease(claimedAt, now(), deadline.forWork());
    const opsItemId = config.opsItems
      ? await openOpsItemQuietly(
          opsItemDraft('MASS_STALL', {
            title: notice.subject,
            text: notice.message,
            accountID,
            // One identity for every mass stall of the account: OpsCenter finds the open one
            // (a retry after a failed publish, the notice again after 30 days), and a
            // resolved one no longer matches, so the next mass stall gets its own.
            episode: 'mass-stall',
            data: { AccountRegion: `${accountID}/${config.region}`, Stalled: `${fleet.stalled} of ${fleet.inReplication}`, Cause: 'MASS_STALL' },
          }),
          latest,
        )
      : undefined;
    try {
      await publishNotification(config.notificationTopicArn, notice, latest);
    } catch (publishError) {
      await settleAccountNotice(config.ledgerTableName, key, now(), now(), deadline.forCleanup());
      throw publishError;
    }
    metrics.addMetric(MetricName.MASS_STALL_DETECTED, MetricUnit.Count, 1);
    recordEvent((region) => massStallEvent({ accountID, ...fleet, servers }, region));
    await settleAccountNotice(config.ledgerTableName, key, now() + MASS_STALL_QUIET_MS, now(), deadline.forCleanup(), opsItemId === undefined ? {} : { opsItemId });
    return true;
  } catch (error) {
    logger.warn('could not send the mass-stall notice; the next decision tries again', { accountID, error: error as Error });
    return false;
  }
}

/**
 * A census shows no mass stall: if a mass-stall notice is out, the mass stall is over. Its OpsItem
 * is resolved, and the notice lifted, so that the next mass stall gets its own notice and an event
 * still judging by an older census cannot send a stale one. Best effort (the next sweep retries).
 */
export async function liftMassStall(accountID: string, invocation: Invocation): Promise<boolean> {
  const { config, deadline, now, dryRun } = invocation;
  if (dryRun) return false;
  const key = massStallKey(accountID);
  try {
    const notice = await readAccountNotice(config.ledgerTableName, key, deadline.forWork());
    if (notice?.sentUntil === undefined || notice.sentUntil <= now()) return false;
    if (notice.opsItemId !== undefined) {
      await resolveOpsItemQuietly(notice.opsItemId, 'the mass stall is over: fewer servers stalled than the threshold', deadline.forWork());
    }
    await settleAccountNotice(config.ledgerTableName, key, now(), now(), deadline.forCleanup(), { liftedAt: now() });
    return true;
  } catch (error) {
    logger.warn('could not lift the mass-stall notice; the next sweep tries again', { accountID, error: error as Error });
    return false;
  }
}

/**
 * Opens the notice's OpsItem (setting `opsItems`), loading the Systems Manager client only then.
 * Best effort: a failure is logged, the notice still goes out, and the ledger records no OpsItem.
 */
async function openOpsItemQuietly(draft: OpsItemDraft, latest: number): Promise<string | undefined> {
  try {
    const { openOpsItem } = await import('./aws/ssm-api');
    return await openOpsItem(draft, latest);
  } catch (error) {
    logger.warn('could not open the OpsItem; the notification goes out without it', { error: error as Error });
    return undefined;
  }
}

/** Resolves an episode's OpsItem once its server replicates again. Best effort, logged. */
export async function resolveOpsItemQuietly(opsItemId: string, resolution: string, latest: number): Promise<void> {
  try {
    const { resolveOpsItem } = await import('./aws/ssm-api');
    await resolveOpsItem(opsItemId, resolution, latest);
  } catch (error) {
    logger.warn('could not resolve the OpsItem; resolve it in OpsCenter', { opsItemId, error: error as Error });
  }
}

/** The latest end of a publish under a claim taken at `claimedAt`: inside its lease, and the invocation's deadline. */
function withinLease(claimedAt: number, now: number, latest: number): number {
  return Math.min(latest, performance.now() + claimedAt + ESCALATION_LEASE_MS - RECORD_RESERVE_MS - now);
}

/**
 * Publishes through SNS, loading its client (a chunk of its own in the bundle) only when a notice
 * goes out: most invocations send none, and a plain retry's cold start does not parse it.
 */
async function publishNotification(topicArn: string, notice: Notice, latest: number): Promise<void> {
  const sns = await import('./aws/sns-api');
  await sns.publishNotification(topicArn, notice, latest);
}
