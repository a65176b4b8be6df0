import { Aws, CfnRule, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { STALL_EVENT_DETAIL_TYPE, STALL_EVENT_SOURCE } from '../lambda/retry-stalled-replication/decide/input';
import { HUB_BUS_NAME, hubRoleName, spokeRoleName } from '../lambda/retry-stalled-replication/decide/hub';
import { OPEN_EPISODE_ATTRIBUTE, OPEN_EPISODES_INDEX } from '../lambda/retry-stalled-replication/decide/ledger-record';
import { claimController } from './controller-claim';
import { DEFAULT_CONFIG, censusMaxAgeMinutes, topicArnRegion, validateConfig, type MgnStallRetryConfig } from './config';
import type { HubSettings } from './hub-settings';
import { FUNCTION_HANDLER, functionCode } from './function-bundle';

/** What MGN sends to the default event bus when a server's replication stalls, and when it recovers. */
export const STALL_EVENT_PATTERN: events.EventPattern = {
  source: [STALL_EVENT_SOURCE],
  detailType: [STALL_EVENT_DETAIL_TYPE],
  detail: { state: ['STALLED', 'NOT_STALLED'] },
};

/** Metric namespace and service name: dashboards, alarms and queries depend on them (docs/operations.md, "Metrics and logs"). */
export const METRIC_NAMESPACE = 'MgnStallRetry';
export const SERVICE_NAME = 'mgn-stall-retry';

/**
 * EventBridge's own retries of a delivery to the function. It only fails to deliver when Lambda's
 * Invoke API refuses (a service problem or a broken permission); six hours rides out a regional
 * incident, and by then the hourly sweep has found any server still stalled, so the event goes to
 * the dead-letter queue as a record instead of being retried for the default 24 hours.
 */
export const RULE_RETRY_ATTEMPTS = 20;
export const RULE_MAX_EVENT_AGE = Duration.hours(6);

/** Lambda's retries of an invocation that failed (a FAILED server): two, then the failure queue. */
export const ASYNC_RETRY_ATTEMPTS = 2;

const QUEUE_RETENTION = Duration.days(14);

/**
 * Every setting is optional; the defaults are those of `DEFAULT_CONFIG` (README.md, "Settings").
 */
export interface StalledReplicationRetryProps extends Partial<Omit<MgnStallRetryConfig, 'environments'>> {
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * Retries stalled MGN data replication: an EventBridge rule on MGN stall events (and a schedule
 * for the sweep) invokes a function that re-reads each server, applies the safety policy, claims
 * an attempt in a DynamoDB ledger and calls RetryDataReplication, escalating to SNS when a stall
 * episode's budget is spent. Failed deliveries and invocations are kept in SQS queues.
 */
export class StalledReplicationRetry extends Construct {
  /** The function that decides and retries. */
  public readonly function: lambda.Function;
  /** The rule that delivers MGN stall and recovery events to the function. */
  public readonly stallEventRule: events.Rule;
  /** The rule that starts the sweep; absent when `sweepSchedule` is `off`. */
  public readonly sweepRule?: events.Rule;
  /** The function's log group: one JSON decision line per server, plus EMF metrics. */
  public readonly logGroup: logs.LogGroup;
  /** The function's execution role. */
  public readonly role: iam.Role;
  /** The attempt ledger: one item per server with its current stall episode. */
  public readonly ledgerTable: dynamodb.Table;
  /** Escalations and alarms: created here, or the configured central topic. */
  public readonly notificationTopic: sns.ITopic;
  /** Encrypts the topic created here; absent with a central topic. */
  public readonly notificationKey?: kms.Key;
  /** Events EventBridge could not deliver to the function. */
  public readonly deliveryDeadLetterQueue: sqs.Queue;
  /** Invocations that failed after Lambda's retries: the event and the error. */
  public readonly failedInvocationQueue: sqs.Queue;
  /** Hub mode: the bus the spokes forward their MGN stall events to. */
  public readonly hubBus?: events.EventBus;
  /** Hub mode: the rule that delivers the spokes' stall events to the function. */
  public readonly hubStallEventRule?: events.Rule;
  /** The validated settings, defaults filled in. */
  public readonly config: MgnStallRetryConfig;
  /** `/mgn-stall-retry/controller`: no second deployment can act in this account and Region. */
  public readonly controllerClaim: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: StalledReplicationRetryProps = {}) {
    super(scope, id);
    const { logRemovalPolicy, ...settings } = props;
    // Props set to undefined mean "the default", not "nothing".
    const given = Object.fromEntries(Object.entries(settings as Record<string, unknown>).filter(([, value]) => value !== undefined));
    const config: MgnStallRetryConfig = { ...DEFAULT_CONFIG, ...given };
    validateConfig(config, id);
    this.config = config;
    const stack = Stack.of(this);

    this.controllerClaim = claimController(this, config.hub === undefined ? 'single-account' : 'hub');

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      // validateConfig() admits only the day counts that RetentionDays defines.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.ledgerTable = new dynamodb.Table(this, 'AttemptLedger', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: config.ledgerRemovalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    // Sparse: only entries of open stall episodes carry the attribute, so a sweep lists them with
    // one Query and ends those it sees replicating again; sorted by start, so an event counts the
    // episodes opened since the sweep's census.
    this.ledgerTable.addGlobalSecondaryIndex({
      indexName: OPEN_EPISODES_INDEX,
      partitionKey: { name: OPEN_EPISODE_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'episodeOpenedAt', type: dynamodb.AttributeType.NUMBER },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });

    this.deliveryDeadLetterQueue = this.createQueue(
      'DeliveryDeadLetterQueue',
      'This queue is the dead-letter queue of the EventBridge rule targets; a dead-letter queue for it would only hold the same undeliverable events again.',
    );
    this.failedInvocationQueue = this.createQueue(
      'FailedInvocationQueue',
      "This queue is the function's on-failure destination, where failed invocations end; a dead-letter queue for it would only hold the same records again.",
    );

    const notifications = this.createNotificationTopic(config);
    this.notificationTopic = notifications.topic;
    this.notificationKey = notifications.key;

    this.role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'mgn-stall-retry: read MGN source servers and retry their stalled data replication',
      // The spokes' trust policies name the hub's role: a fixed name per Region.
      ...(config.hub === undefined ? {} : { roleName: hubRoleName(stack.region) }),
    });
    this.grantFunctionPermissions(stack, notifications.keyArn, config);
    if (config.hub !== undefined) grantHubPermissions(this.role, stack, config.hub, this.ledgerTable.tableArn);

    this.function = new lambda.Function(this, 'Function', {
      description: 'mgn-stall-retry: retries stalled MGN data replication',
      code: functionCode(),
      handler: FUNCTION_HANDLER,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      // 256 MB: the work is I/O-bound, but Lambda scales CPU with memory, and more CPU shortens
      // the cold start that parses the bundled SDK. 5 minutes: a sweep pages through up to
      // thousands of servers and stops 30 s before the end; an event takes well under a second.
      memorySize: 256,
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: config.reservedConcurrency === 'off' ? undefined : config.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      // Lambda's asynchronous queue: a failed invocation is retried twice, then its event and
      // error are kept in the failure queue. Six hours lets a burst drain through reserved concurrency.
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failedInvocationQueue),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        HOME_ACCOUNT_ID: stack.account,
        SKIP_LIFECYCLE_STATES: config.skipLifecycleStates.join(','),
        OPT_OUT_TAG_KEY: config.optOutTagKey,
        COOLDOWN_MINUTES: String(config.cooldownMinutes),
        MAX_ATTEMPTS: String(config.maxAttempts),
        DRY_RUN: String(config.dryRun),
        SWEEP_CONCURRENCY: String(config.sweepConcurrency),
        GLOBAL_VIEW: String(config.globalView),
        ERROR_POLICY: JSON.stringify(config.errorPolicy),
        RETRY_AGENTLESS: String(config.retryAgentless),
        MASS_STALL_MIN_SERVERS: String(config.massStallMinServers),
        MASS_STALL_SHARE: String(config.massStallShare),
        LAG_THRESHOLD_MINUTES: String(config.lagThresholdMinutes),
        AGENT_SILENCE_MINUTES: String(config.agentSilenceMinutes),
        FREE_PERIOD_WARNING_DAYS: String(config.freePeriodWarningDays),
        CENSUS_MAX_AGE_MINUTES: String(censusMaxAgeMinutes(config.sweepSchedule)),
        OPS_ITEMS: String(config.opsItems),
        ...(config.hub === undefined
          ? {}
          : { HUB: JSON.stringify({ spokeAccounts: config.hub.spokeAccounts ?? [], ...(config.hub.organizationId === undefined ? {} : { organizationId: config.hub.organizationId }) }) }),
        LEDGER_TABLE_NAME: this.ledgerTable.tableName,
        NOTIFICATION_TOPIC_ARN: this.notificationTopic.topicArn,
      },
    });

    const target = (): targets.LambdaFunction =>
      new targets.LambdaFunction(this.function, {
        deadLetterQueue: this.deliveryDeadLetterQueue,
        retryAttempts: RULE_RETRY_ATTEMPTS,
        maxEventAge: RULE_MAX_EVENT_AGE,
      });
    this.stallEventRule = new events.Rule(this, 'StallEventRule', {
      description: 'MGN source server data replication stalled (retry it) or recovered (close the episode)',
      eventPattern: STALL_EVENT_PATTERN,
      targets: [target()],
    });
    if (config.hub !== undefined) {
      this.hubBus = createHubBus(this, config.hub);
      this.hubStallEventRule = new events.Rule(this, 'HubStallEventRule', {
        description: 'MGN stall and recovery events the spoke accounts forward to the hub',
        eventBus: this.hubBus,
        eventPattern: STALL_EVENT_PATTERN,
        targets: [target()],
      });
    }
    if (config.sweepSchedule !== 'off') {
      this.sweepRule = new events.Rule(this, 'SweepRule', {
        description: 'mgn-stall-retry sweep: find stalled servers whose events were lost',
        schedule: events.Schedule.expression(config.sweepSchedule),
        targets: [target()],
      });
    }
  }

  /** A standard queue kept 14 days, encrypted with SQS-managed keys, refusing requests without TLS. */
  private createQueue(id: string, isDeadLetterQueueBecause: string): sqs.Queue {
    // SSE-SQS: EventBridge (rule DLQ) and Lambda (on-failure destination) write without KMS grants.
    const queue = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: QUEUE_RETENTION,
    });
    Validations.of(queue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: isDeadLetterQueueBecause });
    return queue;
  }

  private createNotificationTopic(config: MgnStallRetryConfig): { topic: sns.ITopic; key?: kms.Key; keyArn?: string } {
    if (config.notificationTopicArn !== undefined) {
      // A central topic: its policy (and its key's) must let this account and CloudWatch publish.
      // Alarms and the function publish only within their Region: refuse to deploy anywhere else.
      const topicRegion = topicArnRegion(config.notificationTopicArn);
      const region = Stack.of(this).region;
      if (!Token.isUnresolved(region) && region !== topicRegion) {
        throw new Error(`notificationTopicArn is in ${topicRegion}, this stack in ${region}: use a topic in ${region}`);
      }
      if (Token.isUnresolved(region)) {
        new CfnRule(this, 'NotificationTopicInThisRegion', {
          assertions: [
            {
              assert: Fn.conditionEquals(Aws.REGION, topicRegion),
              assertDescription: `notificationTopicArn is in ${topicRegion}: deploy this stack to ${topicRegion}, or configure a topic of this Region`,
            },
          ],
        });
      }
      return {
        topic: sns.Topic.fromTopicArn(this, 'NotificationTopic', config.notificationTopicArn),
        keyArn: config.notificationTopicKeyArn,
      };
    }
    // A customer-managed key: CloudWatch alarms can publish to an encrypted topic only when the key
    // policy lets cloudwatch.amazonaws.com use the key, which the AWS-managed SNS key cannot do.
    const key = new kms.Key(this, 'NotificationKey', {
      description: 'mgn-stall-retry: encrypts the escalation and alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const fromThisAccountsAlarms = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
    };
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'LetCloudWatchAlarmsUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: fromThisAccountsAlarms,
      }),
    );
    const topic = new sns.Topic(this, 'NotificationTopic', {
      displayName: 'mgn-stall-retry',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'LetCloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromThisAccountsAlarms,
      }),
    );
    for (const email of config.notificationEmails) {
      topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    return { topic, key, keyArn: key.keyArn };
  }

  private grantFunctionPermissions(stack: Stack, notificationKeyArn: string | undefined, config: MgnStallRetryConfig): void {
    const { globalView, opsItems } = config;
    // A role of our own instead of AWSLambdaBasicExecutionRole: it may write to this log group only.
    this.logGroup.grantWrite(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSourceServers',
        actions: ['mgn:DescribeSourceServers'],
        // DescribeSourceServers supports no resource type: IAM accepts only "*".
        resources: ['*'],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RetryDataReplication',
        actions: ['mgn:RetryDataReplication'],
        // This account's source servers; with global view, those of every account in the Region,
        // since IAM's evaluation of a global-view call is not documented (docs/how-it-works.md, "IAM").
        resources: [stack.formatArn({ service: 'mgn', resource: 'source-server', resourceName: '*', ...(globalView ? { account: '*' } : {}) })],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only mgn:DescribeSourceServers (and, with opsItems, ssm:CreateOpsItem) have Resource "*": these actions support no resource type, so IAM accepts nothing narrower (Service Authorization Reference: AWS Application Migration Service; AWS Systems Manager).',
    });
    // cdk-nag names the finding by the ARN as synthesized: pseudo parameters in an
    // environment-agnostic stack, literal values in a stack with an account and Region.
    const shown = (value: string, pseudo: string): string => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const account = globalView ? '*' : shown(stack.account, 'AccountId');
    const sourceServers = `arn:${shown(stack.partition, 'Partition')}:mgn:${shown(stack.region, 'Region')}:${account}:source-server/*`;
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${sourceServers}]`,
      reason:
        'mgn:RetryDataReplication is limited to source servers of this Region (and of this account unless globalView is set); servers join during migration waves, so their IDs are unknown at deploy time. Owners opt a server out with its tag.',
    });
    // Read an entry (a stall event's together with the census: BatchGetItem), then write it
    // conditionally; list open episodes from the index only. Scan once per account: entries of
    // the first version are added to the index.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UseTheLedger',
        actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
        resources: [this.ledgerTable.tableArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListOpenEpisodes',
        actions: ['dynamodb:Query'],
        resources: [`${this.ledgerTable.tableArn}/index/${OPEN_EPISODES_INDEX}`],
      }),
    );
    // Spelled out rather than topic.grantPublish(), which grants the wildcard kms:GenerateDataKey*.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PublishEscalations',
        actions: ['sns:Publish'],
        resources: [this.notificationTopic.topicArn],
      }),
    );
    // Decision events go to this account's default bus only.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PutDecisionEvents',
        actions: ['events:PutEvents'],
        resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      }),
    );
    if (opsItems) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'OpenOpsItems',
          actions: ['ssm:CreateOpsItem'],
          // CreateOpsItem supports no resource type: IAM accepts only "*".
          resources: ['*'],
        }),
      );
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ResolveOpsItems',
          actions: ['ssm:UpdateOpsItem'],
          resources: [stack.formatArn({ service: 'ssm', resource: 'opsitem', resourceName: '*' })],
        }),
      );
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${shown(stack.partition, 'Partition')}:ssm:${shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:opsitem/*]`,
        reason: 'ssm:UpdateOpsItem resolves OpsItems this function opened; their IDs are created at run time, so only the account\'s OpsItems can be named.',
      });
    }
    if (notificationKeyArn !== undefined) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'EncryptEscalations',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [notificationKeyArn],
        }),
      );
    }
  }
}

