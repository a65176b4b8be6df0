import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Token, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CONFIG, type MgnStallRetryConfig } from '../../lib/config';
import { MAX_SPOKE_ACCOUNTS, type HubSettings } from '../../lib/hub-settings';
import { SPOKE_STACK_NAME, addMgnStallRetryStacks } from '../../lib/mgn-stall-retry-app';

const HUB: HubSettings = { account: '999988887777', region: 'eu-west-1', spokeAccounts: ['111122223333', '444455556666'], organizationId: 'o-a1b2c3d4e5' };

function synthesize(hub: HubSettings, changes: Partial<MgnStallRetryConfig> = {}): { stacks: Stack[]; outdir: string } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'mgn-stall-retry-hub-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = addMgnStallRetryStacks(app, { ...DEFAULT_CONFIG, ...changes, hub });
  app.synth();
  return { stacks, outdir };
}

/** An ARN as CDK writes it: `arn:` and the stack's partition, then the rest. */
const inPartition = (rest: string): unknown => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

const { stacks, outdir } = synthesize(HUB);
const hubStack = stacks[0] as Stack;
const hub = Template.fromStack(hubStack);
const spokeFile = path.join(outdir, `${SPOKE_STACK_NAME}.template.json`);
const spokeJson = JSON.parse(readFileSync(spokeFile, 'utf8')) as { Resources: Record<string, { Type: string; Metadata?: Record<string, unknown>; Properties: Record<string, unknown> }>; Parameters?: unknown; Rules?: unknown };
const spoke = Template.fromJSON(spokeJson);

describe('organization mode: the stacks', () => {
  it('are a hub stack in the hub account and Region, and the spoke template', () => {
    const [hubOf, spokeOf, ...others] = stacks;
    expect(others).toEqual([]);
    expect([hubOf?.stackName, hubOf?.account, hubOf?.region]).toEqual(['MgnStallRetryHub-eu-west-1', '999988887777', 'eu-west-1']);
    // The spoke goes to whichever account and Region deploys it.
    expect(spokeOf?.stackName).toBe(SPOKE_STACK_NAME);
    expect([Token.isUnresolved(spokeOf?.account), Token.isUnresolved(spokeOf?.region)]).toEqual([true, true]);
  });

  it('give one hub stack per Region with regions', () => {
    const several = synthesize({ ...HUB, region: undefined, regions: ['eu-west-1', 'us-east-1'] }).stacks;
    expect(several.map((stack) => stack.stackName)).toEqual(['MgnStallRetryHub-eu-west-1', 'MgnStallRetryHub-us-east-1', SPOKE_STACK_NAME]);
  });
});

describe('the hub stack', () => {
  it('has a bus the organization and the spoke accounts may put MGN stall events on, and nothing else', () => {
    hub.hasResourceProperties('AWS::Events::EventBus', { Name: 'mgn-stall-retry-hub' });
    const policies = JSON.stringify([...Object.values(hub.findResources('AWS::Events::EventBusPolicy')), ...Object.values(hub.findResources('AWS::Events::EventBus'))]);
    expect(policies).toContain('"aws:PrincipalOrgID":"o-a1b2c3d4e5"');
    expect(policies).toContain(':iam::111122223333:root');
    expect(policies).toContain(':iam::444455556666:root');
    expect(policies.match(/"events:source":"aws.mgn"/g)).toHaveLength(2);
    expect(policies.match(/"events:detail-type":"MGN Source Server Data Replication Stalled Change"/g)).toHaveLength(2);
    expect(policies).not.toContain('"events:PutRule"');
  });

  it('sends the stall events on that bus to the function, with the same retry policy and dead-letter queue', () => {
    hub.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('HubBus') },
      EventPattern: { source: ['aws.mgn'], 'detail-type': ['MGN Source Server Data Replication Stalled Change'] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Function'), 'Arn'] }, DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
  });

  it("names the function's role for the spokes to trust, and lets it assume only the spoke role", () => {
    hub.hasResourceProperties('AWS::IAM::Role', { RoleName: 'mgn-stall-retry-hub-eu-west-1' });
    hub.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AssumeSpokeRoles', Action: 'sts:AssumeRole', Resource: inPartition(':iam::*:role/mgn-stall-retry-spoke-eu-west-1') })]) },
    });
    hub.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HUB: JSON.stringify({ spokeAccounts: HUB.spokeAccounts, organizationId: HUB.organizationId }) }) },
    });
  });

  it('claims the hub account and Region under the name every deployment claims, so no spoke or single-account stack joins it there', () => {
    hub.resourceCountIs('AWS::SSM::Parameter', 1);
    hub.hasResourceProperties('AWS::SSM::Parameter', { Name: '/mgn-stall-retry/controller', Type: 'String', Value: 'hub' });
  });

  it('without an organization, may assume the listed spoke accounts\' roles only', () => {
    const listed = Template.fromStack(synthesize({ account: HUB.account, region: 'eu-west-1', spokeAccounts: ['111122223333'] }).stacks[0] as Stack);
    listed.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AssumeSpokeRoles', Resource: inPartition(':iam::111122223333:role/mgn-stall-retry-spoke-eu-west-1') })]) },
    });
    expect(JSON.stringify(listed.toJSON())).not.toContain('aws:PrincipalOrgID');
  });
});

