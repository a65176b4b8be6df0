/**
 * The floor for the cold-init benchmark: the least a function that retries MGN replication can
 * load. It imports only the MGN client and sends RetryDataReplicationCommand; bundled with the same
 * esbuild settings as the real function.
 */
import { MgnClient, RetryDataReplicationCommand } from '@aws-sdk/client-mgn';

const mgn = new MgnClient({});

export async function handler(event: { sourceServerID: string }): Promise<void> {
  await mgn.send(new RetryDataReplicationCommand({ sourceServerID: event.sourceServerID }));
}
