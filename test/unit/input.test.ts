import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InvalidInputError } from '../../lambda/retry-stalled-replication/decide/errors';
import { parseRetryRequest } from '../../lambda/retry-stalled-replication/decide/input';
import { OTHER_ACCOUNT, SERVER_A, SERVER_B, stallEvent } from '../support/payloads';
import { TEST_ACCOUNT, TEST_REGION } from '../support/lambda-environment';

const home = { accountID: TEST_ACCOUNT, region: TEST_REGION, globalView: true };

function rejection(payload: unknown): InvalidInputError {
  try {
    parseRetryRequest(payload, home);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw new Error(`expected InvalidInputError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the payload to be rejected');
}

describe('parseRetryRequest accepts', () => {
  it('the MGN stall event, taking the server from resources[0]', () => {
    expect(parseRetryRequest(stallEvent(SERVER_A, { time: '2026-11-25T20:12:19Z' }), home)).toEqual({
      trigger: 'event', action: 'RETRY', sourceServerIDs: [SERVER_A], accountID: TEST_ACCOUNT, dryRun: false,
      eventTime: Date.parse('2026-11-25T20:12:19Z'), eventID: '9da9af57-9253-4406-87cb-7cc400e43465',
    });
  });

  it('the NOT_STALLED event as a recovery', () => {
    expect(parseRetryRequest(stallEvent(SERVER_A, { state: 'NOT_STALLED' }), home)).toMatchObject({
      action: 'RECOVER', sourceServerIDs: [SERVER_A],
    });
  });

  it('a stall event from another account, keeping that account', () => {
    const event = stallEvent(SERVER_A, { account: OTHER_ACCOUNT });
    expect(parseRetryRequest(event, home).accountID).toBe(OTHER_ACCOUNT);
  });

  it('a manual single-server payload, in the home account by default', () => {
    expect(parseRetryRequest({ sourceServerID: SERVER_A }, home)).toEqual({
      trigger: 'manual', action: 'RETRY', sourceServerIDs: [SERVER_A], accountID: TEST_ACCOUNT, dryRun: false,
    });
  });

  it('a manual dry run', () => {
    expect(parseRetryRequest({ sourceServerID: SERVER_A, dryRun: true }, home)).toMatchObject({ dryRun: true });
  });

  it('a manual multi-server payload with an account', () => {
    expect(parseRetryRequest({ sourceServerIDs: [SERVER_A, SERVER_B], accountID: OTHER_ACCOUNT }, home)).toEqual({
      trigger: 'manual', action: 'RETRY', sourceServerIDs: [SERVER_A, SERVER_B], accountID: OTHER_ACCOUNT, dryRun: false,
    });
  });

  it('the schedule rule\'s event as a sweep', () => {
    const scheduled = {
      version: '0', id: 'b1c6a3c9-0d5e-4f2a-9f61-3c2b1a0d9e8f', 'detail-type': 'Scheduled Event', source: 'aws.events',
      account: TEST_ACCOUNT, time: '2026-11-25T21:00:00Z', region: TEST_REGION,
      resources: [`arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:rule/MgnStallRetry-SweepRule`], detail: {},
    };
    expect(parseRetryRequest(scheduled, home)).toEqual({
      trigger: 'schedule', action: 'SWEEP', sourceServerIDs: [], accountID: TEST_ACCOUNT, dryRun: false,
      eventID: 'b1c6a3c9-0d5e-4f2a-9f61-3c2b1a0d9e8f',
    });
  });

  it('a manual sweep, dry run or not', () => {
    expect(parseRetryRequest({ sweep: true }, home)).toMatchObject({ trigger: 'manual', action: 'SWEEP', dryRun: false });
    expect(parseRetryRequest({ sweep: true, dryRun: true }, home)).toMatchObject({ action: 'SWEEP', dryRun: true });
  });

  it('100 servers, the most one payload may name', () => {
    const ids = Array.from({ length: 100 }, (_, index) => `s-${String(index).padStart(17, '0')}`);
    expect(parseRetryRequest({ sourceServerIDs: ids }, home).sourceServerIDs).toHaveLength(100);
  });
});

const arn = (id: string, region = TEST_REGION, account = TEST_ACCOUNT): string =>
  `arn:aws:mgn:${region}:${account}:source-server/${id}`;

describe('parseRetryRequest rejects, naming the field', () => {
  it.each<[string, unknown, string]>([
    ['an empty object', {}, 'event'],
    ['null', null, 'event'],
    ['an array', [stallEvent(SERVER_A)], 'event'],
    ['a string', 's-1234567890abcdef0', 'event'],
    ['a number', 42, 'event'],
    ['a lookalike source', { ...stallEvent(SERVER_A), source: 'custom.mgn' }, 'source'],
    ['another MGN detail-type', { ...stallEvent(SERVER_A), 'detail-type': 'MGN Source Server Launch Result' }, 'detail-type'],
    ['the documentation\'s starred state', stallEvent(SERVER_A, { state: '*STALLED*' }), 'detail.state'],
    ['a lower-case state', stallEvent(SERVER_A, { state: 'stalled' }), 'detail.state'],
    ['a missing time', { ...stallEvent(SERVER_A), time: undefined }, 'time'],
    ['a time that is not ISO 8601', { ...stallEvent(SERVER_A), time: 'yesterday' }, 'time'],
    ['an impossible date', { ...stallEvent(SERVER_A), time: '2026-13-45T99:00:00Z' }, 'time'],
    ['a date that rolls over', { ...stallEvent(SERVER_A), time: '2026-02-30T10:00:00Z' }, 'time'],
    ['hour 24', { ...stallEvent(SERVER_A), time: '2026-11-25T24:00:00Z' }, 'time'],
    ['dryRun as a string', { sourceServerID: SERVER_A, dryRun: 'true' }, 'dryRun'],
    ['sweep as a string', { sweep: 'true' }, 'sweep'],
    ['sweep false', { sweep: false }, 'sweep'],
    ['a sweep naming servers', { sweep: true, sourceServerIDs: [SERVER_A] }, 'sourceServerIDs'],
    ['a sweep of another account', { sweep: true, accountID: OTHER_ACCOUNT }, 'accountID'],
    ['a schedule event of another detail-type', { source: 'aws.events', 'detail-type': 'Object Created', account: TEST_ACCOUNT, region: TEST_REGION, resources: [], detail: {} }, 'detail-type'],
    ['a schedule event from another account', { source: 'aws.events', 'detail-type': 'Scheduled Event', account: OTHER_ACCOUNT, region: TEST_REGION, resources: [], detail: {} }, 'account'],
    ['a missing detail', { ...stallEvent(SERVER_A), detail: undefined }, 'detail'],
    ['detail as a string', { ...stallEvent(SERVER_A), detail: 'STALLED' }, 'detail'],
    ['no resources', { ...stallEvent(SERVER_A), resources: [] }, 'resources'],
    ['two resources', { ...stallEvent(SERVER_A), resources: [arn(SERVER_A), arn(SERVER_B)] }, 'resources'],
    ['an ARN of another service', { ...stallEvent(SERVER_A), resources: [`arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:instance/i-0abc`] }, 'resources[0]'],
    ['an ARN with a short ID', { ...stallEvent(SERVER_A), resources: [arn('s-123')] }, 'resources[0]'],
    ['an ARN of another account', { ...stallEvent(SERVER_A), resources: [arn(SERVER_A, TEST_REGION, OTHER_ACCOUNT)] }, 'resources[0]'],
    ['an ARN of another Region', stallEvent(SERVER_A, { region: 'eu-west-1' }), 'region'],
    ['a malformed account', { ...stallEvent(SERVER_A), account: '1234' }, 'account'],
    ['an unknown event field', { ...stallEvent(SERVER_A), extra: true }, 'event.extra'],
    ['an ID with a trailing newline', { sourceServerID: `${SERVER_A}\n` }, 'sourceServerID'],
    ['an injected ID', { sourceServerID: 's-1234567890abcdef0"; DROP' }, 'sourceServerID'],
    ['a short ID', { sourceServerID: 's-123' }, 'sourceServerID'],
    ['an ID as a number', { sourceServerID: 1234567890 }, 'sourceServerID'],
    ['both ID fields', { sourceServerID: SERVER_A, sourceServerIDs: [SERVER_B] }, 'sourceServerID'],
    ['a lower-case field name', { sourceServerId: SERVER_A }, 'payload.sourceServerId'],
    ['an empty ID list', { sourceServerIDs: [] }, 'sourceServerIDs'],
    ['an ID list as a string', { sourceServerIDs: SERVER_A }, 'sourceServerIDs'],
    ['101 IDs', { sourceServerIDs: Array.from({ length: 101 }, (_, i) => `s-${String(i).padStart(17, '0')}`) }, 'sourceServerIDs'],
    ['a bad ID inside the list', { sourceServerIDs: [SERVER_A, 'x'] }, 'sourceServerIDs[1]'],
    ['a repeated ID', { sourceServerIDs: [SERVER_A, SERVER_B, SERVER_A] }, 'sourceServerIDs[2]'],
    ['an 11-digit account', { sourceServerID: SERVER_A, accountID: '12345678901' }, 'accountID'],
    ['an account as a number', { sourceServerID: SERVER_A, accountID: 123456789012 }, 'accountID'],
    ['a prototype key', JSON.parse(`{"sourceServerID":"${SERVER_A}","__proto__":{"admin":true}}`), 'payload.__proto__'],
  ])('%s', (_name, payload, field) => {
    const error = rejection(payload);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it.each<[string, unknown, string]>([
    ['a manual accountID of another account', { sourceServerID: SERVER_A, accountID: OTHER_ACCOUNT }, 'accountID'],
    ['an event from another account', stallEvent(SERVER_A, { account: OTHER_ACCOUNT }), 'account'],
  ])('without globalView, rejects %s, saying how to enable it', (_name, payload, field) => {
    let thrown: unknown;
    try {
      parseRetryRequest(payload, { ...home, globalView: false });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'InvalidInputError', field, message: expect.stringContaining('globalView') as string });
  });

  it('without globalView, still accepts the function\'s own account named explicitly', () => {
    expect(parseRetryRequest({ sourceServerID: SERVER_A, accountID: TEST_ACCOUNT }, { ...home, globalView: false }).accountID).toBe(TEST_ACCOUNT);
  });

  it('never echoes a huge value whole', () => {
    const error = rejection({ sourceServerID: 'x'.repeat(1_000_000) });
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toContain('1000000 characters');
  });
});

describe('the sample payloads in events/', () => {
  const load = (name: string): unknown =>
    JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'events', name), 'utf8'));

  it('stalled-event.json is a valid stall event for its account and Region', () => {
    const event = load('stalled-event.json') as { account: string; region: string };
    const request = parseRetryRequest(event, { accountID: event.account, region: event.region, globalView: false });
    expect(request).toMatchObject({ trigger: 'event', action: 'RETRY', sourceServerIDs: ['s-1a2b3c4d5e6f7a8b9'], accountID: event.account });
  });

  it('manual-retry-one.json names one server', () => {
    expect(parseRetryRequest(load('manual-retry-one.json'), home).sourceServerIDs).toHaveLength(1);
  });

  it('recovered-event.json is a valid NOT_STALLED event', () => {
    const event = load('recovered-event.json') as { account: string; region: string };
    expect(parseRetryRequest(event, { accountID: event.account, region: event.region, globalView: false }).action).toBe('RECOVER');
  });

  it('manual-dry-run.json asks for a dry run', () => {
    expect(parseRetryRequest(load('manual-dry-run.json'), home)).toMatchObject({ dryRun: true });
  });

  it('manual-sweep-dry-run.json asks for a sweep that changes nothing', () => {
    expect(parseRetryRequest(load('manual-sweep-dry-run.json'), home)).toMatchObject({ action: 'SWEEP', dryRun: true });
  });

  it('manual-retry-many.json names three servers', () => {
    expect(parseRetryRequest(load('manual-retry-many.json'), home).sourceServerIDs).toHaveLength(3);
  });
});
