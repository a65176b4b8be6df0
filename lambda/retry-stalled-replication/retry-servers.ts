import type { SourceServer } from '@aws-sdk/client-mgn';
import type { HandlerConfig } from './config';
import { decide, type ServerSnapshot } from './decide';
import type { RetryRequest } from './input';
import { classifyMgnError, describeSourceServers, retryDataReplication } from './mgn-api';
import { Outcome, type ServerResult } from './outcomes';
import { recordDecision, type DecisionRecord } from './record';

/**
 * Runs every server of a request through the decision path: read it fresh from MGN, apply the
 * policy, retry when it qualifies, and record the outcome. Never throws for a single server's
 * failure: that server's outcome is FAILED and the caller decides what to do with the invocation.
 */
export async function retryServers(request: RetryRequest, config: HandlerConfig): Promise<ServerResult[]> {
  // The account ID goes to MGN only for another account's servers (global view), never for our own.
  const accountID = request.accountID === config.homeAccountID ? undefined : request.accountID;
  const base = { trigger: request.trigger, accountID: request.accountID };

  let servers: Map<string, SourceServer>;
  try {
    servers = await describeSourceServers(request.sourceServerIDs, accountID);
  } catch (error) {
    const failure = classifyMgnError(error);
    return request.sourceServerIDs.map((sourceServerID) =>
      finish({
        ...base,
        sourceServerID,
        outcome: Outcome.FAILED,
        reason: `DescribeSourceServers failed: ${failure.code}: ${failure.message}`,
        mgnErrorCode: failure.code,
      }),
    );
  }

  const results: ServerResult[] = [];
  // One server at a time: a manual batch is at most 100 servers, and a paced series of
  // writes keeps MGN's API throttling away.
  for (const sourceServerID of request.sourceServerIDs) {
    const server = servers.get(sourceServerID);
    results.push(
      server === undefined
        ? finish({ ...base, sourceServerID, outcome: Outcome.NOT_FOUND, reason: 'MGN has no source server with this ID' })
        : await retryOne(toSnapshot(sourceServerID, server), accountID, config, base),
    );
  }
  return results;
}

async function retryOne(
  server: ServerSnapshot,
  accountID: string | undefined,
  config: HandlerConfig,
  base: Pick<DecisionRecord, 'trigger' | 'accountID'>,
): Promise<ServerResult> {
  const known = {
    ...base,
    sourceServerID: server.sourceServerID,
    replicationState: server.replicationState,
    lifeCycleState: server.lifeCycleState,
  };
  const decision = decide(server, config);
  if (decision.action === 'SKIP') {
    return finish({ ...known, outcome: decision.outcome, reason: decision.reason });
  }
  try {
    await retryDataReplication(server.sourceServerID, accountID);
    return finish({ ...known, outcome: Outcome.RETRIED });
  } catch (error) {
    const failure = classifyMgnError(error);
    const reason = `RetryDataReplication failed: ${failure.code}: ${failure.message}`;
    switch (failure.kind) {
      case 'NOT_FOUND':
        return finish({ ...known, outcome: Outcome.NOT_FOUND, reason, mgnErrorCode: failure.code });
      case 'NOT_APPLICABLE':
        // The precheck passed, so the server changed in between: it no longer needs the retry.
        return finish({ ...known, outcome: Outcome.SKIPPED_NOT_STALLED, reason, mgnErrorCode: failure.code });
      case 'FAILED':
        return finish({ ...known, outcome: Outcome.FAILED, reason, mgnErrorCode: failure.code });
    }
  }
}

function toSnapshot(sourceServerID: string, server: SourceServer): ServerSnapshot {
  return {
    sourceServerID,
    isArchived: server.isArchived === true,
    replicationState: server.dataReplicationInfo?.dataReplicationState,
    lifeCycleState: server.lifeCycle?.state,
  };
}

/** Records the decision and returns its public result entry. */
function finish(record: DecisionRecord): ServerResult {
  recordDecision(record);
  const { sourceServerID, outcome, reason } = record;
  return reason === undefined ? { sourceServerID, outcome } : { sourceServerID, outcome, reason };
}
