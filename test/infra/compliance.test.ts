import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DEFAULT_CONFIG, type MgnStallRetryConfig } from '../../lib/config';
import { addMgnStallRetryStacks } from '../../lib/mgn-stall-retry-app';

interface PluginReport {
  pluginName: string;
  conclusion: string;
  violations: unknown[];
  suppressedViolations?: { ruleName: string; acknowledgedId: string; reason: string }[];
}

/** Synthesizes the app as `cdk synth` does (AWS Solutions checks and built-in validation on), without bundling. */
function synthesize(config: MgnStallRetryConfig, addToStack?: (app: App) => void): PluginReport[] {
  const outdir = mkdtempSync(path.join(tmpdir(), 'mgn-stall-retry-nag-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  addMgnStallRetryStacks(app, config);
  addToStack?.(app);
  const previous = process.env['CDK_VALIDATION'];
  delete process.env['CDK_VALIDATION'];
  try {
    app.synth();
  } finally {
    process.env['CDK_VALIDATION'] = previous;
  }
  return (JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: PluginReport[] }).pluginReports;
}

describe('AWS Solutions checks (cdk-nag) at synth', () => {
  it.each<[string, MgnStallRetryConfig]>([
    ['the default stack', DEFAULT_CONFIG],
    ['stacks for two accounts', { ...DEFAULT_CONFIG, environments: [{ account: '111122223333', region: 'eu-west-1' }, { account: '444455556666', region: 'us-east-1' }] }],
    ['a global-view stack', { ...DEFAULT_CONFIG, globalView: true }],
    ['a stack with OpsItems', { ...DEFAULT_CONFIG, opsItems: true }],
    ['a hub of an organization and its spoke template', { ...DEFAULT_CONFIG, hub: { account: '999988887777', region: 'eu-west-1', organizationId: 'o-a1b2c3d4e5' } }],
    ['a hub of listed accounts and its spoke template', { ...DEFAULT_CONFIG, hub: { account: '999988887777', region: 'eu-west-1', spokeAccounts: ['111122223333'] } }],
    ['a stack with a central topic, no sweep, no reserved concurrency', {
      ...DEFAULT_CONFIG,
      notificationTopicArn: 'arn:aws:sns:us-east-1:999988887777:migration-alerts',
      sweepSchedule: 'off',
      reservedConcurrency: 'off',
    }],
  ])('pass for %s, with every finding acknowledged for a stated reason', (_name, config) => {
    const reports = synthesize(config);
    // Only reports with something to say are written: the built-in CloudFormation validation has nothing.
    expect(reports.map((report) => report.pluginName)).toEqual(['AwsSolutions']);
    const [nag] = reports;
    expect(nag).toMatchObject({ conclusion: 'success', violations: [] });
    for (const suppressed of nag?.suppressedViolations ?? []) {
      expect(suppressed.reason.length).toBeGreaterThan(60);
    }
    expect([...new Set(nag?.suppressedViolations?.map((suppressed) => suppressed.ruleName.replace(/\[.*/, '')))].sort()).toEqual([
      'AwsSolutions-IAM5', 'AwsSolutions-SQS3',
    ]);
  });

  it('acknowledge with opsItems only the OpsItem resources, beyond what the default stack acknowledges', () => {
    const ids = (config: MgnStallRetryConfig): string[] => (synthesize(config)[0]?.suppressedViolations ?? []).map((suppressed) => suppressed.acknowledgedId);
    const added = ids({ ...DEFAULT_CONFIG, opsItems: true }).filter((id) => !ids(DEFAULT_CONFIG).includes(id));
    expect(added).toEqual(['AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:opsitem/*]']);
  });

  it('fail synth on an unacknowledged finding', () => {
    expect(() =>
      synthesize(DEFAULT_CONFIG, (app) => {
        const stack = app.node.children.find((child): child is Stack => child instanceof Stack);
        if (stack === undefined) throw new Error('the app has no stack');
        // A queue without TLS enforcement or a dead-letter queue: AwsSolutions-SQS3 and SQS4.
        new sqs.Queue(stack, 'UncheckedQueue', { enforceSSL: false });
      }),
    ).toThrow(/AwsSolutions-SQS/);
  });
});
