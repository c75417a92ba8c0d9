/**
 * Run `fn` over `items` with at most `limit` in flight; results keep the input order.
 *
 * On the first failure no further item is started, and the returned promise rejects (with that first error)
 * only once the calls already in flight have settled. An activity that fails is retried by Temporal: were the
 * rest of the items still being worked on in the background, the retry would race its own failed attempt
 * (two lookups seeing nothing, two creates of a record the vendor does not keep unique).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(workers);
  if (failure) throw failure.error;
  return results;
}
