import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_CONFIG, type MgnStallRetryConfig } from './config';
import { RetryMonitoring } from './retry-monitoring';
import { SavedQueries } from './saved-queries';
import { StalledReplicationRetry } from './stalled-replication-retry';

export interface MgnStallRetryStackProps extends StackProps {
  /**
   * The validated settings (lib/config.ts).
   * @default DEFAULT_CONFIG
   */
  readonly config?: MgnStallRetryConfig;
}

/** One deployment of mgn-stall-retry: everything for one account and Region. */
export class MgnStallRetryStack extends Stack {
  public readonly retry: StalledReplicationRetry;
  public readonly monitoring: RetryMonitoring;

  constructor(scope: Construct, id: string, props: MgnStallRetryStackProps = {}) {
    super(scope, id, props);
    this.retry = new StalledReplicationRetry(this, 'StalledReplicationRetry', props.config ?? DEFAULT_CONFIG);
    this.monitoring = new RetryMonitoring(this, 'Monitoring', { retry: this.retry });
    new SavedQueries(this, 'SavedQueries', { retry: this.retry });
    // What an operator looks up after deploying (docs/operations.md: testing by hand, redriving; README.md: clean-up).
    const outputs: [id: string, value: string, description: string][] = [
      ['FunctionName', this.retry.function.functionName, 'Invoke this function with a payload from events/ to retry servers by hand'],
      ['NotificationTopicArn', this.retry.notificationTopic.topicArn, 'Subscribe to this topic for escalations and alarms'],
      ['DashboardName', this.monitoring.dashboard.dashboardName, 'CloudWatch dashboard of stall events, retries, skips, recoveries and queues'],
      ['DeliveryDeadLetterQueueUrl', this.retry.deliveryDeadLetterQueue.queueUrl, 'Events EventBridge could not deliver to the function'],
      ['FailedInvocationQueueUrl', this.retry.failedInvocationQueue.queueUrl, 'Invocations that failed after Lambda retries: event and error'],
      ['LedgerTableName', this.retry.ledgerTable.tableName, 'The attempt ledger: one item per server with its current stall episode'],
    ];
    for (const [outputId, value, description] of outputs) new CfnOutput(this, outputId, { value, description });
  }
}
