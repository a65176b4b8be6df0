import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DEFAULT_CONFIG, validateConfig, type MgnStallRetryConfig } from './config';

/** What MGN sends to the default event bus when a server's replication stalls, and when it recovers. */
export const STALL_EVENT_PATTERN: events.EventPattern = {
  source: ['aws.mgn'],
  detailType: ['MGN Source Server Data Replication Stalled Change'],
  detail: { state: ['STALLED', 'NOT_STALLED'] },
};

/** Metric namespace and service name: the contract of DESIGN.md. */
export const METRIC_NAMESPACE = 'MgnStallRetry';
export const SERVICE_NAME = 'mgn-stall-retry';

const PROJECT_ROOT = path.join(__dirname, '..');

/**
 * Every setting is optional; the defaults are those of `DEFAULT_CONFIG` (README, Configuration).
 */
export interface StalledReplicationRetryProps extends Partial<MgnStallRetryConfig> {
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * Retries stalled MGN data replication: an EventBridge rule on MGN stall events invokes a
 * function that re-reads each server, applies the safety policy and calls RetryDataReplication.
 */
export class StalledReplicationRetry extends Construct {
  /** The function that decides and retries. */
  public readonly function: NodejsFunction;
  /** The rule that delivers MGN stall events to the function. */
  public readonly stallEventRule: events.Rule;
  /** The function's log group: one JSON decision line per server, plus EMF metrics. */
  public readonly logGroup: logs.LogGroup;
  /** The function's execution role. */
  public readonly role: iam.Role;
  /** The attempt ledger: one item per server with its current stall episode. */
  public readonly ledgerTable: dynamodb.Table;
  /** Escalations: a server whose retry budget is spent. */
  public readonly notificationTopic: sns.Topic;
  /** Encrypts the notification topic. */
  public readonly notificationKey: kms.Key;

  constructor(scope: Construct, id: string, props: StalledReplicationRetryProps = {}) {
    super(scope, id);
    const { logRemovalPolicy, ...settings } = props;
    const config: MgnStallRetryConfig = { ...DEFAULT_CONFIG, ...settings };
    validateConfig(config, id);
    const stack = Stack.of(this);

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

    // A customer-managed key: AWS services that publish to the topic (CloudWatch alarms) need a
    // key policy that lets them use it, which the AWS-managed SNS key cannot have.
    this.notificationKey = new kms.Key(this, 'NotificationKey', {
      description: 'mgn-stall-retry: encrypts the escalation topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.notificationTopic = new sns.Topic(this, 'NotificationTopic', {
      displayName: 'mgn-stall-retry',
      masterKey: this.notificationKey,
      enforceSSL: true,
    });
    for (const email of config.notificationEmails) {
      this.notificationTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    // A role of our own instead of AWSLambdaBasicExecutionRole: it may write to this log group only.
    this.role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'mgn-stall-retry: read MGN source servers and retry their stalled data replication',
    });
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
        resources: [stack.formatArn({ service: 'mgn', resource: 'source-server', resourceName: '*' })],
      }),
    );
    // Read the entry, then write it conditionally: the two calls of the ledger, nothing more.
    this.ledgerTable.grant(this.role, 'dynamodb:GetItem', 'dynamodb:PutItem');
    // Spelled out rather than topic.grantPublish(), which grants the wildcard kms:GenerateDataKey*.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PublishEscalations',
        actions: ['sns:Publish'],
        resources: [this.notificationTopic.topicArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptEscalations',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.notificationKey.keyArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      description: 'mgn-stall-retry: retries stalled MGN data replication',
      entry: path.join(PROJECT_ROOT, 'lambda', 'retry-stalled-replication', 'index.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      // 256 MB: the work is I/O-bound, but Lambda scales CPU with memory, and more CPU shortens
      // the cold start that parses the bundled SDK. 1 minute: a manual batch of 100 servers is
      // one read and up to 100 sequential retries, each with the SDK's own 3 attempts.
      memorySize: 256,
      timeout: Duration.minutes(1),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        HOME_ACCOUNT_ID: stack.account,
        SKIP_LIFECYCLE_STATES: config.skipLifecycleStates.join(','),
        OPT_OUT_TAG_KEY: config.optOutTagKey,
        COOLDOWN_MINUTES: String(config.cooldownMinutes),
        MAX_ATTEMPTS: String(config.maxAttempts),
        DRY_RUN: String(config.dryRun),
        LEDGER_TABLE_NAME: this.ledgerTable.tableName,
        NOTIFICATION_TOPIC_ARN: this.notificationTopic.topicArn,
      },
      bundling: {
        // The SDK ships inside the bundle: the code tested is the code that runs, with no
        // dependency on the SDK version the Lambda runtime happens to carry.
        bundleAwsSDK: true,
        minify: true,
        sourceMap: false,
        format: OutputFormat.ESM,
        // ES module builds of the SDK tree-shake far better than its CommonJS builds.
        mainFields: ['module', 'main'],
        // node20 syntax runs on Lambda's Node.js 22 and on the Node.js 20 of the test machines.
        target: 'node20',
        // Some bundled CommonJS code calls require(); ES modules have none of their own.
        banner: "import{createRequire}from'module';const require=createRequire(import.meta.url);",
      },
    });

    this.stallEventRule = new events.Rule(this, 'StallEventRule', {
      description: 'MGN source server data replication stalled (retry it) or recovered (close the episode)',
      eventPattern: STALL_EVENT_PATTERN,
      targets: [new targets.LambdaFunction(this.function)],
    });
  }
}
