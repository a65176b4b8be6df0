import type { SourceServer } from '@aws-sdk/client-mgn';

/**
 * Fleet health from the pages a sweep reads anyway: servers that replicate but lag, backlogs,
 * agents MGN has not heard from, free replication time running out. Pure: a value that does not
 * parse is unknown (counted as unknown, never as 0).
 */

/** What counts as at risk. */
export interface HealthPolicy {
  /** A server past initial sync whose lag exceeds this is lagging. */
  readonly lagThresholdMinutes: number;
  /** An agent-based server MGN has not seen for longer than this has a silent agent. */
  readonly agentSilenceMinutes: number;
  /** A server within this many days of the end of its free replication period (or past it) is near its end. */
  readonly freePeriodWarningDays: number;
}

/** MGN's free replication period per server: 2,160 hours (90 days of continuous replication). */
export const FREE_PERIOD_SECONDS = 2160 * 3600;

/** Every data replication state MGN reports (API model `DataReplicationState`). */
export const REPLICATION_STATES = [
  'STOPPED', 'INITIATING', 'INITIAL_SYNC', 'BACKLOG', 'CREATING_SNAPSHOT', 'CONTINUOUS', 'PAUSED', 'RESCAN', 'STALLED',
  'DISCONNECTED', 'PENDING_SNAPSHOT_SHIPPING', 'SHIPPING_SNAPSHOT',
] as const;

/**
 * Lifecycle states of servers no longer replicating for a cutover: disconnected from the service,
 * or cut over and finalized (the agent is gone). They count only in their replication state.
 */
const DONE_REPLICATING = new Set(['DISCONNECTED', 'CUTOVER']);

/** States before the first full copy: lag means nothing yet. */
const BEFORE_INITIAL_SYNC = new Set(['INITIATING', 'INITIAL_SYNC']);

export type Risk = 'LAGGING' | 'AGENT_NOT_SEEN' | 'NEAR_FREE_PERIOD_END';

/** A server at risk, as the sweep's log line lists it. */
export interface ServerAtRisk {
  /** Hub mode: the server's account. */
  readonly accountID?: string;
  readonly sourceServerID: string;
  readonly hostname?: string;
  readonly risks: readonly Risk[];
  readonly lagSeconds?: number;
  readonly agentSilentSeconds?: number;
  readonly freePeriodLeftDays?: number;
}

export interface FleetHealth {
  /** Non-archived servers per data replication state; STALLED always present. */
  readonly byState: Readonly<Record<string, number>>;
  readonly lagging: number;
  /** The largest known lag of a server past initial sync; undefined when none is known. */
  readonly maxLagSeconds?: number;
  /** Sum of the known backlogs of every replicated disk. */
  readonly backloggedBytes: number;
  readonly agentsNotSeen: number;
  readonly nearFreePeriodEnd: number;
  /** How many servers had a value that could not be read, per figure. */
  readonly unknown: { readonly lag: number; readonly backlog: number; readonly lastSeen: number; readonly elapsed: number };
  /** How many servers are at risk; `atRisk` lists the first AT_RISK_LISTED of them. */
  readonly atRiskCount: number;
  readonly atRisk: readonly ServerAtRisk[];
}

const NUMBER = '(\\d+(?:[.,]\\d+)?)';
/** Weeks, days, hours, minutes, seconds; zero years and months are allowed (their length does not matter then). */
const DURATION = new RegExp(`^P(?:0+Y)?(?:0+M)?(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`, 'i');

/**
 * Seconds of an ISO 8601 duration of weeks, days, hours, minutes and seconds (`P1DT2H`,
 * `PT0.5S`, `PT90M`); undefined for anything else, including years and months (their length
 * is not fixed) and the empty `P`/`PT`.
 */
export function durationSeconds(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  const match = DURATION.exec(trimmed);
  if (match === null || /^P(0+Y)?(0+M)?T?$/i.test(trimmed) || /T$/i.test(trimmed)) return undefined;
  // Groups that did not match are undefined at run time, whatever the array's type says.
  const [, weeks, days, hours, minutes, seconds] = match.map((part: string | undefined) => (part === undefined ? 0 : Number(part.replace(',', '.'))));
  const total = (weeks ?? 0) * 604_800 + (days ?? 0) * 86_400 + (hours ?? 0) * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0);
  return Number.isFinite(total) ? total : undefined;
}

/** Epoch ms of an ISO 8601 date-time with a zone; undefined when it does not parse. */
export function timeOf(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text.trim())) return undefined;
  const time = Date.parse(text.trim());
  return Number.isFinite(time) ? time : undefined;
}

/** How many at-risk servers a sweep's log line lists; the counts cover them all. */
export const AT_RISK_LISTED = 50;

/** Counts the health of a sweep's servers page by page, keeping no page. */
export interface HealthTally {
  add(server: SourceServer): void;
  result(): FleetHealth;
}

/**
 * A tally of the servers of one sweep. Archived servers are left out; servers disconnected (from
 * the service, or their replication) or cut over count only in their state.
 */
