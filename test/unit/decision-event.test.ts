import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { DECISION_EVENT_SOURCE, DecisionEventType, decisionEvent, massStallEvent } from '../../lambda/retry-stalled-replication/decide/decision-event';

const EVENTS = path.join(__dirname, '..', '..', 'events');
interface Sample { source: string; 'detail-type': string; region: string; detail: Record<string, string | number | undefined> & { servers?: { sourceServerID: string; error?: string }[] } }
const samples = readdirSync(EVENTS).filter((file) => file.startsWith('decision-')).map((file) => [file, JSON.parse(readFileSync(path.join(EVENTS, file), 'utf8')) as Sample] as const);

describe('decisionEvent', () => {
  it('puts events only for notable decisions, never in a dry run', () => {
    const facts = { sourceServerID: 's-1234567890abcdef0', accountID: '111122223333', dryRun: false };
    expect(decisionEvent({ ...facts, outcome: 'RETRIED' }, 'us-east-1')?.detailType).toBe('Stall Retried');
    expect(decisionEvent({ ...facts, outcome: 'SKIPPED_BUDGET_EXHAUSTED', escalated: 'BUDGET_SPENT' }, 'us-east-1')?.detailType).toBe('Stall Escalated');
    expect(decisionEvent({ ...facts, outcome: 'RECOVERED', stallSeconds: 60 }, 'us-east-1')?.detailType).toBe('Stall Recovered');
    for (const outcome of ['SKIPPED_COOLDOWN', 'SKIPPED_BUDGET_EXHAUSTED', 'RECOVERED', 'FAILED', 'DRY_RUN']) {
      expect(decisionEvent({ ...facts, outcome }, 'us-east-1')).toBeUndefined();
    }
    expect(decisionEvent({ ...facts, outcome: 'RETRIED', dryRun: true }, 'us-east-1')).toBeUndefined();
  });
});

describe('the events/ samples of decision events', () => {
  it('cover every detail-type', () => {
    expect(samples.map(([, sample]) => sample['detail-type']).sort()).toEqual(Object.values(DecisionEventType).sort());
  });

  it.each(samples)('%s is what the function puts on the bus for those facts', (_file, sample) => {
    expect(sample.source).toBe(DECISION_EVENT_SOURCE);
    const { detail } = sample;
    const event =
      sample['detail-type'] === DecisionEventType.MASS_STALL
        ? massStallEvent({ accountID: String(detail['accountID']), stalled: Number(detail['stalled']), inReplication: Number(detail['inReplication']), servers: (detail.servers ?? []).map((server) => ({ sourceServerID: server.sourceServerID, ...(server.error === undefined ? {} : { replicationError: server.error }) })) }, sample.region)
        : decisionEvent(
            {
              sourceServerID: String(detail['sourceServerID']),
              accountID: String(detail['accountID']),
              outcome: String(detail['outcome']),
              dryRun: false,
              ...(detail['hostname'] === undefined ? {} : { hostname: String(detail['hostname']) }),
              ...(detail['reason'] === undefined ? {} : { reason: String(detail['reason']) }),
              ...(detail['attempt'] === undefined ? {} : { attempt: Number(detail['attempt']) }),
              ...(detail['attempts'] === undefined ? {} : { attempts: Number(detail['attempts']) }),
              ...(detail['episodeStartedAt'] === undefined ? {} : { episodeStartedAt: Date.parse(String(detail['episodeStartedAt'])) }),
              ...(detail['error'] === undefined ? {} : { replicationError: String(detail['error']) }),
              ...(detail['failedStep'] === undefined ? {} : { failedStep: String(detail['failedStep']) }),
              ...(detail['escalation'] === undefined ? {} : { escalated: String(detail['escalation']) }),
              ...(detail['stallSeconds'] === undefined ? {} : { stallSeconds: Number(detail['stallSeconds']) }),
            },
            sample.region,
          );
    expect(event).toEqual({ detailType: sample['detail-type'], detail });
  });
});
