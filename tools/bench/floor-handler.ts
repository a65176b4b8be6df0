/**
 * The floor for the cold-start benchmark: the least a function that retries MGN replication can
 * load and do. It imports only the MGN client, reads the server and sends RetryDataReplication.
 * Bundled as `NodejsFunction` would bundle it: one minified ES module, the SDK's default
 * credential chain included.
 */
import { DescribeSourceServersCommand, MgnClient, RetryDataReplicationCommand } from '@aws-sdk/client-mgn';

const mgn = new MgnClient({});

export async function handler(event: { resources: string[] }): Promise<void> {
  const sourceServerID = event.resources[0]?.split('/').pop() ?? '';
  await mgn.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [sourceServerID] } }));
  await mgn.send(new RetryDataReplicationCommand({ sourceServerID }));
}
