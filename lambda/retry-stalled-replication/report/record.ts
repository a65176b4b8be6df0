import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Outcome, type ServerResult, type Trigger } from '../decide/outcomes';
import type { EscalationKind } from '../decide/stall-episode';
import { recordDecisionEvent } from './decision-events';
import { MetricName, DECISION_LOG_MESSAGE } from './metric-names';
import { logger, metrics } from './powertools';

/** Everything known about one server's decision: the result entry plus what explains it. */
export interface DecisionRecord extends ServerResult {
  readonly trigger: Trigger;
  readonly accountID: string;
  readonly dryRun: boolean;
  readonly replicationState?: string;
  readonly lifeCycleState?: string;
  /** The MGN error code behind an outcome, when MGN answered with one. */
  readonly mgnErrorCode?: string;
  /** The error behind a FAILED outcome that did not come from MGN (DynamoDB, SNS, network, deadline). */
  readonly errorCode?: string;
  /** Attempts made in the current stall episode. */
  readonly attempts?: number;
  /** Set when this decision sent the episode's notification, and why. */
  readonly escalated?: EscalationKind;
  /** Set when this decision ended a stall episode because the server replicated again: how long it lasted. */
  readonly stallSeconds?: number;
  /** Set when the reported event time could not be trusted, and the decision time was used. */
  readonly eventTimeIgnored?: string;
  /** Set when the server's ledger item was malformed and rewritten. */
  readonly ledgerRepaired?: string;
  readonly hostname?: string;
  /** `dataReplicationInfo.dataReplicationError.error`. */
  readonly replicationError?: string;
  /** The replication initiation step that FAILED. */
  readonly failedStep?: string;
  /** When the server's stall episode began (epoch ms). */
  readonly episodeStartedAt?: number;
}

/** Records a decision (log line, metrics, decision event) and returns its public result entry. */
export function finish(record: DecisionRecord): ServerResult {
  recordDecision(record);
  recordDecisionEvent(record);
  const { sourceServerID, outcome, reason, attempt } = record;
  return {
    sourceServerID,
    outcome,
    ...(reason === undefined ? {} : { reason }),
    ...(attempt === undefined ? {} : { attempt }),
  };
}

/** Writes the one structured log line of a decision and counts it in the metrics. */
function recordDecision(record: DecisionRecord): void {
  // Top-level keys, so CloudWatch Logs Insights can filter on `outcome` or `sourceServerID`.
  if (record.outcome === Outcome.FAILED) {
    logger.error('replication retry failed', { ...record });
  } else {
    logger.info(DECISION_LOG_MESSAGE, { ...record });
  }
  countOutcome(record);
}

function countOutcome(record: DecisionRecord): void {
  // A decision that ended an episode (a recovery, or a new stall after a snapshot showed one) counts it.
  if (record.stallSeconds !== undefined) {
    metrics.addMetric(MetricName.REPLICATION_RECOVERED, MetricUnit.Count, 1);
    metrics.addMetric(MetricName.STALL_DURATION, MetricUnit.Seconds, record.stallSeconds);
  }
  if (record.escalated === 'ACCESS_DENIED' || record.escalated === 'NEEDS_PERSON') metrics.addMetric(MetricName.ESCALATED_WITHOUT_RETRY, MetricUnit.Count, 1);
  else if (record.escalated !== undefined) metrics.addMetric(MetricName.RETRY_BUDGET_EXHAUSTED, MetricUnit.Count, 1);
  switch (record.outcome) {
    case Outcome.RETRIED:
      metrics.addMetric(MetricName.REPLICATION_RETRIED, MetricUnit.Count, 1);
      return;
    case Outcome.FAILED:
      metrics.addMetric(MetricName.RETRY_FAILED, MetricUnit.Count, 1);
      return;
    case Outcome.RECOVERED:
      return;
    case Outcome.SKIPPED_MGN_NOT_INITIALIZED:
      metrics.addMetric(MetricName.MGN_NOT_INITIALIZED, MetricUnit.Count, 1);
      countSkip(record.outcome);
      return;
    default:
      countSkip(record.outcome);
  }
}

/** Each skip reason is its own series; a single-metric blob carries the Reason dimension. */
function countSkip(reason: string): void {
  const skipped = metrics.singleMetric();
  skipped.addDimension('Reason', reason);
  skipped.addMetric(MetricName.RETRY_SKIPPED, MetricUnit.Count, 1);
}
