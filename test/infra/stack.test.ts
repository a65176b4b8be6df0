import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambdaEntry from '../../lambda/retry-stalled-replication/index';
import { DEFAULT_CONFIG } from '../../lib/config';
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

describe('the stall event rule', () => {
  it('matches exactly the MGN replication stalled and recovered events', () => {
    const rules = template.findResources('AWS::Events::Rule');
    expect(Object.values(rules)).toHaveLength(1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.mgn'],
        'detail-type': ['MGN Source Server Data Replication Stalled Change'],
        detail: { state: ['STALLED', 'NOT_STALLED'] },
      },
      State: 'ENABLED',
    });
  });

  it('lets only this rule invoke the function', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('StallEventRule'), 'Arn'] },
    });
  });
});

describe('the function', () => {
  it('runs Node.js 22 on arm64 with the chosen memory and timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 60,
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
      'dynamodb:GetItem', 'dynamodb:PutItem', 'kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream',
      'logs:PutLogEvents', 'mgn:DescribeSourceServers', 'mgn:RetryDataReplication', 'sns:Publish',
    ]);
    expect(actions.some((action) => action.includes('*'))).toBe(false);
    const starResources = statements.filter((statement) => statement.Resource === '*');
    expect(starResources.map((statement) => statement.Action)).toEqual(['mgn:DescribeSourceServers']);
  });

  it('limits the ledger, topic and key grants to those resources', () => {
    const resourcesOf = (action: string): unknown[] =>
      [roleStatements().find((statement) => [statement.Action].flat().includes(action))?.Resource].flat();
    expect(resourcesOf('dynamodb:PutItem')).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/AttemptLedger/) as string, 'Arn'] }]);
    expect(resourcesOf('sns:Publish')).toEqual([{ Ref: expect.stringMatching(/NotificationTopic/) as string }]);
    expect(resourcesOf('kms:GenerateDataKey')).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/NotificationKey/) as string, 'Arn'] }]);
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
  it('name the function, the topic and the ledger table', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(['FunctionName', 'LedgerTableName', 'NotificationTopicArn']);
  });
});
