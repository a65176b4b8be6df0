import type { MgnStallRetryConfig } from '../../lib/config';
import type { DecisionEventType } from '../../lambda/retry-stalled-replication/decide/decision-event';
import type { Outcome } from '../../lambda/retry-stalled-replication/decide/outcomes';
import type { MetricName } from '../../lambda/retry-stalled-replication/report/metric-names';

/**
 * What the docs say of every setting, outcome, metric and decision event. Each table is a Record
 * over the code's own list of keys, so a new setting, outcome, metric or event type does not
 * compile until it has its row here; `npm run docs` writes the tables into the docs, and a test
 * fails when the committed docs differ from them. Links are relative to the file the table goes in.
 */

export interface SettingDoc {
  /** What the value must be, as a reader writes it (the rule itself is in lib/config.ts). */
  readonly type: string;
  readonly meaning: string;
}

export interface OutcomeDoc {
  readonly meaning: string;
  /** Whether the invocation succeeds or throws with this outcome among its results. */
  readonly invocation: 'succeeds' | 'throws';
}

export interface MetricDoc {
  readonly unit: string;
  /** Dimensions besides `service`. */
  readonly dimensions?: string;
  readonly meaning: string;
  /** Fleet-health figures: what to do when it rises. */
  readonly whenItRises?: string;
}

type MetricNameValue = (typeof MetricName)[keyof typeof MetricName];

export const SETTING_DOCS: Readonly<Record<keyof MgnStallRetryConfig, SettingDoc>> = {
  cooldownMinutes: { type: "integer 0–1440", meaning: "minimum time between two retries of one server, and the time the last retry of a budget gets before the notification. `0` allows back-to-back retries and so turns off duplicate suppression: for tests and demos only" },
  maxAttempts: { type: "integer 1–20", meaning: "retries per stall episode; the next stall decision sends the notification" },
  skipLifecycleStates: { type: "list of MGN lifecycle states", meaning: "servers in these states are never retried; `[]` retries servers in any state" },
  optOutTagKey: { type: "tag key", meaning: "a server tagged with this key and the value `off` (any case) is never retried" },
  dryRun: { type: "boolean", meaning: "evaluate and report every decision, change nothing: no MGN write, no ledger write, no notification. A server that would be retried is `DRY_RUN`; skips keep their `SKIPPED_*` outcome" },
  sweepSchedule: { type: "`rate(…)` / `cron(…)` expression, or `\"off\"`", meaning: "when the sweep runs; `off` removes the schedule rule. A `cron` must have six fields with exactly one of day-of-month and day-of-week as `?`, as EventBridge requires. No schedule weakens the budget: episodes end only when a server is seen replicating" },
  sweepConcurrency: { type: "integer 1–50", meaning: "servers a sweep decides at the same time" },
  reservedConcurrency: { type: "integer 1–1000, or `\"off\"`", meaning: "reserve this much of the account's concurrency for the function (and cap it there): bounds MGN API pressure and blast radius. Lambda refuses a reservation that leaves fewer than 100 unreserved executions, and new accounts often have a quota of 10, so set it only where the quota allows" },
  notificationEmails: { type: "list of e-mail addresses", meaning: "subscribed to the notification topic (each address must confirm the subscription e-mail)" },
  notificationTopicArn: { type: "SNS topic ARN", meaning: "send escalations and alarms to this existing topic instead of creating one (see [Many accounts and Regions](docs/organizations.md#many-accounts-and-regions)); it must be in the stack's Region: synth refuses other `environments` Regions, and an environment-agnostic stack carries a CloudFormation rule that refuses deployment elsewhere" },
  notificationTopicKeyArn: { type: "KMS key ARN", meaning: "the customer-managed key of that topic, if it has one: the function gets `kms:GenerateDataKey`/`kms:Decrypt` on it" },
  logRetentionDays: { type: "a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, …, 3653)", meaning: "how long the decision log is kept" },
  ledgerRemovalPolicy: { type: "`\"retain\"` or `\"destroy\"`", meaning: "whether `cdk destroy` keeps the attempt ledger table" },
  environments: { type: "list of `{\"account\", \"region\"}`", meaning: "one stack per account and Region (Regions aws-cdk-lib knows); empty: one stack for the CLI's account and Region" },
  errorPolicy: { type: "object: MGN replication error → `\"retry\"` or `\"escalate\"`", meaning: "overrides of the default policy of [Triage](docs/how-it-works.md#triage); `{}` keeps it" },
  retryAgentless: { type: "boolean", meaning: "retry agentless (snapshot-shipping) servers too; test it first" },
  massStallMinServers: { type: "integer 1–100000", meaning: "a mass stall needs at least this many stalled servers…" },
  massStallShare: { type: "number above 0, at most 1", meaning: "…and at least this share of the account's servers in replication" },
  opsItems: { type: "boolean", meaning: "open an OpsCenter OpsItem with each notice and resolve it when the server recovers ([Where notifications go](docs/operations.md#where-notifications-go))" },
  globalView: { type: "boolean", meaning: "accept other accounts' servers (MGN global view, from the Organizations management or delegated administrator account) and grant `RetryDataReplication` on every account's servers of the Region" },
  hub: { type: "`{\"account\", \"region\" or \"regions\", \"spokeAccounts\"? (at most 75), \"organizationId\"?}`", meaning: "organization mode (absent: one account per stack): a hub stack per Region in `account`, and the spoke template ([Organization](docs/organizations.md#organization-a-hub-and-spokes))" },
  lagThresholdMinutes: { type: "integer 1–10080", meaning: "a server past initial sync that lags more than this behind its source counts in `ServersLagging` ([Fleet health](docs/operations.md#fleet-health))" },
  agentSilenceMinutes: { type: "integer 1–10080", meaning: "an agent MGN has not heard from for longer counts in `AgentsNotSeen`" },
  freePeriodWarningDays: { type: "integer 0–90", meaning: "a server within this many days of the end of its free replication period (or past it) counts in `ServersNearFreePeriodEnd`" },
  lagAlarmServers: { type: "integer 1–100000, or `\"off\"`", meaning: "`ServersLaggingAlarm` fires when this many servers lag in two consecutive sweeps" },
  agentsNotSeenAlarmServers: { type: "integer 1–100000, or `\"off\"`", meaning: "adds `AgentsNotSeenAlarm`: this many silent agents in two consecutive sweeps" },
  nearFreePeriodEndAlarmServers: { type: "integer 1–100000, or `\"off\"`", meaning: "adds `NearFreePeriodEndAlarm`: this many servers near the end of their free period in two consecutive sweeps" },
};


