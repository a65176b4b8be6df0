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
