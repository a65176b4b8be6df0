import { classifyMgnError } from '../../lambda/retry-stalled-replication/decide/mgn-errors';

function error(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }), ...extra });
}

describe('classifyMgnError', () => {
  it.each<[string, Error, string]>([
    ['the modelled not-found', error('ResourceNotFoundException', 404), 'NOT_FOUND'],
    ['MGN not initialized', error('UninitializedAccountException', 400), 'NOT_INITIALIZED'],
    ['a refusal', error('ValidationException', 400), 'REFUSED'],
    ['an unknown 4xx', error('SomethingNewException', 409), 'REFUSED'],
    ['access denied', error('AccessDeniedException', 403), 'ACCESS_DENIED'],
    ['a 403 of another name', error('UnrecognizedClientException', 403), 'ACCESS_DENIED'],
    ['expired credentials', error('ExpiredTokenException', 403), 'TRANSIENT'],
    ['throttling', error('ThrottlingException', 429), 'TRANSIENT'],
    ['throttling as awsQuery services name it', error('Throttling', 400), 'TRANSIENT'],
    ['a spoke session that could not be renewed', error('SpokeCredentialsTransientError'), 'SPOKE_SESSION_NOT_RENEWED'],
    ['a 5xx', error('InternalServerException', 500), 'TRANSIENT'],
    ['a 503 without a name', error('Error', 503), 'TRANSIENT'],
    ['a network error', Object.assign(error('Error'), { code: 'ECONNRESET' }), 'TRANSIENT'],
    ['the function\'s deadline', error('DeadlineExceededError'), 'TRANSIENT'],
  ])('%s is %s', (_name, thrown, kind) => {
    expect(classifyMgnError(thrown)).toMatchObject({ kind, code: thrown.name });
  });

  it('names what was thrown when it is not an Error', () => {
    expect(classifyMgnError('boom')).toEqual({ kind: 'TRANSIENT', code: 'UnknownError', message: 'boom' });
  });
});
