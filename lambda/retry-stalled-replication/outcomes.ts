/** Every outcome a server can have in one invocation (contract: DESIGN.md). */
export const Outcome = {
  RETRIED: 'RETRIED',
  SKIPPED_NOT_STALLED: 'SKIPPED_NOT_STALLED',
  SKIPPED_LIFECYCLE: 'SKIPPED_LIFECYCLE',
  SKIPPED_ARCHIVED: 'SKIPPED_ARCHIVED',
  NOT_FOUND: 'NOT_FOUND',
  FAILED: 'FAILED',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** One server's entry in the invocation result. */
export interface ServerResult {
  readonly sourceServerID: string;
  readonly outcome: Outcome;
  /** Why the server was skipped, not found or failed; absent for a plain retry. */
  readonly reason?: string;
}

/** What the function returns to a manual caller and logs for events. */
export interface InvocationResult {
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly results: readonly ServerResult[];
}

/** What started the invocation. */
export type Trigger = 'event' | 'manual';
