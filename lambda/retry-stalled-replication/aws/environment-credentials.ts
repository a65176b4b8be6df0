import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the bundle (an esbuild alias, see
 * lib/function-bundle.ts). Lambda gives the function its credentials in environment variables, so
 * the default chain's other providers (SSO, INI files, IMDS, process, web identity) are dead weight
 * parsed at every cold start. Trade-off: the bundle reads credentials only from the environment;
 * clients that need others (a role assumed in another account) are given them explicitly.
 */
export function defaultProvider(init: Parameters<typeof fromEnv>[0] = {}): AwsCredentialIdentityProvider {
  return fromEnv(init);
}
