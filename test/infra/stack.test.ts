import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambdaEntry from '../../lambda/retry-stalled-replication/index';
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
  it('matches exactly the MGN STALLED replication event', () => {
    const rules = template.findResources('AWS::Events::Rule');
    expect(Object.values(rules)).toHaveLength(1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.mgn'],
        'detail-type': ['MGN Source Server Data Replication Stalled Change'],
        detail: { state: ['STALLED'] },
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
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'mgn:DescribeSourceServers', 'mgn:RetryDataReplication']);
    expect(actions.some((action) => action.includes('*'))).toBe(false);
    const starResources = statements.filter((statement) => statement.Resource === '*');
    expect(starResources.map((statement) => statement.Action)).toEqual(['mgn:DescribeSourceServers']);
  });

  it('attaches no managed policies to the function role', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });
});
