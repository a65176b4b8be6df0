/**
 * The deployment's settings: cdk.json context key `mgnStallRetry` (an object, or a JSON string as
 * `cdk synth -c mgnStallRetry='{…}'` passes it). Validated here so that a typo or a bad value stops
 * synth with a message naming the key, long before anything is deployed.
 */

/** MGN lifecycle states (API model `LifeCycleState`). */
export const LIFECYCLE_STATES = [
  'STOPPED', 'NOT_READY', 'READY_FOR_TEST', 'TESTING', 'READY_FOR_CUTOVER', 'CUTTING_OVER', 'CUTOVER',
  'DISCONNECTED', 'DISCOVERED', 'PENDING_INSTALLATION',
] as const;

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export interface MgnStallRetryConfig {
  /** Minutes between two retries of one server; 0 allows back-to-back retries. */
  readonly cooldownMinutes: number;
  /** Retries per stall episode before the escalation. */
  readonly maxAttempts: number;
  /** MGN lifecycle states whose servers are never retried. */
  readonly skipLifecycleStates: readonly string[];
  /** Tag key that opts a server out when its value is `off`. */
  readonly optOutTagKey: string;
  /** Evaluate and report, change nothing. */
  readonly dryRun: boolean;
  /** E-mail addresses subscribed to escalations. */
  readonly notificationEmails: readonly string[];
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
  /** What `cdk destroy` does with the attempt ledger table. */
  readonly ledgerRemovalPolicy: 'retain' | 'destroy';
}

export const DEFAULT_CONFIG: MgnStallRetryConfig = {
  cooldownMinutes: 30,
  maxAttempts: 3,
  skipLifecycleStates: ['CUTTING_OVER', 'CUTOVER', 'DISCONNECTED'],
  optOutTagKey: 'mgn-stall-retry',
  dryRun: false,
  notificationEmails: [],
  logRetentionDays: 90,
  ledgerRemovalPolicy: 'retain',
};

/** A setting that cannot be used; the message names the key and says what it must be. */
export class ConfigError extends Error {
  public override readonly name = 'ConfigError';
}

const CONTEXT_KEY = 'mgnStallRetry';
const KNOWN_KEYS = Object.keys(DEFAULT_CONFIG);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/** Turns the raw context value (undefined, an object or a JSON string) into checked settings. */
export function parseConfig(raw: unknown): MgnStallRetryConfig {
  if (raw === undefined) return DEFAULT_CONFIG;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch (error) {
      throw new ConfigError(`${CONTEXT_KEY} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${CONTEXT_KEY} must be a JSON object of settings, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN_KEYS.includes(key)) {
      const suggestion = closest(key, KNOWN_KEYS);
      throw new ConfigError(
        `${CONTEXT_KEY}.${key} is not a known setting${suggestion ? `; did you mean ${suggestion}?` : ''} ` +
          `(known: ${KNOWN_KEYS.join(', ')})`,
      );
    }
  }
  const config = { ...DEFAULT_CONFIG, ...given } as Record<string, unknown>;
  checkTypes(config);
  const typed = config as unknown as MgnStallRetryConfig;
  validateConfig(typed, CONTEXT_KEY);
  return typed;
}

/** Checks value ranges; shared by the context parser and the construct's own prop check. */
export function validateConfig(config: MgnStallRetryConfig, prefix: string): void {
  const fail = (key: keyof MgnStallRetryConfig, rule: string, value: unknown): never => {
    throw new ConfigError(`${prefix}.${key} ${rule}, got ${JSON.stringify(value)}`);
  };
  if (!Number.isInteger(config.cooldownMinutes) || config.cooldownMinutes < 0 || config.cooldownMinutes > 1440) {
    fail('cooldownMinutes', 'must be a whole number of minutes from 0 to 1440', config.cooldownMinutes);
  }
  if (!Number.isInteger(config.maxAttempts) || config.maxAttempts < 1 || config.maxAttempts > 20) {
    fail('maxAttempts', 'must be a whole number from 1 to 20', config.maxAttempts);
  }
  const badState = config.skipLifecycleStates.find((state) => !(LIFECYCLE_STATES as readonly string[]).includes(state));
  if (badState !== undefined) {
    fail('skipLifecycleStates', `must list MGN lifecycle states (${LIFECYCLE_STATES.join(', ')})`, badState);
  }
  if (!TAG_KEY.test(config.optOutTagKey) || config.optOutTagKey.startsWith('aws:')) {
    fail('optOutTagKey', 'must be a tag key of 1 to 128 characters, not starting with aws:', config.optOutTagKey);
  }
  const badEmail = config.notificationEmails.find((email) => !EMAIL.test(email));
  if (badEmail !== undefined) fail('notificationEmails', 'must list e-mail addresses', badEmail);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(config.logRetentionDays)) {
    fail('logRetentionDays', `must be one of ${LOG_RETENTION_DAYS.join(', ')}`, config.logRetentionDays);
  }
  if (!['retain', 'destroy'].includes(config.ledgerRemovalPolicy)) {
    fail('ledgerRemovalPolicy', 'must be "retain" or "destroy"', config.ledgerRemovalPolicy);
  }
}

function checkTypes(config: Record<string, unknown>): void {
  const expect = (key: string, type: 'number' | 'boolean' | 'string' | 'string[]'): void => {
    const value = config[key];
    const ok =
      type === 'string[]'
        ? Array.isArray(value) && value.every((item) => typeof item === 'string')
        : typeof value === type;
    if (!ok) {
      const article = type === 'string[]' ? 'a list of strings' : `a ${type}`;
      throw new ConfigError(`${CONTEXT_KEY}.${key} must be ${article}, got ${JSON.stringify(value)}`);
    }
  };
  expect('cooldownMinutes', 'number');
  expect('maxAttempts', 'number');
  expect('skipLifecycleStates', 'string[]');
  expect('optOutTagKey', 'string');
  expect('dryRun', 'boolean');
  expect('notificationEmails', 'string[]');
  expect('logRetentionDays', 'number');
  expect('ledgerRemovalPolicy', 'string');
}

/** The known key nearest to a misspelt one, if it is close enough to be a typo. */
function closest(key: string, candidates: readonly string[]): string | undefined {
  const scored = candidates.map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }));
  scored.sort((a, b) => a.distance - b.distance);
  const best = scored[0];
  return best !== undefined && best.distance <= 3 ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
