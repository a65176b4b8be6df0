import type { ServerFacts } from './server-facts';

/**
 * Triage: what MGN says is wrong with a stalled server decides whether a retry can help. Pure.
 * docs/how-it-works.md, "Triage", has the policy table and its sources.
 */

/** Every `dataReplicationError` value of the MGN API (`DataReplicationErrorString`). */
export const REPLICATION_ERRORS = [
  'AGENT_NOT_SEEN',
  'SNAPSHOTS_FAILURE',
  'NOT_CONVERGING',
  'UNSTABLE_NETWORK',
  'FAILED_TO_CREATE_SECURITY_GROUP',
  'FAILED_TO_LAUNCH_REPLICATION_SERVER',
  'FAILED_TO_BOOT_REPLICATION_SERVER',
  'FAILED_TO_AUTHENTICATE_WITH_SERVICE',
  'FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE',
  'FAILED_TO_CREATE_STAGING_DISKS',
  'FAILED_TO_ATTACH_STAGING_DISKS',
  'FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT',
  'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER',
  'FAILED_TO_START_DATA_TRANSFER',
  'UNSUPPORTED_VM_CONFIGURATION',
  'LAST_SNAPSHOT_JOB_FAILED',
] as const;
export type ReplicationError = (typeof REPLICATION_ERRORS)[number];

export type ErrorAction = 'retry' | 'escalate';

/**
 * The default policy. `escalate`: a retry cannot fix the cause (an agent that is down, a source
 * that writes faster than it replicates, missing permissions or network paths, an unsupported VM);
 * `retry`: the cause can be transient (network, EC2 capacity or throttling, a replication server
 * that failed to start or pair). An error MGN adds later, and no error, are retried.
 */
export const DEFAULT_ERROR_POLICY: Readonly<Record<ReplicationError, ErrorAction>> = {
  AGENT_NOT_SEEN: 'escalate',
  NOT_CONVERGING: 'escalate',
  FAILED_TO_CREATE_SECURITY_GROUP: 'escalate',
  FAILED_TO_AUTHENTICATE_WITH_SERVICE: 'escalate',
  FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE: 'escalate',
  FAILED_TO_CREATE_STAGING_DISKS: 'escalate',
  FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER: 'escalate',
  UNSUPPORTED_VM_CONFIGURATION: 'escalate',
  UNSTABLE_NETWORK: 'retry',
  SNAPSHOTS_FAILURE: 'retry',
  FAILED_TO_LAUNCH_REPLICATION_SERVER: 'retry',
  FAILED_TO_BOOT_REPLICATION_SERVER: 'retry',
  FAILED_TO_ATTACH_STAGING_DISKS: 'retry',
  FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT: 'retry',
  FAILED_TO_START_DATA_TRANSFER: 'retry',
  LAST_SNAPSHOT_JOB_FAILED: 'retry',
};

export function isReplicationError(value: string): value is ReplicationError {
  return (REPLICATION_ERRORS as readonly string[]).includes(value);
}

/** What triage needs from the settings. */
export interface TriagePolicy {
  /** Overrides of the default policy, per error. */
  readonly errorPolicy: Readonly<Partial<Record<ReplicationError, ErrorAction>>>;
  /** Retry agentless (snapshot-shipping) servers too. */
  readonly retryAgentless: boolean;
  readonly cooldownMinutes: number;
}

export type TriageVerdict =
  /** Let the ledger decide on a retry. */
  | { readonly kind: 'RETRY'; readonly policy: string }
  /** A retry cannot help: tell a person at once, do not retry. */
  | { readonly kind: 'NEEDS_PERSON'; readonly policy: string }
  /** MGN's own next attempt is due within the cooldown: let it happen, spend nothing. */
  | { readonly kind: 'MGN_ATTEMPT_PENDING'; readonly nextAttemptAt: number; readonly policy: string };

/** The action the policy gives an error (none reported: retry). */
export function errorAction(error: string | undefined, overrides: TriagePolicy['errorPolicy']): ErrorAction {
  if (error === undefined || !isReplicationError(error)) return 'retry';
  return overrides[error] ?? DEFAULT_ERROR_POLICY[error];
}

/**
 * Triage of a stalled server that passed the guards, in the order of the decision: the error
 * policy and agentless servers (escalate without a retry), then MGN's own pending attempt, then
 * the ledger. `now` in epoch milliseconds.
 */
export function triage(
  server: Pick<ServerFacts, 'replicationError' | 'replicationType' | 'nextAttemptAt'>,
  policy: TriagePolicy,
  now: number,
): TriageVerdict {
  const error = server.replicationError;
  if (server.replicationType === 'SNAPSHOT_SHIPPING' && !policy.retryAgentless) {
    return {
      kind: 'NEEDS_PERSON',
      policy: 'not retried: agentless (snapshot-shipping) replication is driven by the vCenter client, and a retry acts at an agent\'s handshake; set retryAgentless to retry it',
    };
  }
  if (errorAction(error, policy.errorPolicy) === 'escalate') {
    return { kind: 'NEEDS_PERSON', policy: `not retried: ${error ?? 'this error'} needs a person` };
  }
  const described = error === undefined ? 'no error reported' : error;
  const cooldownEnd = now + policy.cooldownMinutes * 60_000;
  if (server.nextAttemptAt !== undefined && server.nextAttemptAt > now && server.nextAttemptAt <= cooldownEnd) {
    return {
      kind: 'MGN_ATTEMPT_PENDING',
      nextAttemptAt: server.nextAttemptAt,
      policy: `not retried now: MGN's own next attempt is due at ${new Date(server.nextAttemptAt).toISOString()}, within the cooldown`,
    };
  }
  return { kind: 'RETRY', policy: `retried: ${described} can be transient` };
}
