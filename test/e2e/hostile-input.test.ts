import { InvalidInputError } from '../../lambda/retry-stalled-replication/decide/errors';
import { parseRetryRequest } from '../../lambda/retry-stalled-replication/decide/input';
import { invokeBundle, synthesizeBundledFunction } from '../../tools/bundle-runner/bundled-function';
import { startLocalAws } from '../../tools/local-aws/local-aws';
import { generateFleet } from '../../tools/local-mgn/local-mgn-server';
import { TEST_ACCOUNT, TEST_REGION } from '../support/lambda-environment';
import { hostileCorpus } from './hostile-corpus';

jest.setTimeout(120_000);

const corpus = hostileCorpus();

describe('the hostile-input corpus', () => {
  it('holds at least 200 inputs', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
  });

  it.each(corpus.map(([name, input, field]) => [`${name} (${field})`, input, field] as const))('rejects %s', (_name, input, field) => {
    let thrown: unknown;
    try {
      parseRetryRequest(input, { accountID: TEST_ACCOUNT, region: TEST_REGION, globalView: false });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect(thrown).toMatchObject({ field });
    expect((thrown as Error).message.length).toBeLessThan(600);
  });
});

describe('the hostile-input corpus against the shipped bundle', () => {
  it('is rejected whole with named errors, no AWS call, no unhandled rejection, in bounded time', async () => {
    const local = await startLocalAws(generateFleet(5, 5));
    try {
      const run = await invokeBundle(synthesizeBundledFunction(), corpus.map(([, input]) => input), local.environment);
      expect(run.outcomes.map((outcome) => (outcome.ok ? 'accepted' : `${outcome.error.name}:${outcome.error.field ?? ''}`))).toEqual(
        corpus.map(([, , field]) => `InvalidInputError:${field}`),
      );
      expect(local.mgn.calls).toHaveLength(0);
      expect(local.sns.published).toHaveLength(0);
      expect(await local.dynamodb.items()).toEqual([]);
      expect(run.unhandledRejections).toEqual([]);
      // Each rejection is a few string checks; 250 ms is far above any, and far below a timeout.
      expect(Math.max(...run.outcomes.map((outcome) => outcome.durationMs))).toBeLessThan(250);
      expect(run.lines.every((line) => !line.includes('A'.repeat(1000)))).toBe(true);
    } finally {
      await local.stop();
    }
  });
});
