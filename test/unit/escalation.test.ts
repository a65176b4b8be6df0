import { consoleUrl } from '../../lambda/retry-stalled-replication/decide/console-link';
import { formatAccountNotice, formatDuration, formatEscalation, hintFor } from '../../lambda/retry-stalled-replication/decide/escalation-message';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const facts = {
  kind: 'BUDGET_SPENT' as const,
  now: T0 + 5_400_000,
  sourceServerID: 's-1234567890abcdef0',
  hostname: 'web-01.example.internal',
  accountID: '111122223333',
  region: 'eu-west-1',
  replicationState: 'STALLED',
  lifeCycleState: 'READY_FOR_TEST',
  replicationError: 'AGENT_NOT_SEEN',
  rawError: 'agent last seen 2026-11-25T09:00:00Z',
  entry: {
    key: '111122223333#s-1234567890abcdef0',
    version: 4,
    episodeStartedAt: T0,
    episodeOpenedAt: T0,
    attemptTimes: [T0, T0 + 1_800_000, T0 + 3_600_000],
    escalation: { kind: 'BUDGET_SPENT' as const, state: 'PENDING' as const, claimedAt: T0 + 5_400_000, leaseUntil: T0 + 5_460_000 },
    expiresAt: 0,
  },
  maxAttempts: 3,
};

describe('formatEscalation', () => {
  const { subject, message } = formatEscalation(facts);

  it('names the server and its hostname in the subject', () => {
    expect(subject).toBe('MGN replication still stalled after 3 retries: web-01.example.internal (s-1234567890abcdef0)');
  });

  it.each([
    ['server ID', 's-1234567890abcdef0'],
    ['hostname', 'web-01.example.internal'],
    ['account and Region', '111122223333 / eu-west-1'],
    ['replication state', 'Replication state:'],
    ['MGN error', 'AGENT_NOT_SEEN'],
    ['raw error', 'agent last seen 2026-11-25T09:00:00Z'],
    ['attempt times', '2026-11-25T10:00:00.000Z, 2026-11-25T10:30:00.000Z, 2026-11-25T11:00:00.000Z'],
    ['attempt count', '3 of 3'],
    ['hint', 'systemctl status aws-replication'],
    ['console link', 'https://eu-west-1.console.aws.amazon.com/mgn/home?region=eu-west-1#/sourceServers/s-1234567890abcdef0'],
  ])('carries the %s', (_what, text) => {
    expect(message.replace(/\s+/g, ' ')).toContain(text);
  });

  it('is plain text with short lines', () => {
    expect(message).not.toMatch(/[<>{}]/);
    const prose = message.split('\n').filter((line) => !line.startsWith('https://') && !line.startsWith('Retries:'));
    expect(prose.every((line) => line.length <= 80)).toBe(true);
  });

  it('keeps the subject printable ASCII under 100 characters', () => {
    const long = formatEscalation({ ...facts, hostname: `sérveur-${'x'.repeat(200)}` }).subject;
    expect(long.length).toBeLessThan(100);
    expect(long).toMatch(/^[\x20-\x7e]+$/);
  });

  it('says when MGN reported no error', () => {
    const { message: bare } = formatEscalation({ ...facts, replicationError: undefined, rawError: undefined, hostname: undefined });
    expect(bare).toContain('none reported');
    expect(bare).toContain('Hostname:');
  });
});

describe('formatEscalation for each cause', () => {
  it('says a denied retry cannot be made, with the error, and what to check', () => {
    const { subject, message } = formatEscalation({
      ...facts,
      kind: 'ACCESS_DENIED',
      entry: { ...facts.entry, attemptTimes: [T0], lastRetryProblem: 'attempt 1 denied: AccessDeniedException: explicit deny' },
    });
    expect(subject).toBe('MGN retry denied, replication stalled: web-01.example.internal (s-1234567890abcdef0)');
    expect(message).toContain('service control policies');
    expect(message).toMatch(/Last retry:\s+attempt 1 denied: AccessDeniedException: explicit deny/);
  });

  it('says how long a stall has lasted when retries are not getting it going', () => {
    const { subject, message } = formatEscalation({ ...facts, kind: 'STILL_STALLED', now: T0 + 2 * 3_600_000 + 5 * 60_000 });
    expect(subject).toBe('MGN replication stalled for 2 h 5 min: web-01.example.internal (s-1234567890abcdef0)');
    expect(message).toContain('has been stalled for 2 h 5 min without replicating again (3 retries made)');
  });

  it('mentions a repaired ledger entry', () => {
    const { message } = formatEscalation({ ...facts, entry: { ...facts.entry, repairNote: 'the ledger entry was malformed and was repaired at X (version is missing)' } });
    expect(message.replace(/\s+/g, ' ')).toContain('Note: the ledger entry was malformed and was repaired at X (version is missing).');
  });
});

describe('formatAccountNotice', () => {
  it.each([
    ['MGN_NOT_INITIALIZED' as const, /MGN is not initialized in 111122223333 eu-west-1/, /InitializeService/],
    ['ACCESS_DENIED' as const, /cannot read MGN in 111122223333 eu-west-1: access denied/, /service control\npolicies|service control policies/],
  ])('%s names the account, the Region, the error and what to do', (problem, subject, action) => {
    const notice = formatAccountNotice(problem, '111122223333', 'eu-west-1', { code: 'SomeException', message: 'what MGN said' });
    expect(notice.subject).toMatch(subject);
    expect(notice.message).toContain('Error: SomeException: what MGN said');
    expect(notice.message).toMatch(action);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 min'], [59 * 60_000, '59 min'], [60 * 60_000, '1 h'], [125 * 60_000, '2 h 5 min'], [48 * 3_600_000, '2 d'], [53 * 3_600_000, '2 d 5 h'], [-5, '0 min'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('hintFor', () => {
  it.each([
    ['AGENT_NOT_SEEN', 'TCP 443'],
    ['NOT_CONVERGING', 'bandwidth'],
    ['SNAPSHOTS_FAILURE', 'service control policies'],
    ['LAST_SNAPSHOT_JOB_FAILED', 'vCenter'],
    ['UNSUPPORTED_VM_CONFIGURATION', 'changed block tracking'],
    ['FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT', 'TCP 1500'],
    ['FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER', 'TCP 1500'],
    ['UNSTABLE_NETWORK', 'TCP 1500'],
    ['FAILED_TO_CREATE_STAGING_DISKS', 'KMS key'],
    [undefined, 'agent logs'],
    ['SOMETHING_NEW', 'agent logs'],
  ])('%s points at %s', (error, text) => {
    expect(hintFor(error)).toContain(text);
  });
});

describe('consoleUrl', () => {
  it.each([
    ['us-east-1', 'https://us-east-1.console.aws.amazon.com/'],
    ['cn-north-1', 'https://console.amazonaws.cn/'],
    ['us-gov-west-1', 'https://console.amazonaws-us-gov.com/'],
  ])('uses the console of the partition of %s', (region, prefix) => {
    expect(consoleUrl(region, 's-1234567890abcdef0').startsWith(prefix)).toBe(true);
  });
});
