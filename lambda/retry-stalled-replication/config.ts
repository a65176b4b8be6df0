import { ConfigurationError } from './errors';

/** The function's settings, read from its environment once per execution environment. */
export interface HandlerConfig {
  /** The account the function runs in: retries for it are sent without `accountID`. */
  readonly homeAccountID: string;
  readonly region: string;
  /** Lifecycle states whose servers are never retried. */
  readonly skipLifecycleStates: readonly string[];
}

/** Reads and checks the environment; a missing or malformed value stops the cold start. */
export function readHandlerConfig(env: NodeJS.ProcessEnv): HandlerConfig {
  const homeAccountID = required(env, 'HOME_ACCOUNT_ID');
  if (!/^[0-9]{12}$/.test(homeAccountID)) {
    throw new ConfigurationError(`HOME_ACCOUNT_ID must be a 12-digit account ID, got "${homeAccountID}"`);
  }
  const skipLifecycleStates = required(env, 'SKIP_LIFECYCLE_STATES')
    .split(',')
    .map((state) => state.trim())
    .filter((state) => state !== '');
  return { homeAccountID, region: required(env, 'AWS_REGION'), skipLifecycleStates };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ConfigurationError(`environment variable ${name} is not set; redeploy the stack`);
  }
  return value;
}

export const config = readHandlerConfig(process.env);
