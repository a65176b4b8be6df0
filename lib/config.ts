import { RegionInfo } from 'aws-cdk-lib/region-info';
import { checkHub, hubRegions, type HubSettings } from './hub-settings';
import { REPLICATION_ERRORS, isReplicationError, type ErrorAction, type ReplicationError } from '../lambda/retry-stalled-replication/decide/triage';

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

/** One account and Region to deploy to. */
export interface DeploymentEnvironment {
  readonly account: string;
  readonly region: string;
}

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
  /** EventBridge schedule expression of the sweep, or `off`. */
  readonly sweepSchedule: string;
  /** Servers a sweep decides at the same time. */
  readonly sweepConcurrency: number;
  /** The function's reserved concurrency, or `off` for none. */
  readonly reservedConcurrency: number | 'off';
  /** E-mail addresses subscribed to escalations and alarms. */
  readonly notificationEmails: readonly string[];
  /** An existing SNS topic for escalations and alarms, instead of one per stack. */
  readonly notificationTopicArn?: string;
  /** The customer-managed KMS key of that topic, if it is encrypted with one. */
  readonly notificationTopicKeyArn?: string;
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
  /** What `cdk destroy` does with the attempt ledger table. */
  readonly ledgerRemovalPolicy: 'retain' | 'destroy';
  /** One stack per account and Region; empty for one stack in the CLI's account and Region. */
  readonly environments: readonly DeploymentEnvironment[];
  /** Accept servers of other accounts (MGN global view): widens RetryDataReplication to every account. */
  readonly globalView: boolean;
  /** Overrides of the default triage policy: per MGN replication error, `retry` or `escalate`. */
  readonly errorPolicy: Readonly<Partial<Record<ReplicationError, ErrorAction>>>;
  /** Retry agentless (snapshot-shipping) servers too; by default they go straight to a person. */
  readonly retryAgentless: boolean;
  /** A mass stall needs at least this many stalled servers… */
  readonly massStallMinServers: number;
  /** …and at least this share (0–1] of the account's servers in replication. */
  readonly massStallShare: number;
  /** Open an OpsCenter OpsItem with each notice, and resolve it when the server replicates again. */
  readonly opsItems: boolean;
  /** Organization mode: a hub (this deployment) serving spoke accounts; absent: one account. */
  readonly hub?: HubSettings;
  /** A server past initial sync that lags behind its source by more than this many minutes is lagging. */
  readonly lagThresholdMinutes: number;
  /** An agent MGN has not heard from for longer than this many minutes is not seen. */
  readonly agentSilenceMinutes: number;
  /** A server within this many days of the end of its free replication period is near its end. */
  readonly freePeriodWarningDays: number;
  /** Alarm when this many servers lag for two sweeps in a row, or `off`. */
  readonly lagAlarmServers: number | 'off';
  /** Alarm when this many agents are not seen for two sweeps in a row, or `off`. */
  readonly agentsNotSeenAlarmServers: number | 'off';
  /** Alarm when this many servers are near the end of their free replication period, or `off`. */
  readonly nearFreePeriodEndAlarmServers: number | 'off';
}

export const DEFAULT_CONFIG: MgnStallRetryConfig = {
  cooldownMinutes: 30,
  maxAttempts: 3,
  skipLifecycleStates: ['CUTTING_OVER', 'CUTOVER', 'DISCONNECTED'],
  optOutTagKey: 'mgn-stall-retry',
  dryRun: false,
  sweepSchedule: 'rate(1 hour)',
  sweepConcurrency: 5,
  reservedConcurrency: 'off',
  notificationEmails: [],
  logRetentionDays: 90,
  ledgerRemovalPolicy: 'retain',
  environments: [],
  globalView: false,
  errorPolicy: {},
  retryAgentless: false,
  massStallMinServers: 10,
  massStallShare: 0.5,
  opsItems: false,
  lagThresholdMinutes: 60,
  agentSilenceMinutes: 60,
  freePeriodWarningDays: 7,
  lagAlarmServers: 1,
  agentsNotSeenAlarmServers: 'off',
  nearFreePeriodEndAlarmServers: 'off',
};

