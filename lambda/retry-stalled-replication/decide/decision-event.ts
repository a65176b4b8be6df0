import { consoleUrl } from './console-link';
import { Outcome } from './outcomes';

/** The `source` of every decision event on the default event bus. */
export const DECISION_EVENT_SOURCE = 'mgn-stall-retry';

/** The detail-types of decision events (docs/operations.md, "Where notifications go"). */
export const DecisionEventType = {
  RETRIED: 'Stall Retried',
  ESCALATED: 'Stall Escalated',
  RECOVERED: 'Stall Recovered',
  MASS_STALL: 'Mass Stall Detected',
} as const;
export type DecisionEventType = (typeof DecisionEventType)[keyof typeof DecisionEventType];

/** What a decision knew, as far as an event carries it. */
export interface DecisionFacts {
  readonly sourceServerID: string;
  readonly accountID: string;
  readonly outcome: string;
  readonly reason?: string;
  readonly hostname?: string;
  readonly attempt?: number;
  readonly attempts?: number;
  readonly episodeStartedAt?: number;
  readonly replicationError?: string;
  readonly failedStep?: string;
  /** The cause of the notice this decision sent, if it sent one. */
  readonly escalated?: string;
  /** Set when the decision ended an episode. */
  readonly stallSeconds?: number;
  readonly dryRun: boolean;
}

export interface DecisionEvent {
  readonly detailType: DecisionEventType;
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * The event a notable decision puts on the default bus: a retry, a notice sent, a recovery. Other
 * decisions (skips, failures, dry runs) put none. Pure.
 */
export function decisionEvent(facts: DecisionFacts, region: string): DecisionEvent | undefined {
  if (facts.dryRun) return undefined;
  const detailType =
    facts.escalated !== undefined
      ? DecisionEventType.ESCALATED
      : facts.outcome === Outcome.RETRIED
        ? DecisionEventType.RETRIED
        : facts.outcome === Outcome.RECOVERED && facts.stallSeconds !== undefined
          ? DecisionEventType.RECOVERED
          : undefined;
  if (detailType === undefined) return undefined;
  return {
    detailType,
    detail: {
      sourceServerID: facts.sourceServerID,
      accountID: facts.accountID,
      region,
      outcome: facts.outcome,
      ...optional('hostname', facts.hostname),
      ...optional('reason', facts.reason),
      ...optional('attempt', facts.attempt),
      ...optional('attempts', facts.attempts),
      ...optional('episodeStartedAt', facts.episodeStartedAt === undefined ? undefined : new Date(facts.episodeStartedAt).toISOString()),
      ...optional('error', facts.replicationError),
      ...optional('failedStep', facts.failedStep),
      ...optional('escalation', facts.escalated),
      // Only a recovery's own: a new episode's decision may also have counted the previous one's end.
      ...optional('stallSeconds', detailType === DecisionEventType.RECOVERED ? facts.stallSeconds : undefined),
      consoleUrl: consoleUrl(region, facts.sourceServerID),
    },
  };
}

/** The event of a mass stall's one notice. Pure. */
export function massStallEvent(
  facts: { accountID: string; stalled: number; inReplication: number; servers: readonly { sourceServerID: string; replicationError?: string }[] },
  region: string,
): DecisionEvent {
  return {
    detailType: DecisionEventType.MASS_STALL,
    detail: {
      accountID: facts.accountID,
      region,
      outcome: Outcome.SKIPPED_MASS_STALL,
      stalled: facts.stalled,
      inReplication: facts.inReplication,
      servers: facts.servers.map((server) => ({ sourceServerID: server.sourceServerID, ...optional('error', server.replicationError) })),
    },
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
