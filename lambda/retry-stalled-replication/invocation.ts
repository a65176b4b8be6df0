import type { HandlerConfig } from './config';

/** What every decision path of one invocation works with, besides the request itself. */
export interface Invocation {
  readonly config: HandlerConfig;
  /** The deployment's or the payload's dry run: evaluate everything, change nothing. */
  readonly dryRun: boolean;
  /** The clock (epoch milliseconds); injected so tests control time. */
  readonly now: () => number;
  /** Milliseconds until Lambda's timeout. */
  readonly timeLeft: () => number;
}
