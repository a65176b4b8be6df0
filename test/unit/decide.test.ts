import { decide, type ServerSnapshot } from '../../lambda/retry-stalled-replication/decide';

const policy = { skipLifecycleStates: ['CUTTING_OVER', 'CUTOVER', 'DISCONNECTED'] };
const REPLICATION_STATES = [
  'STALLED', 'INITIATING', 'INITIAL_SYNC', 'BACKLOG', 'CREATING_SNAPSHOT', 'CONTINUOUS', 'PAUSED',
  'RESCAN', 'STOPPED', 'DISCONNECTED', 'PENDING_SNAPSHOT_SHIPPING', 'SHIPPING_SNAPSHOT', undefined,
];
const LIFECYCLE_STATES = [
  'STOPPED', 'NOT_READY', 'READY_FOR_TEST', 'TESTING', 'READY_FOR_CUTOVER', 'CUTTING_OVER', 'CUTOVER',
  'DISCONNECTED', 'DISCOVERED', 'PENDING_INSTALLATION', undefined,
];

/** The expected outcome, written independently of the implementation's branch order. */
function expected(server: ServerSnapshot): string {
  if (server.isArchived) return 'SKIPPED_ARCHIVED';
  if (['CUTTING_OVER', 'CUTOVER', 'DISCONNECTED'].includes(server.lifeCycleState ?? '')) return 'SKIPPED_LIFECYCLE';
  if (server.replicationState !== 'STALLED') return 'SKIPPED_NOT_STALLED';
  return 'RETRY';
}

const combinations = REPLICATION_STATES.flatMap((replicationState) =>
  LIFECYCLE_STATES.flatMap((lifeCycleState) =>
    [false, true].map((isArchived) => ({ sourceServerID: 's-1234567890abcdef0', replicationState, lifeCycleState, isArchived })),
  ),
);

describe('decide', () => {
  it.each(combinations)(
    'replication $replicationState, lifecycle $lifeCycleState, archived $isArchived',
    (server) => {
      const decision = decide(server, policy);
      expect(decision.action === 'RETRY' ? 'RETRY' : decision.outcome).toBe(expected(server));
    },
  );

  it('retries only stalled, unarchived servers outside the skip list', () => {
    const retried = combinations.filter((server) => decide(server, policy).action === 'RETRY');
    expect(retried.every((server) => server.replicationState === 'STALLED' && !server.isArchived)).toBe(true);
    // 8 lifecycle values (7 states and "unknown") are outside the skip list.
    expect(retried).toHaveLength(8);
  });

  it('explains a skip with the state that caused it', () => {
    const decision = decide({ sourceServerID: 's-1234567890abcdef0', isArchived: false, replicationState: 'STALLED', lifeCycleState: 'CUTTING_OVER' }, policy);
    expect(decision).toEqual({ action: 'SKIP', outcome: 'SKIPPED_LIFECYCLE', reason: 'lifecycle state CUTTING_OVER is in the skip list' });
  });

  it('follows the configured skip list rather than a fixed one', () => {
    const server = { sourceServerID: 's-1234567890abcdef0', isArchived: false, replicationState: 'STALLED', lifeCycleState: 'TESTING' };
    expect(decide(server, { skipLifecycleStates: [] }).action).toBe('RETRY');
    expect(decide(server, { skipLifecycleStates: ['TESTING'] }).action).toBe('SKIP');
  });
});
