/**
 * The floor for the import benchmark: a minified bundle of `@aws-sdk/client-mgn` alone, with the
 * SDK's default credential chain, that sends RetryDataReplication and nothing else.
 */
import { MgnClient, RetryDataReplicationCommand } from '@aws-sdk/client-mgn';

const mgn = new MgnClient({});

export async function handler(event: { sourceServerID: string }): Promise<void> {
  await mgn.send(new RetryDataReplicationCommand({ sourceServerID: event.sourceServerID }));
}
