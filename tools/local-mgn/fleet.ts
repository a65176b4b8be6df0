/** A source server as the local MGN stand-in keeps it: the fields the product reads, and its behaviour. */
export interface LocalSourceServer {
  readonly sourceServerID: string;
  /** The account that owns it; default: the stand-in's own account. */
  readonly accountID?: string;
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
  /** When the latest replication initiation started (epoch ms): shown while INITIATING and after it failed. */
  initiationStartedAt?: number;
  /** `dataReplicationInfo.lastSnapshotDateTime` (epoch ms): set when replication reaches CONTINUOUS. */
  lastSnapshotAt?: number;
  /** MGN refuses every RetryDataReplication of this server with a ValidationException, even while STALLED. */
  refusesRetry?: boolean;
  /** `dataReplicationInitiation.nextAttemptDateTime` (epoch ms): MGN's own next initiation attempt while STALLED. */
  nextAttemptAt?: number;
  /** `dataReplicationInfo.lagDuration`, as MGN writes it (an ISO 8601 duration), or any odd text to test with. */
  lagDuration?: string;
  /** `replicatedDisks[].backloggedStorageBytes`, one entry per disk (null: a disk without the figure). */
  backloggedBytes?: (number | null)[];
  /** `lifeCycle.lastSeenByServiceDateTime` (epoch ms, or any odd text to test with). */
  lastSeenAt?: number | string;
  /** `lifeCycle.elapsedReplicationDuration`, as MGN writes it (an ISO 8601 duration). */
  elapsedReplicationDuration?: string;
}

/** The replication initiation steps, in MGN's order (API model `DataReplicationInitiationStepName`). */
export const INITIATION_STEPS = [
  'WAIT',
  'CREATE_SECURITY_GROUP',
  'LAUNCH_REPLICATION_SERVER',
  'BOOT_REPLICATION_SERVER',
  'AUTHENTICATE_WITH_SERVICE',
  'DOWNLOAD_REPLICATION_SOFTWARE',
  'CREATE_STAGING_DISKS',
  'ATTACH_STAGING_DISKS',
  'PAIR_REPLICATION_SERVER_WITH_AGENT',
  'CONNECT_AGENT_TO_REPLICATION_SERVER',
  'START_DATA_TRANSFER',
] as const;

/**
 * The initiation step an error stops at: each FAILED_TO_<STEP> at its step, an agent not seen at
 * WAIT. Errors that come after initiation (network, convergence, snapshots) fail no step.
 */
export function failingStep(error: string | undefined): string | undefined {
  if (error === 'AGENT_NOT_SEEN') return 'WAIT';
  const step = error?.replace(/^FAILED_TO_/, '');
  return INITIATION_STEPS.find((name) => name === step);
}

/**
 * A fleet of `size` source servers with deterministic IDs, `stalled` of them STALLED (spread
 * evenly, with a network error, two hours behind), the rest replicating normally (seconds
 * behind, nothing backlogged, up to 79 days into their free replication period).
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
      lagDuration: isStalled ? 'PT2H' : 'PT4S',
      backloggedBytes: [0, 0],
      elapsedReplicationDuration: `P${index % 80}DT3H`,
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
    case 'STALLED':
      // MGN's own attempt, when it is due: the same initiation a retry brings forward.
      if (server.nextAttemptAt === undefined || server.nextAttemptAt > now) return false;
      delete server.nextAttemptAt;
      server.replicationState = 'INITIATING';
      server.initiationStartedAt = now;
      return true;
    case 'INITIATING':
      // The failed initiation's start stays visible while the server is stalled again.
      server.replicationState = server.afterRetry === 'STAYS_STALLED' ? 'STALLED' : 'INITIAL_SYNC';
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

/** A stalled server's last initiation: the steps up to the one its error stops at, and MGN's next attempt. */
function stalledInitiation(server: LocalSourceServer): Record<string, unknown> {
  const failed = server.replicationType === 'SNAPSHOT_SHIPPING' ? undefined : failingStep(server.replicationError?.error);
  const failedAt = failed === undefined ? INITIATION_STEPS.length : INITIATION_STEPS.indexOf(failed as (typeof INITIATION_STEPS)[number]);
  return {
    ...(server.initiationStartedAt === undefined ? {} : { startDateTime: new Date(server.initiationStartedAt).toISOString() }),
    ...(server.nextAttemptAt === undefined ? {} : { nextAttemptDateTime: new Date(server.nextAttemptAt).toISOString() }),
    steps: INITIATION_STEPS.map((name, index) => ({
      name,
      status: index < failedAt ? 'SUCCEEDED' : index === failedAt ? 'FAILED' : 'NOT_STARTED',
    })),
  };
}

/** The server as MGN's API returns it (`SourceServer` shape). */
export function renderSourceServer(server: LocalSourceServer, account: string, region: string): Record<string, unknown> {
  const initiating = server.replicationState === 'INITIATING' && server.initiationStartedAt !== undefined;
  const stalled = server.replicationState === 'STALLED';
  return {
    sourceServerID: server.sourceServerID,
    arn: `arn:aws:mgn:${region}:${account}:source-server/${server.sourceServerID}`,
    isArchived: server.isArchived,
    tags: server.tags ?? {},
    replicationType: server.replicationType ?? 'AGENT_BASED',
    ...(server.applicationID ? { applicationID: server.applicationID } : {}),
    lifeCycle: {
      state: server.lifeCycleState,
      ...(server.lastSeenAt === undefined
        ? {}
        : { lastSeenByServiceDateTime: typeof server.lastSeenAt === 'number' ? new Date(server.lastSeenAt).toISOString() : server.lastSeenAt }),
      ...(server.elapsedReplicationDuration === undefined ? {} : { elapsedReplicationDuration: server.elapsedReplicationDuration }),
    },
    dataReplicationInfo: {
      dataReplicationState: server.replicationState,
      ...(server.lagDuration === undefined ? {} : { lagDuration: server.lagDuration }),
      ...(server.backloggedBytes === undefined
        ? {}
        : {
            replicatedDisks: server.backloggedBytes.map((bytes, index) => ({
              deviceName: `/dev/xvd${String.fromCharCode(97 + (index % 26))}`,
              ...(bytes === null ? {} : { backloggedStorageBytes: bytes }),
            })),
          }),
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
      ...(stalled ? { dataReplicationInitiation: stalledInitiation(server) } : {}),
    },
    sourceProperties: { identificationHints: { hostname: server.hostname ?? server.sourceServerID } },
  };
}
