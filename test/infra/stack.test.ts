import { App, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambdaEntry from '../../lambda/retry-stalled-replication/index';
import { DEFAULT_CONFIG, type MgnStallRetryConfig } from '../../lib/config';
import { addMgnStallRetryStacks } from '../../lib/mgn-stall-retry-app';
import { MgnStallRetryStack } from '../../lib/mgn-stall-retry-stack';

/** Synthesizes without bundling: this file checks the template, the bundle test checks the code. */
function synthesize(): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new MgnStallRetryStack(app, 'Test'));
}

const template = synthesize();

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

function roleStatements(): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

/** EventBridge matching for the pattern features the rule uses: exact values, arrays meaning "any of". */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) return [event].flat().some((value) => pattern.includes(value));
  if (typeof pattern !== 'object' || pattern === null) return false;
  return Object.entries(pattern).every(([key, inner]) =>
    typeof event === 'object' && event !== null && key in event && matches(inner, (event as Record<string, unknown>)[key]),
  );
}

describe('the claim on the account and Region', () => {
  it('is the SSM parameter every deployment names alike, so CloudFormation refuses a second deployment here', () => {
    template.resourceCountIs('AWS::SSM::Parameter', 1);
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/mgn-stall-retry/controller', Type: 'String', Value: 'single-account' });
  });
});

describe('the stall event rule', () => {
  const rule = Object.values(template.findResources('AWS::Events::Rule')).find((candidate) => 'EventPattern' in (candidate as { Properties: object }).Properties) as { Properties: { EventPattern: unknown } };
  const mgnEvent = (detailType: string, detail: object, source = 'aws.mgn'): object => ({
    source, 'detail-type': detailType, account: '111122223333', region: 'us-east-1', detail,
    resources: ['arn:aws:mgn:us-east-1:111122223333:source-server/s-12345678901234567'],
  });

  it.each([
    ['a STALLED event', mgnEvent('MGN Source Server Data Replication Stalled Change', { state: 'STALLED' }), true],
    ['a NOT_STALLED event', mgnEvent('MGN Source Server Data Replication Stalled Change', { state: 'NOT_STALLED' }), true],
    ['a lifecycle event', mgnEvent('MGN Source Server Lifecycle State Change', { state: 'READY_FOR_TEST' }), false],
    ['a launch result', mgnEvent('MGN Source Server Launch Result', { state: 'TEST_LAUNCH_SUCCEEDED', 'job-id': 'mgnjob-04ca7d0d3fb6afa3e' }), false],
    ['the documentation\'s starred value', mgnEvent('MGN Source Server Data Replication Stalled Change', { state: '*STALLED*' }), false],
    ['another service with the same detail-type', mgnEvent('MGN Source Server Data Replication Stalled Change', { state: 'STALLED' }, 'aws.ec2'), false],
    ['a CloudTrail record of the API call', mgnEvent('AWS API Call via CloudTrail', { eventSource: 'mgn.amazonaws.com', eventName: 'RetryDataReplication' }), false],
  ])('%s: matched %s', (_name, event, expected) => {
    expect(matches(rule.Properties.EventPattern, event)).toBe(expected);
  });

  it('matches exactly the MGN replication stalled and recovered events', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as { Properties: Record<string, unknown> }[];
    expect(rules.filter((rule) => 'EventPattern' in rule.Properties)).toHaveLength(1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.mgn'],
        'detail-type': ['MGN Source Server Data Replication Stalled Change'],
        detail: { state: ['STALLED', 'NOT_STALLED'] },
      },
      State: 'ENABLED',
    });
  });

  it('lets only its two rules invoke the function', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as { Properties: { Principal: string; SourceArn: { 'Fn::GetAtt': [string, string] } } }[];
    expect(permissions.map((permission) => permission.Properties.Principal)).toEqual(['events.amazonaws.com', 'events.amazonaws.com']);
    expect(permissions.map((permission) => permission.Properties.SourceArn['Fn::GetAtt'][0]).sort()).toEqual([
      expect.stringMatching(/StallEventRule/) as string,
      expect.stringMatching(/SweepRule/) as string,
    ]);
  });

  it('keeps what it cannot deliver: a dead-letter queue and a bounded retry policy on each target', () => {
    for (const rule of Object.values(template.findResources('AWS::Events::Rule')) as { Properties: { Targets: unknown[] } }[]) {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeliveryDeadLetterQueue/) as string, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 6 * 3600, MaximumRetryAttempts: 20 },
        }),
      ]);
    }
  });
});

