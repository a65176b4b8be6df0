import { DEFAULT_CONFIG } from '../../lib/config';
import { spokeRoleArn } from '../../lambda/retry-stalled-replication/decide/hub';
import { synthesizeBundledFunction, type BundledFunction } from '../../tools/bundle-runner/bundled-function';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../tools/local-aws/local-aws';
import { generateFleet, type LocalSourceServer } from '../../tools/local-mgn/local-mgn-server';
import { MINUTE, Simulation, decisions, outcomeOf, stalledServer, stopSimulationsAfterEach, TEST_SERVERS } from '../support/simulation';

// Organization mode on the bundle: a hub serving spoke accounts through their spoke roles, against
// a local STS and a local MGN that keeps each account's servers apart.
jest.setTimeout(120_000);

const SPOKE_A = '222233334444';
const SPOKE_B = '555566667777';
const ORG_ACCOUNT = '888899990000';
const B = 's-b00000000000000b1';
const HOME = 's-000000000000000h1'.replace('h', '0');

const { A } = TEST_SERVERS;
let listed: BundledFunction;
let organization: BundledFunction;
let sim: Simulation;

beforeAll(() => {
  listed = synthesizeBundledFunction({ ...DEFAULT_CONFIG, hub: { account: LOCAL_ACCOUNT, region: LOCAL_REGION, spokeAccounts: [SPOKE_A, SPOKE_B] } });
  organization = synthesizeBundledFunction({ ...DEFAULT_CONFIG, hub: { account: LOCAL_ACCOUNT, region: LOCAL_REGION, spokeAccounts: [SPOKE_A], organizationId: 'o-a1b2c3d4e5' } });
});
stopSimulationsAfterEach();

const roleOf = (accountID: string): string => spokeRoleArn(accountID, LOCAL_REGION);
const inAccount = (accountID: string, server: LocalSourceServer): LocalSourceServer => ({ ...server, accountID });

async function start(fn: BundledFunction, fleet: readonly LocalSourceServer[], trusting: readonly string[]): Promise<Simulation> {
  const started = await Simulation.start(fn, fleet);
  for (const accountID of trusting) started.local.sts.trust(roleOf(accountID));
  return started;
}

