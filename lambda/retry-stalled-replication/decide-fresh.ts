import { MAX_IDS_PER_DESCRIBE, describeSourceServers } from './aws/mgn-api';
import { type DecisionBase, decideServer } from './decide-server';
import { accountProblemOf, classifyMgnError } from './decide/mgn-errors';
import { Outcome, type ServerResult } from './decide/outcomes';
import type { Invocation } from './invocation';
import { noticeAccountProblem } from './notify';
import { finish } from './report/record';
import { runBounded } from './run-bounded';

/**
 * Decides `sourceServerIDs` from state read just before acting: they are read again in batches of
 * `concurrency` (at most 200, MGN's limit), and each batch's servers are decided together right
 * after, so a cutover started or an opt-out tag set since a sweep's page was read is respected.
 * No batch starts once the deadline leaves too little time; those are returned as not started.
 * `onFirstRead` is called once the first read is on its way to MGN, or at the latest once it has
 * answered (a client that never reaches HTTP, a mock's, say).
 */
export async function decideFresh(
  sourceServerIDs: readonly string[],
  base: DecisionBase,
  concurrency: number,
  invocation: Invocation,
  onFirstRead?: () => void,
): Promise<{ results: ServerResult[]; notStarted: string[] }> {
  const { deadline } = invocation;
  const results: ServerResult[] = [];
  let noticed = false;
  const batchSize = Math.min(MAX_IDS_PER_DESCRIBE, Math.max(1, concurrency));
  for (let start = 0; start < sourceServerIDs.length; start += batchSize) {
    const batch = sourceServerIDs.slice(start, start + batchSize);
    if (!deadline.mayStart()) return { results, notStarted: sourceServerIDs.slice(start) };
    let servers;
    try {
      servers = await describeSourceServers(batch, base.scope, deadline.forWork(), start === 0 ? onFirstRead : undefined);
    } catch (error) {
      const failure = classifyMgnError(error);
      const account = accountProblemOf(failure.kind);
      if (account !== undefined && !noticed) {
        noticed = true;
        await noticeAccountProblem(account.problem, base.scope.accountID, error, invocation);
      }
      const outcome = account?.outcome ?? Outcome.FAILED;
      // A spoke role's message names the role and the fix; MGN's are quoted with their code.
      const reason = failure.kind === 'SPOKE_ROLE_UNAVAILABLE' ? failure.message : `DescribeSourceServers: ${failure.code}: ${failure.message}`;
      results.push(...batch.map((sourceServerID) =>
        finish({ trigger: base.trigger, accountID: base.scope.accountID, dryRun: invocation.dryRun, sourceServerID, outcome, reason, mgnErrorCode: failure.code }),
      ));
      continue;
    }
    onFirstRead?.();
    const run = await runBounded(batch, concurrency, () => deadline.mayStart(), (sourceServerID) =>
      decideServer(sourceServerID, servers.get(sourceServerID), base, invocation),
    );
    results.push(...run.results);
    if (run.notStarted.length > 0) return { results, notStarted: [...run.notStarted, ...sourceServerIDs.slice(start + batchSize)] };
  }
  return { results, notStarted: [] };
}
