import {
  DescribeSourceServersCommand,
  MgnClient,
  RetryDataReplicationCommand,
  type SourceServer,
} from '@aws-sdk/client-mgn';
import { AWS_CLIENT_SETTINGS } from './aws-clients';
import { errorFacts } from './errors';

/** Created once per execution environment and reused by warm invocations. */
const mgn = new MgnClient(AWS_CLIENT_SETTINGS);

/**
 * Reads the given source servers (at most 200, the filter's limit), archived ones included.
 * Servers MGN does not know are absent from the map. `accountID` is set only for servers of
 * another account (MGN global view).
 */
export async function describeSourceServers(
  sourceServerIDs: readonly string[],
  accountID: string | undefined,
): Promise<Map<string, SourceServer>> {
  const found = new Map<string, SourceServer>();
  let nextToken: string | undefined;
  do {
    const page = await mgn.send(
      new DescribeSourceServersCommand({
        filters: { sourceServerIDs: [...sourceServerIDs] },
        maxResults: 1000,
        nextToken,
        accountID,
      }),
    );
    for (const server of page.items ?? []) {
      if (server.sourceServerID !== undefined) found.set(server.sourceServerID, server);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return found;
}

/**
 * Reads every non-archived source server of the account, a page of up to 1000 at a time.
 * Yields each page as it arrives, so the caller can stop between pages.
 */
export async function* describeActiveSourceServers(): AsyncGenerator<SourceServer[]> {
  let nextToken: string | undefined;
  do {
    const page = await mgn.send(
      new DescribeSourceServersCommand({ filters: { isArchived: false }, maxResults: 1000, nextToken }),
    );
    yield page.items ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}

/** Asks MGN to start the next replication initiation at the agent's next handshake. */
export async function retryDataReplication(sourceServerID: string, accountID: string | undefined): Promise<void> {
  await mgn.send(new RetryDataReplicationCommand({ sourceServerID, accountID }));
}

/** How the decision path treats an MGN error. */
export type MgnErrorKind =
  /** The server does not exist (any more). */
  | 'NOT_FOUND'
  /** MGN refused the retry because the server no longer qualifies: not a failure. */
  | 'NOT_APPLICABLE'
  /** Anything else: throttling or 5xx after the SDK's own retries, access denied, network. */
  | 'FAILED';

export interface ClassifiedMgnError {
  readonly kind: MgnErrorKind;
  /** The MGN error code (exception name), e.g. `ThrottlingException`. */
  readonly code: string;
  readonly message: string;
}

/** Maps an error thrown by the MGN client to how the decision path reacts to it. */
export function classifyMgnError(error: unknown): ClassifiedMgnError {
  const { code, message } = errorFacts(error);
  switch (code) {
    case 'ResourceNotFoundException':
      return { kind: 'NOT_FOUND', code, message };
    case 'ValidationException':
    case 'ConflictException':
      return { kind: 'NOT_APPLICABLE', code, message };
    default:
      return { kind: 'FAILED', code, message };
  }
}