describe('a hub deciding a spoke account\'s stall', () => {
  it('assumes that account\'s spoke role and retries the server there', async () => {
    sim = await start(listed, [inAccount(SPOKE_A, stalledServer(A))], [SPOKE_A]);
    const outcome = await sim.invoke(sim.spokeStallEvent(SPOKE_A, A));
    expect(outcomeOf(outcome)).toBe('RETRIED');
    expect(decisions(outcome)[0]).toMatchObject({ accountID: SPOKE_A, sourceServerID: A });
    // Only a call made with the spoke's credentials finds the server: it is that account's.
    expect(sim.local.mgn.server(A)?.replicationState).toBe('INITIATING');
    expect(sim.local.sts.calls).toEqual([{ roleArn: roleOf(SPOKE_A), sessionName: 'mgn-stall-retry-hub', callerKey: 'AKIDLOCALONLY', granted: true }]);
  });

  it('reuses the spoke session until shortly before it expires (one AssumeRole an hour per account)', async () => {
    const fleet = generateFleet(3, 3).map((server) => inAccount(SPOKE_A, server));
    sim = await start(listed, fleet, [SPOKE_A]);
    await sim.invoke(sim.spokeStallEvent(SPOKE_A, fleet[0]?.sourceServerID ?? ''));
    sim.advance(10 * MINUTE);
    await sim.invoke(sim.spokeStallEvent(SPOKE_A, fleet[1]?.sourceServerID ?? ''));
    expect(sim.local.sts.calls).toHaveLength(1);
    // Less than 5 minutes before the one-hour session ends: a new one.
    sim.advance(46 * MINUTE);
    expect(outcomeOf(await sim.invoke(sim.spokeStallEvent(SPOKE_A, fleet[2]?.sourceServerID ?? '')))).toBe('RETRIED');
    expect(sim.local.sts.calls).toHaveLength(2);
  });

  it('names the role and the fix when the spoke role cannot be assumed, tells a person once, and succeeds', async () => {
    sim = await start(listed, [inAccount(SPOKE_B, stalledServer(B))], []);
    const outcome = await sim.invoke(sim.spokeStallEvent(SPOKE_B, B));
    expect(outcome.ok).toBe(true);
    expect(outcomeOf(outcome)).toBe('SKIPPED_SPOKE_ROLE_UNAVAILABLE');
    const reason = String(decisions(outcome)[0]?.['reason']);
    expect(reason).toContain(roleOf(SPOKE_B));
    expect(reason).toContain('deploy the spoke template');
    expect(reason).toContain(`mgn-stall-retry-hub-${LOCAL_REGION}`);
    expect(sim.local.mgn.server(B)?.replicationState).toBe('STALLED');
    expect(sim.notices().filter((notice) => notice.message.includes(SPOKE_B))).toHaveLength(1);
    // Once the spoke is deployed, the next event retries it.
    sim.local.sts.trust(roleOf(SPOKE_B));
    sim.advance(MINUTE);
    expect(outcomeOf(await sim.invoke(sim.spokeStallEvent(SPOKE_B, B)))).toBe('RETRIED');
  });

  it('fails the server when STS is only busy, so that the platform retries it', async () => {
    sim = await start(listed, [inAccount(SPOKE_A, stalledServer(A))], [SPOKE_A]);
    // As many as the SDK tries in one call: the invocation fails; the next one gets through.
    sim.local.sts.throttleNext(3);
    const outcome = await sim.invoke(sim.spokeStallEvent(SPOKE_A, A));
    expect(outcome).toMatchObject({ ok: false, error: { name: 'ReplicationRetryFailedError' } });
    expect(sim.local.mgn.server(A)?.replicationState).toBe('STALLED');
    sim.advance(MINUTE);
    expect(outcomeOf(await sim.invoke(sim.spokeStallEvent(SPOKE_A, A)))).toBe('RETRIED');
  });

  it('retries with the session it holds when STS is busy as the session nears its end', async () => {
    sim = await start(listed, [inAccount(SPOKE_A, stalledServer(A)), inAccount(SPOKE_A, stalledServer(B))], [SPOKE_A]);
    expect(outcomeOf(await sim.invoke(sim.spokeStallEvent(SPOKE_A, B)))).toBe('RETRIED');
    // The read starts with more than five minutes left on the session and ends with less: the
    // retry's call asks for a new session, and STS is throttling.
    sim.advance(55 * MINUTE - 1000);
    sim.faults.mgn.add({ operation: 'DescribeSourceServers', action: { kind: 'delay', ms: 2000 } });
    sim.faults.sts.add({ operation: 'AssumeRole', action: { kind: 'error', status: 400, errorType: 'Throttling' } });
    const outcome = await sim.invoke(sim.spokeStallEvent(SPOKE_A, A));
    expect(outcomeOf(outcome)).toBe('RETRIED');
    expect(decisions(outcome)[0]).toMatchObject({ attempts: 1 });
    expect(sim.retryCalls(A)).toBe(1);
    expect(sim.faults.sts.count('AssumeRole')).toBeGreaterThan(1);
  });

  it('gives the attempt back, sends nothing and fails when the session ended and STS cannot renew it', async () => {
    sim = await start(listed, [inAccount(SPOKE_A, stalledServer(A))], [SPOKE_A]);
    // The session ends while MGN answers the read: the retry's call needs a new one.
    sim.local.sts.shortenSessions(3);
    sim.faults.mgn.add({ operation: 'DescribeSourceServers', action: { kind: 'delay', ms: 4000 }, count: 1 });
    const pending = sim.invoke(sim.spokeStallEvent(SPOKE_A, A));
    while (sim.faults.mgn.count('DescribeSourceServers') === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    sim.faults.sts.add({ operation: 'AssumeRole', action: { kind: 'error', status: 400, errorType: 'Throttling' } });
    const outcome = await pending;
    expect(outcome).toMatchObject({ ok: false, error: { name: 'ReplicationRetryFailedError' } });
    const [decision] = decisions(outcome);
    expect(decision).toMatchObject({ outcome: 'FAILED', attempts: 0, mgnErrorCode: 'SpokeCredentialsTransientError' });
    expect(String(decision?.['reason'])).toContain('could not be renewed');
    expect(String(decision?.['reason'])).toContain('RetryDataReplication was not sent');
    expect(sim.retryCalls(A)).toBe(0);
    // STS answers again: the platform's retry makes the first attempt, not the second.
    sim.faults.sts.clear();
    sim.advance(MINUTE);
    const again = await sim.invoke(sim.spokeStallEvent(SPOKE_A, A));
    expect(outcomeOf(again)).toBe('RETRIED');
    expect(decisions(again)[0]).toMatchObject({ attempt: 1, attempts: 1 });
  });

  it('refuses an event from an account it does not serve, naming hub.spokeAccounts', async () => {
    sim = await start(listed, [inAccount(ORG_ACCOUNT, stalledServer(A))], [ORG_ACCOUNT]);
    const outcome = await sim.invoke(sim.spokeStallEvent(ORG_ACCOUNT, A));
    expect(outcome).toMatchObject({ ok: false, error: { name: 'InvalidInputError', field: 'account' } });
    expect(outcome.ok ? '' : outcome.error.message).toContain('hub.spokeAccounts');
    expect(sim.local.sts.calls).toEqual([]);
  });

  it('keeps its own account\'s servers on its own credentials', async () => {
    sim = await start(listed, [stalledServer(HOME)], []);
    expect(outcomeOf(await sim.stall(HOME))).toBe('RETRIED');
    expect(sim.local.sts.calls).toEqual([]);
  });
});

describe('a hub sweep', () => {
  const fleetOf = (accountID: string, first: number): LocalSourceServer[] =>
    generateFleet(first + 10, first + 10).slice(first).map((server, index) => inAccount(accountID, { ...server, replicationState: index < 2 ? 'STALLED' : 'CONTINUOUS' }));

  it('covers its own account and every spoke account, each with its own census', async () => {
    const fleet = [...fleetOf(LOCAL_ACCOUNT, 0), ...fleetOf(SPOKE_A, 100), ...fleetOf(SPOKE_B, 200)];
    sim = await start(listed, fleet, [SPOKE_A, SPOKE_B]);
    const outcome = await sim.sweep();
    expect(outcome.ok).toBe(true);
    expect(sim.acceptedRetries()).toBe(6);
    const sweep = outcome.ok ? outcome.result.sweep : undefined;
    expect(sweep?.accounts?.map((account) => [account.accountID, account.serversScanned, account.stalledServersFound])).toEqual([
      [LOCAL_ACCOUNT, 10, 2], [SPOKE_A, 10, 2], [SPOKE_B, 10, 2],
    ]);
    expect(sweep).toMatchObject({ serversScanned: 30, stalledServersFound: 6, scanComplete: true, accountsNotReached: [] });
    const censuses = (await sim.local.dynamodb.items()).filter((item) => item['pk']?.S?.startsWith('census#'));
    expect(censuses.map((item) => [item['pk']?.S, item['inReplication']?.N]).sort()).toEqual([
      [`census#${LOCAL_ACCOUNT}`, '10'], [`census#${SPOKE_A}`, '10'], [`census#${SPOKE_B}`, '10'],
    ].sort());
  });

  it('goes on past an account whose spoke role cannot be assumed, and reports it', async () => {
    const fleet = [...fleetOf(LOCAL_ACCOUNT, 0), ...fleetOf(SPOKE_A, 100), ...fleetOf(SPOKE_B, 200)];
    sim = await start(listed, fleet, [SPOKE_A]);
    const outcome = await sim.sweep();
    expect(outcome.ok).toBe(true);
    expect(sim.acceptedRetries()).toBe(4);
    const accounts = outcome.ok ? outcome.result.sweep?.accounts : undefined;
    expect(accounts?.find((account) => account.accountID === SPOKE_B)).toMatchObject({ outcome: 'SKIPPED_SPOKE_ROLE_UNAVAILABLE', serversScanned: 0 });
  });

  it('scans the ledger for older open episodes once, for its own account only: never for a spoke account, reached or not', async () => {
    const fleet = [...fleetOf(LOCAL_ACCOUNT, 0), ...fleetOf(SPOKE_A, 100), ...fleetOf(SPOKE_B, 200)];
    sim = await start(listed, fleet, [SPOKE_A]);
    expect((await sim.sweep()).ok).toBe(true);
    expect(sim.local.dynamodb.requests()['Scan']).toBe(1);
    // SPOKE_B's role still cannot be assumed: its sweeps go on without a scan each hour.
    for (let hour = 0; hour < 3; hour += 1) {
      sim.advance(60 * MINUTE);
      expect((await sim.sweep()).ok).toBe(true);
    }
    expect(sim.local.dynamodb.requests()['Scan']).toBe(1);
  });

  it('does not take up an account that only a manual payload named', async () => {
    const fleet = [...fleetOf(SPOKE_A, 100), ...fleetOf(ORG_ACCOUNT, 300)];
    sim = await start(organization, fleet, [SPOKE_A, ORG_ACCOUNT]);
    const first = fleet.find((server) => server.accountID === ORG_ACCOUNT && server.replicationState === 'STALLED');
    expect(outcomeOf(await sim.invoke({ sourceServerID: first?.sourceServerID ?? '', accountID: ORG_ACCOUNT }))).toBe('RETRIED');
    sim.advance(MINUTE);
    const after = await sim.sweep();
    expect(after.ok ? after.result.sweep?.accounts?.map((account) => account.accountID) : []).toEqual([LOCAL_ACCOUNT, SPOKE_A]);
  });

  it('covers an account of the organization once it has forwarded an event', async () => {
    const fleet = [...fleetOf(SPOKE_A, 100), ...fleetOf(ORG_ACCOUNT, 300)];
    sim = await start(organization, fleet, [SPOKE_A, ORG_ACCOUNT]);
    const before = await sim.sweep();
    expect(before.ok ? before.result.sweep?.accounts?.map((account) => account.accountID) : []).toEqual([LOCAL_ACCOUNT, SPOKE_A]);
    const first = fleet.find((server) => server.accountID === ORG_ACCOUNT && server.replicationState === 'STALLED');
    sim.advance(MINUTE);
    expect(outcomeOf(await sim.invoke(sim.spokeStallEvent(ORG_ACCOUNT, first?.sourceServerID ?? '')))).toBe('RETRIED');
    sim.advance(MINUTE);
    const after = await sim.sweep();
    expect(after.ok ? after.result.sweep?.accounts?.map((account) => account.accountID) : []).toEqual([LOCAL_ACCOUNT, SPOKE_A, ORG_ACCOUNT]);
  });
});
