import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { errorFacts, SpokeRoleUnavailableError } from '../decide/errors';
import { SPOKE_SESSION_NAME } from '../decide/hub';

/** Credentials are renewed this long before they expire, so that no call starts with a dying session. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** STS errors that mean the role cannot be assumed until someone changes the spoke (or an SCP). */
const PERMANENT = new Set(['AccessDenied', 'AccessDeniedException', 'RegionDisabledException']);

/** Sessions per role, shared by every call of the execution environment: one AssumeRole per hour per account. */
const sessions = new Map<string, Promise<AwsCredentialIdentity>>();

/**
 * The credentials of a spoke account, for its MGN client: the role assumed once and reused until
 * shortly before it expires (STS counts calls on the hub's account). A role that cannot be assumed
 * for good throws {@link SpokeRoleUnavailableError}; a transient STS error is thrown as it is, and
 * the next call tries again.
 */
export function spokeCredentials(roleArn: string, hubRoleName: string): AwsCredentialIdentityProvider {
  return async () => {
    const current = sessions.get(roleArn);
    const held = await current?.catch(() => undefined);
    if (held?.expiration !== undefined && held.expiration.getTime() - Date.now() > RENEW_BEFORE_MS) return held;
    // Another call may have started a new session meanwhile: use it rather than start a third.
    const newer = sessions.get(roleArn);
    if (newer !== undefined && newer !== current) return newer;
    const assuming = assume(roleArn, hubRoleName);
    sessions.set(roleArn, assuming);
    assuming.catch(() => {
      if (sessions.get(roleArn) === assuming) sessions.delete(roleArn);
    });
    return assuming;
  };
}

async function assume(roleArn: string, hubRoleName: string): Promise<AwsCredentialIdentity> {
  const { assumeRole } = await import('./sts-api');
  try {
    return await assumeRole(roleArn, SPOKE_SESSION_NAME);
  } catch (error) {
    const facts = errorFacts(error);
    if (PERMANENT.has(facts.code)) throw new SpokeRoleUnavailableError(roleArn, hubRoleName, facts);
    throw error;
  }
}
