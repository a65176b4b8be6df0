import { runBounded } from '../../lambda/retry-stalled-replication/run-bounded';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('runBounded', () => {
  it('runs every item, never more than the limit at once, keeping input order', async () => {
    let running = 0;
    let peak = 0;
    const { results, notStarted } = await runBounded([1, 2, 3, 4, 5, 6, 7], 3, () => true, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
      return item * 10;
    });
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(notStarted).toEqual([]);
    expect(peak).toBe(3);
  });

  it('starts nothing new once told to stop, and returns what was not started', async () => {
    let started = 0;
    const { results, notStarted } = await runBounded(['a', 'b', 'c', 'd', 'e'], 2, () => started < 3, async (item) => {
      started += 1;
      await tick();
      return item.toUpperCase();
    });
    expect(results).toEqual(['A', 'B', 'C']);
    expect(notStarted).toEqual(['d', 'e']);
  });

  it('handles an empty list', async () => {
    expect(await runBounded([], 5, () => true, () => Promise.resolve(1))).toEqual({ results: [], notStarted: [] });
  });
});