/** A setting that cannot be used; the message names the key and says what it must be. */
export class ConfigError extends Error {
  public override readonly name = 'ConfigError';
}

const CONTEXT_KEY = 'mgnStallRetry';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const ACCOUNT = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:[A-Za-z0-9_-]{1,256}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:key\/([0-9a-f-]{36}|mrk-[0-9a-f]{32})$/;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
/** Regions aws-cdk-lib knows (its region facts): a typo such as `eu-west-9` is refused at synth. */
const KNOWN_REGIONS = new Set(RegionInfo.regions.map((region) => region.name));

type Rule = (value: unknown) => string | undefined;

const integerFrom = (min: number, max: number, unit = ''): Rule => (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `must be a whole number${unit} from ${min} to ${max}`;

const listOf = (what: string, ok: (item: string) => boolean): Rule => (value) => {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return `must be a list of ${what}`;
  const bad = value.find((item) => !ok(item));
  return bad === undefined ? undefined : `must be a list of ${what}; ${JSON.stringify(bad)} is not one`;
};

const serversOrOff: Rule = (value) =>
  value === 'off' || integerFrom(1, 100_000)(value) === undefined ? undefined : 'must be a whole number of servers from 1 to 100000, or "off"';

const optionalMatch = (pattern: RegExp, what: string): Rule => (value) =>
  value === undefined || (typeof value === 'string' && pattern.test(value)) ? undefined : `must be ${what}`;

/** What each setting must be. Checked for the context and for the construct's props alike. */
const RULES: Record<keyof MgnStallRetryConfig, Rule> = {
  cooldownMinutes: integerFrom(0, 1440, ' of minutes'),
  maxAttempts: integerFrom(1, 20),
  skipLifecycleStates: listOf(`MGN lifecycle states (${LIFECYCLE_STATES.join(', ')})`, (state) =>
    (LIFECYCLE_STATES as readonly string[]).includes(state),
  ),
  optOutTagKey: (value) =>
    typeof value === 'string' && TAG_KEY.test(value) && !value.startsWith('aws:')
      ? undefined
      : 'must be a tag key of 1 to 128 characters, not starting with aws:',
  dryRun: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  sweepSchedule: (value) => {
    if (value === 'off') return undefined;
    const message = 'must be an EventBridge schedule expression such as "rate(1 hour)" or "cron(0 * * * ? *)", or "off"';
    if (typeof value !== 'string') return message;
    const rate = RATE.exec(value);
    if (rate) {
      const amount = Number(rate[1]);
      const plural = (rate[2] ?? '').endsWith('s');
      if (amount < 1) return 'must have a rate of at least 1';
      if ((amount === 1) === plural) return `must say "rate(1 ${(rate[2] ?? '').replace(/s$/, '')})" for one unit and a plural unit otherwise`;
      return undefined;
    }
    if (value.startsWith('cron(')) return checkCron(value);
    return message;
  },
  sweepConcurrency: integerFrom(1, 50),
  reservedConcurrency: (value) =>
    value === 'off' ? undefined : integerFrom(1, 1000)(value) === undefined ? undefined : 'must be a whole number from 1 to 1000, or "off"',
  notificationEmails: listOf('e-mail addresses', (email) => EMAIL.test(email)),
  notificationTopicArn: optionalMatch(SNS_TOPIC_ARN, 'an SNS topic ARN such as arn:aws:sns:us-east-1:111122223333:migration-alerts'),
  notificationTopicKeyArn: optionalMatch(KMS_KEY_ARN, 'a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<key id>'),
  logRetentionDays: (value) =>
    (LOG_RETENTION_DAYS as readonly unknown[]).includes(value) ? undefined : `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
  ledgerRemovalPolicy: (value) => (value === 'retain' || value === 'destroy' ? undefined : 'must be "retain" or "destroy"'),
  environments: checkEnvironments,
  globalView: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  errorPolicy: checkErrorPolicy,
  retryAgentless: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  massStallMinServers: integerFrom(1, 100_000),
  opsItems: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  hub: checkHub,
  massStallShare: (value) =>
    typeof value === 'number' && value > 0 && value <= 1 ? undefined : 'must be a number above 0 and at most 1, e.g. 0.5',
  lagThresholdMinutes: integerFrom(1, 10_080, ' of minutes'),
  agentSilenceMinutes: integerFrom(1, 10_080, ' of minutes'),
  freePeriodWarningDays: integerFrom(0, 90, ' of days'),
  lagAlarmServers: serversOrOff,
  agentsNotSeenAlarmServers: serversOrOff,
  nearFreePeriodEndAlarmServers: serversOrOff,
};
const KNOWN_KEYS = Object.keys(RULES);

/** The rule for a key, if it is a setting: never a member inherited from Object.prototype. */
function ruleFor(key: string): Rule | undefined {
  return Object.hasOwn(RULES, key) ? RULES[key as keyof MgnStallRetryConfig] : undefined;
}

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
    throw new ConfigError(`${CONTEXT_KEY} must be a JSON object of settings, got ${Array.isArray(value) ? 'an array' : describe(value)}`);
  }
  // Keys are copied as own data properties: "__proto__" stays a key to reject, not a prototype.
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const [key, setting] of Object.entries(value)) Object.defineProperty(config, key, { value: setting, enumerable: true, writable: true, configurable: true });
  validateConfig(config, CONTEXT_KEY);
  return config as unknown as MgnStallRetryConfig;
}

/**
 * Checks every setting: unknown keys, types, ranges and combinations. Throws a ConfigError
 * naming `<prefix>.<key>`. Shared by the context parser and the construct's own prop check.
 */
export function validateConfig(config: object, prefix: string): void {
  for (const [key, value] of Object.entries(config)) {
    const rule = ruleFor(key);
    if (rule === undefined) {
      const suggestion = closest(key, KNOWN_KEYS);
      throw new ConfigError(
        `${prefix}.${key} is not a known setting${suggestion ? `; did you mean ${suggestion}?` : ''} ` +
          `(known: ${KNOWN_KEYS.join(', ')})`,
      );
    }
    const problem = rule(value);
    if (problem !== undefined) {
      // The hub's messages name their own field (".account must…"); others read "<key> must…".
      throw new ConfigError(`${prefix}.${key}${problem.startsWith('.') || problem.startsWith(' ') ? '' : ' '}${problem}, got ${describe(value)}`);
    }
  }
  const settings = config as Partial<MgnStallRetryConfig>;
  if (settings.notificationTopicArn !== undefined && (settings.notificationEmails?.length ?? 0) > 0) {
    throw new ConfigError(
      `${prefix}.notificationEmails cannot be combined with notificationTopicArn: subscribe the addresses to that topic instead`,
    );
  }
  if (settings.notificationTopicKeyArn !== undefined && settings.notificationTopicArn === undefined) {
    throw new ConfigError(`${prefix}.notificationTopicKeyArn needs notificationTopicArn: it is the key of that topic`);
  }
  if (settings.hub !== undefined) {
    // The hub decides where its stacks go, and reaches other accounts through their spoke roles.
    if ((settings.environments?.length ?? 0) > 0) {
      throw new ConfigError(`${prefix}.environments cannot be combined with hub: the hub's stacks go to hub.account, in hub.region or hub.regions`);
    }
    if (settings.globalView === true) {
      throw new ConfigError(`${prefix}.globalView cannot be combined with hub: the hub reaches each account through its spoke role`);
    }
  }
  const topicRegion = settings.notificationTopicArn === undefined ? undefined : topicArnRegion(settings.notificationTopicArn);
  const regions = [...(settings.environments ?? []).map((env) => env.region), ...(settings.hub === undefined ? [] : hubRegions(settings.hub))];
  const elsewhere = regions.find((region) => region !== topicRegion);
  if (topicRegion !== undefined && elsewhere !== undefined) {
    throw new ConfigError(
      `${prefix}.notificationTopicArn is in ${topicRegion}, but the stacks include ${elsewhere}: alarms and the ` +
        'function publish only to a topic in their own Region; deploy each Region with its own central topic',
    );
  }
}

