import { LocalMgnServer, type LocalSourceServer } from '../../tools/local-mgn/local-mgn-server';
import { invokeBundle, synthesizeBundledFunction, type BundledFunction } from '../support/bundled-function';
import { OTHER_ACCOUNT, SERVER_A, SERVER_B, SERVER_C, stallEvent } from '../support/payloads';

jest.setTimeout(60_000);

const SERVER_D = 's-d00000000000000d0';
const fleet = (): LocalSourceServer[] => [
  { sourceServerID: SERVER_A, replicationState: 'STALLED', lifeCycleState: 'READY_FOR_TEST', isArchived: false },
  { sourceServerID: SERVER_B, replicationState: 'CONTINUOUS', lifeCycleState: 'READY_FOR_TEST', isArchived: false },
  { sourceServerID: SERVER_C, replicationState: 'STALLED', lifeCycleState: 'CUTTING_OVER', isArchived: false },
  { sourceServerID: SERVER_D, replicationState: 'STALLED', lifeCycleState: 'READY_FOR_CUTOVER', isArchived: true },
];

let fn: BundledFunction;
let mgn: LocalMgnServer;
let endpoints: Record<string, string>;

beforeAll(() => {
  fn = synthesizeBundledFunction();
});
beforeEach(async () => {
  mgn = new LocalMgnServer(fleet());
  endpoints = { AWS_ENDPOINT_URL_MGN: await mgn.start() };
});
afterEach(() => mgn.stop());

describe('the synthesized bundle against a local MGN endpoint', () => {
  it('retries a stalled server exactly once, signed, with its ID', async () => {
    const { outcomes } = await invokeBundle(fn, [stallEvent(SERVER_A)], endpoints);
    expect(outcomes).toMatchObject([{ ok: true, result: { results: [{ sourceServerID: SERVER_A, outcome: 'RETRIED' }] } }]);
    expect(mgn.acceptedRetries()).toEqual([SERVER_A]);
    expect(mgn.calls.every((call) => call.signed)).toBe(true);
    expect(mgn.server(SERVER_A)?.replicationState).toBe('INITIATING');
  });

  it('leaves healthy, unknown, cutting-over and archived servers alone and succeeds', async () => {
    const events = [SERVER_B, 's-00000000000000000', SERVER_C, SERVER_D].map((id) => stallEvent(id));
    const { outcomes } = await invokeBundle(fn, events, endpoints);
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.result.results[0]?.outcome : outcome.error.name))).toEqual([
      'SKIPPED_NOT_STALLED', 'NOT_FOUND', 'SKIPPED_LIFECYCLE', 'SKIPPED_ARCHIVED',
    ]);
    expect(mgn.calls.filter((call) => call.operation === 'RetryDataReplication')).toHaveLength(0);
  });

  it('rejects malformed input with named errors and makes no MGN call', async () => {
    const inputs: [unknown, string][] = [
      [{}, 'event'],
      [{ accountID: OTHER_ACCOUNT }, 'payload'],
      [{ sourceServerID: 's-123' }, 'sourceServerID'],
      [{ sourceServerID: 's-1234567890abcdef0; rm -rf /' }, 'sourceServerID'],
      [{ sourceServerID: 123 }, 'sourceServerID'],
      [{ sourceServerIDs: SERVER_A }, 'sourceServerIDs'],
      [{ ...stallEvent(SERVER_A), resources: [] }, 'resources'],
      [{ ...stallEvent(SERVER_A), source: 'my.mgn' }, 'source'],
      [null, 'event'],
      [[], 'event'],
      ['STALLED', 'event'],
    ];
    const { outcomes } = await invokeBundle(fn, inputs.map(([input]) => input), endpoints);
    expect(outcomes.map((outcome) => (outcome.ok ? 'accepted' : `${outcome.error.name}:${outcome.error.field ?? ''}`))).toEqual(
      inputs.map(([, field]) => `InvalidInputError:${field}`),
    );
    expect(mgn.calls).toHaveLength(0);
  });

  it('fails the invocation when MGN keeps throttling, after the SDK retried', async () => {
    mgn.injectFault({ operation: 'RetryDataReplication', errorType: 'ThrottlingException', count: 3 });
    const { outcomes } = await invokeBundle(fn, [stallEvent(SERVER_A)], endpoints);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { name: 'ReplicationRetryFailedError' } });
    expect(mgn.calls.filter((call) => call.operation === 'RetryDataReplication').map((call) => call.status)).toEqual([429, 429, 429]);
  });

  it('writes only JSON, with EMF in the MgnStallRetry namespace and a cold start', async () => {
    const { lines } = await invokeBundle(fn, [stallEvent(SERVER_A), stallEvent(SERVER_B)], endpoints);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const emf = parsed.filter((line) => '_aws' in line) as { _aws: { CloudWatchMetrics: { Namespace: string }[] } }[];
    expect(emf.length).toBeGreaterThan(0);
    expect(emf.every((blob) => blob._aws.CloudWatchMetrics[0]?.Namespace === 'MgnStallRetry')).toBe(true);
    expect(parsed.filter((line) => 'ColdStart' in line)).toHaveLength(1);
    expect(parsed.filter((line) => 'ReplicationRetried' in line)).toHaveLength(1);
  });
});
