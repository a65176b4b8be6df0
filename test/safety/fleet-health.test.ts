import { DEFAULT_CONFIG } from '../../lib/config';
import { spokeRoleArn } from '../../lambda/retry-stalled-replication/decide/hub';
import { synthesizeBundledFunction, type BundledFunction, type InvocationOutcome } from '../../tools/bundle-runner/bundled-function';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../tools/local-aws/local-aws';
import type { LocalSourceServer } from '../../tools/local-mgn/local-mgn-server';
import { DAY, HOUR, MINUTE, Simulation, stalledServer, stopSimulationsAfterEach, defaultBundle } from '../support/simulation';

// Fleet health on the bundle: a sweep over a fleet of known states, lags, backlogs, last-seen times
// and elapsed durations publishes exactly the expected figures, and reads MGN no more than before.
jest.setTimeout(120_000);

const SPOKE = '222233334444';

let hub: BundledFunction;
let sim: Simulation;

beforeAll(() => {
  hub = synthesizeBundledFunction({ ...DEFAULT_CONFIG, hub: { account: LOCAL_ACCOUNT, region: LOCAL_REGION, spokeAccounts: [SPOKE] } });
});
stopSimulationsAfterEach();

const id = (n: number): string => `s-${String(n).padStart(17, '0')}`;

/** A server replicating continuously, 5 seconds behind, its agent seen a minute ago, 10 days into its free period. */
function replicating(n: number, now: number, changes: Partial<LocalSourceServer> = {}): LocalSourceServer {
  return {
    sourceServerID: id(n),
    replicationState: 'CONTINUOUS',
    lifeCycleState: 'READY_FOR_TEST',
    isArchived: false,
    hostname: `web-${n}`,
    lagDuration: 'PT5S',
    backloggedBytes: [0],
    lastSeenAt: now - MINUTE,
    elapsedReplicationDuration: 'P10D',
    ...changes,
  };
}

/** The fleet of known health: 2 lagging, 1 agent silent, 2 near the end of the free period, 1 stalled, odd data. */
function knownFleet(now: number, withHealthFields = true): LocalSourceServer[] {
  const fleet = [
    replicating(1, now),
    replicating(2, now, { lagDuration: 'PT2H30M', backloggedBytes: [1_000_000, 24] }),
    replicating(3, now, { lagDuration: 'P1DT2H', replicationState: 'BACKLOG', backloggedBytes: [5_000_000_000] }),
    replicating(4, now, { lastSeenAt: now - 3 * HOUR }),
    replicating(5, now, { elapsedReplicationDuration: 'P85D' }),
    replicating(6, now, { elapsedReplicationDuration: 'P91DT0.5S' }),
    replicating(7, now, { replicationState: 'INITIAL_SYNC', lagDuration: 'P9D', backloggedBytes: [700] }),
    replicating(8, now, { lagDuration: 'about an hour', lastSeenAt: 'yesterday' }),
    replicating(9, now, { replicationState: 'DISCONNECTED', lifeCycleState: 'DISCONNECTED', lagDuration: 'P30D', lastSeenAt: now - 30 * DAY, backloggedBytes: [123] }),
    replicating(10, now, { isArchived: true, lagDuration: 'P30D', backloggedBytes: [456] }),
    replicating(11, now, { replicationType: 'SNAPSHOT_SHIPPING', lastSeenAt: now - 2 * DAY }),
    { ...stalledServer(id(12)), hostname: 'db-12', lagDuration: 'PT45M', backloggedBytes: [0], lastSeenAt: now - 2 * MINUTE, elapsedReplicationDuration: 'P3D' },
  ];
  if (withHealthFields) return fleet;
  return fleet.map((server) => {
    const bare: Partial<LocalSourceServer> = { ...server };
    delete bare.lagDuration;
    delete bare.backloggedBytes;
    delete bare.lastSeenAt;
    delete bare.elapsedReplicationDuration;
    return bare as LocalSourceServer;
  });
}

interface EmfLine {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly dimensions: Record<string, string>;
}

/** The fleet-health EMF lines of an invocation: metric, value, unit and dimension values. */
function fleetMetrics(outcome: InvocationOutcome): EmfLine[] {
  const names = ['ServersByReplicationState', 'ServersLagging', 'MaxLagSeconds', 'BackloggedBytes', 'AgentsNotSeen', 'ServersNearFreePeriodEnd'];
  return outcome.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => '_aws' in line)
    .flatMap((line) => {
      const aws = line['_aws'] as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
      const directive = aws.CloudWatchMetrics[0];
      if (directive === undefined) return [];
      const dimensions = Object.fromEntries((directive.Dimensions[0] ?? []).map((key) => [key, String(line[key])]));
      return directive.Metrics.filter((metric) => names.includes(metric.Name)).map((metric) => ({ metric: metric.Name, value: Number(line[metric.Name]), unit: metric.Unit, dimensions }));
    });
}