describe('the function', () => {
  it('runs Node.js 24 on arm64 with the chosen memory and timeout, and no reserved concurrency by default', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 300,
      // A reservation must leave 100 unreserved executions: any default breaks the first deploy in new accounts.
      ReservedConcurrentExecutions: Match.absent(),
    });
  });

  it('keeps failed invocations, event and error, in the failure queue after two retries', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('FailedInvocationQueue'), 'Arn'] } } },
    });
  });

  it('points its handler string at the real export', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: { Handler: string } };
    const [file, exportName] = fn.Properties.Handler.split('.');
    expect(file).toBe('index');
    expect(typeof (lambdaEntry as Record<string, unknown>)[exportName ?? '']).toBe('function');
  });

  it('gets its configuration through the environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'mgn-stall-retry',
          POWERTOOLS_METRICS_NAMESPACE: 'MgnStallRetry',
          HOME_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
          SKIP_LIFECYCLE_STATES: 'CUTTING_OVER,CUTOVER,DISCONNECTED',
          OPT_OUT_TAG_KEY: 'mgn-stall-retry',
          COOLDOWN_MINUTES: '30',
          MAX_ATTEMPTS: '3',
          DRY_RUN: 'false',
          LEDGER_TABLE_NAME: { Ref: Match.stringLikeRegexp('AttemptLedger') },
          NOTIFICATION_TOPIC_ARN: { Ref: Match.stringLikeRegexp('NotificationTopic') },
          SWEEP_CONCURRENCY: '5',
          GLOBAL_VIEW: 'false',
        },
      },
    });
  });

  it('logs to its own log group with a retention period', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('LogGroup') } },
    });
  });
});

