import {
  DescribeSourceServersCommand,
  MgnClient,
  RetryDataReplicationCommand,
  type SourceServer,
} from '@aws-sdk/client-mgn';
import type { ServerScope } from '../decide/hub';
import { AWS_CLIENT_SETTINGS, sendBefore } from './clients';
import { spokeCredentials } from './spoke-credentials';

/** Created once per execution environment and reused by warm invocations. */
const mgn = new MgnClient(AWS_CLIENT_SETTINGS);

/** Hub mode: one client per spoke account, with that account's credentials. */
const spokeClients = new Map<string, MgnClient>();

/** The client for a scope's account, and MGN's `accountID` parameter (only for global view). */
function reach(scope: ServerScope): { client: MgnClient; accountID?: string } {
  switch (scope.access.kind) {
    case 'home':
      return { client: mgn };
    case 'global-view':
      return { client: mgn, accountID: scope.accountID };
    case 'spoke-role': {
      const { roleArn, hubRoleName } = scope.access;
      let client = spokeClients.get(roleArn);
      if (client === undefined) {
        client = new MgnClient({ ...AWS_CLIENT_SETTINGS, credentials: spokeCredentials(roleArn, hubRoleName) });
        spokeClients.set(roleArn, client);
      }
      return { client };
    }
  }
}

/** DescribeSourceServers takes at most this many IDs in its `sourceServerIDs` filter. */
export const MAX_IDS_PER_DESCRIBE = 200;

/**
 * Reads the given source servers of the scope's account, archived ones included, up to 200 IDs
 * per call. Servers MGN does not know are absent from the map. `onSent` is called once the first
 * request is on its way to MGN.
 */
export async function describeSourceServers(
  sourceServerIDs: readonly string[],
  scope: ServerScope,
  latest: number,
  onSent?: () => void,
): Promise<Map<string, SourceServer>> {
  const { client, accountID } = reach(scope);
  const found = new Map<string, SourceServer>();
  let announce = onSent;
  for (let start = 0; start < sourceServerIDs.length; start += MAX_IDS_PER_DESCRIBE) {
    const ids = sourceServerIDs.slice(start, start + MAX_IDS_PER_DESCRIBE);
    let nextToken: string | undefined;
    do {
      const command = new DescribeSourceServersCommand({ filters: { sourceServerIDs: ids }, maxResults: 1000, nextToken, accountID });
      if (announce !== undefined) announceSent(command, announce);
      announce = undefined;
      const page = await sendBefore(latest, 'DescribeSourceServers', (abortSignal) => client.send(command, { abortSignal }));
      for (const server of page.items ?? []) {
        if (server.sourceServerID !== undefined) found.set(server.sourceServerID, server);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return found;
}

/**
 * Calls `onSent` once the command's request is on the wire: innermost in the command's middleware,
 * where the SDK calls the HTTP handler, then two turns of the event loop (the first polls the new
 * connection and writes the request), so work started by `onSent` does not hold the request back.
 */
function announceSent(command: DescribeSourceServersCommand, onSent: () => void): void {
  let announced = false;
  command.middlewareStack.add(
    (next) => (args) => {
      const answer = next(args);
      if (!announced) setImmediate(() => setImmediate(onSent));
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
export async function* describeActiveSourceServers(latest: () => number, scope: ServerScope): AsyncGenerator<SourceServer[]> {
  const { client, accountID } = reach(scope);
  let nextToken: string | undefined;
  do {
    const page = await sendBefore(latest(), 'DescribeSourceServers', (abortSignal) =>
      client.send(new DescribeSourceServersCommand({ filters: { isArchived: false }, maxResults: 1000, nextToken, accountID }), { abortSignal }),
    );
    yield page.items ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}

/** Asks MGN to start the next replication initiation at the agent's next handshake. */
export async function retryDataReplication(sourceServerID: string, scope: ServerScope, latest: number): Promise<void> {
  const { client, accountID } = reach(scope);
  await sendBefore(latest, 'RetryDataReplication', (abortSignal) =>
    client.send(new RetryDataReplicationCommand({ sourceServerID, accountID }), { abortSignal }),
  );
}
