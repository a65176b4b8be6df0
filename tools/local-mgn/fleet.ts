/** A source server as the local MGN stand-in keeps it: the fields the product reads, and its behaviour. */
export interface LocalSourceServer {
  readonly sourceServerID: string;
  replicationState: string;
  lifeCycleState: string;
  isArchived: boolean;
  hostname?: string;
  tags?: Record<string, string>;
  replicationType?: 'AGENT_BASED' | 'SNAPSHOT_SHIPPING';
  applicationID?: string;
  /** `dataReplicationInfo.dataReplicationError` while the server is stalled. */
  replicationError?: { error: string; rawError?: string };
  /** What happens after a retry, when the stand-in's clock advances: replication resumes, or stalls again. */
  afterRetry?: 'RECOVERS' | 'STAYS_STALLED';
  /** When the current replication initiation started (epoch ms), while INITIATING. */
  initiationStartedAt?: number;
  /** `dataReplicationInfo.lastSnapshotDateTime` (epoch ms): set when replication reaches CONTINUOUS. */
  lastSnapshotAt?: number;
  /** MGN refuses every RetryDataReplication of this server with a ValidationException, even while STALLED. */
  refusesRetry?: boolean;
}

/**
 * A fleet of `size` source servers with deterministic IDs, `stalled` of them STALLED (spread
 * evenly, with a network error), the rest replicating normally.
 */
export function generateFleet(
  size: number,
  stalled: number,
  afterRetry: LocalSourceServer['afterRetry'] = 'STAYS_STALLED',
): LocalSourceServer[] {
  const every = stalled === 0 ? Infinity : size / stalled;
  return Array.from({ length: size }, (_, index) => {
    const isStalled = Math.floor(index % every) === 0 && Math.floor(index / every) < stalled;
    return {
      sourceServerID: `s-${index.toString(16).padStart(17, '0')}`,
      replicationState: isStalled ? 'STALLED' : 'CONTINUOUS',
      lifeCycleState: 'READY_FOR_TEST',
      isArchived: false,
      hostname: `server-${index}`,
      ...(isStalled ? { replicationError: { error: 'UNSTABLE_NETWORK', rawError: 'connection to replication server lost' }, afterRetry } : {}),
    };
  });
}

/**
 * One step of MGN's replication after a retry: RetryDataReplication puts a stalled server into
 * INITIATING; the initiation either leads to INITIAL_SYNC and then CONTINUOUS, or, when the cause
 * is still there, back to STALLED. Returns whether the server changed.
 */
export function advanceReplication(server: LocalSourceServer, now: number): boolean {
  switch (server.replicationState) {
    case 'INITIATING':
      server.replicationState = server.afterRetry === 'STAYS_STALLED' ? 'STALLED' : 'INITIAL_SYNC';
      delete server.initiationStartedAt;
      return true;
    case 'INITIAL_SYNC':
      server.replicationState = 'CONTINUOUS';
      server.lastSnapshotAt = now;
      delete server.replicationError;
      return true;
    default:
      return false;
  }
}

/** The server as MGN's API returns it (`SourceServer` shape). */
export function renderSourceServer(server: LocalSourceServer, account: string, region: string): Record<string, unknown> {
  const initiating = server.replicationState === 'INITIATING' && server.initiationStartedAt !== undefined;
  return {
    sourceServerID: server.sourceServerID,
    arn: `arn:aws:mgn:${region}:${account}:source-server/${server.sourceServerID}`,
    isArchived: server.isArchived,
    tags: server.tags ?? {},
    replicationType: server.replicationType ?? 'AGENT_BASED',
    ...(server.applicationID ? { applicationID: server.applicationID } : {}),
    lifeCycle: { state: server.lifeCycleState },
    dataReplicationInfo: {
      dataReplicationState: server.replicationState,
      ...(server.replicationState === 'STALLED' && server.replicationError
        ? { dataReplicationError: server.replicationError }
        : {}),
      ...(server.lastSnapshotAt === undefined ? {} : { lastSnapshotDateTime: new Date(server.lastSnapshotAt).toISOString() }),
      ...(initiating
        ? {
            dataReplicationInitiation: {
              startDateTime: new Date(server.initiationStartedAt ?? 0).toISOString(),
              steps: [
                { name: 'WAIT', status: 'SUCCEEDED' },
                { name: 'CONNECT_AGENT_TO_REPLICATION_SERVER', status: 'IN_PROGRESS' },
              ],
            },
          }
        : {}),
    },
    sourceProperties: { identificationHints: { hostname: server.hostname ?? server.sourceServerID } },
  };
}
