import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DECISION_LOG_MESSAGE } from '../lambda/retry-stalled-replication/report/metric-names';
import type { StalledReplicationRetry } from './stalled-replication-retry';

/** The prefix of every saved query: the Logs Insights console lists them together, as a folder. */
export const QUERY_FOLDER = 'mgn-stall-retry';

/** The placeholder server ID a saved query asks the reader to replace. */
export const SERVER_PLACEHOLDER = 's-00000000000000000';

const DECISIONS = `message in ["${DECISION_LOG_MESSAGE}", "replication retry failed"]`;

export interface SavedQueriesProps {
  readonly retry: StalledReplicationRetry;
}

/** CloudWatch Logs Insights query definitions for the questions operators ask of the function's log. */
export class SavedQueries extends Construct {
  public readonly definitions: readonly logs.QueryDefinition[];

  constructor(scope: Construct, id: string, props: SavedQueriesProps) {
    super(scope, id);
    const logGroups = [props.retry.logGroup];
    const define = (definitionId: string, question: string, queryString: logs.QueryString): logs.QueryDefinition =>
      new logs.QueryDefinition(this, definitionId, { queryDefinitionName: `${QUERY_FOLDER}/${question}`, queryString, logGroups });
    this.definitions = [
      define(
        'WhichServersLag',
        'Which servers lag',
        new logs.QueryString({
          fields: ['@timestamp', 'sweep.fleetHealth.lagging as lagging', 'sweep.fleetHealth.maxLagSeconds as maxLagSeconds', 'sweep.fleetHealth.atRiskCount as atRisk', '@message'],
          filterStatements: ['message = "invocation complete"', 'sweep.fleetHealth.lagging > 0'],
          sort: '@timestamp desc',
          limit: 24,
        }),
      ),
      define(
        'EveryDecisionForOneServer',
        'Every decision for one server',
        new logs.QueryString({
          fields: ['@timestamp', 'trigger', 'outcome', 'reason', 'attempt', 'attempts', 'replicationState', 'replicationError', 'escalated', 'episodeStartedAt'],
          filterStatements: [DECISIONS, `sourceServerID = "${SERVER_PLACEHOLDER}"`],
          sort: '@timestamp asc',
          limit: 1000,
        }),
      ),
      define(
        'LastEpisodeOfAServer',
        'Last stall episode of one server',
        new logs.QueryString({
          filterStatements: [DECISIONS, `sourceServerID = "${SERVER_PLACEHOLDER}"`, 'ispresent(episodeStartedAt)'],
          statsStatements: [
            'count(*) as decisions, min(@timestamp) as firstDecision, max(@timestamp) as lastDecision, max(attempts) as retries, ' +
              'latest(outcome) as lastOutcome, latest(reason) as lastReason, latest(replicationError) as lastError by episodeStartedAt',
          ],
          sort: 'episodeStartedAt desc',
          limit: 1,
        }),
      ),
    ];
  }
}
