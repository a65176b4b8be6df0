import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Outcome, type ServerResult, type Trigger } from './outcomes';
import { logger, metrics } from './powertools';

/** Everything known about one server's decision: the result entry plus what explains it. */
export interface DecisionRecord extends ServerResult {
  readonly trigger: Trigger;
  readonly accountID: string;
  readonly dryRun: boolean;
  readonly replicationState?: string;
  readonly lifeCycleState?: string;
  /** The MGN error code behind a NOT_FOUND, SKIPPED_* or FAILED outcome, when MGN answered with one. */
  readonly mgnErrorCode?: string;
  /** The error behind a FAILED outcome that did not come from MGN (DynamoDB, SNS, network). */
  readonly errorCode?: string;
  /** Retries made in the current stall episode. */
  readonly attempts?: number;
  /** Set when this decision sent the episode's budget-exhausted notification. */
  readonly escalated?: boolean;
  /** Set when this decision closed a stall episode: how long it lasted. */
  readonly stallSeconds?: number;
}

/** Metric names (contract: DESIGN.md). */
export const MetricName = {
  REPLICATION_RETRIED: 'ReplicationRetried',
  RETRY_SKIPPED: 'RetrySkipped',
  RETRY_FAILED: 'RetryFailed',
  RETRY_BUDGET_EXHAUSTED: 'RetryBudgetExhausted',
  REPLICATION_RECOVERED: 'ReplicationRecovered',
  STALL_DURATION: 'StallDuration',
  STALLED_SERVERS_FOUND: 'StalledServersFound',
  INVALID_INPUT: 'InvalidInput',
} as const;

/** Records a decision (log line and metrics) and returns its public result entry. */
export function finish(record: DecisionRecord): ServerResult {
  recordDecision(record);
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
    logger.info('replication retry decision', { ...record });
  }
  countOutcome(record);
}

function countOutcome(record: DecisionRecord): void {
  switch (record.outcome) {
    case Outcome.RETRIED:
      metrics.addMetric(MetricName.REPLICATION_RETRIED, MetricUnit.Count, 1);
      return;
    case Outcome.FAILED:
      metrics.addMetric(MetricName.RETRY_FAILED, MetricUnit.Count, 1);
      return;
    case Outcome.RECOVERED:
      // Only a decision that closed an episode counts; a duplicate or stale NOT_STALLED does not.
      if (record.stallSeconds !== undefined) {
        metrics.addMetric(MetricName.REPLICATION_RECOVERED, MetricUnit.Count, 1);
        metrics.addMetric(MetricName.STALL_DURATION, MetricUnit.Seconds, record.stallSeconds);
      }
      return;
    default: {
      if (record.escalated === true) metrics.addMetric(MetricName.RETRY_BUDGET_EXHAUSTED, MetricUnit.Count, 1);
      // Each skip reason is its own series; a single-metric blob carries the Reason dimension.
      const skipped = metrics.singleMetric();
      skipped.addDimension('Reason', record.outcome);
      skipped.addMetric(MetricName.RETRY_SKIPPED, MetricUnit.Count, 1);
    }
  }
}
