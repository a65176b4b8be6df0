import { InvalidInputError } from './errors';
import type { HubAccounts } from './hub';
import type { Trigger } from './outcomes';

/** The event MGN sends when a source server's data replication stalls or recovers. */
export const STALL_EVENT_SOURCE = 'aws.mgn';
export const STALL_EVENT_DETAIL_TYPE = 'MGN Source Server Data Replication Stalled Change';
/** The event an EventBridge schedule rule delivers: it starts a sweep. */
export const SCHEDULE_EVENT_SOURCE = 'aws.events';
export const SCHEDULE_EVENT_DETAIL_TYPE = 'Scheduled Event';
/** Most servers a manual invocation may name: keeps one invocation well inside its timeout. */
export const MAX_MANUAL_SERVERS = 100;

const SOURCE_SERVER_ID = /^s-[0-9a-zA-Z]{17}$/;
const ACCOUNT_ID = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/;
const ISO_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$/;
const SOURCE_SERVER_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):mgn:([a-z0-9-]+):([0-9]{12}):source-server\/(s-[0-9a-zA-Z]{17})$/;

const EVENT_KEYS = new Set([
  'version',
  'id',
  'detail-type',
  'source',
  'account',
  'time',
  'region',
  'resources',
  'detail',
  'replay-name',
]);
const MANUAL_KEYS = new Set(['sourceServerID', 'sourceServerIDs', 'accountID', 'dryRun', 'sweep']);
/** Keys that could reach an object prototype if anything ever merged the payload. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A validated request: which servers, in which account, what asked, and what to do. */
export interface RetryRequest {
  readonly trigger: Trigger;
  /**
   * RETRY for a stall (event or manual), RECOVER for MGN's NOT_STALLED event, SWEEP to look for
   * stalled servers across the account (schedule or manual).
   */
  readonly action: 'RETRY' | 'RECOVER' | 'SWEEP';
  /** The servers to act on; empty for a sweep, which finds its own. */
  readonly sourceServerIDs: readonly string[];
  /** The account that owns the servers. */
  readonly accountID: string;
  /** Asked for by the payload; the deployment's dry-run setting applies on top. */
  readonly dryRun: boolean;
  /** When EventBridge says the event happened (epoch milliseconds); events only. */
  readonly eventTime?: number;
  /** The EventBridge event ID; events only. It stays the same when the platform delivers the event again. */
  readonly eventID?: string;
}

/** Where the function runs: events and ARNs for other Regions cannot be acted on here. */
export interface HomeEnvironment {
  readonly accountID: string;
  readonly region: string;
  /** Whether this deployment may act on other accounts' servers (MGN global view). */
  readonly globalView: boolean;
  /** Hub mode: the accounts it serves through their spoke roles. */
  readonly hub?: HubAccounts;
}

/**
 * Validates an invocation payload and turns it into a request. Throws {@link InvalidInputError}
 * naming the field and the rule for anything else; never touches AWS.
 */
export function parseRetryRequest(payload: unknown, home: HomeEnvironment): RetryRequest {
  const body = requireObject(payload, 'event');
  if (looksLikeEvent(body)) {
    return body['source'] === SCHEDULE_EVENT_SOURCE ? parseScheduledEvent(body, home) : parseStallEvent(body, home);
  }
  if (Object.keys(body).length === 0) {
    throw new InvalidInputError(
      'event',
      'is empty: expected an MGN stall event, a schedule event, or a manual payload with sourceServerID, sourceServerIDs or "sweep": true',
    );
  }
  return parseManualRequest(body, home);
}

/** Any EventBridge envelope field marks the payload as an event, so its errors speak of events. */
function looksLikeEvent(body: Record<string, unknown>): boolean {
  return ['source', 'detail-type', 'detail', 'resources'].some((key) => Object.hasOwn(body, key));
}

