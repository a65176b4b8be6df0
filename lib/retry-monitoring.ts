import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Outcome } from '../lambda/retry-stalled-replication/decide/outcomes';
import { DECISION_LOG_MESSAGE } from '../lambda/retry-stalled-replication/report/metric-names';
import { FleetHealthMonitoring } from './fleet-health-monitoring';
import { METRIC_NAMESPACE, SERVICE_NAME, type StalledReplicationRetry } from './stalled-replication-retry';

/** Every `Reason` the function gives `RetrySkipped`: the outcomes that are neither a retry, a recovery nor a failure. */
export const SKIP_REASONS = Object.values(Outcome).filter(
  (outcome) => outcome !== Outcome.RETRIED && outcome !== Outcome.RECOVERED && outcome !== Outcome.FAILED,
);

const PERIOD = Duration.minutes(5);

export interface RetryMonitoringProps {
  /** What to watch. Alarms notify its notification topic. */
  readonly retry: StalledReplicationRetry;
}

/**
 * Alarms (each notifying the notification topic) and a dashboard for mgn-stall-retry: what a
 * migration team looks at to know the remediation is working and when it needs a person.
 */
export class RetryMonitoring extends Construct {
  public readonly alarms: readonly cloudwatch.Alarm[];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RetryMonitoringProps) {
    super(scope, id);
    const { retry } = props;
    const fn = retry.function;
    const custom = (metricName: string, statistic = 'Sum', label?: string, dimensions: Record<string, string> = {}): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME, ...dimensions },
        statistic,
        period: PERIOD,
        ...(label === undefined ? {} : { label }),
      });
    const queueDepth = (queue: sqs.Queue, label?: string): cloudwatch.IMetric =>
      queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD, ...(label ? { label } : {}) });

    const anyAtAll = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      description: string,
      periods = 1,
    ): cloudwatch.Alarm => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(retry.notificationTopic));
      return alarm;
    };

    const fleetHealth = new FleetHealthMonitoring(this, 'FleetHealth', { retry });
    this.alarms = [
      anyAtAll(
        'FunctionErrorsAlarm',
        // Invalid input (a bad payload of a test by hand) is the caller's error, not the function's:
        // it is left out here and shown on the dashboard's "Invalid input" line.
        new cloudwatch.MathExpression({
          expression: 'FILL(errors, 0) - FILL(invalidInput, 0)',
          usingMetrics: {
            errors: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
            invalidInput: custom('InvalidInput'),
          },
          period: PERIOD,
          label: 'Function errors other than invalid input',
        }),
        'mgn-stall-retry: the function failed (a server FAILED, or a crash); invalid input is not counted here. ' +
          'Lambda retries it twice; see the function log for "replication retry failed" lines.',
      ),
      anyAtAll(
        'FunctionThrottlesAlarm',
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        'mgn-stall-retry: invocations throttled for 15 minutes. Lambda keeps retrying them for up to 6 hours; ' +
          "if this persists, raise the account's Lambda concurrency quota, or reservedConcurrency if one is set.",
        3,
      ),
      anyAtAll(
        'DeliveryDeadLetterQueueAlarm',
        queueDepth(retry.deliveryDeadLetterQueue),
        'mgn-stall-retry: EventBridge could not deliver events to the function. See docs/operations.md, "Where failed work goes".',
      ),
      anyAtAll(
        'FailedInvocationQueueAlarm',
        queueDepth(retry.failedInvocationQueue),
        'mgn-stall-retry: invocations failed after Lambda\'s retries. See docs/operations.md, "Where failed work goes".',
      ),
      anyAtAll(
        'RetryBudgetExhaustedAlarm',
        custom('RetryBudgetExhausted'),
        'mgn-stall-retry: a server is still stalled after its retry budget, or has been stalled too long; a person ' +
          'needs to act. The notification names the server and its error.',
      ),
      ...fleetHealth.alarms,
    ];

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
    });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const triggered = (rule: { ruleName: string }, label: string): cloudwatch.Metric =>
      new cloudwatch.Metric({ namespace: 'AWS/Events', metricName: 'TriggeredRules', dimensionsMap: { RuleName: rule.ruleName }, statistic: 'Sum', period: PERIOD, label });
    const stallEvents = [
      triggered(retry.stallEventRule, retry.hubStallEventRule === undefined ? 'Stall and recovery events' : 'Stall and recovery events (hub account)'),
      ...(retry.hubStallEventRule === undefined ? [] : [triggered(retry.hubStallEventRule, 'Stall and recovery events (spoke accounts)')]),
    ];
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '# mgn-stall-retry\nStalled MGN replication retried automatically. ' +
          '**Budget exhausted** means a server needs a person: the notification names it.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 24, height: 3 }));
    this.dashboard.addWidgets(
      graph('Stall events', [...stallEvents, custom('StalledServersFound', 'Sum', 'Stalled servers found by the sweep')]),
      graph('Retries', [custom('ReplicationRetried', 'Sum', 'Replication retried')]),
      graph('Recoveries', [custom('ReplicationRecovered', 'Sum', 'Replication recovered')]),
    );
    this.dashboard.addWidgets(
      graph('Skips by reason', SKIP_REASONS.map((reason) => custom('RetrySkipped', 'Sum', reason, { Reason: reason }))),
      graph('Stall duration (seconds)', [custom('StallDuration', 'p50', 'p50'), custom('StallDuration', 'Maximum', 'max')]),
      graph('Budget exhausted', [custom('RetryBudgetExhausted', 'Sum', 'Servers needing a person')]),
    );
    this.dashboard.addWidgets(
      graph('Errors', [
        fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: 'Function errors' }),
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: 'Throttles' }),
        custom('RetryFailed', 'Sum', 'Servers FAILED'),
        custom('InvalidInput', 'Sum', 'Invalid input'),
      ]),
      graph('Queue depths', [
        queueDepth(retry.deliveryDeadLetterQueue, 'Undelivered events'),
        queueDepth(retry.failedInvocationQueue, 'Failed invocations'),
      ]),
      graph('Function duration (ms)', [
        fn.metricDuration({ period: PERIOD, statistic: 'p50', label: 'p50' }),
        fn.metricDuration({ period: PERIOD, statistic: 'Maximum', label: 'max' }),
      ]),
    );
    const [fleetHeading, ...fleetGraphs] = fleetHealth.widgets;
    if (fleetHeading !== undefined) this.dashboard.addWidgets(fleetHeading);
    if (fleetGraphs.length > 0) this.dashboard.addWidgets(...fleetGraphs);
    // Per account from the decision lines, not from metrics with an account dimension: each
    // dimension value would be a custom metric of its own, billed monthly for every account,
    // metric and reason, and alarms would need metric math to add them up again. The lines carry
    // the account already; accounts appear here as they join, with no deploy.
    this.dashboard.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Decisions per account and outcome',
        logGroupNames: [retry.logGroup.logGroupName],
        queryLines: [`filter message = "${DECISION_LOG_MESSAGE}"`, 'stats count(*) as decisions by accountID, outcome', 'sort accountID asc, decisions desc'],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 24,
        height: 6,
      }),
    );
  }
}
