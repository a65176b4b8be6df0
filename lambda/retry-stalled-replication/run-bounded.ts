/**
 * Time kept in reserve at the end of an invocation: no new page or server is started with less
 * left, so the decisions under way finish (each at most a few SDK calls with 10 s timeouts) and the
 * result is returned before Lambda's timeout.
 */
export const TIME_RESERVE_MS = 30_000;

/**
 * Runs `work` over `items` with at most `limit` running at once, starting no new item once
 * `mayStart()` says no. Returns the results of the items that ran, in input order, and the
 * items that were never started.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  limit: number,
  mayStart: () => boolean,
  work: (item: T) => Promise<R>,
): Promise<{ results: R[]; notStarted: T[] }> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && mayStart()) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  // Items are started in order, so everything before `next` ran to the end.
  return { results, notStarted: items.slice(next) };
}
