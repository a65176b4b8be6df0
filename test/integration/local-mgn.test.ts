import {
  DescribeSourceServersCommand,
  MgnClient,
  paginateDescribeSourceServers,
  ResourceNotFoundException,
  RetryDataReplicationCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-mgn';
import { generateFleet, LocalMgnServer } from '../../tools/local-mgn/local-mgn-server';

let mgn: LocalMgnServer;
let client: MgnClient;
let endpoint: string;

beforeEach(async () => {
  const fleet = generateFleet(30, 3, 'RECOVERS').map((server, index) => {
    if (index === 1) return { ...server, isArchived: true };
    if (index === 2) return { ...server, lifeCycleState: 'CUTOVER', replicationType: 'SNAPSHOT_SHIPPING' as const };
    if (index === 3) return { ...server, applicationID: 'app-0123456789abcdef0' };
    return server;
  });
  mgn = new LocalMgnServer(fleet);
  endpoint = await mgn.start();
  // The real client, no retries, so each answer is seen as MGN gave it.
  client = new MgnClient({
    endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
  });
});
afterEach(async () => {
  client.destroy();
  await mgn.stop();
});

const stalledID = 's-00000000000000000';

describe('the local MGN endpoint, through the real MgnClient', () => {
  it('pages with maxResults and nextToken, as paginateDescribeSourceServers expects', async () => {
    const pages: number[] = [];
    for await (const page of paginateDescribeSourceServers({ client, pageSize: 7 }, { maxResults: 7 })) pages.push(page.items?.length ?? 0);
    expect(pages).toEqual([7, 7, 7, 7, 2]);
  });

  it('applies the isArchived, lifeCycleStates, replicationTypes and sourceServerIDs filters', async () => {
    const count = async (filters: object): Promise<number> =>
      (await client.send(new DescribeSourceServersCommand({ filters }))).items?.length ?? 0;
    expect(await count({ isArchived: false })).toBe(29);
    expect(await count({ lifeCycleStates: ['CUTOVER'] })).toBe(1);
    expect(await count({ replicationTypes: ['SNAPSHOT_SHIPPING'] })).toBe(1);
    expect(await count({ sourceServerIDs: [stalledID, 's-0000000000000000a'] })).toBe(2);
    expect(await count({ applicationIDs: ['app-0123456789abcdef0'] })).toBe(1);
  });

  it('returns the SourceServer shape the product reads', async () => {
    const { items } = await client.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [stalledID] } }));
    expect(items?.[0]).toMatchObject({
      sourceServerID: stalledID,
      arn: `arn:aws:mgn:us-east-1:111122223333:source-server/${stalledID}`,
      isArchived: false,
      lifeCycle: { state: 'READY_FOR_TEST' },
      dataReplicationInfo: { dataReplicationState: 'STALLED', dataReplicationError: { error: 'UNSTABLE_NETWORK' } },
      sourceProperties: { identificationHints: { hostname: 'server-0' } },
    });
  });

  it('moves a retried server through INITIATING to INITIAL_SYNC and CONTINUOUS', async () => {
    const retried = await client.send(new RetryDataReplicationCommand({ sourceServerID: stalledID }));
    expect(retried.dataReplicationInfo?.dataReplicationState).toBe('INITIATING');
    expect(retried.dataReplicationInfo?.dataReplicationInitiation?.startDateTime).toEqual(expect.any(String));
    expect(mgn.advance()).toEqual([stalledID]);
    expect(mgn.server(stalledID)?.replicationState).toBe('INITIAL_SYNC');
    mgn.advance();
    expect(mgn.server(stalledID)?.replicationState).toBe('CONTINUOUS');
  });

  it('answers ValidationException with reason and fieldList, decoded by the SDK', async () => {
    const error = await client.send(new RetryDataReplicationCommand({ sourceServerID: 's-short' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ reason: 'fieldValidationFailed', fieldList: [{ name: 'sourceServerID' }], $metadata: { httpStatusCode: 400 } });
  });

  it('refuses a retry of a server that is not stalled', async () => {
    const error = await client.send(new RetryDataReplicationCommand({ sourceServerID: 's-00000000000000001' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationException', reason: 'other' });
  });

  it('answers ResourceNotFoundException (404) for an unknown server', async () => {
    const error = await client.send(new RetryDataReplicationCommand({ sourceServerID: 's-ffffffffffffffff0' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ resourceId: 's-ffffffffffffffff0', $metadata: { httpStatusCode: 404 } });
  });

  it('checks model constraints on DescribeSourceServers', async () => {
    const tooMany = Array.from({ length: 201 }, (_, index) => `s-${String(index).padStart(17, '0')}`);
    for (const input of [{ maxResults: 0 }, { maxResults: 1001 }, { filters: { sourceServerIDs: tooMany } }, { filters: { lifeCycleStates: ['LAUNCHED' as never] } }, { nextToken: 'forged' }, { accountID: '12' }]) {
      await expect(client.send(new DescribeSourceServersCommand(input))).rejects.toBeInstanceOf(ValidationException);
    }
  });

  it('throttles with 429, Retry-After and the quota fields when told to', async () => {
    mgn.injectFault({ operation: 'RetryDataReplication', errorType: 'ThrottlingException', count: 1 });
    const error = await client.send(new RetryDataReplicationCommand({ sourceServerID: stalledID })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ retryAfterSeconds: '1', serviceCode: 'mgn', $metadata: { httpStatusCode: 429 } });
  });

  it('throttles and fails a reproducible share of calls, with latency', async () => {
    mgn.setFaultRates({ throttleRate: 0.3, serverErrorRate: 0.2, latencyMs: 2, seed: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      await client.send(new DescribeSourceServersCommand({ maxResults: 1 })).then(
        () => statuses.push(200),
        (error: unknown) => statuses.push((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode),
      );
    }
    const share = (status: number): number => statuses.filter((s) => s === status).length;
    expect(share(429)).toBeGreaterThan(15);
    expect(share(500)).toBeGreaterThan(8);
    expect(share(200)).toBeGreaterThan(35);
  });

  it('refuses unsigned and badly signed requests', async () => {
    const unsigned = await fetch(`${endpoint}/DescribeSourceServers`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const forged = await fetch(`${endpoint}/DescribeSourceServers`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer x' } });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
    expect(mgn.calls.filter((call) => call.signed)).toHaveLength(0);
  });
});