/** The Region of an SNS topic ARN (`arn:<partition>:sns:<region>:<account>:<name>`). */
export function topicArnRegion(topicArn: string): string {
  return topicArn.split(':')[3] ?? '';
}

function checkErrorPolicy(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be an object of MGN replication errors, each "retry" or "escalate", e.g. {"AGENT_NOT_SEEN": "retry"}';
  }
  for (const [error, action] of Object.entries(value)) {
    if (!isReplicationError(error)) {
      const suggestion = closest(error, REPLICATION_ERRORS);
      return `has an unknown error ${JSON.stringify(error)}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; known: ${REPLICATION_ERRORS.join(', ')}`;
    }
    if (action !== 'retry' && action !== 'escalate') return `.${error} must be "retry" or "escalate", got ${describe(action)}`;
  }
  return undefined;
}

/**
 * How old the sweep's census may be for event-driven decisions to rely on it: two sweep periods
 * (at least 90 minutes) for a rate, a day and two hours for a cron; 0 when the sweep is off.
 */
export function censusMaxAgeMinutes(sweepSchedule: string): number {
  if (sweepSchedule === 'off') return 0;
  const rate = RATE.exec(sweepSchedule);
  if (rate === null) return 26 * 60;
  const unit = (rate[2] ?? '').replace(/s$/, '');
  const minutes = Number(rate[1]) * (unit === 'minute' ? 1 : unit === 'hour' ? 60 : 1440);
  return Math.max(90, 2 * minutes);
}

