import type { SourceServer } from '@aws-sdk/client-mgn';
import {
  AT_RISK_LISTED,
  FREE_PERIOD_SECONDS,
  combineHealth,
  durationSeconds,
  healthTally,
  timeOf,
  type FleetHealth,
} from '../../lambda/retry-stalled-replication/decide/fleet-health';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const POLICY = { lagThresholdMinutes: 60, agentSilenceMinutes: 60, freePeriodWarningDays: 7 };

function healthOf(servers: readonly SourceServer[], policy = POLICY): FleetHealth {
  const tally = healthTally(policy, NOW);
  for (const server of servers) tally.add(server);
  return tally.result();
}

/** A replicating agent-based server with every health field present and healthy, changed by `changes`. */
function server(id: string, changes: { state?: string; lag?: string; backlog?: (number | undefined)[]; lastSeen?: string; elapsed?: string; lifeCycle?: string; archived?: boolean; agentless?: boolean } = {}): SourceServer {
  return {
    sourceServerID: id,
    isArchived: changes.archived ?? false,
    replicationType: changes.agentless === true ? 'SNAPSHOT_SHIPPING' : 'AGENT_BASED',
    lifeCycle: {
      state: (changes.lifeCycle ?? 'READY_FOR_TEST') as never,
      lastSeenByServiceDateTime: 'lastSeen' in changes ? changes.lastSeen : '2026-11-26T11:55:00Z',
      elapsedReplicationDuration: 'elapsed' in changes ? changes.elapsed : 'P10D',
    },
    dataReplicationInfo: {
      dataReplicationState: (changes.state ?? 'CONTINUOUS') as never,
      lagDuration: 'lag' in changes ? changes.lag : 'PT5S',
      replicatedDisks: (changes.backlog ?? [0]).map((bytes) => (bytes === undefined ? { deviceName: '/dev/xvda' } : { deviceName: '/dev/xvda', backloggedStorageBytes: bytes })),
    },
    sourceProperties: { identificationHints: { hostname: `host-${id}` } },
  };
}

