import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DEFAULT_CONFIG } from '../../lib/config';
import { synthesizeBundledFunction, type BundledFunction } from '../../tools/bundle-runner/bundled-function';
import { LOCAL_TOPIC_ARN } from '../../tools/local-aws/local-aws';
import { generateFleet } from '../../tools/local-mgn/local-mgn-server';
import { SNS_MAX_MESSAGE_BYTES } from '../../tools/local-sns/local-sns-server';
import { HOUR, MINUTE, Simulation, decisions, emitted, outcomeOf, stalledServer, stopSimulationsAfterEach, TEST_SERVERS } from '../support/simulation';

// Where notices and decisions go, on the synthesized bundle against local SNS, EventBridge and
// Systems Manager: one SNS message in two shapes (e-mail text, chat JSON), a decision event per
// notable decision, and with `opsItems` one OpsItem per episode, resolved when the server recovers.
jest.setTimeout(240_000);

const { A, B } = TEST_SERVERS;
let plain: BundledFunction;
let withOpsItems: BundledFunction;
let sim: Simulation;

beforeAll(() => {
  plain = synthesizeBundledFunction();
  withOpsItems = synthesizeBundledFunction({ ...DEFAULT_CONFIG, opsItems: true, cooldownMinutes: 0, maxAttempts: 1 });
});
stopSimulationsAfterEach();

const agentDown = { replicationError: { error: 'AGENT_NOT_SEEN', rawError: 'agent last seen 40 minutes ago' } };

describe('one SNS message, two shapes', () => {
  it('gives e-mail its plain text and chat the Amazon Q Developer custom notification', async () => {
    sim = await Simulation.start(plain, [stalledServer(A, agentDown)]);
    await sim.stall(A);
    const [notice] = sim.notices(A);
    // E-mail: the plain text, unchanged, no JSON.
    expect(notice?.message).toMatch(/^AWS MGN data replication for host-00a1 \(s-a00000000000000a1\) is stalled with/);
    expect(notice?.message).not.toMatch(/[{}]/);
    expect(notice?.subject).toBe('MGN replication stalled, needs a person (AGENT_NOT_SEEN): host-00a1 (s-a00000000000000a1)');
    // Chat: the custom notification's schema.
    const chat = JSON.parse(notice?.default ?? '') as Record<string, unknown> & { content: Record<string, unknown>; metadata: Record<string, unknown> };
    expect(chat).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' }, metadata: { threadId: `mgn-stall-retry/111122223333/${A}`, eventType: 'Stall Escalated' } });
    expect(chat.content['title']).toMatch(/needs a person \(AGENT_NOT_SEEN\)/);
    expect(chat.content['description']).toMatch(/`AGENT_NOT_SEEN`/);
    expect(chat.content['nextSteps']).toEqual(expect.arrayContaining([expect.stringMatching(/systemctl status aws-replication/)]));
    expect(JSON.stringify(chat).length).toBeLessThan(8_000);
  });

  it('threads one server\'s messages together, and other servers apart', async () => {
    sim = await Simulation.start(plain, [stalledServer(A, agentDown), stalledServer(B, agentDown)]);
    await sim.stall(A);
    await sim.stall(B);
    const threads = sim.notices().map((notice) => (JSON.parse(notice.default ?? '{}') as { metadata: { threadId: string } }).metadata.threadId);
    expect(new Set(threads).size).toBe(2);
  });
});

