import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { REPLICATION_STATES } from '../lambda/retry-stalled-replication/decide/fleet-health';
import { MetricName } from '../lambda/retry-stalled-replication/report/metric-names';
import { sweepIntervalMinutes } from './config';
import { METRIC_NAMESPACE, SERVICE_NAME, type StalledReplicationRetry } from './stalled-replication-retry';

const DAY_MINUTES = 1440;
/** CloudWatch evaluates an alarm over at most 7 days: two sweeps must fit in it. */
const LONGEST_ALARMED_INTERVAL_MINUTES = 3.5 * DAY_MINUTES;

/**
 * An alarm that fires when two consecutive sweeps breach: one period per sweep interval (5 minutes
 * to a day), and for sweeps more than a day apart, daily periods covering two sweeps. Undefined
 * when CloudWatch cannot evaluate two sweeps (unknown interval, or over 3.5 days apart).
 */
export function twoSweepsWindow(intervalMinutes: number | undefined): { periodMinutes: number; evaluationPeriods: number } | undefined {
  if (intervalMinutes === undefined || intervalMinutes > LONGEST_ALARMED_INTERVAL_MINUTES) return undefined;
  if (intervalMinutes <= DAY_MINUTES) return { periodMinutes: Math.max(5, intervalMinutes), evaluationPeriods: 2 };
  return { periodMinutes: DAY_MINUTES, evaluationPeriods: 2 * Math.ceil(intervalMinutes / DAY_MINUTES) };
}

export interface FleetHealthMonitoringProps {
  readonly retry: StalledReplicationRetry;
}

/**
 * The sweep's fleet-health figures on the dashboard (a "Fleet health" row) and as alarms: lagging
 * servers by default, silent agents and the end of free replication when their settings ask for it.
 * Every figure is a gauge published once per sweep, so widgets and alarms read its Maximum over one
 * sweep interval (`twoSweepsWindow`). Without a sweep there are no figures and no alarms.
 */
export class FleetHealthMonitoring extends Construct {
  public readonly alarms: readonly cloudwatch.Alarm[];
  public readonly widgets: readonly cloudwatch.IWidget[];

  constructor(scope: Construct, id: string, props: FleetHealthMonitoringProps) {
    super(scope, id);
    const { retry } = props;
    const { config } = retry;
    const sweeping = config.sweepSchedule !== 'off';
    const interval = sweepIntervalMinutes(config.sweepSchedule);
    const window = twoSweepsWindow(interval);
    const period = Duration.minutes(window?.periodMinutes ?? 60);
    const gauge = (metricName: string, label?: string, dimensions: Record<string, string> = {}): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME, ...dimensions },
        statistic: 'Maximum',
        period,
        ...(label === undefined ? {} : { label }),
      });

    const alarmOn = (alarmId: string, metricName: string, servers: number | 'off', description: string): cloudwatch.Alarm[] => {
      if (servers === 'off' || !sweeping) return [];
      if (window === undefined) {
        Annotations.of(this).addWarningV2(
          `mgn-stall-retry:fleet-alarm-${alarmId}`,
          `${alarmId} is not created: CloudWatch cannot evaluate two consecutive sweeps of the schedule ${config.sweepSchedule} ` +
            '(a cron whose gaps depend on the day, or sweeps over 3.5 days apart). Use a rate or a cron that fires on the same hours every day.',
        );
        return [];
      }
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric: gauge(metricName),
        threshold: servers,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: window.evaluationPeriods,
        datapointsToAlarm: 2,
        // A sweep that could not read every page publishes nothing: keep the alarm's state.
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
      });
      alarm.addAlarmAction(new actions.SnsAction(retry.notificationTopic));
      alarm.addOkAction(new actions.SnsAction(retry.notificationTopic));
      return [alarm];
    };
    this.alarms = [
      ...alarmOn(
        'ServersLaggingAlarm',
        MetricName.SERVERS_LAGGING,
        config.lagAlarmServers,
        `mgn-stall-retry: ${config.lagAlarmServers} or more servers lagged more than ${config.lagThresholdMinutes} minutes behind their source ` +
          'in two sweeps in a row. A cutover now would lose that much data. Run the saved query "mgn-stall-retry/Which servers lag" for their names.',
      ),
      ...alarmOn(
        'AgentsNotSeenAlarm',
        MetricName.AGENTS_NOT_SEEN,
        config.agentsNotSeenAlarmServers,
        `mgn-stall-retry: MGN has not heard from ${config.agentsNotSeenAlarmServers} or more replication agents for over ` +
          `${config.agentSilenceMinutes} minutes, in two sweeps in a row. Check that those source machines are up and reach MGN on port 443.`,
      ),
      ...alarmOn(
        'NearFreePeriodEndAlarm',
        MetricName.SERVERS_NEAR_FREE_PERIOD_END,
        config.nearFreePeriodEndAlarmServers,
        `mgn-stall-retry: ${config.nearFreePeriodEndAlarmServers} or more servers are within about ${config.freePeriodWarningDays} days of the ` +
          'end of their 2,160 free replication hours (an estimate), after which MGN bills per server-hour. Cut them over or plan the cost.',
      ),
    ];

    const graph = (title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title, left, width: 4, height: 6, ...options });
    this.widgets =
      !sweeping
        ? [new cloudwatch.TextWidget({ markdown: '### Fleet health\nThe sweep is off (`sweepSchedule`), so no fleet-health figures are published.', width: 24, height: 2 })]
        : [
            new cloudwatch.TextWidget({
              markdown: '### Fleet health\nFrom each sweep: one point per sweep. The free-period figure is an estimate from MGN\'s elapsed replication time.',
              width: 24,
              height: 2,
            }),
            graph('Servers by replication state', REPLICATION_STATES.map((state) => gauge(MetricName.SERVERS_BY_REPLICATION_STATE, state, { State: state })), { stacked: true }),
            graph(`Servers lagging > ${config.lagThresholdMinutes} min`, [gauge(MetricName.SERVERS_LAGGING, 'Servers lagging')]),
            graph('Max lag (seconds)', [gauge(MetricName.MAX_LAG_SECONDS, 'Max lag')]),
            graph('Backlog (bytes)', [gauge(MetricName.BACKLOGGED_BYTES, 'Backlogged bytes')]),
            graph(`Agents not seen > ${config.agentSilenceMinutes} min`, [gauge(MetricName.AGENTS_NOT_SEEN, 'Agents not seen')]),
            graph(`Near free-period end (≤ ${config.freePeriodWarningDays} d)`, [gauge(MetricName.SERVERS_NEAR_FREE_PERIOD_END, 'Servers (estimate)')]),
          ];
  }
}
