import type { FleetHealth } from './fleet-health';

/** Every outcome a server can have in one invocation. docs/how-it-works.md, "Outcomes", explains each (tools/docs/reference.ts). */
export const Outcome = {
  RETRIED: 'RETRIED',
  DRY_RUN: 'DRY_RUN',
  SKIPPED_NOT_STALLED: 'SKIPPED_NOT_STALLED',
  SKIPPED_LIFECYCLE: 'SKIPPED_LIFECYCLE',
  SKIPPED_ARCHIVED: 'SKIPPED_ARCHIVED',
  SKIPPED_OPTED_OUT: 'SKIPPED_OPTED_OUT',
  SKIPPED_COOLDOWN: 'SKIPPED_COOLDOWN',
  SKIPPED_BUDGET_EXHAUSTED: 'SKIPPED_BUDGET_EXHAUSTED',
  SKIPPED_NEEDS_PERSON: 'SKIPPED_NEEDS_PERSON',
  SKIPPED_MGN_ATTEMPT_PENDING: 'SKIPPED_MGN_ATTEMPT_PENDING',
  SKIPPED_MASS_STALL: 'SKIPPED_MASS_STALL',
  RETRY_REFUSED: 'RETRY_REFUSED',
  SKIPPED_ACCESS_DENIED: 'SKIPPED_ACCESS_DENIED',
  SKIPPED_MGN_NOT_INITIALIZED: 'SKIPPED_MGN_NOT_INITIALIZED',
  SKIPPED_SPOKE_ROLE_UNAVAILABLE: 'SKIPPED_SPOKE_ROLE_UNAVAILABLE',
  NOT_FOUND: 'NOT_FOUND',
  RECOVERED: 'RECOVERED',
  FAILED: 'FAILED',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** The outcomes of an account-wide problem: every server of the account is stopped by it. */
export type AccountOutcome = typeof Outcome.SKIPPED_MGN_NOT_INITIALIZED | typeof Outcome.SKIPPED_ACCESS_DENIED | typeof Outcome.SKIPPED_SPOKE_ROLE_UNAVAILABLE;

/** One server's entry in the invocation result. */
export interface ServerResult {
  readonly sourceServerID: string;
  readonly outcome: Outcome;
  /** Why the server was skipped, not found or failed, or what a dry run would have done. */
  readonly reason?: string;
  /** For RETRIED, RETRY_REFUSED and DRY_RUN: which attempt of the stall episode this is (or would be). */
  readonly attempt?: number;
}

/** What the function returns to a manual caller and logs for events. */
export interface InvocationResult {
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly results: readonly ServerResult[];
  /** Sweeps only: what the sweep read and found. */
  readonly sweep?: SweepSummary;
}

/** What a sweep covered: the next sweep starts again from the first page. */
export interface SweepSummary {
  /** Set when the sweep could not look at the account at all (MGN not initialized, access denied). */
  readonly outcome?: AccountOutcome;
  readonly reason?: string;
  /** Non-archived servers read from MGN. */
  readonly serversScanned: number;
  readonly pagesRead: number;
  /** False when the time ran out (or a page failed) before the last page was read. */
  readonly scanComplete: boolean;
  /** Servers whose replication state was STALLED. */
  readonly stalledServersFound: number;
  /** Servers with an open stall episode that the sweep saw replicating again. */
  readonly recoveriesFound: number;
  /** Stalled servers the sweep had no time left for (at most 100 IDs listed). */
  readonly notReached: readonly string[];
  readonly notReachedCount: number;
  /** The fleet's health from the pages read; absent when the scan did not read every page. */
  readonly fleetHealth?: FleetHealth;
  /** Hub mode: each account swept, in the order swept (the figures above are their sums). */
  readonly accounts?: readonly AccountSweep[];
  /** Hub mode: accounts the sweep had no time left for; the next sweep takes them first. */
  readonly accountsNotReached?: readonly string[];
}

/** One account's part of a hub's sweep. */
export type AccountSweep = Omit<SweepSummary, 'accounts' | 'accountsNotReached'> & { readonly accountID: string };

/** What started the invocation. */
export type Trigger = 'event' | 'manual' | 'schedule';