export const OUTCOME_DOCS: Readonly<Record<Outcome, OutcomeDoc>> = {
  RETRIED: { meaning: "`RetryDataReplication` took effect (accepted, or its answer was lost and the server left `STALLED`); `attempt` is its number in the stall episode", invocation: "succeeds" },
  DRY_RUN: { meaning: "dry run: the server would have been retried (or its episode ended); nothing was changed. Skips keep their `SKIPPED_*` outcome", invocation: "succeeds" },
  SKIPPED_NOT_STALLED: { meaning: "replication is not `STALLED` (for example `INITIATING` after a retry, or replicating with no open episode)", invocation: "succeeds" },
  SKIPPED_LIFECYCLE: { meaning: "lifecycle state is in the skip list", invocation: "succeeds" },
  SKIPPED_ARCHIVED: { meaning: "the server is archived", invocation: "succeeds" },
  SKIPPED_OPTED_OUT: { meaning: "the server is tagged `<optOutTagKey>` = `off`", invocation: "succeeds" },
  SKIPPED_COOLDOWN: { meaning: "the previous retry of this server was less than `cooldownMinutes` ago (also after the last retry of the budget)", invocation: "succeeds" },
  SKIPPED_BUDGET_EXHAUSTED: { meaning: "`maxAttempts` attempts were spent in this stall episode and the last one's cooldown has passed; the first such decision sends the notification", invocation: "succeeds" },
  SKIPPED_NEEDS_PERSON: { meaning: "triage: the error (or an agentless server) needs a person; not retried; the episode's notice goes out at the first such decision", invocation: "succeeds" },
  SKIPPED_MGN_ATTEMPT_PENDING: { meaning: "MGN's own next attempt is due within the cooldown; no retry, no budget spent", invocation: "succeeds" },
  SKIPPED_MASS_STALL: { meaning: "a mass stall pauses per-server retries; one fleet notice names the servers", invocation: "succeeds" },
  RETRY_REFUSED: { meaning: "MGN refused the retry (`ValidationException` or another 4xx) of a server it still reports `STALLED`; the attempt counts toward the budget", invocation: "succeeds" },
  SKIPPED_ACCESS_DENIED: { meaning: "the retry (or reading the servers) is denied for good, e.g. by an SCP; the attempt counts and a person is notified once", invocation: "succeeds" },
  SKIPPED_MGN_NOT_INITIALIZED: { meaning: "MGN is not initialized in the account and Region; metric `MgnNotInitialized`, one notice a week", invocation: "succeeds" },
  SKIPPED_SPOKE_ROLE_UNAVAILABLE: { meaning: "hub mode: the account's spoke role cannot be assumed (not deployed, not trusting the hub, denied); the reason names the role and the fix; one notice a week per account", invocation: "succeeds" },
  NOT_FOUND: { meaning: "MGN has no such server (`ResourceNotFoundException` or absent from `DescribeSourceServers`)", invocation: "succeeds" },
  RECOVERED: { meaning: "the server replicates again: its stall episode ended (or a `NOT_STALLED` found none open: the reason says so, and no metric counts it)", invocation: "succeeds" },
  FAILED: { meaning: "a transient failure (throttling or 5xx after the SDK's 3 attempts, network, the function's deadline) with the server still `STALLED`, the ledger or SNS unreachable, or a manual batch's server left when time ran short", invocation: "throws" },
};

