import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { StalledReplicationRetry } from './stalled-replication-retry';

export type MgnStallRetryStackProps = StackProps;

/** One deployment of mgn-stall-retry: everything for one account and Region. */
export class MgnStallRetryStack extends Stack {
  public readonly retry: StalledReplicationRetry;

  constructor(scope: Construct, id: string, props: MgnStallRetryStackProps = {}) {
    super(scope, id, props);
    this.retry = new StalledReplicationRetry(this, 'StalledReplicationRetry');
  }
}
