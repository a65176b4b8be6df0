import { readHubAccounts, writeHubBacklog, type HubAccountsState } from './aws/hub-ledger';
import { bestEffort } from './attempt-ledger';
import { combineHealth } from './decide/fleet-health';
import { scopeOf } from './decide/hub';
import type { RetryRequest } from './decide/input';
import type { AccountSweep, ServerResult, SweepSummary } from './decide/outcomes';
import type { Invocation } from './invocation';
import { publishFleetHealth } from './report/fleet-metrics';
import { logger } from './report/powertools';
import { sweepAccount } from './sweep-servers';

/** An account not heard from for this long is no longer swept unless it is listed in spokeAccounts. */
const SEEN_ACCOUNT_KEPT_MS = 30 * 86_400_000;
const NOT_REACHED_LISTED = 100;

/**
 * The sweep. In single-account mode, the function's own account. A hub sweeps its own account, its
 * spoke accounts and every account it has heard from in the last 30 days, one after the other,
 * within the same time reserve; accounts it had no time for go first next time. An account that
 * cannot be read (its spoke role missing, MGN not initialized there) is reported and notified and
 * does not stop the others; a transient failure in one fails the invocation at the end, after the
 * others were swept, so the platform retries it.
 */
export async function sweepAccounts(request: RetryRequest, invocation: Invocation): Promise<{ results: ServerResult[]; sweep: SweepSummary }> {
  const { config, deadline, dryRun } = invocation;
  if (config.hub === undefined) {
    const single = await sweepAccount(scopeOf(request.accountID, config), request, invocation);
    if (single.sweep.fleetHealth !== undefined) publishFleetHealth(single.sweep.fleetHealth);
    return single;
  }

  const accounts = accountsToSweep(await knownAccounts(invocation), config.homeAccountID, config.hub.spokeAccounts, invocation.now());
  const results: ServerResult[] = [];
  const swept: AccountSweep[] = [];
  const notReached: string[] = [];
  let failure: Error | undefined;
  for (const accountID of accounts) {
    if (!deadline.mayStart()) {
      notReached.push(accountID);
      continue;
    }
    try {
      const account = await sweepAccount(scopeOf(accountID, config), request, invocation);
      results.push(...account.results);
      swept.push({ accountID, ...account.sweep });
      if (account.sweep.fleetHealth !== undefined) publishFleetHealth(account.sweep.fleetHealth, accountID);
    } catch (error) {
      // Already logged by the account's sweep; the others go on, and the invocation fails at the end.
      failure ??= error instanceof Error ? error : new Error(String(error));
      swept.push({ accountID, serversScanned: 0, pagesRead: 0, scanComplete: false, stalledServersFound: 0, recoveriesFound: 0, notReached: [], notReachedCount: 0 });
    }
  }
  if (!dryRun) {
    await bestEffort('record the accounts the sweep did not reach', 'hub#accounts', () =>
      writeHubBacklog(config.ledgerTableName, notReached, deadline.forCleanup()),
    );
  }
  if (notReached.length > 0) logger.warn('sweep stopped before the function timeout; the next sweep starts with these accounts', { accountsNotReached: notReached });
  if (failure !== undefined) throw failure;
  const sweep = summarize(swept, notReached);
  if (sweep.fleetHealth !== undefined) publishFleetHealth(sweep.fleetHealth);
  return { results, sweep };
}

/** The hub's record of the accounts it heard from; a failure to read it sweeps the listed accounts only. */
async function knownAccounts(invocation: Invocation): Promise<HubAccountsState> {
  try {
    return await readHubAccounts(invocation.config.ledgerTableName, invocation.deadline.forWork());
  } catch (error) {
    logger.warn('could not read the accounts the hub heard from; the sweep covers the listed accounts', { error: error as Error });
    return { seen: new Map(), notReached: [] };
  }
}

/** The accounts in sweep order: those the last sweep did not reach, then the hub's, the listed, the heard-from. Pure. */
export function accountsToSweep(known: HubAccountsState, homeAccountID: string, spokeAccounts: readonly string[], now: number): string[] {
  const recent = [...known.seen].filter(([, at]) => now - at <= SEEN_ACCOUNT_KEPT_MS).map(([accountID]) => accountID).sort();
  const all = new Set([homeAccountID, ...spokeAccounts, ...recent]);
  const first = known.notReached.filter((accountID) => all.has(accountID));
  return [...new Set([...first, ...all])];
}

/**
 * The hub's sweep as one: sums of the accounts' figures, and the fleet health totals (which the
 * dashboard and alarms read) when every account was read in full. Each account's entry keeps its health
 * figures; the servers at risk are listed once, in the totals, with their account.
 */
function summarize(swept: readonly AccountSweep[], accountsNotReached: readonly string[]): SweepSummary {
  const sum = (field: 'serversScanned' | 'pagesRead' | 'stalledServersFound' | 'recoveriesFound' | 'notReachedCount'): number =>
    swept.reduce((total, account) => total + account[field], 0);
  const healthy = swept.flatMap(({ accountID, fleetHealth }) => (fleetHealth === undefined ? [] : [{ accountID, health: fleetHealth }]));
  // Totals only from a complete picture: an account left out would make the fleet look healthier.
  const leftOut = [...swept.filter((account) => account.fleetHealth === undefined).map((account) => account.accountID), ...accountsNotReached];
  if (leftOut.length > 0) logger.warn('fleet health totals not published: some accounts could not be read in full', { accountsLeftOut: leftOut });
  const fleetHealth = healthy.length === 0 || leftOut.length > 0 ? undefined : combineHealth(healthy);
  return {
    serversScanned: sum('serversScanned'),
    pagesRead: sum('pagesRead'),
    scanComplete: accountsNotReached.length === 0 && swept.every((account) => account.scanComplete || account.outcome !== undefined),
    stalledServersFound: sum('stalledServersFound'),
    recoveriesFound: sum('recoveriesFound'),
    notReached: swept.flatMap((account) => account.notReached).slice(0, NOT_REACHED_LISTED),
    notReachedCount: sum('notReachedCount'),
    ...(fleetHealth === undefined ? {} : { fleetHealth }),
    accounts: swept.map(({ fleetHealth: health, ...account }) =>
      health === undefined ? account : { ...account, fleetHealth: { ...health, atRisk: [] } },
    ),
    accountsNotReached,
  };
}
