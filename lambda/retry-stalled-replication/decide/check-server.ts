import { Outcome } from './outcomes';
import type { ServerFacts } from './server-facts';

/** The server-side guards a retry must pass. */
export interface ServerPolicy {
  /** Lifecycle states in which a retry could disturb a cutover or cannot work. */
  readonly skipLifecycleStates: readonly string[];
  /** A server tagged with this key and the value `off` (any case) is left alone. */
  readonly optOutTagKey: string;
}

export type ServerCheck =
  | { readonly action: 'PROCEED' }
  | {
      readonly action: 'SKIP';
      readonly outcome:
        | typeof Outcome.SKIPPED_ARCHIVED
        | typeof Outcome.SKIPPED_LIFECYCLE
        | typeof Outcome.SKIPPED_OPTED_OUT
        | typeof Outcome.SKIPPED_NOT_STALLED;
      readonly reason: string;
    };

/**
 * Decides whether a server may be retried at all, before the attempt ledger is consulted. Pure.
 * Guards come first, most protective first: an archived server is out of scope, a cutover must
 * never be disturbed, an owner's opt-out is respected, and only a stalled replication is retried.
 */
export function checkServer(
  server: Pick<ServerFacts, 'isArchived' | 'lifeCycleState' | 'tags' | 'replicationState'>,
  policy: ServerPolicy,
): ServerCheck {
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
  const optOut = server.tags[policy.optOutTagKey];
  if (optOut !== undefined && optOut.trim().toLowerCase() === 'off') {
    return {
      action: 'SKIP',
      outcome: Outcome.SKIPPED_OPTED_OUT,
      reason: `tagged ${policy.optOutTagKey}=${optOut}`,
    };
  }
  if (server.replicationState !== 'STALLED') {
    return {
      action: 'SKIP',
      outcome: Outcome.SKIPPED_NOT_STALLED,
      reason: `data replication state is ${server.replicationState ?? 'unknown'}, not STALLED`,
    };
  }
  return { action: 'PROCEED' };
}
