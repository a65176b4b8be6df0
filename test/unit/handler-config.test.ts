import { ConfigurationError } from '../../lambda/retry-stalled-replication/decide/errors';
import { readHandlerConfig } from '../../lambda/retry-stalled-replication/config';
import { TEST_FUNCTION_ENVIRONMENT } from '../support/lambda-environment';

// Values other than the shared test environment's, so that each is seen to be read.
const complete: Record<string, string | undefined> = {
  ...TEST_FUNCTION_ENVIRONMENT,
  AWS_REGION: 'eu-west-1',
  SKIP_LIFECYCLE_STATES: 'CUTTING_OVER, CUTOVER',
  COOLDOWN_MINUTES: '0',
  MAX_ATTEMPTS: '2',
  DRY_RUN: 'true',
  LEDGER_TABLE_NAME: 'ledger',
  NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:topic',
  SWEEP_CONCURRENCY: '4',
  GLOBAL_VIEW: 'false',
  ERROR_POLICY: '{"AGENT_NOT_SEEN":"retry"}',
  OPS_ITEMS: 'true',
};

describe('readHandlerConfig', () => {
  it('reads an empty skip list as no skipped states', () => {
    expect(readHandlerConfig({ ...complete, SKIP_LIFECYCLE_STATES: '' }).skipLifecycleStates).toEqual([]);
  });

  it('reads every setting the stack passes', () => {
    expect(readHandlerConfig(complete)).toEqual({
      region: 'eu-west-1',
      homeAccountID: '111122223333',
      skipLifecycleStates: ['CUTTING_OVER', 'CUTOVER'],
      optOutTagKey: 'mgn-stall-retry',
      cooldownMinutes: 0,
      maxAttempts: 2,
      dryRun: true,
      ledgerTableName: 'ledger',
      notificationTopicArn: 'arn:aws:sns:eu-west-1:111122223333:topic',
      sweepConcurrency: 4,
      globalView: false,
      errorPolicy: { AGENT_NOT_SEEN: 'retry' },
      retryAgentless: false,
      massStallMinServers: 10,
      massStallShare: 0.5,
      censusMaxAgeMinutes: 120,
      opsItems: true,
      health: { lagThresholdMinutes: 60, agentSilenceMinutes: 60, freePeriodWarningDays: 7 },
    });
  });

  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ['a missing table name', { LEDGER_TABLE_NAME: undefined }, /LEDGER_TABLE_NAME is not set/],
    ['a malformed account', { HOME_ACCOUNT_ID: '1234' }, /HOME_ACCOUNT_ID must be a 12-digit account ID/],
    ['a negative cooldown', { COOLDOWN_MINUTES: '-1' }, /COOLDOWN_MINUTES must be an integer of at least 0/],
    ['zero attempts', { MAX_ATTEMPTS: '0' }, /MAX_ATTEMPTS must be an integer of at least 1/],
    ['a yes/no dry run', { DRY_RUN: 'yes' }, /DRY_RUN must be "true" or "false"/],
    ['an error policy that is not JSON', { ERROR_POLICY: 'retry' }, /ERROR_POLICY must be a JSON object/],
    ['an unknown error in the policy', { ERROR_POLICY: '{"AGENT_GONE":"retry"}' }, /ERROR_POLICY has an invalid entry "AGENT_GONE"/],
    ['a share above 1', { MASS_STALL_SHARE: '1.5' }, /MASS_STALL_SHARE must be a number above 0 and at most 1/],
    ['a share of 0', { MASS_STALL_SHARE: '0' }, /MASS_STALL_SHARE/],
    ['a lag threshold of 0 minutes', { LAG_THRESHOLD_MINUTES: '0' }, /LAG_THRESHOLD_MINUTES must be an integer of at least 1/],
    ['a fractional warning period', { FREE_PERIOD_WARNING_DAYS: '1.5' }, /FREE_PERIOD_WARNING_DAYS must be an integer/],
    ['no skip list variable at all', { SKIP_LIFECYCLE_STATES: undefined }, /SKIP_LIFECYCLE_STATES is not set/],
  ])('stops the cold start on %s, naming the variable', (_name, change, message) => {
    expect(() => readHandlerConfig({ ...complete, ...change })).toThrow(ConfigurationError);
    expect(() => readHandlerConfig({ ...complete, ...change })).toThrow(message);
  });
});