/** A template value as CloudFormation resolves it in the standard partition; other references become long stand-ins. */
function resolved(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolved);
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(resolved(part))).join(separator);
  }
  if ('Ref' in object) return object['Ref'] === 'AWS::Partition' ? 'aws' : 'x'.repeat(64);
  if ('Fn::GetAtt' in object) return `arn:aws:dynamodb:ap-southeast-1:999988887777:table/${'x'.repeat(64)}`;
  return Object.fromEntries(Object.entries(object).map(([key, entry]) => [key, resolved(entry)]));
}

describe('a hub listing the most spoke accounts it accepts', () => {
  const accounts = Array.from({ length: MAX_SPOKE_ACCOUNTS }, (_, index) => String(100000000000 + index * 7919));
  const most = synthesize({ account: HUB.account, region: 'ap-southeast-1', spokeAccounts: accounts }).stacks[0] as Stack;
  const resources = Object.values(Template.fromStack(most).toJSON()['Resources'] as Record<string, { Type: string; Properties: Record<string, unknown> }>);
  const size = (value: unknown): number => JSON.stringify(resolved(value)).length;

  it('keeps each IAM policy within its size limit', () => {
    const managed = resources.filter((resource) => resource.Type === 'AWS::IAM::ManagedPolicy').map((resource) => size(resource.Properties['PolicyDocument']));
    const inline = resources.filter((resource) => resource.Type === 'AWS::IAM::Policy').map((resource) => size(resource.Properties['PolicyDocument']));
    expect(JSON.stringify(resources)).toContain(`:iam::${accounts[MAX_SPOKE_ACCOUNTS - 1] ?? ''}:role/`);
    for (const length of managed) expect(length).toBeLessThan(6_144);
    expect(inline.reduce((sum, length) => sum + length, 0)).toBeLessThan(10_240);
  });

  it("keeps the function's environment within 4 KB and the bus policy within 10,240 characters", () => {
    const [fn] = resources.filter((resource) => resource.Type === 'AWS::Lambda::Function');
    const variables = resolved((fn?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables) as Record<string, string>;
    expect(Object.entries(variables).reduce((sum, [name, value]) => sum + name.length + Buffer.byteLength(value), 0)).toBeLessThan(4_096);
    const [bus] = resources.filter((resource) => resource.Type === 'AWS::Events::EventBus');
    expect(size(bus?.Properties['Policy'])).toBeLessThan(10_240);
  });
});

describe('the spoke template', () => {
  it('has no Lambda function, no asset, no parameter and no bootstrap check: a StackSet can deploy it', () => {
    spoke.resourceCountIs('AWS::Lambda::Function', 0);
    expect(spokeJson.Parameters).toBeUndefined();
    expect(spokeJson.Rules).toBeUndefined();
    expect(JSON.stringify(spokeJson)).not.toMatch(/aws:asset|AssetParameters|BootstrapVersion|cdk-hnb659fds/);
    // StackSets take a template body of at most 51,200 bytes.
    expect(statSync(spokeFile).size).toBeLessThan(51_200);
  });

  it('holds a forwarding rule, its role, and the access role: nothing else', () => {
    expect(Object.values(spokeJson.Resources).map((resource) => resource.Type).sort()).toEqual([
      'AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::Role', 'AWS::SSM::Parameter',
    ]);
  });

  it('claims its account and Region as a spoke of its hub, under the name every deployment claims', () => {
    spoke.resourceCountIs('AWS::SSM::Parameter', 1);
    spoke.hasResourceProperties('AWS::SSM::Parameter', { Name: '/mgn-stall-retry/controller', Type: 'String', Value: 'spoke of 999988887777' });
  });

  it('forwards MGN stall events to the hub bus of its Region, with a role that may put events there only', () => {
    const bus = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':999988887777:event-bus/mgn-stall-retry-hub']] };
    spoke.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.mgn'], 'detail-type': ['MGN Source Server Data Replication Stalled Change'] },
      Targets: [Match.objectLike({ Arn: bus, RoleArn: Match.anyValue() })],
    });
    spoke.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [Match.objectLike({ Action: 'events:PutEvents', Effect: 'Allow', Resource: bus })] } });
  });

  it("trusts only the hub's function role, in the organization", () => {
    spoke.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['mgn-stall-retry-spoke-', { Ref: 'AWS::Region' }]] },
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::999988887777:root']] } },
            Condition: {
              ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::999988887777:role/mgn-stall-retry-hub-', { Ref: 'AWS::Region' }]] } },
              StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
            },
          },
        ],
      },
    });
  });

  it('allows reading and retrying this account\'s servers only, and denies a retry of a server tagged off', () => {
    const servers = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':mgn:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':source-server/*']] };
    spoke.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'ReadSourceServers', Action: 'mgn:DescribeSourceServers', Effect: 'Allow', Resource: '*' },
          { Sid: 'RetryDataReplication', Action: 'mgn:RetryDataReplication', Effect: 'Allow', Resource: servers },
          {
            Sid: 'NeverRetryOptedOutServers',
            Action: 'mgn:RetryDataReplication',
            Effect: 'Deny',
            Resource: servers,
            Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/mgn-stall-retry': 'off' } },
          },
        ],
      },
    });
  });
});
