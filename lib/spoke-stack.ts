import { Aws, BootstraplessSynthesizer, CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { HUB_BUS_NAME, hubRoleName, spokeRoleName } from '../lambda/retry-stalled-replication/decide/hub';
import type { MgnStallRetryConfig } from './config';
import { claimController } from './controller-claim';
import type { HubSettings } from './hub-settings';
import { STALL_EVENT_PATTERN } from './stalled-replication-retry';

export interface MgnStallRetrySpokeStackProps extends Omit<StackProps, 'env' | 'synthesizer'> {
  /** The validated settings; `hub` names the hub account (and organization) the spoke serves. */
  readonly config: MgnStallRetryConfig & { readonly hub: HubSettings };
}

/**
 * What every migration account runs in each hub Region (docs/organizations.md): a rule that
 * forwards MGN stall events to the hub's bus, and the role the hub's function assumes to read and
 * retry this account's source servers. No function, no assets, no bootstrap check: a
 * service-managed StackSet deploys it to every account of an OU, and to accounts added later.
 * Environment-agnostic: the account and Region are those it is deployed to.
 */
export class MgnStallRetrySpokeStack extends Stack {
  /** The role the hub assumes. */
  public readonly accessRole: iam.Role;

  constructor(scope: Construct, id: string, props: MgnStallRetrySpokeStackProps) {
    // No bootstrap version parameter or rule, no asset publishing: StackSets cannot provide them.
    super(scope, id, { ...props, synthesizer: new BootstraplessSynthesizer() });
    const { hub, optOutTagKey } = props.config;

    // One deployment per account and Region: a single-account stack here (or the hub, in the hub
    // account) would handle the same stalls as this spoke's hub.
    claimController(this, `spoke of ${hub.account}`);

    const hubBus = events.EventBus.fromEventBusArn(this, 'HubBus', `arn:${Aws.PARTITION}:events:${Aws.REGION}:${hub.account}:event-bus/${HUB_BUS_NAME}`);
    // EventBridge needs a role to put events on another account's bus: the target creates one
    // that may put events on the hub's bus only.
    new events.Rule(this, 'ForwardStallEvents', {
      description: 'mgn-stall-retry spoke: forward MGN stall and recovery events to the hub',
      eventPattern: STALL_EVENT_PATTERN,
      targets: [new targets.EventBus(hubBus)],
    });

    // Trust the hub account, and within it only the hub function's role (by name: a principal
    // naming the role itself would be refused while the role does not exist).
    const hubRole = `arn:${Aws.PARTITION}:iam::${hub.account}:role/${hubRoleName(Aws.REGION)}`;
    this.accessRole = new iam.Role(this, 'AccessRole', {
      roleName: spokeRoleName(Aws.REGION),
      description: 'mgn-stall-retry: the hub reads this account\'s MGN source servers and retries their stalled replication',
      assumedBy: new iam.AccountPrincipal(hub.account).withConditions({
        ArnEquals: { 'aws:PrincipalArn': hubRole },
        ...(hub.organizationId === undefined ? {} : { StringEquals: { 'aws:PrincipalOrgID': hub.organizationId } }),
      }),
      maxSessionDuration: Duration.hours(1),
    });
    this.accessRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSourceServers',
        actions: ['mgn:DescribeSourceServers'],
        // DescribeSourceServers supports no resource type: IAM accepts only "*".
        resources: ['*'],
      }),
    );
    const sourceServers = `arn:${Aws.PARTITION}:mgn:${Aws.REGION}:${Aws.ACCOUNT_ID}:source-server/*`;
    this.accessRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'RetryDataReplication', actions: ['mgn:RetryDataReplication'], resources: [sourceServers] }),
    );
    // The opt-out tag, enforced by IAM too: whatever the hub's function decides, a server its
    // owners tagged off is never retried through this role.
    this.accessRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'NeverRetryOptedOutServers',
        effect: iam.Effect.DENY,
        actions: ['mgn:RetryDataReplication'],
        resources: [sourceServers],
        conditions: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${optOutTagKey}`]: 'off' } },
      }),
    );
    Validations.of(this.accessRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'Only mgn:DescribeSourceServers has Resource "*": it supports no resource type, so IAM accepts nothing narrower (Service Authorization Reference: AWS Application Migration Service).',
    });
    Validations.of(this.accessRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:mgn:<AWS::Region>:<AWS::AccountId>:source-server/*]',
      reason:
        'mgn:RetryDataReplication on this account\'s source servers of this Region: servers join during migration waves, so their IDs are unknown at deploy time. Servers tagged off are denied.',
    });

    new CfnOutput(this, 'AccessRoleArn', { value: this.accessRole.roleArn, description: 'The role the mgn-stall-retry hub assumes in this account' });
  }
}
