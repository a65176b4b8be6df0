import { ConfigurationError } from './decide/errors';
import type { HealthPolicy } from './decide/fleet-health';
import type { HubAccounts } from './decide/hub';
import { isReplicationError, type ErrorAction, type ReplicationError } from './decide/triage';

/** The function's settings, read from its environment once per execution environment. */
export interface HandlerConfig {
  /** The account the function runs in: retries for it are sent without `accountID`. */
  readonly homeAccountID: string;
  readonly region: string;
  /** Lifecycle states whose servers are never retried. */
  readonly skipLifecycleStates: readonly string[];
  /** A server tagged with this key and the value `off` is never retried. */
  readonly optOutTagKey: string;
  /** Minimum time between two retries of one server. */
  readonly cooldownMinutes: number;
  /** Most retries per stall episode before a person is notified. */
  readonly maxAttempts: number;
  /** Evaluate everything, change nothing. */
  readonly dryRun: boolean;
  /** DynamoDB table of stall episodes and attempts. */
  readonly ledgerTableName: string;
  /** SNS topic for escalations. */
  readonly notificationTopicArn: string;
  /** How many servers a sweep decides at the same time. */
  readonly sweepConcurrency: number;
  /** Whether requests for other accounts' servers are accepted (MGN global view). */
  readonly globalView: boolean;
  /** Overrides of the default error policy: per MGN replication error, retry or escalate. */
  readonly errorPolicy: Readonly<Partial<Record<ReplicationError, ErrorAction>>>;
  /** Retry agentless (snapshot-shipping) servers too. */
  readonly retryAgentless: boolean;
  /** A mass stall needs at least this many stalled servers… */
  readonly massStallMinServers: number;
  /** …and at least this share of the servers in replication. */
  readonly massStallShare: number;
  /** How old the sweep's census may be for event-driven decisions to rely on it; 0 when the sweep is off. */
  readonly censusMaxAgeMinutes: number;
  /** Open an OpsCenter OpsItem with each notice, and resolve it when the server replicates again. */
  readonly opsItems: boolean;
  /** Hub mode: the spoke accounts served through their spoke roles; absent in single-account mode. */
  readonly hub?: HubAccounts;
  /** What the sweep's fleet health counts as at risk. */
  readonly health: HealthPolicy;
}

/** Reads and checks the environment; a missing or malformed value stops the cold start. */
export function readHandlerConfig(env: NodeJS.ProcessEnv): HandlerConfig {
  const homeAccountID = required(env, 'HOME_ACCOUNT_ID');
  if (!/^[0-9]{12}$/.test(homeAccountID)) {
    throw new ConfigurationError(`HOME_ACCOUNT_ID must be a 12-digit account ID, got "${homeAccountID}"`);
  }
  return {
    homeAccountID,
    region: required(env, 'AWS_REGION'),
    // An empty list is a valid setting: every lifecycle state may be retried.
    skipLifecycleStates: present(env, 'SKIP_LIFECYCLE_STATES')
      .split(',')
      .map((state) => state.trim())
      .filter((state) => state !== ''),
    optOutTagKey: required(env, 'OPT_OUT_TAG_KEY'),
    cooldownMinutes: integer(env, 'COOLDOWN_MINUTES', 0),
    maxAttempts: integer(env, 'MAX_ATTEMPTS', 1),
    dryRun: boolean(env, 'DRY_RUN'),
    ledgerTableName: required(env, 'LEDGER_TABLE_NAME'),
    notificationTopicArn: required(env, 'NOTIFICATION_TOPIC_ARN'),
    sweepConcurrency: integer(env, 'SWEEP_CONCURRENCY', 1),
    globalView: boolean(env, 'GLOBAL_VIEW'),
    errorPolicy: errorPolicy(env),
    retryAgentless: boolean(env, 'RETRY_AGENTLESS'),
    massStallMinServers: integer(env, 'MASS_STALL_MIN_SERVERS', 1),
    massStallShare: share(env, 'MASS_STALL_SHARE'),
    censusMaxAgeMinutes: integer(env, 'CENSUS_MAX_AGE_MINUTES', 0),
    opsItems: boolean(env, 'OPS_ITEMS'),
    ...(env['HUB'] === undefined ? {} : { hub: hubAccounts(env['HUB']) }),
    health: {
      lagThresholdMinutes: integer(env, 'LAG_THRESHOLD_MINUTES', 1),
      agentSilenceMinutes: integer(env, 'AGENT_SILENCE_MINUTES', 1),
      freePeriodWarningDays: integer(env, 'FREE_PERIOD_WARNING_DAYS', 0),
    },
  };
}

/** HUB: {"spokeAccounts": ["<12 digits>", …], "organizationId"?: "o-…"}, set by the hub stack only. */
function hubAccounts(text: string): HubAccounts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    parsed = undefined;
  }
  const hub = typeof parsed === 'object' && parsed !== null ? (parsed as { spokeAccounts?: unknown; organizationId?: unknown }) : {};
  const spokes: unknown = hub.spokeAccounts;
  const organization: unknown = hub.organizationId;
  const isAccount = (account: unknown): account is string => typeof account === 'string' && /^[0-9]{12}$/.test(account);
  if (!Array.isArray(spokes) || !spokes.every(isAccount) || (organization !== undefined && (typeof organization !== 'string' || !/^o-[a-z0-9]{10,32}$/.test(organization)))) {
    throw new ConfigurationError(`environment variable HUB must be {"spokeAccounts": [12-digit IDs], "organizationId"?: "o-…"}, got "${text}"`);
  }
  return { spokeAccounts: spokes, ...(typeof organization === 'string' ? { organizationId: organization } : {}) };
}

function errorPolicy(env: NodeJS.ProcessEnv): Partial<Record<ReplicationError, ErrorAction>> {
  const text = required(env, 'ERROR_POLICY');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigurationError(`environment variable ERROR_POLICY must be a JSON object, got "${text}"`);
  }
  const policy: Partial<Record<ReplicationError, ErrorAction>> = {};
  for (const [error, action] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isReplicationError(error) || (action !== 'retry' && action !== 'escalate')) {
      throw new ConfigurationError(`environment variable ERROR_POLICY has an invalid entry ${JSON.stringify(error)}: ${JSON.stringify(action)}`);
    }
    policy[error] = action;
  }
  return policy;
}

function share(env: NodeJS.ProcessEnv, name: string): number {
  const text = required(env, name);
  const value = Number(text);
  if (!/^[0-9.]+$/.test(text) || !(value > 0 && value <= 1)) {
    throw new ConfigurationError(`environment variable ${name} must be a number above 0 and at most 1, got "${text}"`);
  }
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = present(env, name);
  if (value === '') throw new ConfigurationError(`environment variable ${name} is empty; redeploy the stack`);
  return value;
}

/** A variable that must be set, possibly to the empty string. */
function present(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined) throw new ConfigurationError(`environment variable ${name} is not set; redeploy the stack`);
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, minimum: number): number {
  const text = required(env, name);
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < minimum) {
    throw new ConfigurationError(`environment variable ${name} must be an integer of at least ${minimum}, got "${text}"`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string): boolean {
  const text = required(env, name);
  if (text !== 'true' && text !== 'false') {
    throw new ConfigurationError(`environment variable ${name} must be "true" or "false", got "${text}"`);
  }
  return text === 'true';
}

export const config = readHandlerConfig(process.env);
