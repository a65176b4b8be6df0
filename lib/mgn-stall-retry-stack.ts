import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_CONFIG, type MgnStallRetryConfig } from './config';
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

  constructor(scope: Construct, id: string, props: MgnStallRetryStackProps = {}) {
    super(scope, id, props);
    this.retry = new StalledReplicationRetry(this, 'StalledReplicationRetry', props.config ?? DEFAULT_CONFIG);
    new CfnOutput(this, 'FunctionName', {
      description: 'Invoke this function with a payload from events/ to retry servers by hand',
      value: this.retry.function.functionName,
    });
    new CfnOutput(this, 'NotificationTopicArn', {
      description: 'Subscribe to this topic for budget-exhausted notifications',
      value: this.retry.notificationTopic.topicArn,
    });
    new CfnOutput(this, 'LedgerTableName', {
      description: 'The attempt ledger: one item per server with its current stall episode',
      value: this.retry.ledgerTable.tableName,
    });
  }
}
