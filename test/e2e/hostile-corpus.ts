import { stallEvent } from '../support/payloads';

/** A hostile or malformed input and the field its rejection must name. */
export type HostileCase = readonly [name: string, input: unknown, field: string];

const GOOD_ID = 's-1a2b3c4d5e6f7a8b9';
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const MEGABYTE = 'A'.repeat(1024 * 1024);

/** Source server IDs that must never reach MGN. */
const BAD_IDS: readonly [string, unknown][] = [
  ['empty', ''],
  ['prefix only', 's-'],
  ['short', 's-123'],
  ['16 characters after s-', 's-1a2b3c4d5e6f7a8b'],
  ['18 characters after s-', 's-1a2b3c4d5e6f7a8b9c'],
  ['upper-case S', 'S-1a2b3c4d5e6f7a8b9'],
  ['underscore', 's_1a2b3c4d5e6f7a8b9'],
  ['leading space', ` ${GOOD_ID}`],
  ['trailing space', `${GOOD_ID} `],
  ['trailing newline', `${GOOD_ID}\n`],
  ['embedded NUL', 's-1a2b3c4d\u00005e6f7a8b'],
  ['Cyrillic s', '\u0455-1a2b3c4d5e6f7a8b9'],
  ['full-width digits', 's-\uff11a2b3c4d5e6f7a8b9'],
  ['emoji', 's-1a2b3c4d5e6f7a8\u{1f4a5}'],
  ['zero-width joiner', 's-1a2b3c4d5e6f7a8b\u200d'],
  ['right-to-left override', 's-\u202e1a2b3c4d5e6f7a8b'],
  ['SQL injection', "s-1a2b3c4d5e' OR 1=1--"],
  ['shell injection', 's-1a2b3c4d5e6f7a8b9; rm -rf /'],
  ['script tag', '<script>alert(1)</script>'],
  ['path traversal', '../../s-1a2b3c4d5e6f7a8b9'],
  ['an ARN instead of an ID', `arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/${GOOD_ID}`],
  ['one megabyte', MEGABYTE],
  ['a number', 1234567890123456],
  ['null', null],
  ['true', true],
  ['an object', { id: GOOD_ID }],
  ['an array', [GOOD_ID]],
  ['a negative number', -1],
  ['zero', 0],
  ['a float', 1.5],
];

const BAD_ACCOUNTS: readonly [string, unknown][] = [
  ['empty', ''],
  ['11 digits', '12345678901'],
  ['13 digits', '1234567890123'],
  ['letters', 'abcdefghijkl'],
  ['a number', 111122223333],
  ['null', null],
  ['padded', ' 111122223333'],
  ['Arabic-Indic digits', '\u0661\u0661\u0661\u0661\u0662\u0662\u0662\u0662\u0663\u0663\u0663\u0663'],
  ['one megabyte', MEGABYTE],
];

const BAD_ARNS: readonly [string, unknown][] = [
  ['another service', `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`],
  ['another resource type', `arn:aws:mgn:${REGION}:${ACCOUNT}:job/mgnjob-0123456789abcdef0`],
  ['an unknown partition', `arn:aws-xyz:mgn:${REGION}:${ACCOUNT}:source-server/${GOOD_ID}`],
  ['another account', `arn:aws:mgn:${REGION}:444455556666:source-server/${GOOD_ID}`],
  ['another Region', `arn:aws:mgn:eu-west-1:${ACCOUNT}:source-server/${GOOD_ID}`],
  ['a trailing slash', `arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/${GOOD_ID}/`],
  ['a wildcard', `arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/*`],
  ['upper case', `ARN:AWS:MGN:${REGION}:${ACCOUNT}:SOURCE-SERVER/${GOOD_ID}`],
  ['a trailing newline', `arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/${GOOD_ID}\n`],
  ['a NUL', `arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/\u0000${GOOD_ID}`],
  ['one megabyte', `arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/${MEGABYTE}`],
  ['a number', 42],
  ['null', null],
  ['an object', { arn: GOOD_ID }],
  ...BAD_IDS.filter(([, id]) => typeof id === 'string').slice(0, 12).map(([name, id]): [string, unknown] => [
    `the ID ${name}`,
    `arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/${id as string}`,
  ]),
];