/** Every metric the function publishes (namespace MgnStallRetry, dimension `service`), and Powertools' ColdStart. */
export const METRIC_DOCS: Readonly<Record<MetricNameValue | 'ColdStart', MetricDoc>> = {
  ReplicationRetried: { unit: 'Count', meaning: 'a `RetryDataReplication` took effect' },
  RetrySkipped: { unit: 'Count', dimensions: '`Reason`', meaning: 'a server was not retried; `Reason` is its outcome (every outcome but `RETRIED`, `RECOVERED` and `FAILED`)' },
  RetryFailed: { unit: 'Count', meaning: 'a server ended `FAILED`; the invocation was failed so Lambda retries it' },
  RetryBudgetExhausted: { unit: 'Count', meaning: "an episode's notification was sent because its budget is spent or it lasted too long (once per episode)" },
  EscalatedWithoutRetry: { unit: 'Count', meaning: "an episode's notification was sent without a retry: triage says a person is needed, or the retry is denied for good" },
  MassStallDetected: { unit: 'Count', meaning: 'a mass stall began and its one fleet notice was sent' },
  ReplicationRecovered: { unit: 'Count', meaning: "an open stall episode ended because MGN showed the server replicating again (a retry's `INITIATING` is not a recovery)" },
  StallDuration: { unit: 'Seconds', meaning: 'for each ended episode: from its start to the recovery' },
  StalledServersFound: { unit: 'Count', meaning: 'stalled servers a sweep found (once per sweep, also when Lambda retries it)' },
  MgnNotInitialized: { unit: 'Count', meaning: 'a decision or sweep found MGN not initialized in the account and Region' },
  DecisionEventsFailed: { unit: 'Count', meaning: 'decision events EventBridge did not accept (best effort: decisions unchanged)' },
  InvalidInput: { unit: 'Count', meaning: 'a payload was rejected' },
  ColdStart: { unit: 'Count', dimensions: '`function_name`', meaning: 'a new execution environment started' },
  ServersByReplicationState: {
    unit: 'Count',
    dimensions: '`State` (a hub adds `AccountId` series)',
    meaning: 'servers per data replication state; `STALLED` is always published, 0 when none',
    whenItRises: 'a growing `STALLED`, `DISCONNECTED` or `PAUSED` band means waves at risk; `INITIAL_SYNC` that never shrinks means too little bandwidth',
  },
  ServersLagging: {
    unit: 'Count',
    dimensions: 'a hub adds `AccountId` series',
    meaning: 'servers past initial sync whose `lagDuration` exceeds `lagThresholdMinutes` (60)',
    whenItRises: "a cutover now would lose that much data: check the source's write rate, the network to the replication servers and their instance type",
  },
  MaxLagSeconds: {
    unit: 'Seconds',
    dimensions: 'a hub adds `AccountId` series',
    meaning: 'the largest known lag of a server past initial sync (not published when none is known)',
    whenItRises: 'the worst server: find it with the saved query "mgn-stall-retry/Which servers lag"',
  },
  BackloggedBytes: {
    unit: 'Bytes',
    dimensions: 'a hub adds `AccountId` series',
    meaning: 'the sum of `replicatedDisks[].backloggedStorageBytes`',
    whenItRises: 'data waiting to replicate; if it never drains, the link or the replication servers are too small',
  },
  AgentsNotSeen: {
    unit: 'Count',
    dimensions: 'a hub adds `AccountId` series',
    meaning: 'agent-based servers whose `lastSeenByServiceDateTime` is older than `agentSilenceMinutes` (60)',
    whenItRises: 'the machine is off or cannot reach MGN on TCP 443: restart the agent or fix the route',
  },
  ServersNearFreePeriodEnd: {
    unit: 'Count',
    dimensions: 'a hub adds `AccountId` series',
    meaning: "servers within `freePeriodWarningDays` (7) of MGN's 2,160 free replication hours, from `elapsedReplicationDuration`: an **estimate**",
    whenItRises: 'cut them over, or plan the per-server-hour charge MGN starts after the free period',
  },
};

/** Decision events on the default bus (source `mgn-stall-retry`). */
export const DECISION_EVENT_DOCS: Readonly<Record<DecisionEventType, string>> = {
  'Stall Retried': 'a `RetryDataReplication` took effect',
  'Stall Escalated': "a decision sent the episode's notice (any cause: `detail.escalation`)",
  'Stall Recovered': 'an episode ended because the server replicates again (also when only a snapshot showed it, before a new stall)',
  'Mass Stall Detected': "a mass stall's one fleet notice went out (`detail.stalled`, `inReplication`, `servers`)",
};
