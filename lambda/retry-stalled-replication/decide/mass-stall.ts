/**
 * Mass stall: when many servers of an account stall at once, the cause is shared (the staging
 * subnet, a VPN or Direct Connect link, an EC2 quota, a KMS key), and retrying each server, or
 * mailing a person about each, helps nobody. Pure.
 */

/** Replication states of servers that are not in replication: they do not count in the fleet. */
const NOT_IN_REPLICATION = new Set(['DISCONNECTED', 'STOPPED', 'PAUSED']);

/** The sweep's count of an account's fleet, kept in the ledger for event-driven decisions. */
export interface Census {
  /** When the sweep read the fleet (epoch ms). */
  readonly takenAt: number;
  /** Non-archived servers in replication: any replication state but DISCONNECTED, STOPPED, PAUSED (stalled ones count). */
  readonly inReplication: number;
  readonly stalled: number;
  /** When the last mass stall ended (epoch ms): a stall's age for escalation counts from no earlier. */
  readonly massStallEndedAt?: number;
}

export interface MassStallPolicy {
  readonly massStallMinServers: number;
  readonly massStallShare: number;
  /** How old a census may be and still describe the fleet; 0: never (the sweep is off). */
  readonly censusMaxAgeMinutes: number;
}

export type FleetState =
  /** No census recent enough to know the fleet's size: no mass-stall pause (the log says so). */
  | { readonly kind: 'NO_CENSUS'; readonly reason: string }
  | { readonly kind: 'NORMAL'; readonly stalled: number; readonly inReplication: number; readonly massStallEndedAt?: number }
  | { readonly kind: 'MASS_STALL'; readonly stalled: number; readonly inReplication: number };

/** Counts a page of servers into a census (a server without a replication state is not in replication). */
export function countFleet(states: readonly (string | undefined)[]): { inReplication: number; stalled: number } {
  let inReplication = 0;
  let stalled = 0;
  for (const state of states) {
    if (state === undefined || NOT_IN_REPLICATION.has(state)) continue;
    inReplication += 1;
    if (state === 'STALLED') stalled += 1;
  }
  return { inReplication, stalled };
}

/**
 * Whether the account is in a mass stall: at least `massStallMinServers` servers and at least
 * `massStallShare` of the servers in replication are stalled. `stalledNow` is the best current
 * count (for events: the census's count plus the stall episodes opened since).
 */
export function assessFleet(census: Census | undefined, stalledNow: number, policy: MassStallPolicy, now: number): FleetState {
  if (census === undefined) return { kind: 'NO_CENSUS', reason: 'no sweep has counted the fleet yet' };
  const ageMinutes = (now - census.takenAt) / 60_000;
  if (ageMinutes > policy.censusMaxAgeMinutes) {
    return { kind: 'NO_CENSUS', reason: `the last census is ${Math.round(ageMinutes)} min old` };
  }
  const stalled = Math.max(census.stalled, stalledNow);
  const inReplication = Math.max(census.inReplication, stalled);
  // The share is compared with a tolerance: 0.55 × 100 is 55.00000000000001 in floating point.
  const mass = stalled >= policy.massStallMinServers && stalled >= policy.massStallShare * inReplication - 1e-9;
  if (mass) return { kind: 'MASS_STALL', stalled, inReplication };
  return { kind: 'NORMAL', stalled, inReplication, ...(census.massStallEndedAt === undefined ? {} : { massStallEndedAt: census.massStallEndedAt }) };
}

/** The reason a decision gives while a mass stall pauses per-server retries. */
export function massStallReason(fleet: Extract<FleetState, { kind: 'MASS_STALL' }>, policy: MassStallPolicy): string {
  return (
    `mass stall: ${fleet.stalled} of ${fleet.inReplication} servers in replication are stalled ` +
    `(threshold ${policy.massStallMinServers} servers and ${Math.round(policy.massStallShare * 100)}%); ` +
    'per-server retries are paused and one fleet notice names the servers'
  );
}

/** A stalled server as a fleet notice lists it. */
export interface StalledServerLine {
  readonly sourceServerID: string;
  readonly hostname?: string;
  readonly replicationError?: string;
  readonly failedStep?: string;
  /** What the error policy would do with it once the mass stall is over. */
  readonly policy: string;
}

/** How many servers a fleet notice lists: an SNS message is at most 256 KB, a person reads far fewer. */
export const FLEET_NOTICE_SERVERS = 50;