const OTHER_DETAIL_TYPES = [
  'MGN Source Server Lifecycle State Change',
  'MGN Source Server Launch Result',
  'MGN Agent Install',
  'MGN Data Replication',
  'MGN Source Server Ready For Test',
  'MGN Data Replication State Change',
  'mgn source server data replication stalled change',
  'MGN Source Server Data Replication Stalled Change ',
  'AWS API Call via CloudTrail',
  '',
];

const LOOKALIKE_SOURCES: readonly unknown[] = [
  'aws.mgnx', 'AWS.MGN', 'aws.mgn ', ' aws.mgn', 'aws.mgn\u0000', 'aws.ec2', 'custom.aws.mgn', 'aws-mgn', 'mgn', '', 123, null, ['aws.mgn'], { value: 'aws.mgn' },
];

const BAD_STATES: readonly unknown[] = [
  '*STALLED*', 'stalled', 'STALLED ', 'NOT STALLED', 'not_stalled', 'STALL', '', null, 1, ['STALLED'], { state: 'STALLED' }, true, MEGABYTE,
];

/** How a value reads in a case name: JSON, or "missing" for a field left out. */
const show = (value: unknown): string => (value === undefined ? 'missing' : JSON.stringify(value).slice(0, 40));

const event = (changes: Record<string, unknown>): Record<string, unknown> => ({ ...stallEvent(GOOD_ID), ...changes });

