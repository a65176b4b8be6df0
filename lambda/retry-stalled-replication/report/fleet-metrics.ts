import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FleetHealth } from '../decide/fleet-health';
import { MetricName } from './metric-names';
import { metrics } from './powertools';

/**
 * Publishes a sweep's fleet health as EMF gauges, one line per figure and one per replication
 * state (each state is its own `State` dimension value): a single-metric blob is written as soon
 * as its metric is added. With an account, the blobs
 * also carry the `AccountId` dimension (a hub's per-account figures); without, they are the
 * deployment's totals, which the dashboard and the alarms read. An unknown maximum lag is left
 * out, never published as 0.
 */
export function publishFleetHealth(health: FleetHealth, accountID?: string): void {
  const figure = metrics.singleMetric();
  if (accountID !== undefined) figure.addDimension('AccountId', accountID);
  figure.addMetric(MetricName.SERVERS_LAGGING, MetricUnit.Count, health.lagging);
  if (health.maxLagSeconds !== undefined) figure.addMetric(MetricName.MAX_LAG_SECONDS, MetricUnit.Seconds, health.maxLagSeconds);
  figure.addMetric(MetricName.BACKLOGGED_BYTES, MetricUnit.Bytes, health.backloggedBytes);
  figure.addMetric(MetricName.AGENTS_NOT_SEEN, MetricUnit.Count, health.agentsNotSeen);
  figure.addMetric(MetricName.SERVERS_NEAR_FREE_PERIOD_END, MetricUnit.Count, health.nearFreePeriodEnd);
  for (const [state, count] of Object.entries(health.byState)) {
    const byState = metrics.singleMetric();
    if (accountID !== undefined) byState.addDimension('AccountId', accountID);
    byState.addDimension('State', state);
    byState.addMetric(MetricName.SERVERS_BY_REPLICATION_STATE, MetricUnit.Count, count);
  }
}
