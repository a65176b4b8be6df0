import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FleetHealth } from '../decide/fleet-health';
import { MetricName } from './metric-names';
import { metrics } from './powertools';

/**
 * Publishes a sweep's fleet health as EMF gauges, one line per figure and one per replication
 * state (each state is its own `State` dimension value). With an account, the blobs
 * also carry the `AccountId` dimension (a hub's per-account figures); without, they are the
 * deployment's totals, which the dashboard and the alarms read. An unknown maximum lag is left
 * out, never published as 0.
 */
export function publishFleetHealth(health: FleetHealth, accountID?: string): void {
  // Each blob is written, and its dimensions cleared, as soon as its metric is added: one per figure.
  const publish = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number, dimensions: Record<string, string> = {}): void => {
    const blob = metrics.singleMetric();
    if (accountID !== undefined) blob.addDimension('AccountId', accountID);
    for (const [dimension, dimensionValue] of Object.entries(dimensions)) blob.addDimension(dimension, dimensionValue);
    blob.addMetric(name, unit, value);
  };
  publish(MetricName.SERVERS_LAGGING, MetricUnit.Count, health.lagging);
  if (health.maxLagSeconds !== undefined) publish(MetricName.MAX_LAG_SECONDS, MetricUnit.Seconds, health.maxLagSeconds);
  publish(MetricName.BACKLOGGED_BYTES, MetricUnit.Bytes, health.backloggedBytes);
  publish(MetricName.AGENTS_NOT_SEEN, MetricUnit.Count, health.agentsNotSeen);
  publish(MetricName.SERVERS_NEAR_FREE_PERIOD_END, MetricUnit.Count, health.nearFreePeriodEnd);
  for (const [state, count] of Object.entries(health.byState)) publish(MetricName.SERVERS_BY_REPLICATION_STATE, MetricUnit.Count, count, { State: state });
}
