import {
  DescribeSourceServersCommand,
  MgnClient,
  RetryDataReplicationCommand,
  type SourceServer,
} from '@aws-sdk/client-mgn';
import { AWS_CLIENT_SETTINGS, sendBefore } from './clients';

/** Created once per execution environment and reused by warm invocations. */
const mgn = new MgnClient(AWS_CLIENT_SETTINGS);

/** DescribeSourceServers takes at most this many IDs in its `sourceServerIDs` filter. */
export const MAX_IDS_PER_DESCRIBE = 200;

/**
 * Reads the given source servers, archived ones included, up to 200 IDs per call. Servers MGN
 * does not know are absent from the map. `accountID` is set only for servers of another account
 * (MGN global view). `onSent` is called once the first request is on its way to MGN.
 */
export async function describeSourceServers(
  sourceServerIDs: readonly string[],
  accountID: string | undefined,
  latest: number,
  onSent?: () => void,
): Promise<Map<string, SourceServer>> {
  const found = new Map<string, SourceServer>();
  let announce = onSent;
  for (let start = 0; start < sourceServerIDs.length; start += MAX_IDS_PER_DESCRIBE) {
    const ids = sourceServerIDs.slice(start, start + MAX_IDS_PER_DESCRIBE);
    let nextToken: string | undefined;
    do {
      const command = new DescribeSourceServersCommand({ filters: { sourceServerIDs: ids }, maxResults: 1000, nextToken, accountID });
      if (announce !== undefined) announceSent(command, announce);
      announce = undefined;
      const page = await sendBefore(latest, 'DescribeSourceServers', (abortSignal) => mgn.send(command, { abortSignal }));
      for (const server of page.items ?? []) {
        if (server.sourceServerID !== undefined) found.set(server.sourceServerID, server);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return found;
}

/**
 * Calls `onSent` once, after the command's request has been handed to the HTTP layer (on the event
 * loop's next check phase, by when it is written): innermost in the command's middleware, where
 * the SDK calls the HTTP handler.
 */
function announceSent(command: DescribeSourceServersCommand, onSent: () => void): void {
  let announced = false;
  command.middlewareStack.add(
    (next) => (args) => {
      const answer = next(args);
      if (!announced) setImmediate(onSent);
      announced = true;
      return answer;
    },
    { step: 'deserialize', priority: 'low', name: 'announceSent' },
  );
}

/**
 * Reads every non-archived source server of the account, a page of up to 1000 at a time. Yields
 * each page as it arrives, so the caller can stop between pages; `latest()` bounds each page's call.
 */
export async function* describeActiveSourceServers(latest: () => number, accountID?: string): AsyncGenerator<SourceServer[]> {
  let nextToken: string | undefined;
  do {
    const page = await sendBefore(latest(), 'DescribeSourceServers', (abortSignal) =>
      mgn.send(new DescribeSourceServersCommand({ filters: { isArchived: false }, maxResults: 1000, nextToken, accountID }), { abortSignal }),
    );
    yield page.items ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}

/** Asks MGN to start the next replication initiation at the agent's next handshake. */
export async function retryDataReplication(sourceServerID: string, accountID: string | undefined, latest: number): Promise<void> {
  await sendBefore(latest, 'RetryDataReplication', (abortSignal) =>
    mgn.send(new RetryDataReplicationCommand({ sourceServerID, accountID }), { abortSignal }),
  );
}
