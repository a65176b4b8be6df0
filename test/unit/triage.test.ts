import { assessFleet, countFleet } from '../../lambda/retry-stalled-replication/decide/mass-stall';
import { DEFAULT_ERROR_POLICY, REPLICATION_ERRORS, errorAction, triage } from '../../lambda/retry-stalled-replication/decide/triage';
import { ERROR_GUIDE, guideFor } from '../../lambda/retry-stalled-replication/decide/error-guide';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const MINUTE = 60_000;
const policy = { errorPolicy: {}, retryAgentless: false, cooldownMinutes: 30 };

describe('triage', () => {
  it('has a default action and a guide for every error MGN defines', () => {
    expect(Object.keys(DEFAULT_ERROR_POLICY).sort()).toEqual([...REPLICATION_ERRORS].sort());
    expect(Object.keys(ERROR_GUIDE).sort()).toEqual([...REPLICATION_ERRORS].sort());
  });

  it.each<[string | undefined, Record<string, 'retry' | 'escalate'>, 'retry' | 'escalate']>([
    ['AGENT_NOT_SEEN', {}, 'escalate'],
    ['AGENT_NOT_SEEN', { AGENT_NOT_SEEN: 'retry' }, 'retry'],
    ['UNSTABLE_NETWORK', {}, 'retry'],
    ['UNSTABLE_NETWORK', { UNSTABLE_NETWORK: 'escalate' }, 'escalate'],
    [undefined, {}, 'retry'],
    ['A_FUTURE_ERROR', {}, 'retry'],
    ['constructor', {}, 'retry'],
  ])('%s with overrides %j: %s', (error, overrides, action) => {
    expect(errorAction(error, overrides)).toBe(action);
  });

  it.each<[string, Parameters<typeof triage>[0], Partial<typeof policy>, string]>([
    ['an error a retry cannot fix', { replicationError: 'AGENT_NOT_SEEN' }, {}, 'NEEDS_PERSON'],
    ['an agentless server', { replicationType: 'SNAPSHOT_SHIPPING', replicationError: 'UNSTABLE_NETWORK' }, {}, 'NEEDS_PERSON'],
    ['an agentless server with retryAgentless', { replicationType: 'SNAPSHOT_SHIPPING' }, { retryAgentless: true }, 'RETRY'],
    ['MGN\'s attempt within the cooldown', { nextAttemptAt: NOW + 29 * MINUTE }, {}, 'MGN_ATTEMPT_PENDING'],
    ['MGN\'s attempt exactly at the cooldown\'s end', { nextAttemptAt: NOW + 30 * MINUTE }, {}, 'MGN_ATTEMPT_PENDING'],
    ['MGN\'s attempt after the cooldown', { nextAttemptAt: NOW + 31 * MINUTE }, {}, 'RETRY'],
    ['MGN\'s attempt in the past', { nextAttemptAt: NOW - MINUTE }, {}, 'RETRY'],
    ['an escalation even with MGN\'s attempt pending', { replicationError: 'NOT_CONVERGING', nextAttemptAt: NOW + MINUTE }, {}, 'NEEDS_PERSON'],
  ])('%s', (_name, server, changes, kind) => {
    expect(triage(server, { ...policy, ...changes }, NOW).kind).toBe(kind);
  });

  it('says which policy it applied', () => {
    expect(triage({ replicationError: 'AGENT_NOT_SEEN' }, policy, NOW).policy).toBe('not retried: AGENT_NOT_SEEN needs a person');
    expect(triage({ replicationError: 'UNSTABLE_NETWORK' }, policy, NOW).policy).toBe('retried: UNSTABLE_NETWORK can be transient');
  });

  it('guides agentless servers without an error to the vCenter client, and unknown errors to the general checks', () => {
    expect(guideFor(undefined, 'SNAPSHOT_SHIPPING').check).toContain('vCenter client');
    expect(guideFor('A_FUTURE_ERROR').check).toContain('TCP 1500');
    expect(guideFor('toString').check).toContain('TCP 1500');
  });
});

describe('mass stall', () => {
  const rules = { massStallMinServers: 10, massStallShare: 0.5, censusMaxAgeMinutes: 120 };
  const census = (inReplication: number, stalled: number, ageMinutes = 10) => ({ takenAt: NOW - ageMinutes * MINUTE, inReplication, stalled });

  it('counts servers in replication: any state but DISCONNECTED, STOPPED or PAUSED, stalled ones included', () => {
    expect(countFleet(['STALLED', 'CONTINUOUS', 'INITIATING', 'DISCONNECTED', 'STOPPED', 'PAUSED', undefined, 'STALLED'])).toEqual({ inReplication: 4, stalled: 2 });
  });

  it.each<[string, ReturnType<typeof census> | undefined, number, string]>([
    ['30 of 30', census(30, 30), 0, 'MASS_STALL'],
    ['10 of 20: both thresholds met exactly', census(20, 10), 0, 'MASS_STALL'],
    ['9 of 9: too few servers', census(9, 9), 0, 'NORMAL'],
    ['40 of 2,500', census(2500, 40), 0, 'NORMAL'],
    ['15 open episodes of 30', census(30, 0), 15, 'MASS_STALL'],
    ['14 open episodes of 30', census(30, 0), 14, 'NORMAL'],
    ['no census', undefined, 30, 'NO_CENSUS'],
    ['a census too old', census(30, 30, 121), 30, 'NO_CENSUS'],
  ])('%s: %s', (_name, taken, open, kind) => {
    expect(assessFleet(taken, open, rules, NOW).kind).toBe(kind);
  });

  it('never relies on a census when the sweep is off', () => {
    expect(assessFleet(census(30, 30, 0), 30, { ...rules, censusMaxAgeMinutes: 0 }, NOW + 1).kind).toBe('NO_CENSUS');
  });
});