const mgnCalls = (): number => sim.local.mgn.calls.length;

describe('a sweep publishes the fleet\'s health', () => {
  it('publishes exactly the expected figures for a fleet of known states, lags, backlogs, last-seen times and elapsed durations', async () => {
    sim = await Simulation.start(defaultBundle(), []);
    for (const server of knownFleet(sim.now)) sim.local.mgn.putServer(server);
    const sweep = await sim.sweep();
    expect(sweep.ok).toBe(true);
    const service = { service: 'mgn-stall-retry' };
    expect(fleetMetrics(sweep)).toEqual(
      expect.arrayContaining([
        { metric: 'ServersLagging', value: 2, unit: 'Count', dimensions: service },
        { metric: 'MaxLagSeconds', value: 93_600, unit: 'Seconds', dimensions: service },
        { metric: 'BackloggedBytes', value: 5_001_000_724, unit: 'Bytes', dimensions: service },
        { metric: 'AgentsNotSeen', value: 1, unit: 'Count', dimensions: service },
        { metric: 'ServersNearFreePeriodEnd', value: 2, unit: 'Count', dimensions: service },
        { metric: 'ServersByReplicationState', value: 7, unit: 'Count', dimensions: { ...service, State: 'CONTINUOUS' } },
        { metric: 'ServersByReplicationState', value: 1, unit: 'Count', dimensions: { ...service, State: 'BACKLOG' } },
        { metric: 'ServersByReplicationState', value: 1, unit: 'Count', dimensions: { ...service, State: 'INITIAL_SYNC' } },
        { metric: 'ServersByReplicationState', value: 1, unit: 'Count', dimensions: { ...service, State: 'DISCONNECTED' } },
        { metric: 'ServersByReplicationState', value: 1, unit: 'Count', dimensions: { ...service, State: 'STALLED' } },
      ]),
    );
    expect(fleetMetrics(sweep)).toHaveLength(10);
    const complete = sweep.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line['message'] === 'invocation complete');
    const health = (complete?.['sweep'] as { fleetHealth?: Record<string, unknown> }).fleetHealth;
    expect(health).toMatchObject({ unknown: { lag: 1, backlog: 0, lastSeen: 1, elapsed: 0 }, atRiskCount: 5 });
    expect(health?.['atRisk']).toEqual([
      { sourceServerID: id(2), hostname: 'web-2', risks: ['LAGGING'], lagSeconds: 9000 },
      { sourceServerID: id(3), hostname: 'web-3', risks: ['LAGGING'], lagSeconds: 93_600 },
      { sourceServerID: id(4), hostname: 'web-4', risks: ['AGENT_NOT_SEEN'], agentSilentSeconds: 3 * 3600 },
      { sourceServerID: id(5), hostname: 'web-5', risks: ['NEAR_FREE_PERIOD_END'], freePeriodLeftDays: 5 },
      { sourceServerID: id(6), hostname: 'web-6', risks: ['NEAR_FREE_PERIOD_END'], freePeriodLeftDays: -1 },
    ]);
  });

  it('costs no extra MGN call: the same calls as the same fleet without any health field', async () => {
    sim = await Simulation.start(defaultBundle(), []);
    for (const server of knownFleet(sim.now, false)) sim.local.mgn.putServer(server);
    await sim.sweep();
    const without = mgnCalls();
    await sim.stop();
    sim = await Simulation.start(defaultBundle(), []);
    for (const server of knownFleet(sim.now)) sim.local.mgn.putServer(server);
    const sweep = await sim.sweep();
    expect(fleetMetrics(sweep).length).toBeGreaterThan(0);
    expect(mgnCalls()).toBe(without);
    // One page of the fleet, then the stalled server's own read and its retry: as before fleet health.
    expect(sim.local.mgn.calls.map((call) => call.operation)).toEqual(['DescribeSourceServers', 'DescribeSourceServers', 'RetryDataReplication']);
  });

  it('publishes STALLED as 0 when nothing is stalled, and no maximum lag when no lag is known', async () => {
    sim = await Simulation.start(defaultBundle(), [replicating(1, Date.now(), { lagDuration: 'soon' }), replicating(2, Date.now(), { replicationState: 'INITIATING' })]);
    const sweep = await sim.sweep();
    const metrics = fleetMetrics(sweep);
    expect(metrics).toContainEqual({ metric: 'ServersByReplicationState', value: 0, unit: 'Count', dimensions: { service: 'mgn-stall-retry', State: 'STALLED' } });
    expect(metrics.find((line) => line.metric === 'MaxLagSeconds')).toBeUndefined();
    expect(metrics).toContainEqual({ metric: 'ServersLagging', value: 0, unit: 'Count', dimensions: { service: 'mgn-stall-retry' } });
  });

  it('publishes nothing from a scan that could not read every page (a partial count is not the fleet\'s)', async () => {
    const fleet = Array.from({ length: 1200 }, (_, n) => replicating(n + 1, Date.now(), { lagDuration: 'PT3H' }));
    sim = await Simulation.start(defaultBundle(), fleet);
    sim.faults.mgn.add({ operation: 'DescribeSourceServers', action: { kind: 'error', status: 500, errorType: 'InternalServerException' }, skip: 1 });
    const sweep = await sim.sweep();
    expect(fleetMetrics(sweep)).toEqual([]);
  });
});

