import { ConfigError, DEFAULT_CONFIG, parseConfig } from '../../lib/config';

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
    ['attempts as a word', { maxAttempts: 'three' }, /mgnStallRetry\.maxAttempts must be a number, got "three"/],
    ['zero attempts', { maxAttempts: 0 }, /mgnStallRetry\.maxAttempts must be a whole number from 1 to 20/],
    ['dryRun as a string', { dryRun: 'yes' }, /mgnStallRetry\.dryRun must be a boolean/],
    ['an invalid e-mail', { notificationEmails: ['not-an-address'] }, /mgnStallRetry\.notificationEmails must list e-mail addresses, got "not-an-address"/],
    ['e-mails as a string', { notificationEmails: 'a@b.com' }, /mgnStallRetry\.notificationEmails must be a list of strings/],
    ['an unknown lifecycle state', { skipLifecycleStates: ['CUTOVER', 'LAUNCHED'] }, /mgnStallRetry\.skipLifecycleStates must list MGN lifecycle states .*got "LAUNCHED"/],
    ['an aws: tag key', { optOutTagKey: 'aws:mgn' }, /mgnStallRetry\.optOutTagKey/],
    ['a retention CloudWatch lacks', { logRetentionDays: 10 }, /mgnStallRetry\.logRetentionDays must be one of/],
    ['a bad removal policy', { ledgerRemovalPolicy: 'delete' }, /mgnStallRetry\.ledgerRemovalPolicy must be "retain" or "destroy"/],
    ['malformed JSON', '{cooldownMinutes:5}', /mgnStallRetry is not valid JSON/],
    ['an array', [1, 2], /mgnStallRetry must be a JSON object of settings, got an array/],
  ])('rejects %s, naming the key', (_name, raw, message) => {
    expect(rejection(raw)).toMatch(message);
  });
});
