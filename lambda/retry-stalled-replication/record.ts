import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Outcome, type ServerResult, type Trigger } from './outcomes';
import { logger, metrics } from './powertools';

/** Everything known about one server's decision: the result entry plus what explains it. */
export interface DecisionRecord extends ServerResult {
  readonly trigger: Trigger;
  readonly accountID: string;
  readonly replicationState?: string;
  readonly lifeCycleState?: string;
  /** The MGN error code behind a NOT_FOUND, SKIPPED_* or FAILED outcome, when there was one. */
  readonly mgnErrorCode?: string;
}

/** Metric names (contract: DESIGN.md). */
export const MetricName = {
  REPLICATION_RETRIED: 'ReplicationRetried',
  RETRY_SKIPPED: 'RetrySkipped',
  RETRY_FAILED: 'RetryFailed',
  INVALID_INPUT: 'InvalidInput',
} as const;

/** Writes the one structured log line of a decision and counts it in the metrics. */
export function recordDecision(record: DecisionRecord): void {
  // Top-level keys, so CloudWatch Logs Insights can filter on `outcome` or `sourceServerID`.
  if (record.outcome === Outcome.FAILED) {
    logger.error('replication retry failed', { ...record });
  } else {
    logger.info('replication retry decision', { ...record });
  }
  countOutcome(record.outcome);
}

function countOutcome(outcome: Outcome): void {
  switch (outcome) {
    case Outcome.RETRIED:
      metrics.addMetric(MetricName.REPLICATION_RETRIED, MetricUnit.Count, 1);
      return;
    case Outcome.FAILED:
      metrics.addMetric(MetricName.RETRY_FAILED, MetricUnit.Count, 1);
      return;
    default: {
      // Each skip reason is its own series; a single-metric blob carries the Reason dimension.
      const skipped = metrics.singleMetric();
      skipped.addDimension('Reason', outcome);
      skipped.addMetric(MetricName.RETRY_SKIPPED, MetricUnit.Count, 1);
    }
  }
}
