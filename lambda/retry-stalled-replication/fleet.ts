import { queryOpenEpisodes, readCensus } from './aws/ledger-api';
import { describeSourceServers } from './aws/mgn-api';
import { FLEET_NOTICE_SERVERS, type StalledServerLine } from './decide/escalation-message';
import { assessFleet, type FleetState, type MassStallPolicy } from './decide/mass-stall';
import { failedStep, toServerFacts, type ServerFacts } from './decide/server-facts';
import { triage } from './decide/triage';
import type { Invocation } from './invocation';
import { noticeMassStall } from './notify';
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
 * servers are stalled now (the census's count, or the open stall episodes if more). Without a
 * recent census there is no mass-stall pause. On finding a mass stall it sends the one fleet
 * notice (unless already sent). A lookup that fails means no pause: each server is decided alone.
 */
export function fleetFromLedger(accountID: string, mgnAccountID: string | undefined, invocation: Invocation): FleetLookup {
  let looked: Promise<FleetState> | undefined;
  const look = async (): Promise<FleetState> => {
    const { config, deadline, now } = invocation;
    const policy = massStallPolicy(invocation);
    try {
      const census = await readCensus(config.ledgerTableName, accountID, deadline.forWork());
      const seen = assessFleet(census, 0, policy, now());
      if (seen.kind === 'NO_CENSUS') {
        logger.info('no recent census of the fleet: no mass-stall check', { accountID, reason: seen.reason });
        return seen;
      }
      const open = await queryOpenEpisodes(config.ledgerTableName, accountID, deadline.forWork());
      const fleet = assessFleet(census, open.size, policy, now());
      if (fleet.kind === 'MASS_STALL') {
        const listed = [...open].slice(0, FLEET_NOTICE_SERVERS);
        const servers = await describeSourceServers(listed, mgnAccountID, deadline.forWork());
        const lines = listed.map((id) => {
          const server = servers.get(id);
          return server === undefined ? { sourceServerID: id, policy: 'not found in MGN' } : stalledServerLine(toServerFacts(id, server), invocation);
        });
        await noticeMassStall(accountID, fleet, lines, invocation);
      }
      return fleet;
    } catch (error) {
      logger.warn('could not check for a mass stall; each server is decided on its own', { accountID, error: error as Error });
      return { kind: 'NO_CENSUS', reason: 'the census or the open episodes could not be read' };
    }
  };
  return () => (looked ??= look());
}
