import { randomUUID } from 'node:crypto';
import { BundleEnvironment, synthesizeBundledFunction, type BundledFunction, type InvocationOutcome, type InvokeOptions } from '../../tools/bundle-runner/bundled-function';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAws, type LocalAws, type LocalFaults } from '../../tools/local-aws/local-aws';
import { mgnStallEvent } from '../../tools/local-aws/mgn-event';
import type { LocalSourceServer } from '../../tools/local-mgn/local-mgn-server';
import type { PublishedMessage } from '../../tools/local-sns/local-sns-server';

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The source servers most bundle tests name. */
export const TEST_SERVERS = { A: 's-a00000000000000a1', B: 's-b00000000000000b2', C: 's-c00000000000000c3' } as const;

let defaultBundleOfFile: BundledFunction | undefined;

/** The bundle synthesized with the default settings, once per test file (on first use). */
export function defaultBundle(): BundledFunction {
  defaultBundleOfFile ??= synthesizeBundledFunction();
  return defaultBundleOfFile;
}

/**
 * The hook every bundle test file shares: after each test, every simulation it started and did not
 * stop itself is stopped, and none may leave an unhandled rejection behind.
 */
export function stopSimulationsAfterEach(): void {
  afterEach(async () => {
    expect(await Simulation.stopRunning()).toEqual([]);
  });
}

/**
 * Simulated time: it passes as real time does (so the bundle's clock, which starts each invocation
 * from it and then runs on, and the stand-ins' clock agree), and jumps when a test advances it.
 */
class SimulatedClock {
  private base = Math.floor(Date.now() / 1000) * 1000;
  private setAt = Date.now();

  now(): number {
    return this.base + (Date.now() - this.setAt);
  }

  advance(ms: number): void {
    this.base = this.now() + ms;
    this.setAt = Date.now();
  }
}

/**
 * The synthesized bundle, run through simulated time against the local stand-ins with a fault
 * proxy in front of each. The simulated clock moves only when a test says so: the bundle's clock
 * (Date) reads it at the start of every invocation, and the stand-ins read it too. One warm
 * execution environment serves every invocation, as Lambda reuses one; `coldStart()` replaces it.
 */
export class Simulation {
  private static readonly running = new Set<Simulation>();
  private environment!: BundleEnvironment;
  private sweeps = 0;

  private constructor(
    private readonly fn: BundledFunction,
    public readonly local: LocalAws,
    private readonly clock: SimulatedClock,
  ) {}

  static async start(fn: BundledFunction, fleet: readonly LocalSourceServer[]): Promise<Simulation> {
    const clock = new SimulatedClock();
    const local = await startLocalAws(fleet, { clock: () => clock.now(), faults: true });
    const simulation = new Simulation(fn, local, clock);
    simulation.environment = await BundleEnvironment.start(fn, local.environment);
    Simulation.running.add(simulation);
    return simulation;
  }

  /** The simulated time, epoch milliseconds: it runs as real time does, and jumps on `advance`. */
  get now(): number {
    return this.clock.now();
  }

