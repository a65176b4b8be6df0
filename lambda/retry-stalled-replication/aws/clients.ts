import { NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS } from '@smithy/config-resolver';
import { NODE_MAX_ATTEMPT_CONFIG_OPTIONS, NODE_RETRY_MODE_CONFIG_OPTIONS } from '@smithy/middleware-retry';
import type { LoadedConfigSelectors } from '@smithy/node-config-provider';
import type { DefaultsMode } from '@smithy/smithy-client';
import type { Provider } from '@smithy/types';
import { DeadlineExceededError } from '../decide/errors';

/**
 * A setting as the SDK reads it from the environment (same variable, same parsing, same errors),
 * else its default, without the SDK's next step: looking in the shared config files
 * (`~/.aws/config`), which Lambda does not have. Each client would otherwise make that lookup for
 * each such setting at a cold start (`npm run bench`). Same trade-off as the environment-only
 * credentials (aws/environment-credentials.ts).
 */
function fromEnvironment<T>(sources: LoadedConfigSelectors<T>): T | Provider<T> {
  const value = sources.environmentVariableSelector(process.env);
  if (value !== undefined) return value;
  const fallback = sources.default;
  return typeof fallback === 'function' ? async () => (fallback as () => T | Promise<T>)() : fallback;
}

const DEFAULTS_MODES: readonly string[] = ['standard', 'in-region', 'cross-region', 'mobile', 'auto', 'legacy'] satisfies DefaultsMode[];

/** `AWS_DEFAULTS_MODE`, checked as the SDK checks it; "legacy" (the SDK's default) when unset. */
function defaultsMode(): DefaultsMode {
  const mode = process.env['AWS_DEFAULTS_MODE']?.toLowerCase() ?? 'legacy';
  if (!DEFAULTS_MODES.includes(mode)) throw new Error(`Invalid parameter for "defaultsMode", expect ${DEFAULTS_MODES.join(', ')}, got ${mode}`);
  return mode as DefaultsMode;
}

/**
 * Settings shared by the function's AWS clients. Explicit timeouts: a hung connection fails
 * fast (and the SDK retries it); the deadline given to each call bounds the whole call, retries
 * included. The endpoint and retry settings come from the environment only (see fromEnvironment).
 */
export const AWS_CLIENT_SETTINGS = {
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  useFipsEndpoint: fromEnvironment(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS),
  useDualstackEndpoint: fromEnvironment(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS),
  maxAttempts: fromEnvironment(NODE_MAX_ATTEMPT_CONFIG_OPTIONS),
  retryMode: fromEnvironment(NODE_RETRY_MODE_CONFIG_OPTIONS),
  defaultsMode: defaultsMode(),
} as const;

/**
 * Runs one SDK call so that it settles by `latest` (a `performance.now()` time): the call gets an
 * abort signal that fires then, and the caller stops waiting then whatever the SDK does. A call
 * that cannot start before `latest` is not started. Throws {@link DeadlineExceededError}.
 */
export async function sendBefore<T>(latest: number, what: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const left = latest - performance.now();
  if (left <= 0) throw new DeadlineExceededError(what);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineExceededError(what));
    }, left);
  });
  // Any thenable the client returns (a mock's, say) becomes a native promise.
  const call = Promise.resolve(send(controller.signal));
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
    // The losing side settles later; nobody waits for it.
    call.catch(() => undefined);
    expired.catch(() => undefined);
  }
}
