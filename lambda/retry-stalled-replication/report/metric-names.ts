/** Metric names. README, "Metrics and logs", explains each. */
export const MetricName = {
  REPLICATION_RETRIED: 'ReplicationRetried',
  RETRY_SKIPPED: 'RetrySkipped',
  RETRY_FAILED: 'RetryFailed',
  RETRY_BUDGET_EXHAUSTED: 'RetryBudgetExhausted',
  ESCALATED_WITHOUT_RETRY: 'EscalatedWithoutRetry',
  MASS_STALL_DETECTED: 'MassStallDetected',
  REPLICATION_RECOVERED: 'ReplicationRecovered',
  STALL_DURATION: 'StallDuration',
  STALLED_SERVERS_FOUND: 'StalledServersFound',
  MGN_NOT_INITIALIZED: 'MgnNotInitialized',
  DECISION_EVENTS_FAILED: 'DecisionEventsFailed',
  INVALID_INPUT: 'InvalidInput',
  SERVERS_BY_REPLICATION_STATE: 'ServersByReplicationState',
  SERVERS_LAGGING: 'ServersLagging',
  MAX_LAG_SECONDS: 'MaxLagSeconds',
  BACKLOGGED_BYTES: 'BackloggedBytes',
  AGENTS_NOT_SEEN: 'AgentsNotSeen',
  SERVERS_NEAR_FREE_PERIOD_END: 'ServersNearFreePeriodEnd',
} as const;

/** The message of every decision line: the dashboard's per-account table and the README's queries filter on it. */
export const DECISION_LOG_MESSAGE = 'replication retry decision';
