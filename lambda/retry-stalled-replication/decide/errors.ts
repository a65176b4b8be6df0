/** Thrown when an invocation payload is not one the function accepts. Names the field and the rule. */
export class InvalidInputError extends Error {
  public override readonly name = 'InvalidInputError';

  constructor(
    /** Path of the offending field, e.g. `resources[0]` or `sourceServerIDs[3]`. */
    public readonly field: string,
    /** What the field must be, in words. */
    public readonly rule: string,
  ) {
    super(`invalid input: ${field} ${rule}`);
  }
}

/** Thrown when the function's environment is incomplete: a deployment problem, surfaced at cold start. */
export class ConfigurationError extends Error {
  public override readonly name = 'ConfigurationError';
}

/**
 * Thrown at the end of an invocation in which at least one server hit a transient failure
 * (throttling, 5xx, network, timeout), so that Lambda retries the invocation and, past its
 * retries, keeps the event. Every other server of the invocation has been handled already.
 */
export class ReplicationRetryFailedError extends Error {
  public override readonly name = 'ReplicationRetryFailedError';

  constructor(public readonly failedSourceServerIDs: readonly string[]) {
    super(
      `replication retry failed for ${failedSourceServerIDs.length} source server(s): ` +
        `${failedSourceServerIDs.join(', ')}; the invocation will be retried`,
    );
  }
}

/** Thrown when a ledger entry kept changing under one decision: the server FAILED, the invocation is retried. */
export class LedgerContentionError extends Error {
  public override readonly name = 'LedgerContentionError';

  constructor(key: string, rounds: number) {
    super(`the attempt ledger entry ${key} changed ${rounds} times during one decision`);
  }
}

/**
 * Thrown instead of starting, or while waiting for, an AWS call that could not finish before the
 * invocation's deadline: the function returns before Lambda's timeout rather than being cut off.
 */
export class DeadlineExceededError extends Error {
  public override readonly name = 'DeadlineExceededError';

  constructor(what: string) {
    super(`${what} could not finish before the function's deadline`);
  }
}

/**
 * Thrown when the hub cannot assume an account's spoke role for good (the role is missing, does
 * not trust the hub's role, or an SCP denies it): no call to that account can be made until
 * someone deploys or fixes the spoke. The message names the role and the fix.
 */
export class SpokeRoleUnavailableError extends Error {
  public override readonly name = 'SpokeRoleUnavailableError';

  constructor(
    public readonly roleArn: string,
    public readonly hubRoleName: string,
    cause: { code: string; message: string },
  ) {
    super(
      `cannot assume ${roleArn} (${cause.code}: ${cause.message}): deploy the spoke template in that account and Region ` +
        `(the StackSet), and check that its role trusts the hub account's role ${hubRoleName}`,
    );
  }
}

/**
 * Thrown when the hub could not renew its session in an account's spoke role for a reason that may
 * pass (STS throttling, a 5xx, the network) and holds no session that is still valid: the call it
 * was for was not sent. The platform retries the invocation.
 */
export class SpokeCredentialsTransientError extends Error {
  public override readonly name = 'SpokeCredentialsTransientError';

  constructor(
    public readonly roleArn: string,
    cause: { code: string; message: string },
  ) {
    super(`the session in ${roleArn} could not be renewed (${cause.code}: ${cause.message}); no call was sent to that account`);
  }
}

/** The code (exception name) and message of anything thrown, for a log line or a reason. */
export function errorFacts(error: unknown): { code: string; message: string } {
  return error instanceof Error ? { code: error.name, message: error.message } : { code: 'UnknownError', message: String(error) };
}
