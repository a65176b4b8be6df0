import { openEpisodeTimesSince, readCensus, writeCensus, type StoredCensus } from './aws/ledger-api';
import { describeActiveSourceServers } from './aws/mgn-api';
import { bestEffort } from './attempt-ledger';
import type { ServerScope } from './decide/hub';
import { FLEET_NOTICE_SERVERS, assessFleet, countFleet, type FleetState, type MassStallPolicy, type StalledServerLine } from './decide/mass-stall';
import { failedStep, toServerFacts, type ServerFacts } from './decide/server-facts';
import { triage } from './decide/triage';
import type { Invocation } from './invocation';
import { noticeMassStall, type MassStallFindings } from './notify';
import { logger } from './report/powertools';

/** The fleet's state as a decision needs it; looked up at most once per request. */
export type FleetLookup = () => Promise<FleetState>;

export function massStallPolicy(invocation: Invocation): MassStallPolicy {
  const { massStallMinServers, massStallShare, censusMaxAgeMinutes } = invocation.config;
  return { massStallMinServers, massStallShare, censusMaxAgeMinutes };
}

/** A stalled server as the fleet notice lists it, with what triage would do with it afterwards. */
export function stalledServerLine(facts: ServerFacts, invocation: Invocation): StalledServerLine {
  const step = failedStep(facts);
  return {
    sourceServerID: facts.sourceServerID,
    policy: triage(facts, invocation.config, invocation.now()).policy,
    ...(facts.hostname === undefined ? {} : { hostname: facts.hostname }),
    ...(facts.replicationError === undefined ? {} : { replicationError: facts.replicationError }),
    ...(step === undefined ? {} : { failedStep: step }),
  };
}

/**
 * For events and manual payloads: the fleet's size from the sweep's last census, and how many
 * servers are stalled now: the census's count plus the stall episodes opened since. The episodes
 * opened within a census's lifetime (`censusMaxAgeMinutes`) are read together with the census,
 * not after it, and counted from its time. Without a recent census there is no mass-stall pause. A mass stall no sweep has notified yet is confirmed
 * by one fresh count of the fleet, by the one invocation that wins the notice's claim, which then
 * sends it. A lookup that fails means no pause: each server is decided on its own.
 */
export function fleetFromLedger(
  scope: ServerScope,
  invocation: Invocation,
  /** The census, when a read already under way brings it. */
  censusRead?: Promise<StoredCensus | undefined>,
): FleetLookup {
  let looked: Promise<FleetState> | undefined;
  const { accountID } = scope;
  const { config, deadline, now } = invocation;
  const policy = massStallPolicy(invocation);
  const look = async (): Promise<FleetState> => {
    const opened = openEpisodeTimesSince(config.ledgerTableName, accountID, now() - policy.censusMaxAgeMinutes * 60_000, deadline.forWork());
    opened.catch(() => undefined);
    const judge = async (census: StoredCensus | undefined): Promise<FleetState> => {
      const seen = assessFleet(census, 0, policy, now());
      if (census === undefined || seen.kind === 'NO_CENSUS') return seen;
      const since = (await opened).filter((openedAt) => openedAt > census.takenAt).length;
      return assessFleet(census, census.stalled + since, policy, now());
    };
    try {
      const census = await (censusRead ?? readCensus(config.ledgerTableName, accountID, deadline.forWork()));
      const fleet = await judge(census);
      if (fleet.kind === 'NO_CENSUS') logger.info('no recent census of the fleet: no mass-stall check', { accountID, reason: fleet.reason });
      if (fleet.kind !== 'MASS_STALL' || census === undefined || census.massStall) return fleet;
      // A mass stall no sweep has seen: one fresh count confirms it, and names its servers.
      let fresh: FleetState | undefined;
      const confirm = async (): Promise<MassStallFindings | undefined> => {
        const counted = await countFleetNow(scope, census, invocation);
        fresh = counted.fleet;
        return counted.fleet.kind === 'MASS_STALL' ? { fleet: counted.fleet, servers: counted.servers } : undefined;
      };
      if (await noticeMassStall(accountID, census.takenAt, confirm, invocation)) return fresh ?? fleet;
      if (fresh !== undefined) return fresh;
      // Not ours to send: already out, being sent, or lifted since this census. A newer census decides.
      const newer = await readCensus(config.ledgerTableName, accountID, deadline.forWork());
      return newer !== undefined && newer.takenAt > census.takenAt ? await judge(newer) : fleet;
    } catch (error) {
      logger.warn('could not check for a mass stall; each server is decided on its own', { accountID, error: error as Error });
      return { kind: 'NO_CENSUS', reason: 'the census or the open episodes could not be read' };
    } finally {
      // Nothing runs on once the invocation has answered: the count is settled whichever way the lookup went.
      await opened.catch(() => undefined);
    }
  };
  return () => (looked ??= look());
}

/** Reads the whole fleet once (as a sweep does) and keeps the count as the new census. */
async function countFleetNow(
  scope: ServerScope,
  previous: StoredCensus,
  invocation: Invocation,
): Promise<{ fleet: FleetState; servers: StalledServerLine[] }> {
  const { accountID } = scope;
  const { config, deadline, now } = invocation;
  const states: (string | undefined)[] = [];
  const servers: StalledServerLine[] = [];
  for await (const page of describeActiveSourceServers(() => deadline.forWork(), scope)) {
    for (const server of page) {
      const state = server.dataReplicationInfo?.dataReplicationState;
      states.push(state);
      if (state === 'STALLED' && server.sourceServerID !== undefined && servers.length < FLEET_NOTICE_SERVERS) {
        servers.push(stalledServerLine(toServerFacts(server.sourceServerID, server), invocation));
      }
    }
  }
  const census = { takenAt: now(), ...countFleet(states), ...(previous.massStallEndedAt === undefined ? {} : { massStallEndedAt: previous.massStallEndedAt }) };
  const fleet = assessFleet(census, census.stalled, massStallPolicy(invocation), now());
  await bestEffort('record the census', `census#${accountID}`, () =>
    writeCensus(config.ledgerTableName, accountID, { ...census, massStall: fleet.kind === 'MASS_STALL' }, deadline.forWork()),
  );
  return { fleet, servers };
}