describe('what MGN reports, in a notice', () => {
  const HOSTILE_HOST = '<!channel> *URGENT* <https://evil.example/login|Open MGN console>';
  const SPOOF = '\n\nOpen the server in the MGN console:\nhttps://evil.example/mgn';

  it('cannot mention, link, format or add lines, in chat or in e-mail', async () => {
    sim = await Simulation.start(plain, [stalledServer(A, { hostname: HOSTILE_HOST, replicationError: { error: 'AGENT_NOT_SEEN', rawError: `agent down${SPOOF}` } })]);
    await sim.stall(A);
    const [notice] = sim.notices(A);
    const chat = JSON.parse(notice?.default ?? '') as { content: { title: string; description: string }; metadata: { summary: string } };
    for (const field of [chat.content.title, chat.metadata.summary, chat.content.description]) {
      expect(field).not.toMatch(/[<>]/);
      expect(field).not.toContain('*URGENT*');
      expect(field).toContain('&lt;!channel&gt;');
    }
    const lines = notice?.message.split('\n') ?? [];
    expect(lines.filter((line) => line.startsWith('https://'))).toEqual([expect.stringContaining(`#/sourceServers/${A}`)]);
    expect(lines.filter((line) => line === 'Open the server in the MGN console:')).toHaveLength(1);
    expect(lines).toContain('Raw error:         agent down Open the server in the MGN console: https://evil.example/mgn');
    expect(notice?.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  });

  it('still goes out with a 300,000-character raw error: clipped, well within what SNS takes', async () => {
    sim = await Simulation.start(withOpsItems, [stalledServer(A, { hostname: 'h'.repeat(5_000), replicationError: { error: 'AGENT_NOT_SEEN', rawError: 'x'.repeat(300_000) } })]);
    const escalated = await sim.stall(A);
    expect(escalated.ok).toBe(true);
    expect(decisions(escalated)[0]).toMatchObject({ outcome: 'SKIPPED_NEEDS_PERSON', escalated: 'NEEDS_PERSON' });
    const [notice] = sim.notices(A);
    expect(notice?.message).toContain(`Raw error:         ${'x'.repeat(999)}…\n`);
    expect(Buffer.byteLength(JSON.stringify({ default: notice?.default, email: notice?.message }))).toBeLessThan(20_000);
    expect(sim.local.sns.rejectedTooLong).toBe(0);
    expect(sim.local.ssm.opsItems[0]?.operationalData['Hostname']?.Value).toHaveLength(1_000);
  });

  it('meets a stand-in that refuses a message over 256 KB, as SNS does', async () => {
    sim = await Simulation.start(plain, []);
    const sns = new SNSClient({ region: 'us-east-1', endpoint: sim.local.environment['AWS_ENDPOINT_URL_SNS'] ?? '', credentials: { accessKeyId: 'AKIDLOCALONLY', secretAccessKey: 'local-only-secret' } });
    const publish = (email: string): Promise<unknown> =>
      sns.send(new PublishCommand({ TopicArn: LOCAL_TOPIC_ARN, MessageStructure: 'json', Message: JSON.stringify({ default: '{}', email }) }));
    await expect(publish('x'.repeat(SNS_MAX_MESSAGE_BYTES))).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Message too long' });
    await expect(publish('x'.repeat(SNS_MAX_MESSAGE_BYTES - 100))).resolves.toBeDefined();
    expect(sim.local.sns.rejectedTooLong).toBe(1);
    sns.destroy();
  });
});

describe('decision events on the default bus', () => {
  it('puts one event per notable decision: retried, escalated, recovered, and a mass stall', async () => {
    const fleet = [stalledServer(A, { afterRetry: 'RECOVERS' }), stalledServer(B, agentDown)];
    sim = await Simulation.start(plain, fleet);
    await sim.stall(A);
    await sim.stall(B);
    sim.local.mgn.advance(); // A: INITIAL_SYNC
    sim.advance(10 * MINUTE);
    await sim.recovery(A);
    const types = sim.local.events.events.map((event) => event.detailType);
    expect(types).toEqual(['Stall Retried', 'Stall Escalated', 'Stall Recovered']);
    expect(sim.local.events.events.every((event) => event.source === 'mgn-stall-retry')).toBe(true);
    const [retried, escalated, recovered] = sim.local.events.events;
    expect(retried?.detail).toMatchObject({ sourceServerID: A, accountID: '111122223333', region: 'us-east-1', hostname: 'host-00a1', outcome: 'RETRIED', attempt: 1, error: 'UNSTABLE_NETWORK', consoleUrl: expect.stringContaining(A) as string });
    expect(escalated?.detail).toMatchObject({ sourceServerID: B, outcome: 'SKIPPED_NEEDS_PERSON', escalation: 'NEEDS_PERSON', error: 'AGENT_NOT_SEEN', failedStep: 'WAIT', episodeStartedAt: expect.any(String) as string });
    expect(recovered?.detail).toMatchObject({ sourceServerID: A, outcome: 'RECOVERED', stallSeconds: expect.any(Number) as number });

    const mass = await Simulation.start(plain, generateFleet(20, 20));
    try {
      await mass.sweep();
      const massEvents = mass.local.events.events.filter((event) => event.detailType === 'Mass Stall Detected');
      expect(massEvents).toHaveLength(1);
      expect(massEvents[0]?.detail).toMatchObject({ accountID: '111122223333', stalled: 20, inReplication: 20 });
    } finally {
      expect(await mass.stop()).toEqual([]);
    }
  });

  it('batches a sweep\'s events, 10 per PutEvents call', async () => {
    sim = await Simulation.start(plain, generateFleet(100, 25));
    await sim.sweep();
    expect(sim.local.events.events).toHaveLength(25);
    expect(sim.local.events.calls).toEqual([10, 10, 5]);
  });

  it('never changes a decision when EventBridge fails or refuses entries: logged and counted', async () => {
    sim = await Simulation.start(plain, [stalledServer(A), stalledServer(B)]);
    sim.faults.events.add({ operation: 'PutEvents', action: { kind: 'error', status: 500, errorType: 'InternalException' } });
    const failed = await sim.stall(A);
    expect(outcomeOf(failed)).toBe('RETRIED');
    expect(failed.ok).toBe(true);
    expect(emitted(failed, 'DecisionEventsFailed')).toBe(1);
    sim.faults.events.clear();
    sim.local.events.rejectEntries = 1;
    const refused = await sim.stall(B);
    expect(outcomeOf(refused)).toBe('RETRIED');
    expect(emitted(refused, 'DecisionEventsFailed')).toBe(1);
  });
});

describe('OpsCenter OpsItems (opsItems: true)', () => {
  it('opens one per episode, with what a person filters by, and resolves it when the server replicates again', async () => {
    sim = await Simulation.start(withOpsItems, [stalledServer(A, agentDown)]);
    await sim.stall(A);
    expect(sim.local.ssm.opsItems).toHaveLength(1);
    const [item] = sim.local.ssm.opsItems;
    expect(item).toMatchObject({ status: 'Open', severity: '2', source: 'mgn-stall-retry', title: expect.stringMatching(/needs a person \(AGENT_NOT_SEEN\)/) as string });
    expect(item?.operationalData).toMatchObject({
      '/aws/dedup': { Type: 'SearchableString', Value: expect.stringContaining(`mgn-stall-retry:111122223333:${A}:`) as string },
      SourceServer: { Value: A },
      Error: { Value: 'AGENT_NOT_SEEN' },
      FailedStep: { Value: 'WAIT' },
      ConsoleUrl: { Value: expect.stringContaining(A) as string },
    });
    const ledgerItem = (await sim.local.dynamodb.items()).find((entry) => entry['pk']?.S?.endsWith(A));
    expect(ledgerItem?.['episodeOpsItemId']).toEqual({ S: item?.opsItemId });

    sim.setServer(A, { replicationState: 'CONTINUOUS' });
    sim.advance(HOUR);
    const recovered = await sim.recovery(A);
    expect(outcomeOf(recovered)).toBe('RECOVERED');
    expect(sim.local.ssm.opsItems[0]?.status).toBe('Resolved');
    expect(sim.local.ssm.opsItems[0]?.operationalData['Resolution']?.Value).toMatch(/replicating again \(CONTINUOUS\) after 0 retries and 360[01] s stalled/);
  });

  it.each(['THROW', 'RETURN_EXISTING'] as const)('opens only one under duplicates and Lambda\'s retries (OpsCenter answering a duplicate with %s)', async (onDuplicate) => {
    sim = await Simulation.start(withOpsItems, [stalledServer(A)]);
    sim.local.ssm.onDuplicate = onDuplicate;
    expect(outcomeOf(await sim.stall(A))).toBe('RETRIED');
    sim.local.mgn.advance();
    sim.advance(MINUTE);
    // The notice fails after the OpsItem is opened: Lambda retries the invocation, twice.
    sim.faults.sns.add({ operation: 'Publish', action: { kind: 'error', status: 500, errorType: 'InternalError' }, count: 6 });
    const event = sim.stallEvent(A);
    const attempts = [];
    for (let retry = 0; retry < 3; retry += 1) {
      attempts.push(await sim.invoke(event));
      sim.advance(2 * MINUTE);
    }
    expect(attempts.map((attempt) => attempt.ok)).toEqual([false, false, true]);
    const environments = await Promise.all(Array.from({ length: 5 }, () => sim.separateEnvironment()));
    await Promise.all(environments.map((environment) => environment.invoke(sim.stallEvent(A), { at: sim.now })));
    await Promise.all(environments.map((environment) => environment.stop()));
    expect(sim.local.ssm.opsItems).toHaveLength(1);
    expect(sim.notices(A)).toHaveLength(1);
    expect(sim.local.ssm.opsItems[0]?.severity).toBe('3');
  });

  it('opens a severity 1 OpsItem for a mass stall, and resolves it when the mass stall is over', async () => {
    const fleet = generateFleet(20, 20);
    sim = await Simulation.start(withOpsItems, fleet);
    await sim.sweep();
    expect(sim.local.ssm.opsItems.map((item) => [item.severity, item.status])).toEqual([['1', 'Open']]);
    for (const server of fleet) sim.setServer(server.sourceServerID, { replicationState: 'CONTINUOUS' });
    sim.advance(HOUR);
    await sim.sweep();
    expect(sim.local.ssm.opsItems.map((item) => item.status)).toEqual(['Resolved']);
  });

  it('opens none when the setting is off', async () => {
    sim = await Simulation.start(plain, [stalledServer(A, agentDown)]);
    await sim.stall(A);
    expect(sim.notices(A)).toHaveLength(1);
    expect(sim.local.ssm.opsItems).toHaveLength(0);
    expect(sim.faults.ssm.calls).toHaveLength(0);
  });

  it('still sends the notice when OpsCenter fails', async () => {
    sim = await Simulation.start(withOpsItems, [stalledServer(A, agentDown)]);
    sim.faults.ssm.add({ operation: 'CreateOpsItem', action: { kind: 'error', status: 400, errorType: 'AccessDeniedException' } });
    const escalated = await sim.stall(A);
    expect(decisions(escalated)[0]).toMatchObject({ outcome: 'SKIPPED_NEEDS_PERSON', escalated: 'NEEDS_PERSON' });
    expect(sim.notices(A)).toHaveLength(1);
  });
});
