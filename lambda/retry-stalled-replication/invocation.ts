import type { HandlerConfig } from './config';

/** Time kept for returning the result and flushing logs and metrics. */
const FINISH_RESERVE_MS = 1_000;
/** Time kept after the work calls for the writes that tidy up after them (give back a claim, the sweep backlog). */
const CLEANUP_RESERVE_MS = 3_000;
/** No new page or server starts with less than this left: a tenth of the function's time, 5 to 30 s. */
const START_RESERVE_SHARE = 0.1;
const START_RESERVE_MIN_MS = 5_000;
const START_RESERVE_MAX_MS = 30_000;

/**
 * The invocation's time budget, from Lambda's remaining time at its start. Every AWS call gets a
 * deadline from it, so the function returns before its timeout whatever a call does (hangs, slow
 * answers, SDK retries): nothing it has decided is lost to a cut-off.
 */
export class Deadline {
  private readonly startReserveMs: number;

  /** `remaining`: Lambda's `context.getRemainingTimeInMillis`, the authority on the time left. */
  constructor(private readonly remaining: () => number) {
    this.startReserveMs = Math.min(START_RESERVE_MAX_MS, Math.max(START_RESERVE_MIN_MS, remaining() * START_RESERVE_SHARE));
  }

  /** Milliseconds until the function must have returned. */
  timeLeft(): number {
    return this.remaining();
  }

  private get endsAt(): number {
    return performance.now() + this.remaining();
  }

  /** Whether a new page or server may start. */
  mayStart(): boolean {
    return this.timeLeft() > this.startReserveMs;
  }

  /** The latest end (a `performance.now()` time) of a call that does the work: reads, claims, retries, notices. */
  forWork(): number {
    return this.endsAt - FINISH_RESERVE_MS - CLEANUP_RESERVE_MS;
  }

  /** The latest end of a call that tidies up after the work. */
  forCleanup(): number {
    return this.endsAt - FINISH_RESERVE_MS;
  }
}

/** What every decision path of one invocation works with, besides the request itself. */
export interface Invocation {
  readonly config: HandlerConfig;
  /** The deployment's or the payload's dry run: evaluate everything, change nothing. */
  readonly dryRun: boolean;
  /** The clock (epoch milliseconds) for ledger times; tests run it through simulated days. */
  readonly now: () => number;
  readonly deadline: Deadline;
  /** Identifies this piece of work across the platform's retries: the event ID, else the request ID. */
  readonly workID: string;
}