describe('durationSeconds reads the ISO 8601 durations MGN writes', () => {
  it.each<[unknown, number | undefined]>([
    ['PT5S', 5],
    ['PT0.5S', 0.5],
    ['PT1H30M', 5400],
    ['PT90M', 5400],
    ['P1DT2H', 93_600],
    ['P2W', 1_209_600],
    ['P90D', 7_776_000],
    ['P1.5D', 129_600],
    ['PT0S', 0],
    [' PT1M ', 60],
    ['PT1,5S', 1.5],
    ['pt1h', 3600],
    ['P0Y0M0DT2H', 7200],
    ['PT1H0.000S', 3600],
  ])('%j is %j seconds', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it.each<[unknown]>([['P'], ['PT'], ['P1DT'], ['P1Y'], ['P1M'], ['1 hour'], ['PT-5S'], ['PT5'], [''], [null], [undefined], [3600], ['PT1H2H']])(
    '%j does not parse (unknown, never 0)',
    (text) => {
      expect(durationSeconds(text)).toBeUndefined();
    },
  );
});

describe('timeOf reads date-times with a zone only', () => {
  it.each<[unknown, number | undefined]>([
    ['2026-11-26T11:00:00Z', Date.parse('2026-11-26T11:00:00Z')],
    ['2026-11-26T11:00:00.123+01:00', Date.parse('2026-11-26T10:00:00.123Z')],
    ['2026-11-26T11:00:00', undefined],
    ['yesterday', undefined],
    ['2026-13-40T99:00:00Z', undefined],
    [1_700_000_000, undefined],
  ])('%j', (text, time) => {
    expect(timeOf(text)).toBe(time);
  });
});

describe('fleet health of one sweep', () => {
  it('counts each figure from a fleet of known states, lags, backlogs, last-seen times and elapsed durations', () => {
    const health = healthOf([
      server('ok'),
      server('lagging', { lag: 'PT2H', backlog: [1000, 24] }),
      server('lag-at-threshold', { lag: 'PT60M' }),
      server('silent', { lastSeen: '2026-11-26T10:00:00Z' }),
      server('old', { elapsed: 'P83DT1H' }),
      server('past-free', { elapsed: 'P95D' }),
      server('stalled', { state: 'STALLED', lag: 'P1DT2H' }),
      server('initial', { state: 'INITIAL_SYNC', lag: 'P9D', backlog: [500] }),
    ]);
    expect(health).toMatchObject({
      byState: { CONTINUOUS: 6, STALLED: 1, INITIAL_SYNC: 1 },
      lagging: 2,
      maxLagSeconds: 93_600,
      backloggedBytes: 1524,
      agentsNotSeen: 1,
      nearFreePeriodEnd: 2,
      unknown: { lag: 0, backlog: 0, lastSeen: 0, elapsed: 0 },
      atRiskCount: 5,
    });
    expect(health.atRisk).toEqual([
      { sourceServerID: 'lagging', hostname: 'host-lagging', risks: ['LAGGING'], lagSeconds: 7200 },
      { sourceServerID: 'silent', hostname: 'host-silent', risks: ['AGENT_NOT_SEEN'], agentSilentSeconds: 7200 },
      { sourceServerID: 'old', hostname: 'host-old', risks: ['NEAR_FREE_PERIOD_END'], freePeriodLeftDays: 7 },
      { sourceServerID: 'past-free', hostname: 'host-past-free', risks: ['NEAR_FREE_PERIOD_END'], freePeriodLeftDays: -5 },
      { sourceServerID: 'stalled', hostname: 'host-stalled', risks: ['LAGGING'], lagSeconds: 93_600 },
    ]);
  });

  it('reports STALLED as 0 when no server is stalled, and nothing at risk in a healthy fleet', () => {
    expect(healthOf([server('a'), server('b')])).toEqual({
      byState: { STALLED: 0, CONTINUOUS: 2 },
      lagging: 0,
      maxLagSeconds: 5,
      backloggedBytes: 0,
      agentsNotSeen: 0,
      nearFreePeriodEnd: 0,
      unknown: { lag: 0, backlog: 0, lastSeen: 0, elapsed: 0 },
      atRiskCount: 0,
      atRisk: [],
    });
  });

  it('leaves archived servers out of every figure', () => {
    const health = healthOf([server('gone', { archived: true, lag: 'P5D', lastSeen: '2020-01-01T00:00:00Z', elapsed: 'P89D', backlog: [99] })]);
    expect(health).toMatchObject({ byState: { STALLED: 0 }, lagging: 0, backloggedBytes: 0, agentsNotSeen: 0, nearFreePeriodEnd: 0, atRiskCount: 0 });
    expect(health.maxLagSeconds).toBeUndefined();
  });

  it('counts a server whose lifecycle is DISCONNECTED only in its replication state', () => {
    const health = healthOf([server('off', { state: 'DISCONNECTED', lifeCycle: 'DISCONNECTED', lag: 'P5D', lastSeen: '2020-01-01T00:00:00Z', elapsed: 'P89D', backlog: [99] })]);
    expect(health).toMatchObject({ byState: { STALLED: 0, DISCONNECTED: 1 }, lagging: 0, backloggedBytes: 0, agentsNotSeen: 0, nearFreePeriodEnd: 0, atRiskCount: 0 });
    expect(health.unknown).toEqual({ lag: 0, backlog: 0, lastSeen: 0, elapsed: 0 });
  });

  it('counts a value that does not parse as unknown, never as 0 or as healthy', () => {
    const health = healthOf([
      server('bad-lag', { lag: 'about an hour' }),
      server('no-lag', { lag: undefined }),
      server('bad-seen', { lastSeen: 'yesterday' }),
      server('bad-elapsed', { elapsed: 'P3M' }),
      server('no-backlog', { backlog: [10, undefined] }),
    ]);
    expect(health.unknown).toEqual({ lag: 2, backlog: 1, lastSeen: 1, elapsed: 1 });
    expect(health.maxLagSeconds).toBe(5);
    expect(health.backloggedBytes).toBe(10);
    expect(healthOf([server('only', { lag: 'garbage' })]).maxLagSeconds).toBeUndefined();
  });

  it('counts a server cut over, or whose replication is disconnected, only in its replication state', () => {
    const old = { lastSeen: '2026-11-01T00:00:00Z', elapsed: 'P85D', lag: 'P5D' };
    const health = healthOf([
      server('finalized', { state: 'DISCONNECTED', lifeCycle: 'CUTOVER', ...old }),
      server('replication-off', { state: 'DISCONNECTED', lifeCycle: 'READY_FOR_CUTOVER', ...old }),
    ]);
    expect(health).toMatchObject({ byState: { STALLED: 0, DISCONNECTED: 2 }, lagging: 0, agentsNotSeen: 0, nearFreePeriodEnd: 0, atRiskCount: 0 });
  });

  it('counts a server that appears on two pages once', () => {
    const twice = server('same', { lag: 'PT3H' });
    expect(healthOf([twice, server('other'), twice])).toMatchObject({ byState: { CONTINUOUS: 2 }, lagging: 1, atRiskCount: 1 });
  });

  it('ignores lag before initial sync, but counts the backlog and the agent there', () => {
    const health = healthOf([
      server('new', { state: 'INITIATING', lag: undefined, backlog: [7], lastSeen: '2026-11-26T09:00:00Z' }),
      server('copying', { state: 'INITIAL_SYNC', lag: 'P2D' }),
    ]);
    expect(health).toMatchObject({ lagging: 0, backloggedBytes: 7, agentsNotSeen: 1, unknown: { lag: 0 } });
    expect(health.maxLagSeconds).toBeUndefined();
  });

  it('never counts an agentless server as an agent not seen', () => {
    expect(healthOf([server('vm', { agentless: true, lastSeen: '2020-01-01T00:00:00Z' })])).toMatchObject({ agentsNotSeen: 0, unknown: { lastSeen: 0 } });
  });

  it('follows the policy: thresholds are exclusive for lag and silence, inclusive for the free period', () => {
    const edge = [
      server('lag', { lag: 'PT30M0.001S' }),
      server('silent', { lastSeen: '2026-11-26T11:30:00Z' }),
      server('free', { elapsed: `PT${FREE_PERIOD_SECONDS - 86_400}S` }),
    ];
    expect(healthOf(edge, { lagThresholdMinutes: 30, agentSilenceMinutes: 30, freePeriodWarningDays: 1 })).toMatchObject({ lagging: 1, agentsNotSeen: 0, nearFreePeriodEnd: 1 });
    expect(healthOf(edge, { lagThresholdMinutes: 31, agentSilenceMinutes: 29, freePeriodWarningDays: 0 })).toMatchObject({ lagging: 0, agentsNotSeen: 1, nearFreePeriodEnd: 0 });
  });

  it(`lists at most ${AT_RISK_LISTED} servers at risk and counts them all`, () => {
    const health = healthOf(Array.from({ length: 120 }, (_, index) => server(`s${index}`, { lag: 'PT3H' })));
    expect(health.atRiskCount).toBe(120);
    expect(health.atRisk).toHaveLength(AT_RISK_LISTED);
    expect(health.lagging).toBe(120);
  });
});

describe('the hub\'s totals', () => {
  it('sums the accounts, keeps the largest known lag, and names each at-risk server\'s account', () => {
    const a = healthOf([server('a1', { lag: 'PT2H', backlog: [5] }), server('a2', { state: 'STALLED' })]);
    const b = healthOf([server('b1', { lag: 'garbage', lastSeen: '2026-11-25T00:00:00Z' })]);
    const total = combineHealth([{ accountID: '111111111111', health: a }, { accountID: '222222222222', health: b }]);
    expect(total).toMatchObject({
      byState: { STALLED: 1, CONTINUOUS: 2 },
      lagging: 1,
      maxLagSeconds: 7200,
      backloggedBytes: 5,
      agentsNotSeen: 1,
      unknown: { lag: 1 },
      atRiskCount: 2,
    });
    expect(total.atRisk.map((entry) => [entry.accountID, entry.sourceServerID])).toEqual([['111111111111', 'a1'], ['222222222222', 'b1']]);
  });

  it('has no maximum lag when no account knows one', () => {
    expect(combineHealth([{ accountID: '111111111111', health: healthOf([server('x', { lag: 'n/a' })]) }]).maxLagSeconds).toBeUndefined();
  });
});
