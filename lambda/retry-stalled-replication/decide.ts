import { Outcome } from './outcomes';

/** What the decision needs to know about a source server, read fresh from MGN. */
export interface ServerSnapshot {
  readonly sourceServerID: string;
  readonly isArchived: boolean;
  /** `dataReplicationInfo.dataReplicationState`; absent before the agent first reports. */
  readonly replicationState?: string;
  /** `lifeCycle.state`. */
  readonly lifeCycleState?: string;
}

/** Policy knobs the decision follows. */
export interface RetryPolicy {
  /** Lifecycle states in which a retry could disturb a cutover or cannot work. */
  readonly skipLifecycleStates: readonly string[];
}

export type Decision =
  | { readonly action: 'RETRY' }
  | {
      readonly action: 'SKIP';
      readonly outcome: typeof Outcome.SKIPPED_ARCHIVED | typeof Outcome.SKIPPED_LIFECYCLE | typeof Outcome.SKIPPED_NOT_STALLED;
      readonly reason: string;
    };

/**
 * Decides whether a server's replication should be retried. Pure: the same snapshot and policy
 * always give the same decision. Guards come first, most protective first: an archived server is
 * out of scope, a cutover must never be disturbed, and only a stalled replication is retried.
 */
export function decide(server: ServerSnapshot, policy: RetryPolicy): Decision {
  if (server.isArchived) {
    return { action: 'SKIP', outcome: Outcome.SKIPPED_ARCHIVED, reason: 'source server is archived' };
  }
  if (server.lifeCycleState !== undefined && policy.skipLifecycleStates.includes(server.lifeCycleState)) {
    return {
      action: 'SKIP',
      outcome: Outcome.SKIPPED_LIFECYCLE,
      reason: `lifecycle state ${server.lifeCycleState} is in the skip list`,
    };
  }
  if (server.replicationState !== 'STALLED') {
    return {
      action: 'SKIP',
      outcome: Outcome.SKIPPED_NOT_STALLED,
      reason: `data replication state is ${server.replicationState ?? 'unknown'}, not STALLED`,
    };
  }
  return { action: 'RETRY' };
}
