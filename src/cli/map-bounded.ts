/**
 * `task` over `items`, at most `limit` at once, results in the items' order. Items with the same
 * key run one after another in their order (two apps of one name in an ecosystem file: the
 * second replaces the first, as it did when everything ran in sequence). After a failure no
 * further item starts; the ones running end, then the failure of the earliest failed item is
 * thrown, so what is reported does not depend on timing.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  key: (item: T) => string,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const failures = new Map<number, unknown>();
  const lastOfKey = new Map<string, Promise<unknown>>();
  const running = new Set<Promise<unknown>>();
  for (let index = 0; index < items.length && failures.size === 0; index += 1) {
    while (running.size >= limit) await Promise.race(running);
    if (failures.size > 0) break;
    const item = items[index]!;
    const before = lastOfKey.get(key(item)) ?? Promise.resolve();
    const run: Promise<unknown> = before
      .then(() => (failures.size > 0 ? undefined : task(item).then((result) => (results[index] = result))))
      .catch((error: unknown) => void failures.set(index, error))
      .finally(() => running.delete(run));
    running.add(run);
    lastOfKey.set(key(item), run);
  }
  await Promise.all(running);
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
  return results;
}
