import { consoleUrl } from '../../lambda/retry-stalled-replication/decide/console-link';
import { formatAccountNotice, formatDuration, formatEscalation, formatMassStall, hintFor, snsMessage, SNS_MESSAGE_LIMIT_BYTES, type Notice } from '../../lambda/retry-stalled-replication/decide/escalation-message';
import { opsItemDraft } from '../../lambda/retry-stalled-replication/decide/ops-item';

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

describe('values from MGN are cleaned in every shape', () => {
  const HOSTILE_HOST = '<!channel> *URGENT* <https://evil.example/login|Open MGN console>';
  const SPOOF = '\n\nOpen the server in the MGN console:\nhttps://evil.example/mgn';
  const hostile = formatEscalation({
    ...facts,
    kind: 'NEEDS_PERSON',
    hostname: HOSTILE_HOST,
    replicationError: 'AGENT_NOT_SEEN\n<!here>',
    rawError: `agent down${SPOOF}`,
    replicationState: 'STALLED\r\nInjected: yes',
    initiationSteps: [{ name: 'WAIT\n*bold*', status: 'FAILED' }],
    policy: 'not retried: `x`\nfake',
    entry: { ...facts.entry, lastRetryProblem: 'denied\n<!everyone>' },
  });
  const chatFields = (notice: Notice): string[] => [
    notice.chat.content.title,
    notice.chat.metadata.summary,
    notice.chat.content.description,
    ...(notice.chat.content.nextSteps ?? []),
    ...(notice.chat.content.keywords ?? []),
  ];

  it('gives chat no mention, link or emphasis from the hostname, and nothing unescaped', () => {
    for (const field of chatFields(hostile)) {
      expect(field).not.toMatch(/[<>]/);
      expect(field).not.toContain('*URGENT*');
      expect(field).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    expect(hostile.chat.content.title).toContain('&lt;!channel&gt;');
    expect(hostile.chat.metadata.summary).toContain('&lt;https://evil.example/login|Open MGN console&gt;');
  });

  it('keeps the description\'s lines its own: a value cannot add one', () => {
    const lines = hostile.chat.content.description.split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.slice(1).every((line) => line.startsWith('*'))).toBe(true);
    expect(lines[1]).toContain('`AGENT_NOT_SEEN &lt;!here&gt;`');
  });

  it('gives e-mail every value on its own labelled line: a raw error cannot pose as the console link', () => {
    const lines = hostile.message.split('\n');
    expect(lines.filter((line) => line.startsWith('https://'))).toEqual([
      'https://eu-west-1.console.aws.amazon.com/mgn/home?region=eu-west-1#/sourceServers/s-1234567890abcdef0',
    ]);
    expect(lines.filter((line) => line === 'Open the server in the MGN console:')).toHaveLength(1);
    expect(lines).toContain('Raw error:         agent down Open the server in the MGN console: https://evil.example/mgn');
    expect(lines).toContain('Replication state: STALLED Injected: yes');
    expect(lines.some((line) => line.startsWith('Injected') || line.startsWith('fake'))).toBe(false);
  });

  it('keeps a value whole when the headline wraps: no line of it starts with the value\'s words', () => {
    const wrapped = formatEscalation({ ...facts, hostname: `web-01 ${'pad '.repeat(12)}Open the server in the MGN console: https://evil.example/mgn` }).message;
    expect(wrapped.split('\n').filter((line) => /^(Open the server|https:)/.test(line))).toEqual([
      'Open the server in the MGN console:',
      'https://eu-west-1.console.aws.amazon.com/mgn/home?region=eu-west-1#/sourceServers/s-1234567890abcdef0',
    ]);
  });

  it('keeps the subject printable ASCII on one line', () => {
    expect(hostile.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  });

  it('clips a huge raw error and hostname: the notice stays small', () => {
    const huge = formatEscalation({ ...facts, hostname: 'h'.repeat(100_000), rawError: 'r'.repeat(300_000) });
    expect(huge.message.length).toBeLessThan(6_000);
    expect(huge.message).toContain(`Raw error:         ${'r'.repeat(999)}…`);
    expect(huge.message).toContain(`Hostname:          ${'h'.repeat(252)}…`);
    expect(Buffer.byteLength(snsMessage(huge))).toBeLessThan(20_000);
  });

  it('cleans the mass-stall notice: code spans cannot be left, lines not added', () => {
    const mass = formatMassStall({
      accountID: '111122223333',
      region: 'eu-west-1',
      stalled: 2,
      inReplication: 2,
      now: T0,
      servers: [
        { sourceServerID: 's-1234567890abcdef0', hostname: '<!here>\nfake line', replicationError: 'X`\n<!channel>', failedStep: 'WAIT\nfake', policy: 'p\nfake' },
        { sourceServerID: 's-1234567890abcdef1', hostname: 'x'.repeat(10_000), policy: 'retry' },
      ],
    });
    for (const field of [mass.chat.content.title, mass.chat.metadata.summary, mass.chat.content.description]) expect(field).not.toMatch(/[<>]/);
    expect(mass.chat.content.description).toContain("`&lt;!here&gt; fake line`");
    expect(mass.chat.content.description).toContain("`X' &lt;!channel&gt;` 1");
    expect(mass.chat.content.description.split('\n')).toHaveLength(3);
    expect(mass.message.split('\n').some((line) => line.startsWith('fake'))).toBe(false);
    expect(mass.message).toContain('- <!here> fake line (s-1234567890abcdef0): X` <!channel>, failed at WAIT fake; p fake');
    expect(mass.message).toContain(`- ${'x'.repeat(252)}… (s-1234567890abcdef1)`);
  });

  it('cleans an account notice\'s error', () => {
    const notice = formatAccountNotice('SPOKE_ROLE_UNAVAILABLE', '111122223333', 'eu-west-1', { code: 'AccessDenied\nfake', message: `<!here>\n\nWhat to do:\n${'m'.repeat(5_000)}` });
    expect(notice.message.split('\n').filter((line) => line === 'What to do:')).toHaveLength(1);
    expect(notice.message).toMatch(/^Error: AccessDenied fake: <!here> What to do: m+…$/m);
    expect(notice.chat.content.description).not.toMatch(/[<>]/);
    expect(notice.chat.content.description.split('\n')).toHaveLength(2);
  });

  it('cleans the OpsItem\'s operational data', () => {
    const draft = opsItemDraft('NEEDS_PERSON', { title: hostile.subject, text: hostile.message, accountID: '111122223333', episode: 'e', data: { Hostname: `a\nb${'c'.repeat(5_000)}`, Error: '\n', Attempts: 3 } });
    expect(draft.data['Hostname']).toMatch(/^a bc+…$/);
    expect(draft.data['Hostname']).toHaveLength(1_000);
    expect(draft.data).not.toHaveProperty('Error');
    expect(draft.data['Attempts']).toBe('3');
  });
});

describe('snsMessage', () => {
  const notice = formatEscalation(facts);

  it('is the JSON structure SNS takes: the chat notification as default, the text as email', () => {
    const parsed = JSON.parse(snsMessage(notice)) as Record<string, string>;
    expect(Object.keys(parsed).sort()).toEqual(['default', 'email']);
    expect(JSON.parse(parsed['default'] ?? '')).toEqual(notice.chat);
    expect(parsed['email']).toBe(notice.message);
  });

  it.each([
    ['ASCII', 'x'],
    ['multi-byte characters', '数'],
    ['characters JSON escapes', '"'],
  ])('clips an e-mail text over 256 KB (%s) to fit, whole message counted in bytes, and says so', (_what, character) => {
    const message = snsMessage({ ...notice, message: `start ${character.repeat(400_000)} end` });
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT_BYTES);
    expect(Buffer.byteLength(message, 'utf8')).toBeGreaterThan(SNS_MESSAGE_LIMIT_BYTES - 1_000);
    const parsed = JSON.parse(message) as Record<string, string>;
    expect(parsed['email']).toMatch(/^start /);
    expect(parsed['email']).toMatch(/…\n\n\[clipped: the notice was longer than an SNS message may be\]$/);
    expect(JSON.parse(parsed['default'] ?? '')).toEqual(notice.chat);
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