describe('a hub publishes each account\'s health and the totals', () => {
  it('publishes no totals when an account could not be read: a lagging spoke is never hidden', async () => {
    const now = Date.now();
    sim = await Simulation.start(hub, [replicating(1, now), { ...replicating(2, now, { lagDuration: 'PT3H' }), accountID: SPOKE }]);
    // The spoke's role is not trusted: its servers cannot be read.
    const sweep = await sim.sweep();
    expect(sweep.ok).toBe(true);
    expect(fleetMetrics(sweep).filter((line) => line.dimensions['AccountId'] === undefined)).toEqual([]);
    expect(fleetMetrics(sweep).filter((line) => line.dimensions['AccountId'] === LOCAL_ACCOUNT).length).toBeGreaterThan(0);
  });

  it('per account with an AccountId dimension, and the sum without one', async () => {
    const now = Date.now();
    sim = await Simulation.start(hub, [
      replicating(1, now, { lagDuration: 'PT2H' }),
      { ...replicating(2, now, { lagDuration: 'PT3H', backloggedBytes: [10] }), accountID: SPOKE },
      { ...replicating(3, now), accountID: SPOKE },
    ]);
    sim.local.sts.trust(spokeRoleArn(SPOKE, LOCAL_REGION));
    const sweep = await sim.sweep();
    expect(sweep.ok).toBe(true);
    const lagging = fleetMetrics(sweep).filter((line) => line.metric === 'ServersLagging');
    expect(lagging).toEqual([
      { metric: 'ServersLagging', value: 1, unit: 'Count', dimensions: { service: 'mgn-stall-retry', AccountId: LOCAL_ACCOUNT } },
      { metric: 'ServersLagging', value: 1, unit: 'Count', dimensions: { service: 'mgn-stall-retry', AccountId: SPOKE } },
      { metric: 'ServersLagging', value: 2, unit: 'Count', dimensions: { service: 'mgn-stall-retry' } },
    ]);
    // Every figure of each account carries its account; the totals carry none.
    const series = (dimensions: Record<string, string>): string[] =>
      fleetMetrics(sweep).filter((line) => JSON.stringify(line.dimensions) === JSON.stringify(dimensions)).map((line) => line.metric).sort();
    const figures = ['AgentsNotSeen', 'BackloggedBytes', 'MaxLagSeconds', 'ServersLagging', 'ServersNearFreePeriodEnd'];
    for (const accountID of [LOCAL_ACCOUNT, SPOKE]) expect(series({ service: 'mgn-stall-retry', AccountId: accountID })).toEqual(figures);
    expect(series({ service: 'mgn-stall-retry' })).toEqual(figures);
    expect(fleetMetrics(sweep)).toContainEqual({ metric: 'BackloggedBytes', value: 10, unit: 'Bytes', dimensions: { service: 'mgn-stall-retry', AccountId: SPOKE } });
    expect(fleetMetrics(sweep)).toContainEqual({ metric: 'MaxLagSeconds', value: 10_800, unit: 'Seconds', dimensions: { service: 'mgn-stall-retry' } });
    const complete = sweep.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line['message'] === 'invocation complete');
    const summary = complete?.['sweep'] as { fleetHealth: { atRisk: { accountID: string }[] }; accounts: { fleetHealth: { atRisk: unknown[]; lagging: number } }[] };
    expect(summary.fleetHealth.atRisk.map((server) => server.accountID).sort()).toEqual([LOCAL_ACCOUNT, SPOKE].sort());
    expect(summary.accounts.map((account) => [account.fleetHealth.lagging, account.fleetHealth.atRisk.length])).toEqual([[1, 0], [1, 0]]);
  });
});
