import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** What MGN sends to the default event bus when a server's replication stalls. */
export const STALL_EVENT_PATTERN: events.EventPattern = {
  source: ['aws.mgn'],
  detailType: ['MGN Source Server Data Replication Stalled Change'],
  detail: { state: ['STALLED'] },
};

/** Lifecycle states in which a retry could disturb a cutover or cannot work. */
export const DEFAULT_SKIP_LIFECYCLE_STATES: readonly string[] = ['CUTTING_OVER', 'CUTOVER', 'DISCONNECTED'];

/** Metric namespace and service name: the contract of DESIGN.md. */
export const METRIC_NAMESPACE = 'MgnStallRetry';
export const SERVICE_NAME = 'mgn-stall-retry';

const PROJECT_ROOT = path.join(__dirname, '..');

export interface StalledReplicationRetryProps {
  /**
   * MGN lifecycle states whose servers are never retried.
   * @default ['CUTTING_OVER', 'CUTOVER', 'DISCONNECTED']
   */
  readonly skipLifecycleStates?: readonly string[];
  /**
   * How long the function's decision log is kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
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

  constructor(scope: Construct, id: string, props: StalledReplicationRetryProps = {}) {
    super(scope, id);
    const skipLifecycleStates = props.skipLifecycleStates ?? DEFAULT_SKIP_LIFECYCLE_STATES;
    const badState = skipLifecycleStates.find((state) => !/^[A-Z_]+$/.test(state));
    if (badState !== undefined) {
      throw new Error(`skipLifecycleStates: "${badState}" is not an MGN lifecycle state name such as CUTOVER`);
    }
    const stack = Stack.of(this);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

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
        SKIP_LIFECYCLE_STATES: skipLifecycleStates.join(','),
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
      description: 'MGN source server data replication stalled: retry it',
      eventPattern: STALL_EVENT_PATTERN,
      targets: [new targets.LambdaFunction(this.function)],
    });
  }
}