/**
 * The longest time between two sweeps, in minutes: a rate's interval, or the longest gap of a cron
 * that fires on the same minutes and hours every day (every six hours: 360). Undefined when
 * the sweep is off or a cron's gaps depend on the day (weekdays, days of the month, months).
 * Fleet-health alarms use it as their period: two periods are two sweeps.
 */
export function sweepIntervalMinutes(sweepSchedule: string): number | undefined {
  if (sweepSchedule === 'off') return undefined;
  const rate = RATE.exec(sweepSchedule);
  if (rate !== null) {
    const unit = (rate[2] ?? '').replace(/s$/, '');
    return Number(rate[1]) * (unit === 'minute' ? 1 : unit === 'hour' ? 60 : 1440);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek] = sweepSchedule.replace(/^cron\(|\)$/g, '').trim().split(/\s+/);
  const everyDay = (field: string | undefined): boolean => field === '*' || field === '?';
  if (!everyDay(dayOfMonth) || !everyDay(dayOfWeek) || month !== '*') return undefined;
  const minuteValues = cronValues(minutes, 59);
  const hourValues = cronValues(hours, 23);
  if (minuteValues === undefined || hourValues === undefined) return undefined;
  const times = hourValues.flatMap((hour) => minuteValues.map((minute) => hour * 60 + minute)).sort((a, b) => a - b);
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined) return undefined;
  return Math.max(first + 1440 - last, ...times.slice(1).map((time, index) => time - (times[index] ?? time)));
}

/** The values of a cron minutes or hours field (a star, a value, a range, each with an optional step; lists of these); undefined for anything else. */
function cronValues(field: string | undefined, max: number): number[] | undefined {
  if (field === undefined) return undefined;
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (match === null) return undefined;
    const from = match[1] === '*' ? 0 : Number(match[1]);
    const to = match[2] !== undefined ? Number(match[2]) : match[1] === '*' || match[3] !== undefined ? max : from;
    const step = match[3] === undefined ? 1 : Number(match[3]);
    if (from > max || to > max || from > to || step < 1) return undefined;
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return [...values];
}

