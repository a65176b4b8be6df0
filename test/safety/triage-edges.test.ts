import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction, type BundledFunction } from '../../tools/bundle-runner/bundled-function';
import { LOCAL_ACCOUNT } from '../../tools/local-aws/local-aws';
import { generateFleet } from '../../tools/local-mgn/local-mgn-server';
import { HOUR, MINUTE, Simulation, decisions, outcomeOf, outcomesOf, stalledServer, stopSimulationsAfterEach, defaultBundle, TEST_SERVERS } from '../support/simulation';

// Triage edges on the synthesized bundle: errors that change, appear and disappear; MGN's next attempt
// at the edges of the cooldown.
jest.setTimeout(300_000);

const { A } = TEST_SERVERS;
let noCooldown: BundledFunction;
let sim: Simulation;

beforeAll(() => {
  noCooldown = synthesizeBundledFunction({ ...DEFAULT_CONFIG, cooldownMinutes: 0 });
});
stopSimulationsAfterEach();

const AGENT = { replicationError: { error: 'AGENT_NOT_SEEN', rawError: 'agent down' } };
const NETWORK = { replicationError: { error: 'UNSTABLE_NETWORK', rawError: 'flaky' } };

describe('error policy edges', () => {
  it('escalate → retry → escalate → retry: at most two notices (needs a person, then retries spent), budget 3, cooldown kept', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, AGENT)]);
    const outcomes: string[] = [];
    for (let step = 0; step < 10; step += 1) {
      sim.setServer(A, { ...(step % 2 === 0 ? AGENT : NETWORK), replicationState: 'STALLED' });
      outcomes.push(outcomeOf(await sim.stall(A)));
      sim.advance(20 * MINUTE);
    }
    expect(sim.acceptedRetries(A)).toBeLessThanOrEqual(3);
    expect(sim.notices(A).length).toBeLessThanOrEqual(2);
    expect(sim.notices(A)[0]?.subject).toMatch(/needs a person/);
  });

  it('a needs-person episode that becomes retryable spends its budget, and a person hears that the retries failed', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, AGENT)]);
    expect(outcomeOf(await sim.stall(A))).toBe('SKIPPED_NEEDS_PERSON');
    expect(sim.notices(A)[0]?.message).toMatch(/has not retried\s+it/);
    sim.setServer(A, NETWORK);
    const outcomes: string[] = [];
    for (let step = 0; step < 6; step += 1) {
      sim.advance(31 * MINUTE);
      outcomes.push(outcomeOf(await sim.stall(A)));
      sim.local.mgn.advance();
    }
    expect(sim.acceptedRetries(A)).toBe(3);
    expect(outcomes).toContain('SKIPPED_BUDGET_EXHAUSTED');
    // The first notice said no retry would come; the second says the retries that came were spent.
    expect(sim.notices(A)).toHaveLength(2);
    expect(sim.notices(A)[1]?.subject).toMatch(/still stalled after 3 retries/);
  });

  it('an error that disappears mid-episode is retried within the same budget', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, NETWORK)]);
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    sim.local.mgn.advance();
    delete sim.local.mgn.server(A)?.replicationError;
    sim.advance(31 * MINUTE);
    expect(await sim.stall(A)).toMatchObject({ ok: true, result: { results: [{ outcome: 'RETRIED', attempt: 2 }] } });
  });
});

describe('MGN\'s next attempt edges', () => {
  it('in the past, or with cooldown 0, does not defer', async () => {
    sim = await Simulation.start(noCooldown, [stalledServer(A)]);
    sim.setServer(A, { nextAttemptAt: sim.now + 60_000 });
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    await sim.stop();
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    sim.setServer(A, { nextAttemptAt: sim.now - 60_000 });
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
  });

  it('a pending attempt after the budget is spent delays the BUDGET_SPENT notice only until the still-stalled limit', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A)]);
    for (let step = 0; step < 3; step += 1) {
      expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
      sim.local.mgn.advance();
      sim.advance(31 * MINUTE);
    }
    const outcomes: string[] = [];
    for (let step = 0; step < 8; step += 1) {
      sim.setServer(A, { nextAttemptAt: sim.now + 20 * MINUTE });
      outcomes.push(outcomeOf(await sim.stall(A)));
      sim.advance(15 * MINUTE);
    }
    expect(sim.notices(A)).toHaveLength(1);
    expect(sim.acceptedRetries(A)).toBe(3);
  });
});

describe('agentless odd states', () => {
  it('an agentless server shipping snapshots ends its episode; a new stall is a new notice', async () => {
    sim = await Simulation.start(defaultBundle(), [stalledServer(A, { replicationType: 'SNAPSHOT_SHIPPING', replicationError: { error: 'LAST_SNAPSHOT_JOB_FAILED' } })]);
    expect(outcomeOf(await sim.stall(A))).toBe('SKIPPED_NEEDS_PERSON');
    sim.setServer(A, { replicationState: 'SHIPPING_SNAPSHOT' });
    sim.advance(HOUR);
    expect(outcomesOf(await sim.sweep())).toEqual(['RECOVERED']);
    sim.setServer(A, { replicationState: 'STALLED' });
    sim.advance(HOUR);
    expect(outcomeOf(await sim.stall(A))).toBe('SKIPPED_NEEDS_PERSON');
    expect(sim.notices(A)).toHaveLength(2);
    expect(sim.retryCalls(A)).toBe(0);
  });
});

describe('dry run', () => {
  it('a dry-run sweep that sees a mass stall end, recoveries, unindexed entries writes and sends nothing', async () => {
    const fleet = generateFleet(30, 30);
    sim = await Simulation.start(defaultBundle(), fleet);
    await sim.sweep(); // mass stall, census written, notice sent
    for (const server of fleet.slice(3)) sim.setServer(server.sourceServerID, { replicationState: 'CONTINUOUS' });
    await sim.local.dynamodb.putItem({
      pk: { S: `${LOCAL_ACCOUNT}#${fleet[5]?.sourceServerID}` }, version: { N: '1' }, episodeStartedAt: { N: String(sim.now - HOUR) },
      attemptTimes: { L: [] }, expiresAt: { N: String(Math.floor(sim.now / 1000) + 30 * 86_400) },
    });
    const before = JSON.stringify(await sim.local.dynamodb.items());
    const notices = sim.notices().length;
    sim.advance(HOUR);
    const dry = await sim.invoke({ sweep: true, dryRun: true });
    expect(dry.ok).toBe(true);
    expect(JSON.stringify(await sim.local.dynamodb.items())).toBe(before);
    expect(sim.notices()).toHaveLength(notices);
    expect(sim.retryCalls()).toBe(0);
    expect(decisions(dry).length).toBeGreaterThan(0);
  });
});