export function healthTally(policy: HealthPolicy, now: number): HealthTally {
  const byState: Record<string, number> = { STALLED: 0 };
  const unknown = { lag: 0, backlog: 0, lastSeen: 0, elapsed: 0 };
  const atRisk: ServerAtRisk[] = [];
  let atRiskCount = 0;
  let lagging = 0;
  let maxLagSeconds: number | undefined;
  let backloggedBytes = 0;
  let agentsNotSeen = 0;
  let nearFreePeriodEnd = 0;

  const seen = new Set<string>();

  const add = (server: SourceServer): void => {
    if (server.isArchived === true) return;
    // A server on two pages (the fleet changed while the sweep paged) counts once.
    if (server.sourceServerID !== undefined) {
      if (seen.has(server.sourceServerID)) return;
      seen.add(server.sourceServerID);
    }
    const state = server.dataReplicationInfo?.dataReplicationState ?? 'UNKNOWN';
    byState[state] = (byState[state] ?? 0) + 1;
    if (DONE_REPLICATING.has(server.lifeCycle?.state ?? '') || state === 'DISCONNECTED') return;
    const risks: Risk[] = [];
    const facts: { lagSeconds?: number; agentSilentSeconds?: number; freePeriodLeftDays?: number } = {};

    if (!BEFORE_INITIAL_SYNC.has(state)) {
      const lag = durationSeconds(server.dataReplicationInfo?.lagDuration);
      if (lag === undefined) unknown.lag += 1;
      else {
        maxLagSeconds = Math.max(maxLagSeconds ?? 0, lag);
        if (lag > policy.lagThresholdMinutes * 60) {
          lagging += 1;
          risks.push('LAGGING');
          facts.lagSeconds = lag;
        }
      }
    }

    let backlogUnknown = false;
    for (const disk of server.dataReplicationInfo?.replicatedDisks ?? []) {
      const bytes = disk.backloggedStorageBytes;
      if (typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0) backloggedBytes += bytes;
      else backlogUnknown = true;
    }
    if (backlogUnknown) unknown.backlog += 1;

    if ((server.replicationType ?? 'AGENT_BASED') === 'AGENT_BASED') {
      const seen = timeOf(server.lifeCycle?.lastSeenByServiceDateTime);
      if (seen === undefined) unknown.lastSeen += 1;
      else if (now - seen > policy.agentSilenceMinutes * 60_000) {
        agentsNotSeen += 1;
        risks.push('AGENT_NOT_SEEN');
        facts.agentSilentSeconds = Math.round((now - seen) / 1000);
      }
    }

    const elapsed = durationSeconds(server.lifeCycle?.elapsedReplicationDuration);
    if (elapsed === undefined) unknown.elapsed += 1;
    else if (FREE_PERIOD_SECONDS - elapsed <= policy.freePeriodWarningDays * 86_400) {
      nearFreePeriodEnd += 1;
      risks.push('NEAR_FREE_PERIOD_END');
      facts.freePeriodLeftDays = Math.round(((FREE_PERIOD_SECONDS - elapsed) / 86_400) * 10) / 10;
    }

    if (risks.length === 0) return;
    atRiskCount += 1;
    if (atRisk.length < AT_RISK_LISTED) {
      const hostname = server.sourceProperties?.identificationHints?.hostname;
      atRisk.push({ sourceServerID: server.sourceServerID ?? '', ...(hostname === undefined ? {} : { hostname }), risks, ...facts });
    }
  };

  const result = (): FleetHealth => ({
    byState: { ...byState },
    lagging,
    ...(maxLagSeconds === undefined ? {} : { maxLagSeconds }),
    backloggedBytes,
    agentsNotSeen,
    nearFreePeriodEnd,
    unknown: { ...unknown },
    atRiskCount,
    atRisk: [...atRisk],
  });
  return { add, result };
}

/**
 * The health of several accounts' sweeps as one (the hub's totals): sums, the largest lag, and the
 * first at-risk servers with their account.
 */
export function combineHealth(parts: readonly { readonly accountID: string; readonly health: FleetHealth }[]): FleetHealth {
  const byState: Record<string, number> = { STALLED: 0 };
  for (const { health } of parts) for (const [state, count] of Object.entries(health.byState)) byState[state] = (byState[state] ?? 0) + count;
  const lags = parts.map(({ health }) => health.maxLagSeconds).filter((lag): lag is number => lag !== undefined);
  const sum = (pick: (health: FleetHealth) => number): number => parts.reduce((total, { health }) => total + pick(health), 0);
  return {
    byState,
    lagging: sum((health) => health.lagging),
    ...(lags.length === 0 ? {} : { maxLagSeconds: Math.max(...lags) }),
    backloggedBytes: sum((health) => health.backloggedBytes),
    agentsNotSeen: sum((health) => health.agentsNotSeen),
    nearFreePeriodEnd: sum((health) => health.nearFreePeriodEnd),
    unknown: {
      lag: sum((health) => health.unknown.lag),
      backlog: sum((health) => health.unknown.backlog),
      lastSeen: sum((health) => health.unknown.lastSeen),
      elapsed: sum((health) => health.unknown.elapsed),
    },
    atRiskCount: sum((health) => health.atRiskCount),
    atRisk: parts.flatMap(({ accountID, health }) => health.atRisk.map((server) => ({ accountID, ...server }))).slice(0, AT_RISK_LISTED),
  };
}
