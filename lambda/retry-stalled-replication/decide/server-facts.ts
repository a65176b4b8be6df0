import type { SourceServer } from '@aws-sdk/client-mgn';

/** What a decision knows about a source server, read fresh from MGN. */
export interface ServerFacts {
  readonly sourceServerID: string;
  readonly isArchived: boolean;
  /** `dataReplicationInfo.dataReplicationState`; absent before the agent first reports. */
  readonly replicationState?: string;
  /** `lifeCycle.state`. */
  readonly lifeCycleState?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** `AGENT_BASED` or `SNAPSHOT_SHIPPING` (agentless); absent means agent-based. */
  readonly replicationType?: string;
  readonly hostname?: string;
  /** `dataReplicationInfo.dataReplicationError`. */
  readonly replicationError?: string;
  readonly rawError?: string;
  /** `dataReplicationInfo.lastSnapshotDateTime` (epoch ms), when it parses. */
  readonly lastSnapshotAt?: number;
  /** `dataReplicationInitiation.nextAttemptDateTime` (epoch ms): MGN's own next initiation attempt. */
  readonly nextAttemptAt?: number;
  /** `dataReplicationInitiation.startDateTime` (epoch ms): when the latest initiation started. */
  readonly initiationStartedAt?: number;
  /** The initiation steps in MGN's order, with their status: where an initiation broke. */
  readonly initiationSteps: readonly { readonly name: string; readonly status: string }[];
}

/** The initiation step that FAILED, if any. */
export function failedStep(server: Pick<ServerFacts, 'initiationSteps'>): string | undefined {
  return server.initiationSteps.find((step) => step.status === 'FAILED')?.name;
}

/** States in which data flows: proof that a stall episode is over. A retry's INITIATING is not one. */
const REPLICATING = new Set(['INITIAL_SYNC', 'BACKLOG', 'CREATING_SNAPSHOT', 'CONTINUOUS', 'RESCAN']);
/** Agentless replication also moves data while it ships snapshots. */
const REPLICATING_AGENTLESS = new Set([...REPLICATING, 'PENDING_SNAPSHOT_SHIPPING', 'SHIPPING_SNAPSHOT']);

/** Whether the server is replicating again: a state in which data flows, read from MGN. Pure. */
export function isReplicating(server: Pick<ServerFacts, 'replicationState' | 'replicationType'>): boolean {
  const states = server.replicationType === 'SNAPSHOT_SHIPPING' ? REPLICATING_AGENTLESS : REPLICATING;
  return server.replicationState !== undefined && states.has(server.replicationState);
}

/** The facts a decision uses, from MGN's `SourceServer`. Pure. */
export function toServerFacts(sourceServerID: string, server: SourceServer): ServerFacts {
  const hints = server.sourceProperties?.identificationHints;
  const info = server.dataReplicationInfo;
  const lastSnapshotAt = parseTime(info?.lastSnapshotDateTime);
  const nextAttemptAt = parseTime(info?.dataReplicationInitiation?.nextAttemptDateTime);
  const initiationStartedAt = parseTime(info?.dataReplicationInitiation?.startDateTime);
  return {
    sourceServerID,
    isArchived: server.isArchived === true,
    replicationState: info?.dataReplicationState,
    lifeCycleState: server.lifeCycle?.state,
    tags: server.tags ?? {},
    replicationType: server.replicationType,
    hostname: hints?.hostname ?? hints?.fqdn,
    replicationError: info?.dataReplicationError?.error,
    rawError: info?.dataReplicationError?.rawError,
    ...(lastSnapshotAt === undefined ? {} : { lastSnapshotAt }),
    ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
    ...(initiationStartedAt === undefined ? {} : { initiationStartedAt }),
    initiationSteps: (info?.dataReplicationInitiation?.steps ?? []).map((step) => ({ name: step.name ?? 'UNKNOWN', status: step.status ?? 'UNKNOWN' })),
  };
}

function parseTime(text: string | undefined): number | undefined {
  const time = text === undefined ? NaN : Date.parse(text);
  return Number.isFinite(time) ? time : undefined;
}
