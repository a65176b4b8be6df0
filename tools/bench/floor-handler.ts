/**
 * The floor for the decision and sweep benchmarks: the least a function that retries stalled MGN
 * replication can load and do, bundled as `NodejsFunction` would bundle it (one minified ES module,
 * the SDK's default credential chain included).
 * - `handler`: reads the server named by a stall event and sends RetryDataReplication;
 * - `sweep`: reads every page of the fleet and retries each stalled server, `concurrency` at a time.
 */
import { DescribeSourceServersCommand, MgnClient, RetryDataReplicationCommand, type SourceServer } from '@aws-sdk/client-mgn';

const mgn = new MgnClient({});

export async function handler(event: { resources: string[] }): Promise<void> {
  const sourceServerID = event.resources[0]?.split('/').pop() ?? '';
  await mgn.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [sourceServerID] } }));
  await mgn.send(new RetryDataReplicationCommand({ sourceServerID }));
}

export async function sweep(event: { concurrency: number }): Promise<{ stalled: number }> {
  const stalled: SourceServer[] = [];
  let nextToken: string | undefined;
  do {
    const page = await mgn.send(new DescribeSourceServersCommand({ filters: { isArchived: false }, maxResults: 1000, nextToken }));
    stalled.push(...(page.items ?? []).filter((server) => server.dataReplicationInfo?.dataReplicationState === 'STALLED'));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let server = stalled[next++]; server !== undefined; server = stalled[next++]) {
      await mgn.send(new RetryDataReplicationCommand({ sourceServerID: server.sourceServerID }));
    }
  };
  await Promise.all(Array.from({ length: event.concurrency }, worker));
  return { stalled: stalled.length };
}