function checkEnvironments(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be a list of {"account": "<12 digits>", "region": "<Region>"}';
  const seen = new Set<string>();
  for (const [index, item] of (value as unknown[]).entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return `[${index}] must be {"account", "region"}`;
    const extra = Object.keys(item).find((key) => key !== 'account' && key !== 'region');
    if (extra !== undefined) return `[${index}].${extra} is not a known field (account, region)`;
    const { account, region } = item as Record<string, unknown>;
    if (typeof account !== 'string' || !ACCOUNT.test(account)) return `[${index}].account must be a 12-digit account ID`;
    if (typeof region !== 'string' || !REGION.test(region)) return `[${index}].region must be a Region code such as eu-west-1`;
    if (!KNOWN_REGIONS.has(region)) return `[${index}].region ${region} is not an AWS Region aws-cdk-lib knows`;
    if (seen.has(`${account}/${region}`)) return `[${index}] repeats ${account} ${region}`;
    seen.add(`${account}/${region}`);
  }
  return undefined;
}

/** A value as the error message shows it: JSON where it has one ("got null", "got \"three\""). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value) && value.length === 0) return 'an empty list';
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return typeof value;
  return JSON.stringify(value);
}

/** EventBridge cron fields: name, smallest and largest value, the names allowed for values. */
const CRON_FIELDS: readonly { name: string; min: number; max: number; names?: readonly string[] }[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
  { name: 'year', min: 1970, max: 2199 },
];

/**
 * Checks a `cron(minutes hours day-of-month month day-of-week year)` expression as EventBridge
 * reads it (EventBridge user guide, "Schedule expressions for rules"): six fields, values in
 * range, and exactly one of day-of-month and day-of-week given as `?`.
 */
function checkCron(expression: string): string | undefined {
  const fields = /^cron\((.*)\)$/.exec(expression)?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6) {
    return `must have six cron fields (minutes hours day-of-month month day-of-week year), e.g. "cron(0 * * * ? *)"; ${fields.length} given`;
  }
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'must give exactly one of day-of-month and day-of-week as "?", e.g. "cron(0 * * * ? *)"';
  }
  for (const [index, field] of CRON_FIELDS.entries()) {
    const text = fields[index] ?? '';
    if (!text.split(',').every((item) => cronItemIsValid(item, field, index))) {
      return `has an invalid ${field.name} field "${text}" (${field.min}-${field.max}${field.names ? ` or ${field.names[0] ?? ''}-${field.names[field.names.length - 1] ?? ''}` : ''}, with , - * /)`;
    }
  }
  return undefined;
}

function cronItemIsValid(item: string, field: (typeof CRON_FIELDS)[number], index: number): boolean {
  const value = (text: string): number | undefined => {
    const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
    if (named >= 0) return named + field.min;
    return /^\d+$/.test(text) && Number(text) >= field.min && Number(text) <= field.max ? Number(text) : undefined;
  };
  if (item === '?') return index === 2 || index === 4;
  if (index === 2) {
    if (item === 'L' || item === 'LW') return true;
    const weekday = /^(\d{1,2})W$/.exec(item);
    if (weekday) return value(weekday[1] ?? '') !== undefined;
  }
  if (index === 4) {
    if (item === 'L') return true;
    const last = /^(\w+)L$/.exec(item);
    if (last) return value(last[1] ?? '') !== undefined;
    const nth = /^(\w+)#([1-5])$/.exec(item);
    if (nth) return value(nth[1] ?? '') !== undefined;
  }
  const [range = '', step, ...extra] = item.split('/');
  if (extra.length > 0 || (step !== undefined && !/^[1-9]\d*$/.test(step))) return false;
  if (range === '*') return true;
  const [from = '', to, ...more] = range.split('-');
  if (more.length > 0) return false;
  return value(from) !== undefined && (to === undefined || value(to) !== undefined);
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