describe('IAM', () => {
  it('reads source servers and retries replication on source-server ARNs only', () => {
    expect(roleStatements()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'mgn:DescribeSourceServers', Resource: '*', Effect: 'Allow' }),
        expect.objectContaining({
          Action: 'mgn:RetryDataReplication',
          Effect: 'Allow',
          Resource: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':mgn:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':source-server/*']],
          },
        }),
      ]),
    );
  });

  it('grants nothing broader: no wildcard actions, "*" only for the list action that needs it', () => {
    const statements = roleStatements();
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.sort()).toEqual([
      'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan', 'events:PutEvents', 'kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream',
      'logs:PutLogEvents', 'mgn:DescribeSourceServers', 'mgn:RetryDataReplication', 'sns:Publish',
      // Lambda writes failed invocations to the on-failure queue with the function's role.
      'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage',
    ]);
    expect(actions.some((action) => action.includes('*'))).toBe(false);
    const starResources = statements.filter((statement) => statement.Resource === '*');
    expect(starResources.map((statement) => statement.Action)).toEqual(['mgn:DescribeSourceServers']);
  });

  it('limits the ledger, topic, key and failure-queue grants to those resources', () => {
    const resourcesOf = (action: string): unknown[] =>
      [roleStatements().find((statement) => [statement.Action].flat().includes(action))?.Resource].flat();
    expect(resourcesOf('dynamodb:PutItem')).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/AttemptLedger/) as string, 'Arn'] }]);
    // Query only the open-episodes index, never the table.
    expect(resourcesOf('dynamodb:Query')).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/AttemptLedger/) as string, 'Arn'] }, '/index/OpenEpisodesByAccount']] },
    ]);
    expect(resourcesOf('sns:Publish')).toEqual([{ Ref: expect.stringMatching(/NotificationTopic/) as string }]);
    expect(resourcesOf('kms:GenerateDataKey')).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/NotificationKey/) as string, 'Arn'] }]);
    expect(resourcesOf('sqs:SendMessage')).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/FailedInvocationQueue/) as string, 'Arn'] }]);
  });

  it('puts decision events on this Region\'s default bus only', () => {
    const resourcesOf = (action: string): unknown[] =>
      [roleStatements().find((statement) => [statement.Action].flat().includes(action))?.Resource].flat();
    expect(resourcesOf('events:PutEvents')).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/default']] },
    ]);
  });

  it('grants OpsCenter actions only with opsItems: CreateOpsItem on "*", UpdateOpsItem on the account\'s OpsItems', () => {
    const actionsOf = (stack: Template): string[] =>
      Object.values(stack.findResources('AWS::IAM::Policy')).flatMap((policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement.flatMap((statement) => [statement.Action].flat()),
      );
    expect(actionsOf(template).filter((action) => action.startsWith('ssm:'))).toEqual([]);
    const withOpsItems = synthesizeWith('OpsItems', { opsItems: true });
    withOpsItems.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'OpenOpsItems', Action: 'ssm:CreateOpsItem', Resource: '*' }),
          Match.objectLike({
            Sid: 'ResolveOpsItems',
            Action: 'ssm:UpdateOpsItem',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':opsitem/*']] },
          }),
        ]),
      },
    });
    expect(actionsOf(withOpsItems).filter((action) => action.startsWith('ssm:')).sort()).toEqual(['ssm:CreateOpsItem', 'ssm:UpdateOpsItem']);
  });

  it('widens RetryDataReplication to every account of the Region only with globalView', () => {
    const global = synthesizeWith('Global', { globalView: true });
    global.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'mgn:RetryDataReplication',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':mgn:', { Ref: 'AWS::Region' }, ':*:source-server/*']] },
          }),
        ]),
      },
    });
    global.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ GLOBAL_VIEW: 'true' }) } });
  });

  it('attaches no managed policies to the function role', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });
});

describe('the attempt ledger table', () => {
  it('is on demand, encrypted, point-in-time recoverable, with TTL on expiresAt', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('indexes open stall episodes by account, keys only, so a sweep lists them with one query', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'OpenEpisodesByAccount',
          KeySchema: [{ AttributeName: 'openEpisodeAccount', KeyType: 'HASH' }, { AttributeName: 'episodeOpenedAt', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });

  it('is retained by default and destroyed only when configured', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const destroyable = new MgnStallRetryStack(app, 'Destroyable', { config: { ...DEFAULT_CONFIG, ledgerRemovalPolicy: 'destroy' } });
    Template.fromStack(destroyable).hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });
});

describe('the notification topic', () => {
  it('is encrypted with a customer-managed key that rotates', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('NotificationKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('refuses publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('subscribes the configured e-mail addresses, and none by default', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MgnStallRetryStack(app, 'WithEmail', {
      config: { ...DEFAULT_CONFIG, notificationEmails: ['oncall@example.com', 'migration@example.com'] },
    });
    const withEmail = Template.fromStack(stack);
    withEmail.resourceCountIs('AWS::SNS::Subscription', 2);
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });
});

describe('configuration', () => {
  it('reaches the function environment', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MgnStallRetryStack(app, 'Configured', {
      config: { ...DEFAULT_CONFIG, cooldownMinutes: 0, maxAttempts: 2, dryRun: true, optOutTagKey: 'auto-retry', skipLifecycleStates: ['CUTOVER'] },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ COOLDOWN_MINUTES: '0', MAX_ATTEMPTS: '2', DRY_RUN: 'true', OPT_OUT_TAG_KEY: 'auto-retry', SKIP_LIFECYCLE_STATES: 'CUTOVER' }) },
    });
  });

  it('is checked by the construct too, naming the prop', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new MgnStallRetryStack(app, 'Bad', { config: { ...DEFAULT_CONFIG, maxAttempts: 0 } })).toThrow(
      /StalledReplicationRetry\.maxAttempts must be a whole number from 1 to 20/,
    );
  });
});

describe('stack outputs', () => {
  it('name the function, topic, table, queues and dashboard', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'DashboardName', 'DeliveryDeadLetterQueueUrl', 'FailedInvocationQueueUrl', 'FunctionName', 'LedgerTableName', 'NotificationTopicArn',
    ]);
  });
});

function synthesizeWith(id: string, changes: Partial<MgnStallRetryConfig>): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new MgnStallRetryStack(app, id, { config: { ...DEFAULT_CONFIG, ...changes } }));
}

describe('the sweep schedule', () => {
  it('invokes the function every hour by default', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Function'), 'Arn'] } })],
    });
  });

  it('follows the configured schedule, and is absent when off', () => {
    synthesizeWith('Cron', { sweepSchedule: 'cron(15 * * * ? *)' }).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(15 * * * ? *)' });
    synthesizeWith('NoSweep', { sweepSchedule: 'off' }).resourceCountIs('AWS::Events::Rule', 1);
  });
});

describe('reserved concurrency', () => {
  it('is off by default, and configurable', () => {
    synthesizeWith('Ten', { reservedConcurrency: 10 }).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 10 });
    synthesizeWith('Unreserved', { reservedConcurrency: 'off' }).hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: Match.absent(),
    });
  });
});

describe('queues', () => {
  it('are encrypted, kept 14 days and refuse requests without TLS', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(2);
    for (const queue of Object.values(queues) as { Properties: Record<string, unknown> }[]) {
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    }
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as { Properties: { PolicyDocument: { Statement: { Effect: string; Condition?: unknown }[] } } }[];
    const denyingPlainText = policies.filter((policy) =>
      policy.Properties.PolicyDocument.Statement.some(
        (statement) => statement.Effect === 'Deny' && JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
      ),
    );
    expect(denyingPlainText).toHaveLength(2);
  });

  it('let EventBridge send undeliverable events to the dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } })]) },
    });
  });
});

describe('alarms and dashboard', () => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Record<string, unknown> }[];

  it('alarm on errors, throttles, both queues, spent budgets and lagging servers, each notifying the topic', () => {
    // A metric-math alarm has no MetricName: it is named by the metrics its expression uses.
    const watched = (properties: Record<string, unknown>): string =>
      (properties['Metrics'] as { MetricStat?: { Metric: { MetricName: string } } }[] | undefined)
        ?.flatMap((query) => (query.MetricStat ? [query.MetricStat.Metric.MetricName] : [])).join('-') ?? String(properties['MetricName']);
    expect(alarms.map((alarm) => watched(alarm.Properties)).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesVisible', 'Errors-InvalidInput', 'RetryBudgetExhausted', 'ServersLagging', 'Throttles',
    ]);
    for (const alarm of alarms) {
      expect(alarm.Properties['AlarmActions']).toEqual([{ Ref: expect.stringMatching(/NotificationTopic/) as string }]);
      // Fleet-health gauges come once per sweep: a sweep without figures keeps the alarm's state.
      expect(alarm.Properties['TreatMissingData']).toBe(alarm.Properties['MetricName'] === 'ServersLagging' ? 'missing' : 'notBreaching');
    }
  });

  it('alarm on function errors other than invalid input, so a bad payload of a test by hand pages no one', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
      Metrics: [
        { Id: 'expr_1', Expression: 'FILL(errors, 0) - FILL(invalidInput, 0)', ReturnData: true },
        {
          Id: 'errors', ReturnData: false,
          MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: Match.anyValue() }] }, Period: 300, Stat: 'Sum' },
        },
        {
          Id: 'invalidInput', ReturnData: false,
          MetricStat: { Metric: { Namespace: 'MgnStallRetry', MetricName: 'InvalidInput', Dimensions: [{ Name: 'service', Value: 'mgn-stall-retry' }] }, Period: 300, Stat: 'Sum' },
        },
      ],
    });
  });

  it('alarm when 1 server or more lags for two consecutive hourly sweeps, and say when it is over', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'MgnStallRetry', MetricName: 'ServersLagging', Dimensions: [{ Name: 'service', Value: 'mgn-stall-retry' }], Statistic: 'Maximum',
      Period: 3600, EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      OKActions: [{ Ref: Match.stringLikeRegexp('NotificationTopic') }],
    });
  });

  it('add the other fleet-health alarms only when their settings ask, with the sweep interval as period', () => {
    const alarmsOf = (config: Partial<MgnStallRetryConfig>): { MetricName: string; Period: number; Threshold: number }[] =>
      (Object.values(synthesizeWith(`Fleet${Object.keys(config).join('')}`, config).findResources('AWS::CloudWatch::Alarm')) as { Properties: { MetricName: string; Period: number; Threshold: number } }[])
        .map((alarm) => alarm.Properties)
        .filter((alarm) => ['ServersLagging', 'AgentsNotSeen', 'ServersNearFreePeriodEnd'].includes(alarm.MetricName));
    expect(alarmsOf({ sweepSchedule: 'rate(15 minutes)', lagAlarmServers: 5, agentsNotSeenAlarmServers: 2, nearFreePeriodEndAlarmServers: 1 }).map((alarm) => [alarm.MetricName, alarm.Period, alarm.Threshold])).toEqual([
      ['ServersLagging', 900, 5], ['AgentsNotSeen', 900, 2], ['ServersNearFreePeriodEnd', 900, 1],
    ]);
    expect(alarmsOf({ lagAlarmServers: 'off' })).toEqual([]);
    expect(alarmsOf({ sweepSchedule: 'off' })).toEqual([]);
  });

  it.each<[string, number | undefined, number | undefined]>([
    ['rate(1 minute)', 300, 2], ['rate(1 hour)', 3600, 2], ['cron(0 */6 * * ? *)', 21_600, 2], ['rate(1 day)', 86_400, 2],
    ['rate(2 days)', 86_400, 4], ['rate(3 days)', 86_400, 6], ['rate(4 days)', undefined, undefined], ['cron(0 8 ? * MON-FRI *)', undefined, undefined],
  ])('evaluate two consecutive sweeps of %s: period %s s, %s periods (or no alarm, with a synth warning)', (sweepSchedule, period, periods) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MgnStallRetryStack(app, `Window${sweepSchedule.replace(/[^a-zA-Z0-9]/g, '')}`, { config: { ...DEFAULT_CONFIG, sweepSchedule } });
    const synthesized = Template.fromStack(stack);
    const lag = (Object.values(synthesized.findResources('AWS::CloudWatch::Alarm')) as { Properties: { MetricName?: string; Period: number; EvaluationPeriods: number; DatapointsToAlarm: number } }[])
      .map((alarm) => alarm.Properties)
      .find((alarm) => alarm.MetricName === 'ServersLagging');
    if (period === undefined) {
      expect(lag).toBeUndefined();
      Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('ServersLaggingAlarm is not created'));
      return;
    }
    expect(lag).toMatchObject({ Period: period, EvaluationPeriods: periods, DatapointsToAlarm: 2 });
    expect((lag?.Period ?? 0) * (lag?.EvaluationPeriods ?? 0)).toBeLessThanOrEqual(7 * 86_400);
  });

  it('save a Logs Insights query per question, listed together under mgn-stall-retry/', () => {
    const queries = Object.values(template.findResources('AWS::Logs::QueryDefinition')) as { Properties: { Name: string; QueryString: string; LogGroupNames: unknown[] } }[];
    expect(queries.map((query) => query.Properties.Name).sort()).toEqual([
      'mgn-stall-retry/Every decision for one server', 'mgn-stall-retry/Last stall episode of one server', 'mgn-stall-retry/Which servers lag',
    ]);
    for (const query of queries) expect(query.Properties.LogGroupNames).toEqual([{ Ref: expect.stringMatching(/LogGroup/) as string }]);
    const byName = Object.fromEntries(queries.map((query) => [query.Properties.Name, query.Properties.QueryString]));
    expect(byName['mgn-stall-retry/Which servers lag']).toContain('filter message = "invocation complete"');
    expect(byName['mgn-stall-retry/Every decision for one server']).toContain('sourceServerID = "s-00000000000000000"');
    expect(byName['mgn-stall-retry/Last stall episode of one server']).toMatch(/by episodeStartedAt\n\| sort episodeStartedAt desc\n\| limit 1/);
  });

  it('watch the custom metric in the MgnStallRetry namespace', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'MgnStallRetry', MetricName: 'RetryBudgetExhausted', Dimensions: [{ Name: 'service', Value: 'mgn-stall-retry' }], Threshold: 1,
    });
  });

  it('let CloudWatch alarms use the topic key and publish to the topic, from this account only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] })]) },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }) }),
        ]),
      },
    });
  });

  it('reach the topic directly, in CloudWatch\'s own alarm format that chat channels render: nothing transforms them', () => {
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions: unknown[] } }[]) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
    // No subscriber of the stack's own rewrites messages on the way (e-mail subscriptions only).
    expect(Object.values(template.findResources('AWS::SNS::Subscription')).every((subscription) => (subscription as { Properties: { Protocol: string } }).Properties.Protocol === 'email')).toBe(true);
  });

  it('show every metric the team watches on one dashboard', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as { Properties: { DashboardBody: unknown } }[];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const name of ['TriggeredRules', 'ReplicationRetried', 'RetrySkipped', 'SKIPPED_COOLDOWN', 'ReplicationRecovered', 'StallDuration', 'p50', 'RetryBudgetExhausted', 'RetryFailed', 'Errors', 'ApproximateNumberOfMessagesVisible', 'StalledServersFound']) {
      expect(body).toContain(name);
    }
  });

  it('show a Fleet health row: states stacked, lagging servers, max lag, backlog, agents not seen, near free-period end', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as { Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } } }[];
    const body = dashboard?.Properties.DashboardBody['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'x')).join('') ?? '';
    const widgets = (JSON.parse(body) as { widgets: { type: string; properties: { title?: string; stacked?: boolean; metrics?: unknown[][] } }[] }).widgets;
    const fleet = widgets.filter((widget) => widget.properties.metrics?.some((metric) => ['ServersByReplicationState', 'ServersLagging', 'MaxLagSeconds', 'BackloggedBytes', 'AgentsNotSeen', 'ServersNearFreePeriodEnd'].includes(String(metric[1]))));
    expect(fleet.map((widget) => widget.properties.title)).toEqual([
      'Servers by replication state', 'Servers lagging > 60 min', 'Max lag (seconds)', 'Backlog (bytes)', 'Agents not seen > 60 min', 'Near free-period end (≤ 7 d)',
    ]);
    expect(fleet[0]?.properties.stacked).toBe(true);
    expect(fleet[0]?.properties.metrics).toHaveLength(12);
  });
});

