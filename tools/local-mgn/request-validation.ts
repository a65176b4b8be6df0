/**
 * Request checks taken from the constraints of the MGN API model (aws-sdk-js-v3
 * codegen/sdk-codegen/aws-models/mgn.json) for the two operations the stand-in serves. A failed
 * check is MGN's ValidationException: HTTP 400 with `reason` and `fieldList`.
 */

export interface FieldProblem {
  readonly name: string;
  readonly message: string;
}

const SOURCE_SERVER_ID = /^s-[0-9a-zA-Z]{17}$/;
const ACCOUNT_ID = /^[0-9]{12}$/;
const APPLICATION_ID = /^app-[0-9a-zA-Z]{17}$/;
const LIFECYCLE_STATES = [
  'STOPPED', 'NOT_READY', 'READY_FOR_TEST', 'TESTING', 'READY_FOR_CUTOVER', 'CUTTING_OVER', 'CUTOVER',
  'DISCONNECTED', 'DISCOVERED', 'PENDING_INSTALLATION',
];
const REPLICATION_TYPES = ['AGENT_BASED', 'SNAPSHOT_SHIPPING'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkList(
  problems: FieldProblem[],
  name: string,
  value: unknown,
  max: number,
  ok: (item: unknown) => boolean,
): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) problems.push({ name, message: 'must be a list' });
  else if (value.length > max) problems.push({ name, message: `must have at most ${max} members` });
  else if (!value.every(ok)) problems.push({ name, message: 'has a member that does not satisfy the constraints' });
}

function checkAccount(problems: FieldProblem[], value: unknown): void {
  if (value !== undefined && !(typeof value === 'string' && ACCOUNT_ID.test(value))) {
    problems.push({ name: 'accountID', message: 'must be 12 digits' });
  }
}

/** DescribeSourceServers: filters, maxResults 1–1000, nextToken ≤ 2048, accountID. */
export function validateDescribe(body: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const filters = body['filters'];
  if (filters !== undefined && !isObject(filters)) problems.push({ name: 'filters', message: 'must be a structure' });
  if (isObject(filters)) {
    checkList(problems, 'filters.sourceServerIDs', filters['sourceServerIDs'], 200, (id) => typeof id === 'string' && SOURCE_SERVER_ID.test(id));
    checkList(problems, 'filters.lifeCycleStates', filters['lifeCycleStates'], 10, (state) => typeof state === 'string' && LIFECYCLE_STATES.includes(state));
    checkList(problems, 'filters.replicationTypes', filters['replicationTypes'], 2, (type) => typeof type === 'string' && REPLICATION_TYPES.includes(type));
    checkList(problems, 'filters.applicationIDs', filters['applicationIDs'], 200, (id) => typeof id === 'string' && APPLICATION_ID.test(id));
    if (filters['isArchived'] !== undefined && typeof filters['isArchived'] !== 'boolean') {
      problems.push({ name: 'filters.isArchived', message: 'must be a boolean' });
    }
  }
  const maxResults = body['maxResults'];
  if (maxResults !== undefined && !(Number.isInteger(maxResults) && (maxResults as number) >= 1 && (maxResults as number) <= 1000)) {
    problems.push({ name: 'maxResults', message: 'must be between 1 and 1000' });
  }
  const nextToken = body['nextToken'];
  if (nextToken !== undefined && !(typeof nextToken === 'string' && nextToken.length <= 2048)) {
    problems.push({ name: 'nextToken', message: 'must be a string of at most 2048 characters' });
  }
  checkAccount(problems, body['accountID']);
  return problems;
}

/** RetryDataReplication: sourceServerID required, 19 characters, s- and 17 letters or digits; accountID. */
export function validateRetry(body: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const id = body['sourceServerID'];
  if (id === undefined) problems.push({ name: 'sourceServerID', message: 'is required' });
  else if (!(typeof id === 'string' && SOURCE_SERVER_ID.test(id))) {
    problems.push({ name: 'sourceServerID', message: 'must match ^s-[0-9a-zA-Z]{17}$' });
  }
  checkAccount(problems, body['accountID']);
  return problems;
}

export { isObject };