/** The corpus: every entry must be rejected with InvalidInputError naming `field`, before any AWS call. */
export function hostileCorpus(): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (name: string, input: unknown, field: string): void => {
    cases.push([name, input, field]);
  };

  // Not an object at all.
  for (const [name, input] of [
    ['null', null], ['true', true], ['false', false], ['zero', 0], ['a number', 12345], ['an empty string', ''],
    ['a string', 'STALLED'], ['a megabyte string', MEGABYTE], ['an empty array', []], ['an array of an event', [stallEvent(GOOD_ID)]],
    ['an array of IDs', [GOOD_ID]], ['an empty object', {}],
  ] as const) add(`event: ${name}`, input, 'event');

  // Manual IDs in every position.
  for (const [name, id] of BAD_IDS) {
    add(`sourceServerID: ${name}`, { sourceServerID: id }, 'sourceServerID');
    add(`sourceServerIDs[0]: ${name}`, { sourceServerIDs: [id] }, Array.isArray(id) ? 'sourceServerIDs[0]' : 'sourceServerIDs[0]');
    add(`sourceServerIDs[2]: ${name}`, { sourceServerIDs: [GOOD_ID, 's-0000000000000000a', id] }, 'sourceServerIDs[2]');
  }
  for (const [name, value] of [
    ['a string', GOOD_ID], ['null', null], ['a number', 7], ['an object', { 0: GOOD_ID }], ['empty', []],
    ['101 IDs', Array.from({ length: 101 }, (_, i) => `s-${String(i).padStart(17, '0')}`)],
    ['10,000 IDs', Array.from({ length: 10_000 }, (_, i) => `s-${String(i).padStart(17, '0')}`)],
  ] as const) add(`sourceServerIDs: ${name}`, { sourceServerIDs: value }, 'sourceServerIDs');
  add('sourceServerIDs: a repeated ID', { sourceServerIDs: [GOOD_ID, GOOD_ID] }, 'sourceServerIDs[1]');
  add('both ID fields', { sourceServerID: GOOD_ID, sourceServerIDs: [GOOD_ID] }, 'sourceServerID');
  for (const [name, account] of BAD_ACCOUNTS) add(`accountID: ${name}`, { sourceServerID: GOOD_ID, accountID: account }, 'accountID');
  for (const value of ['true', 1, null, 'yes', {}]) add(`dryRun: ${JSON.stringify(value)}`, { sourceServerID: GOOD_ID, dryRun: value }, 'dryRun');
  for (const value of ['true', 1, null, false, {}]) add(`sweep: ${JSON.stringify(value)}`, { sweep: value }, 'sweep');
  add('a sweep naming a server', { sweep: true, sourceServerID: GOOD_ID }, 'sourceServerID');
  add('a sweep of another account', { sweep: true, accountID: '444455556666' }, 'accountID');

  // Unknown and dangerous keys.
  for (const key of ['sourceServerId', 'SourceServerID', 'ids', 'server', 'extra', 'DryRun']) {
    add(`unknown key ${key}`, { sourceServerID: GOOD_ID, [key]: GOOD_ID }, `payload.${key}`);
  }
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    add(`manual ${key}`, JSON.parse(`{"sourceServerID":"${GOOD_ID}","${key}":{"isAdmin":true}}`), `payload.${key}`);
    add(`event ${key}`, JSON.parse(`{"source":"aws.mgn","${key}":{"polluted":true}}`), `event.${key}`);
    add(`detail ${key}`, event({ detail: JSON.parse(`{"state":"STALLED","${key}":{"polluted":true}}`) }), `detail.${key}`);
  }
  add('an event field in a manual payload', { sourceServerID: GOOD_ID, region: REGION }, 'payload.region');
  add('a manual field in an event', event({ sourceServerID: GOOD_ID }), 'event.sourceServerID');

  // Events that look like MGN's.
  for (const source of LOOKALIKE_SOURCES) add(`source ${JSON.stringify(source)}`, event({ source }), 'source');
  for (const detailType of OTHER_DETAIL_TYPES) add(`detail-type ${JSON.stringify(detailType)}`, event({ 'detail-type': detailType }), 'detail-type');
  for (const detail of [undefined, null, 'STALLED', ['STALLED'], 1]) add(`detail ${show(detail)}`, event({ detail }), 'detail');
  for (const state of BAD_STATES) add(`detail.state ${show(state)}`, event({ detail: { state } }), 'detail.state');
  add('detail without state', event({ detail: {} }), 'detail.state');
  for (const [name, account] of BAD_ACCOUNTS) add(`event account: ${name}`, event({ account }), 'account');
  for (const region of ['', 'US-EAST-1', 'us-east', 'useast1', 'eu-west-1', 42, null]) add(`event region ${JSON.stringify(region)}`, event({ region }), 'region');
  for (const time of [undefined, '', 'yesterday', '2026-11-25', '2026-13-45T99:00:00Z', '2026-11-25T20:12:19+02:00', 1764101539, null]) {
    add(`event time ${show(time)}`, event({ time }), 'time');
  }
  for (const resources of [undefined, [], null, 'arn', {}, 5]) add(`resources ${show(resources)}`, event({ resources }), 'resources');
  add('two resources', event({ resources: [`arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/${GOOD_ID}`, `arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/s-0000000000000000a`] }), 'resources');
  add('10,000 resources', event({ resources: Array.from({ length: 10_000 }, () => `arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/${GOOD_ID}`) }), 'resources');
  for (const [name, arn] of BAD_ARNS) {
    add(`resources[0]: ${name}`, event({ resources: [arn] }), name === 'another Region' ? 'resources[0]' : 'resources[0]');
  }

  // Scheduled events that are not ours.
  const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', account: ACCOUNT, region: REGION, resources: [], detail: {} };
  add('schedule: another detail-type', { ...scheduled, 'detail-type': 'Object Created' }, 'detail-type');
  add('schedule: another account', { ...scheduled, account: '444455556666' }, 'account');
  add('schedule: another Region', { ...scheduled, region: 'eu-west-1' }, 'region');
  add('schedule: an unknown field', { ...scheduled, sweep: true }, 'event.sweep');
  return cases;
}
