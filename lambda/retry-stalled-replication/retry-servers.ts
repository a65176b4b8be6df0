import { bestEffort, readEarly, type EarlyRead } from './attempt-ledger';
import { rememberHubAccount } from './aws/hub-ledger';
import type { StoredCensus } from './aws/ledger-api';
import { ledgerOf, type DecisionBase } from './decide-server';
import { decideFresh } from './decide-fresh';
import type { RetryRequest } from './decide/input';
import { Outcome, type ServerResult } from './decide/outcomes';
import { scopeOf, type ServerScope } from './decide/hub';
import { ledgerKey } from './decide/stall-episode';
import { fleetFromLedger } from './fleet';
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
  const scope = scopeOf(request.accountID, config);
  // Only an event shows that an account forwards its stalls: a payload may name any account.
  const remembering = request.trigger === 'event' ? rememberAccount(scope, invocation) : undefined;
  const [stalledServer] = request.trigger === 'event' && request.action === 'RETRY' ? request.sourceServerIDs : [];
  const ahead = stalledServer === undefined ? undefined : readAhead(stalledServer, request.accountID, invocation);
  const fleet = fleetFromLedger(scope, invocation, ahead?.census);
  const base: DecisionBase = {
    trigger: request.trigger,
    scope,
    fleet,
    ...(request.trigger === 'event' ? { reported: { state: request.action === 'RECOVER' ? 'NOT_STALLED' : 'STALLED', time: request.eventTime } } : {}),
    ...(ahead === undefined || stalledServer === undefined ? {} : { early: { sourceServerID: stalledServer, entry: ahead.entry } }),
  };
  const onFirstRead = ahead === undefined ? undefined : (): void => ahead.start(() => [fleet()]);
  const { results, notStarted } = await decideFresh(request.sourceServerIDs, base, 1, invocation, onFirstRead);
  // Nothing of this invocation may run on once it has answered (Lambda would freeze it mid-call).
  await Promise.all([ahead?.settled(), remembering]);
  const reason = 'not reached before the function timeout; the invocation fails so it is tried again';
  return [
    ...results,
    ...notStarted.map((sourceServerID) => finish({ trigger: request.trigger, accountID: request.accountID, dryRun, sourceServerID, outcome: Outcome.FAILED, reason })),
  ];
}

/** Reads started ahead of a stall event's decision. */
interface ReadAhead {
  readonly entry: EarlyRead;
  readonly census: Promise<StoredCensus | undefined>;
  /** Starts the reads, and `alongside` (other work to run with them); once only. */
  start(alongside: () => Promise<unknown>[]): void;
  /** Settles when everything started has: nothing runs on after the invocation answers. */
  settled(): Promise<void>;
}

/**
 * A stall event's server is most likely still stalled: what its decision needs from the ledger
 * (its entry and the fleet's census, in one read) is read while MGN answers, once `start` is
 * called (when MGN's request is on its way: that answer is the one the decision waits for first).
 */
function readAhead(sourceServerID: string, accountID: string, invocation: Invocation): ReadAhead {
  let begin = (): void => undefined;
  const begun = new Promise<void>((resolve) => (begin = resolve));
  const reads = begun.then(() => readEarly(ledgerOf(invocation), ledgerKey(accountID, sourceServerID), accountID, invocation.now(), invocation.deadline.forWork()));
  const entry = reads.then((read) => read.entry);
  const census = reads.then((read) => read.census);
  // Observed by the claim and the fleet lookup when the server is still stalled; they handle failures.
  entry.catch(() => undefined);
  census.catch(() => undefined);
  const started: Promise<unknown>[] = [];
  return {
    entry,
    census,
    start(alongside) {
      if (started.length > 0) return;
      begin();
      started.push(entry, census, ...alongside());
    },
    async settled() {
      await Promise.allSettled(started);
    },
  };
}

/** Accounts this execution environment has recorded as heard from (hub mode). */
const remembered = new Set<string>();

/**
 * Hub mode: records an account the hub was not told about (one of its organization) as heard
 * from, when it forwarded an event, so that sweeps cover it too; once per execution environment, best effort.
 */
async function rememberAccount(scope: ServerScope, invocation: Invocation): Promise<void> {
  const { config, dryRun, now, deadline } = invocation;
  if (config.hub === undefined || scope.access.kind !== 'spoke-role' || dryRun) return;
  if (config.hub.spokeAccounts.includes(scope.accountID) || remembered.has(scope.accountID)) return;
  remembered.add(scope.accountID);
  const recorded = await bestEffort('record the account the event came from', 'hub#accounts', () =>
    rememberHubAccount(config.ledgerTableName, scope.accountID, now(), deadline.forWork()),
  );
  if (!recorded) remembered.delete(scope.accountID);
}