describe('a central notification topic', () => {
  const centralArn = 'arn:aws:sns:us-east-1:999988887777:migration-alerts';
  const centralKey = 'arn:aws:kms:us-east-1:999988887777:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  const central = synthesizeWith('Central', { notificationTopicArn: centralArn, notificationTopicKeyArn: centralKey });

  it('replaces the topic and key of the stack', () => {
    central.resourceCountIs('AWS::SNS::Topic', 0);
    central.resourceCountIs('AWS::KMS::Key', 0);
    central.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ NOTIFICATION_TOPIC_ARN: centralArn }) } });
  });

  it('refuses deployment to another Region than the topic\'s', () => {
    const rules = (central.toJSON() as { Rules?: Record<string, { Assertions: { Assert: unknown }[] }> }).Rules ?? {};
    expect(Object.values(rules).map((rule) => rule.Assertions[0]?.Assert)).toContainEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new MgnStallRetryStack(app, 'Elsewhere', {
      env: { account: '111122223333', region: 'eu-west-1' },
      config: { ...DEFAULT_CONFIG, notificationTopicArn: centralArn },
    })).toThrow(/notificationTopicArn is in us-east-1, this stack in eu-west-1/);
  });

  it('receives escalations and alarms', () => {
    central.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sns:Publish', Resource: centralArn }),
          Match.objectLike({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: centralKey }),
        ]),
      },
    });
    central.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [centralArn] });
  });
});

describe('fleets', () => {
  it('deploy one stack per account and Region, each in its environment', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stacks = addMgnStallRetryStacks(app, {
      ...DEFAULT_CONFIG,
      environments: [{ account: '111122223333', region: 'eu-west-1' }, { account: '444455556666', region: 'us-east-1' }],
    });
    expect(stacks.map((stack) => [stack.stackName, stack.account, stack.region])).toEqual([
      ['MgnStallRetry-111122223333-eu-west-1', '111122223333', 'eu-west-1'],
      ['MgnStallRetry-444455556666-us-east-1', '444455556666', 'us-east-1'],
    ]);
  });

  it('without environments, deploy one environment-agnostic stack', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const [stack, ...others] = addMgnStallRetryStacks(app, DEFAULT_CONFIG);
    expect(others).toEqual([]);
    expect(stack?.stackName).toBe('MgnStallRetry');
    expect(Token.isUnresolved(stack?.account)).toBe(true);
  });
});