  /** The fault layers in front of each stand-in. */
  get faults(): LocalFaults {
    const { faults } = this.local;
    if (faults === undefined) throw new Error('the simulation runs with fault proxies');
    return faults;
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** Invokes the warm environment at the simulated time. */
  invoke(event: unknown, options: Omit<InvokeOptions, 'at'> = {}): Promise<InvocationOutcome> {
    return this.environment.invoke(event, { ...options, at: this.now });
  }

  /** MGN's stall event for a server, dated now unless `time` is given. */
  stallEvent(sourceServerID: string, state: 'STALLED' | 'NOT_STALLED' = 'STALLED', time = this.now, id: string = randomUUID()): Record<string, unknown> {
    return mgnStallEvent(sourceServerID, { accountID: LOCAL_ACCOUNT, region: LOCAL_REGION, state, time, id });
  }

  /** A stall event a spoke account forwarded to the hub: MGN's event, from that account. */
  spokeStallEvent(accountID: string, sourceServerID: string, state: 'STALLED' | 'NOT_STALLED' = 'STALLED'): Record<string, unknown> {
    return mgnStallEvent(sourceServerID, { accountID, region: LOCAL_REGION, state, time: this.now });
  }

  /** The schedule rule's event; the same `id` again is the platform delivering it again. */
  scheduleEvent(id = `sweep-${(this.sweeps += 1)}`): Record<string, unknown> {
    return {
      version: '0',
      id,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT,
      time: `${new Date(this.now).toISOString().slice(0, 19)}Z`,
      region: LOCAL_REGION,
      resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/mgn-stall-retry-sweep`],
      detail: {},
    };
  }

  stall(sourceServerID: string, options: Omit<InvokeOptions, 'at'> = {}): Promise<InvocationOutcome> {
    return this.invoke(this.stallEvent(sourceServerID), options);
  }

  recovery(sourceServerID: string): Promise<InvocationOutcome> {
    return this.invoke(this.stallEvent(sourceServerID, 'NOT_STALLED'));
  }

  sweep(options: Omit<InvokeOptions, 'at'> = {}): Promise<InvocationOutcome> {
    return this.invoke(this.scheduleEvent(), options);
  }

  /** Another execution environment of the function, for concurrent invocations (invoke it with `at: sim.now`). */
  separateEnvironment(): Promise<BundleEnvironment> {
    return BundleEnvironment.start(this.fn, this.local.environment);
  }

  /** A new execution environment: the next invocation is a cold start. */
  async coldStart(): Promise<void> {
    await this.environment.stop();
    this.environment = await BundleEnvironment.start(this.fn, this.local.environment);
  }

  /** RetryDataReplication calls MGN accepted, per server. */
  acceptedRetries(sourceServerID?: string): number {
    return this.local.mgn.acceptedRetries().filter((id) => sourceServerID === undefined || id === sourceServerID).length;
  }

  /** Every RetryDataReplication call MGN answered, accepted or not. */
  retryCalls(sourceServerID?: string): number {
    return this.local.mgn.calls.filter(
      (call) => call.operation === 'RetryDataReplication' && (sourceServerID === undefined || (call.body as { sourceServerID?: string }).sourceServerID === sourceServerID),
    ).length;
  }

  /** Notifications SNS accepted, optionally only those naming a server. */
  notices(sourceServerID?: string): PublishedMessage[] {
    return this.local.sns.published.filter((notice) => sourceServerID === undefined || notice.message.includes(sourceServerID));
  }

  /** Moves a stand-in server: e.g. a person fixed it and it replicates again. */
  setServer(sourceServerID: string, changes: Partial<LocalSourceServer>): void {
    const server = this.local.mgn.server(sourceServerID);
    if (server === undefined) throw new Error(`no server ${sourceServerID}`);
    Object.assign(server, changes);
  }

  async stop(): Promise<string[]> {
    Simulation.running.delete(this);
    const { unhandledRejections } = await this.environment.stop();
    await this.local.stop();
    return unhandledRejections;
  }

  /** Stops every simulation still running; returns their unhandled rejections. */
  static async stopRunning(): Promise<string[]> {
    const stopped = await Promise.all([...Simulation.running].map((simulation) => simulation.stop()));
    return stopped.flat();
  }
}

/** The outcome of each server of an invocation, or the error's name. */
export function outcomesOf(outcome: InvocationOutcome): string[] {
  return outcome.ok ? outcome.result.results.map((entry) => entry.outcome) : [outcome.error.name];
}

/** The single server's outcome of an event invocation. */
export function outcomeOf(outcome: InvocationOutcome): string {
  return outcomesOf(outcome).join(',');
}

/** The parsed decision lines of an invocation. */
export function decisions(outcome: InvocationOutcome): Record<string, unknown>[] {
  return outcome.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line['message'] === 'replication retry decision' || line['message'] === 'replication retry failed');
}

/** The sum of an EMF metric over an invocation's output. */
export function emitted(outcome: InvocationOutcome, metric: string): number {
  return outcome.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => '_aws' in line && metric in line)
    .flatMap((line) => [line[metric]].flat())
    .reduce((sum: number, value) => sum + Number(value), 0);
}

/** A source server for the stand-in: stalled by a cause no retry fixes unless `changes` say otherwise. */
export function stalledServer(sourceServerID: string, changes: Partial<LocalSourceServer> = {}): LocalSourceServer {
  return {
    sourceServerID,
    replicationState: 'STALLED',
    lifeCycleState: 'READY_FOR_TEST',
    isArchived: false,
    hostname: `host-${sourceServerID.slice(-4)}`,
    replicationError: { error: 'UNSTABLE_NETWORK', rawError: 'connection to the replication server lost' },
    afterRetry: 'STAYS_STALLED',
    ...changes,
  };
}
