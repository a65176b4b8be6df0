import { consoleUrl, formatEscalation, hintFor } from '../../lambda/retry-stalled-replication/escalation';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const facts = {
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
    attemptTimes: [T0, T0 + 1_800_000, T0 + 3_600_000],
    escalatedAt: T0 + 5_400_000,
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
    expect(message).toContain(text);
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

describe('hintFor', () => {
  it.each([
    ['AGENT_NOT_SEEN', 'TCP 443'],
    ['NOT_CONVERGING', 'bandwidth'],
    ['SNAPSHOTS_FAILURE', 'SCPs'],
    ['LAST_SNAPSHOT_JOB_FAILED', 'KMS'],
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
