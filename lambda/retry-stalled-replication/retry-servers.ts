import type { DecisionBase } from './decide-server';
import { decideFresh } from './decide-fresh';
import { fleetFromLedger } from './fleet';
import type { RetryRequest } from './decide/input';
import { Outcome, type ServerResult } from './decide/outcomes';
import type { Invocation } from './invocation';
import { finish } from './report/record';

/**
 * Decides the servers an MGN event or a manual invocation names, each from its state read just
 * now. One at a time: a manual batch is at most 100 servers, and a paced series of writes keeps
 * MGN's throttling away. Servers left when time runs short fail the invocation, so they are tried
 * again rather than lost.
 */
export async function retryServers(request: RetryRequest, invocation: Invocation): Promise<ServerResult[]> {
  const { config, dryRun } = invocation;
  // The account ID goes to MGN only for another account's servers (global view), never for our own.
  const mgnAccountID = request.accountID === config.homeAccountID ? undefined : request.accountID;
  const base: DecisionBase = {
    trigger: request.trigger,
    scope: { accountID: request.accountID, ...(mgnAccountID === undefined ? {} : { mgnAccountID }) },
    fleet: fleetFromLedger(request.accountID, mgnAccountID, invocation),
    ...(request.trigger === 'event' ? { reported: { state: request.action === 'RECOVER' ? 'NOT_STALLED' : 'STALLED', time: request.eventTime } } : {}),
  };
  const { results, notStarted } = await decideFresh(request.sourceServerIDs, base, 1, invocation);
  const reason = 'not reached before the function timeout; the invocation fails so it is tried again';
  return [
    ...results,
    ...notStarted.map((sourceServerID) => finish({ trigger: request.trigger, accountID: request.accountID, dryRun, sourceServerID, outcome: Outcome.FAILED, reason })),
  ];
}
