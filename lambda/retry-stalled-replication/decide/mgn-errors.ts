import { errorFacts } from './errors';
import type { AccountProblem } from './escalation-message';
import { Outcome, type AccountOutcome } from './outcomes';

/** How a decision reacts to an error from an MGN call. */
export type MgnErrorKind =
  /** The server does not exist (any more). */
  | 'NOT_FOUND'
  /** MGN is not initialized in the account and Region: permanent until someone initializes it. */
  | 'NOT_INITIALIZED'
  /** Denied for good (IAM, an SCP, a permissions boundary): retrying the call cannot help. */
  | 'ACCESS_DENIED'
  /** Hub mode: the account's spoke role cannot be assumed, so no call reached MGN. */
  | 'SPOKE_ROLE_UNAVAILABLE'
  /** Hub mode: the spoke session could not be renewed for now (STS busy or failing): no call reached MGN. */
  | 'SPOKE_SESSION_NOT_RENEWED'
  /** MGN understood the request and said no (ValidationException or any other 4xx). */
  | 'REFUSED'
  /** Throttling, 5xx, network, timeouts, the function's deadline: the same call may work later. */
  | 'TRANSIENT';

export interface ClassifiedMgnError {
  readonly kind: MgnErrorKind;
  /** The error code (exception name), e.g. `ThrottlingException`. */
  readonly code: string;
  readonly message: string;
  /**
   * How many times the SDK sent the request, when it says. After one send answered with an
   * error, the request certainly did not take effect; after more, an earlier send may have.
   */
  readonly attempts?: number;
}

/** Credential and clock problems answer 403 or 400 but pass once the credentials are refreshed. */
const TRANSIENT_AUTH = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired', 'InvalidSignatureException', 'SignatureDoesNotMatch']);

/** Throttling answers: 400 (`Throttling`, the awsQuery services' code) or 429; the same call works later. */
const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException']);

/**
 * Maps an error thrown by the MGN client to how the decision reacts to it. MGN's model
 * (botocore mgn/2020-02-26/service-2.json) gives RetryDataReplication only
 * UninitializedAccountException, ResourceNotFoundException and ValidationException; throttling,
 * access and 5xx errors come from the service front end, and network errors carry no status. Pure.
 */
export function classifyMgnError(error: unknown): ClassifiedMgnError {
  const { code, message } = errorFacts(error);
  const metadata = (error as { $metadata?: { httpStatusCode?: number; attempts?: number } } | undefined)?.$metadata;
  const status = metadata?.httpStatusCode;
  const kind = ((): MgnErrorKind => {
    if (code === 'SpokeRoleUnavailableError') return 'SPOKE_ROLE_UNAVAILABLE';
    if (code === 'SpokeCredentialsTransientError') return 'SPOKE_SESSION_NOT_RENEWED';
    if (code === 'ResourceNotFoundException' || status === 404) return 'NOT_FOUND';
    if (code === 'UninitializedAccountException') return 'NOT_INITIALIZED';
    if (TRANSIENT_AUTH.has(code)) return 'TRANSIENT';
    if (code === 'AccessDeniedException' || code === 'AccessDenied' || status === 403) return 'ACCESS_DENIED';
    if (THROTTLING.has(code) || status === 429) return 'TRANSIENT';
    if (status !== undefined && status >= 400 && status < 500) return 'REFUSED';
    return 'TRANSIENT';
  })();
  return { kind, code, message, ...(metadata?.attempts === undefined ? {} : { attempts: metadata.attempts }) };
}

/**
 * The account-wide problem an error shows (one that stops every call in the account), and the
 * outcome of each server it stops; undefined for a problem of one server or of the moment.
 */
export function accountProblemOf(kind: MgnErrorKind): { problem: AccountProblem; outcome: AccountOutcome } | undefined {
  switch (kind) {
    case 'NOT_INITIALIZED':
      return { problem: 'MGN_NOT_INITIALIZED', outcome: Outcome.SKIPPED_MGN_NOT_INITIALIZED };
    case 'ACCESS_DENIED':
      return { problem: 'ACCESS_DENIED', outcome: Outcome.SKIPPED_ACCESS_DENIED };
    case 'SPOKE_ROLE_UNAVAILABLE':
      return { problem: 'SPOKE_ROLE_UNAVAILABLE', outcome: Outcome.SKIPPED_SPOKE_ROLE_UNAVAILABLE };
    default:
      return undefined;
  }
}