/**
 * The hub's bus: the organization's accounts (with `organizationId`) and the listed spoke accounts
 * may put MGN stall events on it, nothing else.
 */
function createHubBus(scope: Construct, hub: HubSettings): events.EventBus {
  const bus = new events.EventBus(scope, 'HubBus', { eventBusName: HUB_BUS_NAME, description: 'mgn-stall-retry hub: MGN stall events forwarded by the spoke accounts' });
  const onlyStallEvents = { 'events:source': STALL_EVENT_SOURCE, 'events:detail-type': STALL_EVENT_DETAIL_TYPE };
  // The ARN spelt out: the bus's own attribute in its own policy would be a circular reference.
  const busArn = Stack.of(scope).formatArn({ service: 'events', resource: 'event-bus', resourceName: HUB_BUS_NAME });
  const statements: iam.PolicyStatement[] = [];
  if (hub.organizationId !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'OrganizationForwardsStallEvents',
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [busArn],
        conditions: { StringEquals: { ...onlyStallEvents, 'aws:PrincipalOrgID': hub.organizationId } },
      }),
    );
  }
  if ((hub.spokeAccounts ?? []).length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'SpokeAccountsForwardStallEvents',
        principals: (hub.spokeAccounts ?? []).map((account) => new iam.AccountPrincipal(account)),
        actions: ['events:PutEvents'],
        resources: [busArn],
        conditions: { StringEquals: onlyStallEvents },
      }),
    );
  }
  // The bus's own Policy property: one document, no separate policy resources.
  (bus.node.defaultChild as events.CfnEventBus).policy = new iam.PolicyDocument({ statements }).toJSON() as object;
  return bus;
}

