/** Summary statistics the benchmark prints; nearest-rank percentiles, so every figure is a measured value. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export function percentile(sortedAsc: readonly number[], p: number): number {
  if (!sortedAsc.length) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAsc.length));
  return sortedAsc[Math.min(rank, sortedAsc.length) - 1]!;
}

export function summarize(valuesMs: readonly number[]): LatencySummary {
  const s = [...valuesMs].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: s.length,
    p50Ms: round(percentile(s, 50)),
    p95Ms: round(percentile(s, 95)),
    p99Ms: round(percentile(s, 99)),
    maxMs: round(s[s.length - 1] ?? Number.NaN),
    meanMs: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50
  );
}

/** Run `fn` over `items` with at most `limit` in flight (load generation, not product code). */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    })
  );
  return out;
}

/** Events per second, bucketed from the run's start: the throughput series of the chart. */
export function perSecond(timestampsMs: readonly number[], startMs: number): { t: number; value: number }[] {
  const buckets: number[] = [];
  for (const ts of timestampsMs) {
    const i = Math.max(0, Math.floor((ts - startMs) / 1000));
    buckets[i] = (buckets[i] ?? 0) + 1;
  }
  return Array.from(buckets, (v, t) => ({ t, value: v ?? 0 }));
}
