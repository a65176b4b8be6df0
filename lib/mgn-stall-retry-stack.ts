import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_CONFIG, type MgnStallRetryConfig } from './config';
import { RetryMonitoring } from './retry-monitoring';
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
    new CfnOutput(this, 'FunctionName', {
      description: 'Invoke this function with a payload from events/ to retry servers by hand',
      value: this.retry.function.functionName,
    });
    new CfnOutput(this, 'NotificationTopicArn', {
      description: 'Subscribe to this topic for budget-exhausted notifications',
      value: this.retry.notificationTopic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard of stall events, retries, skips, recoveries and queues',
      value: this.monitoring.dashboard.dashboardName,
    });
    new CfnOutput(this, 'DeliveryDeadLetterQueueUrl', {
      description: 'Events EventBridge could not deliver to the function',
      value: this.retry.deliveryDeadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'FailedInvocationQueueUrl', {
      description: 'Invocations that failed after Lambda retries: event and error',
      value: this.retry.failedInvocationQueue.queueUrl,
    });
    new CfnOutput(this, 'LedgerTableName', {
      description: 'The attempt ledger: one item per server with its current stall episode',
      value: this.retry.ledgerTable.tableName,
    });
  }
}
