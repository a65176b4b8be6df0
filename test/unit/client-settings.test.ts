import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// The SDK clients' endpoint and retry settings come from the environment only (aws/clients.ts):
// read as the SDK reads those variables, with the SDK's defaults when unset, never from ~/.aws/config.

type Settings = typeof import('../../lambda/retry-stalled-replication/aws/clients').AWS_CLIENT_SETTINGS;

const VARIABLES = ['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT', 'AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE', 'AWS_DEFAULTS_MODE', 'AWS_CONFIG_FILE'];

function settingsWith(env: Record<string, string>): Settings {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of VARIABLES) Reflect.deleteProperty(process.env, name);
  Object.assign(process.env, env);
  try {
    let settings: Settings | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module per environment
      settings = (require('../../lambda/retry-stalled-replication/aws/clients') as { AWS_CLIENT_SETTINGS: Settings }).AWS_CLIENT_SETTINGS;
    });
    return settings as Settings;
  } finally {
    for (const name of VARIABLES) Reflect.deleteProperty(process.env, name);
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
}

it("are the SDK's defaults when the environment sets none, whatever a shared config file says", () => {
  const config = path.join(mkdtempSync(path.join(tmpdir(), 'mgn-stall-retry-config-')), 'config');
  writeFileSync(config, '[default]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\nmax_attempts = 9\nretry_mode = adaptive\ndefaults_mode = standard\n');
  expect(settingsWith({ AWS_CONFIG_FILE: config })).toMatchObject({
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    maxAttempts: 3,
    retryMode: 'standard',
    defaultsMode: 'legacy',
  });
});

it('are the environment\'s when it sets them', () => {
  expect(
    settingsWith({ AWS_USE_FIPS_ENDPOINT: 'true', AWS_USE_DUALSTACK_ENDPOINT: 'true', AWS_MAX_ATTEMPTS: '5', AWS_RETRY_MODE: 'adaptive', AWS_DEFAULTS_MODE: 'Standard' }),
  ).toMatchObject({ useFipsEndpoint: true, useDualstackEndpoint: true, maxAttempts: 5, retryMode: 'adaptive', defaultsMode: 'standard' });
});

it('stop the cold start, naming the variable, when a value is not one the SDK accepts', () => {
  expect(() => settingsWith({ AWS_USE_FIPS_ENDPOINT: 'yes' })).toThrow('AWS_USE_FIPS_ENDPOINT');
  expect(() => settingsWith({ AWS_MAX_ATTEMPTS: 'many' })).toThrow('AWS_MAX_ATTEMPTS');
  expect(() => settingsWith({ AWS_DEFAULTS_MODE: 'fast' })).toThrow('defaultsMode');
});
