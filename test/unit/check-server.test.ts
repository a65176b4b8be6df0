import { checkServer } from '../../lambda/retry-stalled-replication/decide/check-server';
import { isReplicating, type ServerFacts } from '../../lambda/retry-stalled-replication/decide/server-facts';

const policy = { skipLifecycleStates: ['CUTTING_OVER', 'CUTOVER', 'DISCONNECTED'], optOutTagKey: 'mgn-stall-retry' };
const REPLICATION_STATES = [
  'STALLED', 'INITIATING', 'INITIAL_SYNC', 'BACKLOG', 'CREATING_SNAPSHOT', 'CONTINUOUS', 'PAUSED',
  'RESCAN', 'STOPPED', 'DISCONNECTED', 'PENDING_SNAPSHOT_SHIPPING', 'SHIPPING_SNAPSHOT', undefined,
];
const LIFECYCLE_STATES = [
  'STOPPED', 'NOT_READY', 'READY_FOR_TEST', 'TESTING', 'READY_FOR_CUTOVER', 'CUTTING_OVER', 'CUTOVER',
  'DISCONNECTED', 'DISCOVERED', 'PENDING_INSTALLATION', undefined,
];

/** The expected outcome, written independently of the implementation's branch order. */
function expected(server: ServerFacts): string {
  if (server.isArchived) return 'SKIPPED_ARCHIVED';
  if (['CUTTING_OVER', 'CUTOVER', 'DISCONNECTED'].includes(server.lifeCycleState ?? '')) return 'SKIPPED_LIFECYCLE';
  if (server.tags['mgn-stall-retry']?.toLowerCase() === 'off') return 'SKIPPED_OPTED_OUT';
  if (server.replicationState !== 'STALLED') return 'SKIPPED_NOT_STALLED';
  return 'PROCEED';
}
const TAG_SETS: Record<string, string>[] = [{}, { 'mgn-stall-retry': 'off' }, { 'mgn-stall-retry': 'on' }, { owner: 'off' }];

const combinations = REPLICATION_STATES.flatMap((replicationState) =>
  LIFECYCLE_STATES.flatMap((lifeCycleState) =>
    [false, true].flatMap((isArchived) =>
      TAG_SETS.map((tags) => ({ sourceServerID: 's-1234567890abcdef0', replicationState, lifeCycleState, isArchived, tags, initiationSteps: [] })),
    ),
  ),
);

describe('checkServer', () => {
  it.each(combinations)(
    'replication $replicationState, lifecycle $lifeCycleState, archived $isArchived, tags $tags',
    (server) => {
      const check = checkServer(server, policy);
      expect(check.action === 'PROCEED' ? 'PROCEED' : check.outcome).toBe(expected(server));
    },
  );

  it('lets only stalled, unarchived, not opted-out servers outside the skip list through', () => {
    const passed = combinations.filter((server) => checkServer(server, policy).action === 'PROCEED');
    expect(passed.every((server) => server.replicationState === 'STALLED' && !server.isArchived)).toBe(true);
    // 8 lifecycle values (7 states and "unknown") outside the skip list, times 3 tag sets without the opt-out.
    expect(passed).toHaveLength(24);
  });

  it.each(['off', 'OFF', ' Off '])('treats the opt-out value %j as off', (value) => {
    const server = { sourceServerID: 's-1234567890abcdef0', isArchived: false, replicationState: 'STALLED', tags: { 'mgn-stall-retry': value } };
    expect(checkServer(server, policy)).toMatchObject({ outcome: 'SKIPPED_OPTED_OUT' });
  });

  it('follows the configured opt-out tag key', () => {
    const server = { sourceServerID: 's-1234567890abcdef0', isArchived: false, replicationState: 'STALLED', tags: { 'auto-retry': 'off' } };
    expect(checkServer(server, policy).action).toBe('PROCEED');
    expect(checkServer(server, { ...policy, optOutTagKey: 'auto-retry' }).action).toBe('SKIP');
  });

  it('explains a skip with the state that caused it', () => {
    const check = checkServer({ isArchived: false, replicationState: 'STALLED', lifeCycleState: 'CUTTING_OVER', tags: {} }, policy);
    expect(check).toEqual({ action: 'SKIP', outcome: 'SKIPPED_LIFECYCLE', reason: 'lifecycle state CUTTING_OVER is in the skip list' });
  });

  it('follows the configured skip list rather than a fixed one', () => {
    const server = { sourceServerID: 's-1234567890abcdef0', isArchived: false, replicationState: 'STALLED', lifeCycleState: 'TESTING', tags: {} };
    expect(checkServer(server, { ...policy, skipLifecycleStates: [] }).action).toBe('PROCEED');
    expect(checkServer(server, { ...policy, skipLifecycleStates: ['TESTING'] }).action).toBe('SKIP');
  });
});

describe('isReplicating', () => {
  it.each<[string | undefined, string | undefined, boolean]>([
    ['CONTINUOUS', 'AGENT_BASED', true],
    ['INITIAL_SYNC', undefined, true],
    ['BACKLOG', 'AGENT_BASED', true],
    ['CREATING_SNAPSHOT', 'AGENT_BASED', true],
    ['RESCAN', 'AGENT_BASED', true],
    ['INITIATING', 'AGENT_BASED', false],
    ['STALLED', 'AGENT_BASED', false],
    ['PAUSED', 'AGENT_BASED', false],
    ['DISCONNECTED', 'AGENT_BASED', false],
    ['SHIPPING_SNAPSHOT', 'AGENT_BASED', false],
    ['SHIPPING_SNAPSHOT', 'SNAPSHOT_SHIPPING', true],
    ['PENDING_SNAPSHOT_SHIPPING', 'SNAPSHOT_SHIPPING', true],
    [undefined, 'AGENT_BASED', false],
  ])('%s (%s) is replicating: %s', (replicationState, replicationType, expected) => {
    expect(isReplicating({ replicationState, replicationType })).toBe(expected);
  });
});