/**
 * The hub function may assume the spoke role of its spoke accounts: each listed account's, or,
 * with an organization, the role of that name in any account (accounts join the OU after deploy).
 */
function grantHubPermissions(role: iam.Role, stack: Stack, hub: HubSettings, ledgerTableArn: string): void {
  const roleIn = (account: string): string => `arn:${stack.partition}:iam::${account}:role/${spokeRoleName(stack.region)}`;
  const anyAccount = hub.organizationId !== undefined;
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'AssumeSpokeRoles',
      actions: ['sts:AssumeRole'],
      resources: anyAccount ? [roleIn('*')] : (hub.spokeAccounts ?? []).map(roleIn),
    }),
  );
  // The hub records the accounts it heard from and the accounts its sweep did not reach.
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'RecordHubAccounts',
      actions: ['dynamodb:UpdateItem'],
      resources: [ledgerTableArn],
    }),
  );
  if (anyAccount) {
    const shown = (value: string, pseudo: string): string => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${shown(stack.partition, 'Partition')}:iam::*:role/${spokeRoleName(shown(stack.region, 'Region'))}]`,
      reason:
        'The hub assumes the spoke role (one fixed name) in any account of its organization: accounts join the OU after the hub is deployed. Each spoke role trusts only this hub role.',
    });
  }
}
