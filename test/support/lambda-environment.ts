/**
 * The environment the deployed function gets, for tests that import the handler in-process.
 * Runs before each test file (jest `setupFiles`), so the handler's config module reads it.
 */
export const TEST_ACCOUNT = '111122223333';
export const TEST_REGION = 'us-east-1';

/** Every variable the stack sets on the function, with the values these tests use. */
export const TEST_FUNCTION_ENVIRONMENT: Readonly<Record<string, string>> = {
  AWS_REGION: TEST_REGION,
  AWS_ACCESS_KEY_ID: 'AKIDLOCALTESTONLY',
  AWS_SECRET_ACCESS_KEY: 'local-test-secret',
  HOME_ACCOUNT_ID: TEST_ACCOUNT,
  SKIP_LIFECYCLE_STATES: 'CUTTING_OVER,CUTOVER,DISCONNECTED',
  OPT_OUT_TAG_KEY: 'mgn-stall-retry',
  COOLDOWN_MINUTES: '30',
  MAX_ATTEMPTS: '3',
  DRY_RUN: 'false',
  SWEEP_CONCURRENCY: '5',
  GLOBAL_VIEW: 'true',
  ERROR_POLICY: '{}',
  RETRY_AGENTLESS: 'false',
  MASS_STALL_MIN_SERVERS: '10',
  MASS_STALL_SHARE: '0.5',
  LAG_THRESHOLD_MINUTES: '60',
  AGENT_SILENCE_MINUTES: '60',
  FREE_PERIOD_WARNING_DAYS: '7',
  CENSUS_MAX_AGE_MINUTES: '120',
  OPS_ITEMS: 'false',
  LEDGER_TABLE_NAME: 'mgn-stall-retry-ledger',
  NOTIFICATION_TOPIC_ARN: `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:mgn-stall-retry-test`,
  POWERTOOLS_SERVICE_NAME: 'mgn-stall-retry',
  POWERTOOLS_METRICS_NAMESPACE: 'MgnStallRetry',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  // Infra tests synthesize without the built-in CloudFormation validation: it is slow and the
  // bundle test and `cdk synth` in CI run it.
  CDK_VALIDATION: 'false',
};

Object.assign(process.env, TEST_FUNCTION_ENVIRONMENT);
