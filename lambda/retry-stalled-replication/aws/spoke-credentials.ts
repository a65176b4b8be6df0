import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { errorFacts, SpokeCredentialsTransientError, SpokeRoleUnavailableError } from '../decide/errors';
import { SPOKE_SESSION_NAME } from '../decide/hub';

/** Credentials are renewed this long before they expire, so that no call starts with a dying session. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** A held session is still used, when it cannot be renewed, while it has at least this long left. */
const STILL_VALID_MS = 5_000;

/** After a renewal failed, a session still valid is used this long before STS is asked again. */
const RENEWAL_PAUSE_MS = 30_000;

/** STS errors that mean the role cannot be assumed until someone changes the spoke (or an SCP). */
const PERMANENT = new Set(['AccessDenied', 'AccessDeniedException', 'RegionDisabledException']);

/** Sessions per role, shared by every call of the execution environment: one AssumeRole per hour per account. */
const sessions = new Map<string, Promise<AwsCredentialIdentity>>();

/** When a renewal of each role's session last failed transiently (epoch ms). */
const renewalFailedAt = new Map<string, number>();

const timeLeft = (credentials: AwsCredentialIdentity): number => (credentials.expiration?.getTime() ?? 0) - Date.now();

/**
 * The credentials of a spoke account, for its MGN client: the role assumed once and reused until
 * shortly before it expires (STS counts calls on the hub's account). A role that cannot be assumed
 * for good throws {@link SpokeRoleUnavailableError}. When a renewal fails for a reason that may pass
 * (throttling, 5xx, network), the session held is used while it is still valid; without one,
 * {@link SpokeCredentialsTransientError} says that no call was sent, and the next call tries again.
 */
export function spokeCredentials(roleArn: string, hubRoleName: string): AwsCredentialIdentityProvider {
  return async () => {
    const current = sessions.get(roleArn);
    const held = await current?.catch(() => undefined);
    if (held !== undefined && timeLeft(held) > RENEW_BEFORE_MS) return held;
    const failedAt = renewalFailedAt.get(roleArn);
    if (held !== undefined && timeLeft(held) > STILL_VALID_MS && failedAt !== undefined && Date.now() - failedAt < RENEWAL_PAUSE_MS) return held;
    // Another call may have started a new session meanwhile: use it rather than start a third.
    const newer = sessions.get(roleArn);
    if (newer !== undefined && newer !== current) return newer;
    const renewing = renew(roleArn, hubRoleName, held);
    sessions.set(roleArn, renewing);
    renewing.catch(() => {
      if (sessions.get(roleArn) === renewing) sessions.delete(roleArn);
    });
    return renewing;
  };
}

async function renew(roleArn: string, hubRoleName: string, held: AwsCredentialIdentity | undefined): Promise<AwsCredentialIdentity> {
  const { assumeRole } = await import('./sts-api');
  try {
    const assumed = await assumeRole(roleArn, SPOKE_SESSION_NAME);
    renewalFailedAt.delete(roleArn);
    return assumed;
  } catch (error) {
    const facts = errorFacts(error);
    if (PERMANENT.has(facts.code)) throw new SpokeRoleUnavailableError(roleArn, hubRoleName, facts);
    // A session is not revoked when its renewal fails: one that has not expired still works.
    if (held !== undefined && timeLeft(held) > STILL_VALID_MS) {
      renewalFailedAt.set(roleArn, Date.now());
      return held;
    }
    throw new SpokeCredentialsTransientError(roleArn, facts);
  }
}
