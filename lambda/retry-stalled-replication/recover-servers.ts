import { closeEpisode, previewRecovery } from './attempt-ledger';
import type { Invocation } from './invocation';
import type { RetryRequest } from './input';
import { Outcome, type ServerResult } from './outcomes';
import { finish } from './record';
import { ledgerKey } from './stall-episode';
import { errorFacts } from './errors';

/**
 * Handles MGN's NOT_STALLED event: closes the server's open stall episode, so a later stall
 * starts a new one with a fresh budget, and records how long the stall lasted. Reads no MGN API.
 */
export async function recoverServers(request: RetryRequest, { config, dryRun, now }: Invocation): Promise<ServerResult[]> {
  const eventTime = request.eventTime ?? now();
  const results: ServerResult[] = [];
  for (const sourceServerID of request.sourceServerIDs) {
    const known = { trigger: request.trigger, accountID: request.accountID, dryRun, sourceServerID, replicationState: 'NOT_STALLED' };
    const key = ledgerKey(request.accountID, sourceServerID);
    try {
      const result = dryRun
        ? await previewRecovery(config.ledgerTableName, key, eventTime, now())
        : await closeEpisode(config.ledgerTableName, key, eventTime, now());
      switch (result.kind) {
        case 'CLOSE':
          results.push(finish({
            ...known,
            outcome: Outcome.DRY_RUN,
            attempts: result.attempts,
            reason: `dry run: would close the stall episode (${plural(result.attempts, 'retry', 'retries')}, stalled ${result.stallSeconds} s)`,
          }));
          break;
        case 'CLOSED':
          results.push(finish({
            ...known,
            outcome: Outcome.RECOVERED,
            attempts: result.attempts,
            stallSeconds: result.stallSeconds,
            reason: `replication recovered after ${plural(result.attempts, 'retry', 'retries')} and ${result.stallSeconds} s stalled`,
          }));
          break;
        case 'NO_OPEN_EPISODE':
          results.push(finish({ ...known, outcome: Outcome.RECOVERED, reason: 'no open stall episode: never retried, or already closed' }));
          break;
        case 'STALE':
          results.push(finish({
            ...known,
            outcome: Outcome.RECOVERED,
            reason: `NOT_STALLED event predates the open stall episode (begun ${new Date(result.episodeStartedAt).toISOString()}); the episode stays open`,
          }));
          break;
      }
    } catch (error) {
      const { code, message } = errorFacts(error);
      results.push(finish({ ...known, outcome: Outcome.FAILED, reason: `${code}: ${message}`, errorCode: code }));
    }
  }
  return results;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