function parseStallEvent(body: Record<string, unknown>, home: HomeEnvironment): RetryRequest {
  rejectUnknownKeys(body, EVENT_KEYS, 'event');
  requireLiteral(body['source'], 'source', STALL_EVENT_SOURCE);
  requireLiteral(body['detail-type'], 'detail-type', STALL_EVENT_DETAIL_TYPE);
  const detail = requireObject(body['detail'], 'detail');
  rejectForbiddenKeys(detail, 'detail');
  const state = detail['state'];
  if (state !== 'STALLED' && state !== 'NOT_STALLED') {
    throw new InvalidInputError('detail.state', `must be "STALLED" or "NOT_STALLED", got ${describe(state)}`);
  }
  const account = requireMatch(body['account'], 'account', ACCOUNT_ID, 'a 12-digit AWS account ID');
  const region = requireMatch(body['region'], 'region', REGION, 'an AWS Region code such as us-east-1');
  if (region !== home.region) {
    throw new InvalidInputError(
      'region',
      `must be the function's Region ${home.region}, got ${quote(region)}: deploy the stack in every Region that runs MGN`,
    );
  }

  const resources = body['resources'];
  if (!Array.isArray(resources) || resources.length !== 1) {
    throw new InvalidInputError('resources', `must be an array holding exactly one source-server ARN, got ${describe(resources)}`);
  }
  const arn = requireMatch(
    resources[0],
    'resources[0]',
    SOURCE_SERVER_ARN,
    'an MGN source-server ARN arn:<partition>:mgn:<region>:<account>:source-server/s-<17 letters or digits>',
  );
  const [, , arnRegion, arnAccount, sourceServerID] = SOURCE_SERVER_ARN.exec(arn) ?? [];
  if (arnRegion !== region || arnAccount !== account) {
    throw new InvalidInputError(
      'resources[0]',
      `must be in the event's account ${account} and Region ${region}, got account ${arnAccount} and Region ${arnRegion}`,
    );
  }
  requireReachableAccount(account, 'account', home);
  const time = requireMatch(body['time'], 'time', ISO_TIME, 'an ISO 8601 UTC time such as 2026-11-25T20:12:19Z');
  const eventTime = Date.parse(time);
  // Date.parse rolls 2026-02-30 over to March: a real date reads back the same.
  if (Number.isNaN(eventTime) || new Date(eventTime).toISOString().slice(0, 19) !== time.slice(0, 19)) {
    throw new InvalidInputError('time', `must be a real date and time, got ${quote(time)}`);
  }
  return {
    trigger: 'event',
    action: state === 'STALLED' ? 'RETRY' : 'RECOVER',
    sourceServerIDs: [sourceServerID as string],
    accountID: account,
    dryRun: false,
    eventTime,
    ...eventID(body),
  };
}

function eventID(body: Record<string, unknown>): { eventID?: string } {
  const id = body['id'];
  return typeof id === 'string' && id.length > 0 && id.length <= 128 ? { eventID: id } : {};
}

function parseScheduledEvent(body: Record<string, unknown>, home: HomeEnvironment): RetryRequest {
  rejectUnknownKeys(body, EVENT_KEYS, 'event');
  requireLiteral(body['detail-type'], 'detail-type', SCHEDULE_EVENT_DETAIL_TYPE);
  requireLiteral(body['account'], 'account', home.accountID);
  requireLiteral(body['region'], 'region', home.region);
  return { trigger: 'schedule', action: 'SWEEP', sourceServerIDs: [], accountID: home.accountID, dryRun: false, ...eventID(body) };
}

function parseManualRequest(body: Record<string, unknown>, home: HomeEnvironment): RetryRequest {
  rejectUnknownKeys(body, MANUAL_KEYS, 'payload');
  const dryRun = Object.hasOwn(body, 'dryRun') ? body['dryRun'] : false;
  if (typeof dryRun !== 'boolean') {
    throw new InvalidInputError('dryRun', `must be true or false, got ${describe(dryRun)}`);
  }
  if (Object.hasOwn(body, 'sweep')) {
    requireLiteral(body['sweep'], 'sweep', true);
    const extra = ['sourceServerID', 'sourceServerIDs', 'accountID'].find((key) => Object.hasOwn(body, key));
    if (extra !== undefined) {
      throw new InvalidInputError(extra, 'cannot be combined with sweep: a sweep covers every server of this account');
    }
    return { trigger: 'manual', action: 'SWEEP', sourceServerIDs: [], accountID: home.accountID, dryRun };
  }
  const hasOne = Object.hasOwn(body, 'sourceServerID');
  const hasMany = Object.hasOwn(body, 'sourceServerIDs');
  if (hasOne === hasMany) {
    throw new InvalidInputError(
      hasOne ? 'sourceServerID' : 'payload',
      hasOne
        ? 'cannot be combined with sourceServerIDs: give one or the other'
        : 'must contain sourceServerID, sourceServerIDs or "sweep": true',
    );
  }
  const sourceServerIDs = hasOne
    ? [requireSourceServerID(body['sourceServerID'], 'sourceServerID')]
    : requireSourceServerIDList(body['sourceServerIDs']);
  const accountID = Object.hasOwn(body, 'accountID')
    ? requireReachableAccount(requireMatch(body['accountID'], 'accountID', ACCOUNT_ID, 'a 12-digit AWS account ID'), 'accountID', home)
    : home.accountID;
  return { trigger: 'manual', action: 'RETRY', sourceServerIDs, accountID, dryRun };
}

