import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, DEFAULT_CONFIG, censusMaxAgeMinutes, parseConfig, sweepIntervalMinutes } from '../../lib/config';

function rejection(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('parseConfig', () => {
  it('reads the block in cdk.json as the documented defaults', () => {
    const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: { mgnStallRetry: unknown } };
    expect(parseConfig(cdkJson.context.mgnStallRetry)).toEqual(DEFAULT_CONFIG);
  });

  it('uses the defaults when nothing is configured', () => {
    expect(parseConfig(undefined)).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toMatchObject({ cooldownMinutes: 30, maxAttempts: 3, optOutTagKey: 'mgn-stall-retry', dryRun: false, notificationEmails: [] });
  });

  it('accepts an object, as cdk.json holds it', () => {
    expect(parseConfig({ cooldownMinutes: 0, maxAttempts: 2 })).toMatchObject({ cooldownMinutes: 0, maxAttempts: 2, optOutTagKey: 'mgn-stall-retry' });
  });

  it('accepts a JSON string, as -c passes it', () => {
    expect(parseConfig('{"cooldownMinutes":0,"maxAttempts":2,"dryRun":true}')).toMatchObject({ cooldownMinutes: 0, maxAttempts: 2, dryRun: true });
  });

  it('accepts every setting of the README at once', () => {
    const all = {
      cooldownMinutes: 45, maxAttempts: 5, skipLifecycleStates: ['CUTOVER'], optOutTagKey: 'auto-retry', dryRun: true,
      sweepSchedule: 'cron(15 * * * ? *)', sweepConcurrency: 10, reservedConcurrency: 'off', notificationEmails: [],
      notificationTopicArn: 'arn:aws:sns:eu-west-1:999988887777:migration-alerts',
      notificationTopicKeyArn: 'arn:aws:kms:eu-west-1:999988887777:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      logRetentionDays: 365, ledgerRemovalPolicy: 'destroy',
      environments: [{ account: '111122223333', region: 'eu-west-1' }, { account: '444455556666', region: 'eu-west-1' }],
      globalView: true, errorPolicy: { AGENT_NOT_SEEN: 'retry', UNSTABLE_NETWORK: 'escalate' }, retryAgentless: true,
      massStallMinServers: 25, massStallShare: 0.8, opsItems: true,
      lagThresholdMinutes: 30, agentSilenceMinutes: 120, freePeriodWarningDays: 14,
      lagAlarmServers: 'off', agentsNotSeenAlarmServers: 3, nearFreePeriodEndAlarmServers: 1,
    };
    expect(parseConfig(all)).toEqual(all);
  });

  it('accepts an empty skip list: every lifecycle state may then be retried', () => {
    expect(parseConfig({ skipLifecycleStates: [] }).skipLifecycleStates).toEqual([]);
  });

  it.each(['cron(0 * * * ? *)', 'cron(15 10 ? * 6L 2026-2030)', 'cron(0/15 * L * ? *)', 'cron(0 8 ? * MON-FRI *)', 'cron(0 8 ? * 2#1 *)', 'cron(0 8 15W * ? *)', 'rate(12 hours)', 'off'])(
    'accepts the schedule %s',
    (sweepSchedule) => {
      expect(parseConfig({ sweepSchedule }).sweepSchedule).toBe(sweepSchedule);
    },
  );

  it.each<[string, number]>([['rate(1 hour)', 120], ['rate(5 minutes)', 90], ['rate(12 hours)', 1440], ['rate(2 days)', 5760], ['cron(0 6 * * ? *)', 1560], ['off', 0]])(
    'trusts a census taken by the %s sweep for %d minutes',
    (schedule, minutes) => {
      expect(censusMaxAgeMinutes(schedule)).toBe(minutes);
    },
  );

  it.each<[string, number | undefined]>([
    ['rate(1 hour)', 60], ['rate(15 minutes)', 15], ['rate(2 days)', 2880], ['cron(0 6 * * ? *)', 1440], ['cron(0 * * * ? *)', 60],
    ['cron(0 */6 * * ? *)', 360], ['cron(0/15 * * * ? *)', 15], ['cron(0 8,12,20 * * ? *)', 720], ['cron(30 9-17 * * ? *)', 960],
    ['cron(0 8 ? * MON-FRI *)', undefined], ['cron(0 8 15W * ? *)', undefined], ['off', undefined],
  ])(
    'gives fleet-health alarms the %s sweep\'s longest gap (%s minutes)',
    (schedule, minutes) => {
      expect(sweepIntervalMinutes(schedule)).toBe(minutes);
    },
  );

  it('has no reserved concurrency by default: a reservation breaks the first deploy in accounts with a small quota', () => {
    expect(DEFAULT_CONFIG.reservedConcurrency).toBe('off');
  });

  it('accepts a multi-Region KMS key for the central topic', () => {
    const key = 'arn:aws:kms:us-east-1:999988887777:key/mrk-0123456789abcdef0123456789abcdef';
    expect(parseConfig({ notificationTopicArn: 'arn:aws:sns:us-east-1:999988887777:central', notificationTopicKeyArn: key }).notificationTopicKeyArn).toBe(key);
  });

  it.each(['rate(1 hour)', 'rate(15 minutes)', 'rate(2 days)', 'cron(0 */2 * * ? *)', 'off'])('accepts the sweep schedule %s', (sweepSchedule) => {
    expect(parseConfig({ sweepSchedule }).sweepSchedule).toBe(sweepSchedule);
  });

  it('accepts e-mail subscriptions and a custom opt-out key', () => {
    expect(parseConfig({ notificationEmails: ['oncall@example.com'], optOutTagKey: 'auto-retry' })).toMatchObject({
      notificationEmails: ['oncall@example.com'], optOutTagKey: 'auto-retry',
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['a negative cooldown', { cooldownMinutes: -5 }, /mgnStallRetry\.cooldownMinutes must be a whole number of minutes from 0 to 1440, got -5/],
    ['a fractional cooldown', { cooldownMinutes: 1.5 }, /mgnStallRetry\.cooldownMinutes/],
    ['a misspelt key', { cooldownMinute: 5 }, /mgnStallRetry\.cooldownMinute is not a known setting; did you mean cooldownMinutes\?/],
    ['an unknown key', { colour: 'blue' }, /mgnStallRetry\.colour is not a known setting \(known:/],
    ['attempts as a word', { maxAttempts: 'three' }, /mgnStallRetry\.maxAttempts must be a whole number from 1 to 20, got "three"/],
    ['zero attempts', { maxAttempts: 0 }, /mgnStallRetry\.maxAttempts must be a whole number from 1 to 20/],
    ['dryRun as a string', { dryRun: 'yes' }, /mgnStallRetry\.dryRun must be true or false/],
    ['an invalid e-mail', { notificationEmails: ['not-an-address'] }, /mgnStallRetry\.notificationEmails must be a list of e-mail addresses; "not-an-address" is not one/],
    ['e-mails as a string', { notificationEmails: 'a@b.com' }, /mgnStallRetry\.notificationEmails must be a list of e-mail addresses, got "a@b.com"/],
    ['an unknown lifecycle state', { skipLifecycleStates: ['CUTOVER', 'LAUNCHED'] }, /mgnStallRetry\.skipLifecycleStates must be a list of MGN lifecycle states .*"LAUNCHED" is not one/],
    ['a schedule that is not an expression', { sweepSchedule: 'hourly' }, /mgnStallRetry\.sweepSchedule must be an EventBridge schedule expression/],
    ['a singular rate with a plural unit', { sweepSchedule: 'rate(1 hours)' }, /mgnStallRetry\.sweepSchedule must say "rate\(1 hour\)"/],
    ['a zero rate', { sweepSchedule: 'rate(0 minutes)' }, /mgnStallRetry\.sweepSchedule must have a rate of at least 1/],
    ['a cron with too few fields', { sweepSchedule: 'cron(0 * * *)' }, /mgnStallRetry\.sweepSchedule/],
    ['zero sweep concurrency', { sweepConcurrency: 0 }, /mgnStallRetry\.sweepConcurrency must be a whole number from 1 to 50/],
    ['globalView as a string', { globalView: 'yes' }, /mgnStallRetry\.globalView must be true or false/],
    ['reserved concurrency 0', { reservedConcurrency: 0 }, /mgnStallRetry\.reservedConcurrency must be a whole number from 1 to 1000, or "off"/],
    ['reserved concurrency "none"', { reservedConcurrency: 'none' }, /mgnStallRetry\.reservedConcurrency/],
    ['a topic ARN of another service', { notificationTopicArn: 'arn:aws:sqs:us-east-1:111122223333:queue' }, /mgnStallRetry\.notificationTopicArn must be an SNS topic ARN/],
    ['a key ARN without a topic', { notificationTopicKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' }, /mgnStallRetry\.notificationTopicKeyArn needs notificationTopicArn/],
    ['e-mails with a central topic', { notificationTopicArn: 'arn:aws:sns:us-east-1:111122223333:central', notificationEmails: ['a@example.com'] }, /mgnStallRetry\.notificationEmails cannot be combined with notificationTopicArn/],
    ['a central topic in another Region than an environment', {
      notificationTopicArn: 'arn:aws:sns:us-east-1:999988887777:central',
      environments: [{ account: '111122223333', region: 'us-east-1' }, { account: '111122223333', region: 'eu-west-1' }],
    }, /mgnStallRetry\.notificationTopicArn is in us-east-1, but the stacks include eu-west-1/],
    ['environments as an object', { environments: { account: '111122223333', region: 'us-east-1' } }, /mgnStallRetry\.environments must be a list/],
    ['an environment with a short account', { environments: [{ account: '1234', region: 'us-east-1' }] }, /mgnStallRetry\.environments \[0\]\.account must be a 12-digit account ID/],
    ['an environment with a bad Region', { environments: [{ account: '111122223333', region: 'Frankfurt' }] }, /mgnStallRetry\.environments \[0\]\.region must be a Region code/],
    ['a repeated environment', { environments: [{ account: '111122223333', region: 'us-east-1' }, { account: '111122223333', region: 'us-east-1' }] }, /mgnStallRetry\.environments \[1\] repeats/],
    ['an environment field typo', { environments: [{ account: '111122223333', regoin: 'us-east-1' }] }, /mgnStallRetry\.environments \[0\]\.regoin is not a known field/],
    ['an aws: tag key', { optOutTagKey: 'aws:mgn' }, /mgnStallRetry\.optOutTagKey/],
    ['a retention CloudWatch lacks', { logRetentionDays: 10 }, /mgnStallRetry\.logRetentionDays must be one of/],
    ['a bad removal policy', { ledgerRemovalPolicy: 'delete' }, /mgnStallRetry\.ledgerRemovalPolicy must be "retain" or "destroy"/],
    ['a cron CloudFormation would reject (both day fields given)', { sweepSchedule: 'cron(0 * * * * *)' }, /mgnStallRetry\.sweepSchedule must give exactly one of day-of-month and day-of-week as "\?"/],
    ['a cron with an hour out of range', { sweepSchedule: 'cron(0 25 * * ? *)' }, /mgnStallRetry\.sweepSchedule has an invalid hours field "25"/],
    ['a cron with a bad month name', { sweepSchedule: 'cron(0 8 * JANUARY ? *)' }, /mgnStallRetry\.sweepSchedule has an invalid month field/],
    ['a cron with five fields', { sweepSchedule: 'cron(0 8 * * ?)' }, /mgnStallRetry\.sweepSchedule must have six cron fields/],
    ['a Region that does not exist', { environments: [{ account: '111122223333', region: 'xx-fake-9' }] }, /mgnStallRetry\.environments \[0\]\.region xx-fake-9 is not an AWS Region/],
    ['a hub without accounts to serve', { hub: { account: '999988887777', region: 'eu-west-1' } }, /mgnStallRetry\.hub must name the accounts it serves: spokeAccounts, organizationId, or both/],
    ['a hub with a short account', { hub: { account: '9999', region: 'eu-west-1', organizationId: 'o-a1b2c3d4e5' } }, /mgnStallRetry\.hub\.account must be the hub's 12-digit account ID/],
    ['a hub without a Region', { hub: { account: '999988887777', organizationId: 'o-a1b2c3d4e5' } }, /mgnStallRetry\.hub must give one of region \(one hub\) and regions/],
    ['a hub with region and regions', { hub: { account: '999988887777', region: 'eu-west-1', regions: ['us-east-1'], organizationId: 'o-a1b2c3d4e5' } }, /mgnStallRetry\.hub must give one of region/],
    ['a hub in a Region that does not exist', { hub: { account: '999988887777', region: 'eu-west-9', organizationId: 'o-a1b2c3d4e5' } }, /mgnStallRetry\.hub\.region "eu-west-9" is not an AWS Region/],
    ['a hub with a repeated Region', { hub: { account: '999988887777', regions: ['eu-west-1', 'eu-west-1'], organizationId: 'o-a1b2c3d4e5' } }, /mgnStallRetry\.hub\.regions lists a Region twice/],
    ['a hub with a bad spoke account', { hub: { account: '999988887777', region: 'eu-west-1', spokeAccounts: ['12345'] } }, /mgnStallRetry\.hub\.spokeAccounts must be a list of 12-digit account IDs/],
    ['a hub listing more spoke accounts than its policies hold', {
      hub: { account: '999988887777', region: 'eu-west-1', spokeAccounts: Array.from({ length: 76 }, (_, index) => String(100000000000 + index)) },
    }, /mgnStallRetry\.hub\.spokeAccounts lists 76 accounts; at most 75 .*set hub\.organizationId/],
    ['a hub serving itself as a spoke', { hub: { account: '999988887777', region: 'eu-west-1', spokeAccounts: ['999988887777'] } }, /mgnStallRetry\.hub\.spokeAccounts lists the hub account 999988887777/],
    ['a hub with a bad organization ID', { hub: { account: '999988887777', region: 'eu-west-1', organizationId: 'org-1' } }, /mgnStallRetry\.hub\.organizationId must be an AWS Organizations ID/],
    ['a hub field typo', { hub: { account: '999988887777', region: 'eu-west-1', spokeAcounts: ['111122223333'] } }, /mgnStallRetry\.hub\.spokeAcounts is not a known field/],
    ['a hub with environments', { hub: { account: '999988887777', region: 'eu-west-1', organizationId: 'o-a1b2c3d4e5' }, environments: [{ account: '111122223333', region: 'eu-west-1' }] }, /mgnStallRetry\.environments cannot be combined with hub/],
    ['a hub with global view', { hub: { account: '999988887777', region: 'eu-west-1', organizationId: 'o-a1b2c3d4e5' }, globalView: true }, /mgnStallRetry\.globalView cannot be combined with hub/],
    ['a hub in another Region than the central topic', {
      hub: { account: '999988887777', regions: ['us-east-1', 'eu-west-1'], organizationId: 'o-a1b2c3d4e5' },
      notificationTopicArn: 'arn:aws:sns:us-east-1:999988887777:central',
    }, /mgnStallRetry\.notificationTopicArn is in us-east-1, but the stacks include eu-west-1/],
    ['a setting named __proto__', '{"__proto__": {"cooldownMinutes": 0}}', /mgnStallRetry\.__proto__ is not a known setting/],
    ['a setting named constructor', { constructor: 1 }, /mgnStallRetry\.constructor is not a known setting/],
    ['a setting named toString', { toString: 'x' }, /mgnStallRetry\.toString is not a known setting/],
    ['a setting named hasOwnProperty', { hasOwnProperty: 1 }, /mgnStallRetry\.hasOwnProperty is not a known setting/],
    ['a setting named valueOf', { valueOf: 2 }, /mgnStallRetry\.valueOf is not a known setting/],
    ['a null setting', { maxAttempts: null }, /mgnStallRetry\.maxAttempts must be a whole number from 1 to 20, got null$/],
    ['null settings', 'null', /mgnStallRetry must be a JSON object of settings, got null$/],
    ['an error policy naming an unknown error', { errorPolicy: { AGENT_NOT_SEENN: 'retry' } }, /mgnStallRetry\.errorPolicy has an unknown error "AGENT_NOT_SEENN" \(did you mean AGENT_NOT_SEEN\?\)/],
    ['an error policy with another action', { errorPolicy: { AGENT_NOT_SEEN: 'ignore' } }, /mgnStallRetry\.errorPolicy\.AGENT_NOT_SEEN must be "retry" or "escalate", got "ignore"/],
    ['an error policy that is a list', { errorPolicy: ['AGENT_NOT_SEEN'] }, /mgnStallRetry\.errorPolicy must be an object of MGN replication errors/],
    ['retryAgentless as a string', { retryAgentless: 'yes' }, /mgnStallRetry\.retryAgentless must be true or false/],
    ['a mass-stall share of 0', { massStallShare: 0 }, /mgnStallRetry\.massStallShare must be a number above 0 and at most 1/],
    ['a mass-stall share as a percentage', { massStallShare: 50 }, /mgnStallRetry\.massStallShare/],
    ['a lag threshold of 0 minutes', { lagThresholdMinutes: 0 }, /mgnStallRetry\.lagThresholdMinutes must be a whole number of minutes from 1 to 10080/],
    ['a lag threshold as text', { lagThresholdMinutes: '60' }, /mgnStallRetry\.lagThresholdMinutes/],
    ['an agent silence of 1.5 minutes', { agentSilenceMinutes: 1.5 }, /mgnStallRetry\.agentSilenceMinutes must be a whole number of minutes/],
    ['a warning beyond the 90 free days', { freePeriodWarningDays: 91 }, /mgnStallRetry\.freePeriodWarningDays must be a whole number of days from 0 to 90/],
    ['a lag alarm of 0 servers', { lagAlarmServers: 0 }, /mgnStallRetry\.lagAlarmServers must be a whole number of servers from 1 to 100000, or "off"/],
    ['a lag alarm switched off with false', { lagAlarmServers: false }, /mgnStallRetry\.lagAlarmServers/],
    ['an agents alarm of "on"', { agentsNotSeenAlarmServers: 'on' }, /mgnStallRetry\.agentsNotSeenAlarmServers/],
    ['a free-period alarm of -1', { nearFreePeriodEndAlarmServers: -1 }, /mgnStallRetry\.nearFreePeriodEndAlarmServers/],
    ['a mass-stall minimum of 0', { massStallMinServers: 0 }, /mgnStallRetry\.massStallMinServers must be a whole number from 1/],
    ['malformed JSON', '{cooldownMinutes:5}', /mgnStallRetry is not valid JSON/],
    ['an array', [1, 2], /mgnStallRetry must be a JSON object of settings, got an array/],
  ])('rejects %s, naming the key', (_name, raw, message) => {
    expect(rejection(raw)).toMatch(message);
  });
});