/**
 * Another account's servers can be retried through MGN global view, or by a hub: any account of
 * its organization (the hub bus admits no other), or one of its listed spoke accounts.
 */
function requireReachableAccount(accountID: string, field: string, home: HomeEnvironment): string {
  if (accountID === home.accountID || home.globalView) return accountID;
  const { hub } = home;
  if (hub !== undefined) {
    if (hub.organizationId !== undefined || hub.spokeAccounts.includes(accountID)) return accountID;
    throw new InvalidInputError(
      field,
      `is ${accountID}, not one of the hub's spoke accounts (${hub.spokeAccounts.join(', ')}): add it to hub.spokeAccounts ` +
        'and deploy the spoke template there',
    );
  }
  throw new InvalidInputError(
    field,
    `is ${accountID}, another account than this function's ${home.accountID}: deploy the stack in that account, ` +
      'set globalView (MGN global view, from the Organizations management or delegated administrator account), or use a hub',
  );
}

function requireSourceServerIDList(value: unknown): string[] {
  if (!Array.isArray(value)) {
    throw new InvalidInputError('sourceServerIDs', `must be an array of source server IDs, got ${describe(value)}`);
  }
  if (value.length < 1 || value.length > MAX_MANUAL_SERVERS) {
    throw new InvalidInputError(
      'sourceServerIDs',
      `must hold 1 to ${MAX_MANUAL_SERVERS} source server IDs, got ${value.length}`,
    );
  }
  const firstIndex = new Map<string, number>();
  return value.map((item: unknown, index) => {
    const id = requireSourceServerID(item, `sourceServerIDs[${index}]`);
    const earlier = firstIndex.get(id);
    if (earlier !== undefined) {
      throw new InvalidInputError(`sourceServerIDs[${index}]`, `repeats sourceServerIDs[${earlier}] (${id})`);
    }
    firstIndex.set(id, index);
    return id;
  });
}

function requireSourceServerID(value: unknown, field: string): string {
  return requireMatch(value, field, SOURCE_SERVER_ID, 'a source server ID: s- followed by 17 letters or digits');
}

function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(field, `must be a JSON object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function requireLiteral(value: unknown, field: string, expected: string | boolean): void {
  if (value !== expected) {
    throw new InvalidInputError(field, `must be ${JSON.stringify(expected)}, got ${describe(value)}`);
  }
}

function requireMatch(value: unknown, field: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new InvalidInputError(field, `must be ${what}, got ${describe(value)}`);
  }
  return value;
}

function rejectUnknownKeys(body: Record<string, unknown>, allowed: ReadonlySet<string>, field: string): void {
  rejectForbiddenKeys(body, field);
  const unknown = Object.keys(body).find((key) => !allowed.has(key));
  if (unknown !== undefined) {
    throw new InvalidInputError(
      `${field}.${printableKey(unknown)}`,
      `is not a recognised field (allowed: ${[...allowed].join(', ')})`,
    );
  }
}

function rejectForbiddenKeys(body: Record<string, unknown>, field: string): void {
  const forbidden = Object.keys(body).find((key) => FORBIDDEN_KEYS.has(key));
  if (forbidden !== undefined) {
    throw new InvalidInputError(`${field}.${forbidden}`, 'is a reserved object key and not allowed');
  }
}

/** A short, printable description of a rejected value: long or binary input is never echoed whole. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'undefined') return 'nothing (the field is missing)';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `the ${typeof value} ${clip(String(value))}`;
  }
  return `a ${typeof value}`;
}

function printableKey(key: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(key) ? key : quote(key);
}

function quote(text: string): string {
  return JSON.stringify(clip(text));
}

function clip(text: string): string {
  const limit = 64;
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}
