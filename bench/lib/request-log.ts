import type { Simulator } from '../../src/simulators/http';
import { perSecond } from './stats';

export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  status: number;
}

/**
 * Every answered request of a simulator with its time and status, recorded by a hook added before the
 * simulator listens. The benchmark derives per-window use of a vendor limit and the 429s from it, instead
 * of trusting the client's own view.
 */
export function recordRequests(sim: Simulator): LoggedRequest[] {
  const log: LoggedRequest[] = [];
  sim.app.addHook('onResponse', async (req, reply) => {
    const path = req.url.split('?')[0] ?? req.url;
    if (path.startsWith('/_admin/')) return;
    log.push({ at: Date.now(), method: req.method, path, status: reply.statusCode });
  });
  return log;
}

export interface WindowUse {
  limit: number;
  windowMs: number;
  /** Requests counted against the limit in each full window while the backlog lasted. */
  perWindow: number[];
  /** Each full window's requests as a fraction of the limit. */
  fractions: number[];
  meanFraction: number;
  minFraction: number;
  /** The most requests any window of `windowMs` (sliding, at request granularity) held: must not exceed the limit. */
  maxInAnySlidingWindow: number;
  overLimit: boolean;
}

/**
 * Use of a `limit`-per-`windowMs` vendor limit by requests at `times` (sorted). Fixed windows start at the
 * first request, as the simulators' windows do; the last, partial window (the backlog has run dry) is not a
 * "window while a backlog exists" and is left out.
 */
export function windowUse(times: readonly number[], limit: number, windowMs: number): WindowUse {
  const t = [...times].sort((a, b) => a - b);
  const perWindow: number[] = [];
  if (t.length) {
    const start = t[0]!;
    const full = Math.floor((t[t.length - 1]! - start) / windowMs);
    for (let w = 0; w < full; w++) perWindow.push(0);
    for (const x of t) {
      const i = Math.floor((x - start) / windowMs);
      if (i < full) perWindow[i]!++;
    }
  }
  let maxSliding = 0;
  for (let lo = 0, hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= windowMs) lo++;
    maxSliding = Math.max(maxSliding, hi - lo + 1);
  }
  const fractions = perWindow.map((n) => Math.round((n / limit) * 1000) / 1000);
  return {
    limit,
    windowMs,
    perWindow,
    fractions,
    meanFraction: fractions.length
      ? Math.round((fractions.reduce((a, b) => a + b, 0) / fractions.length) * 1000) / 1000
      : Number.NaN,
    minFraction: fractions.length ? Math.min(...fractions) : Number.NaN,
    maxInAnySlidingWindow: maxSliding,
    overLimit: maxSliding > limit,
  };
}

/** Requests of each second as a fraction of the limit's rate (the chart's limit-use series). */
export function limitUseSeries(
  times: readonly number[],
  startMs: number,
  ratePerSecond: number
): { t: number; value: number }[] {
  return perSecond(times, startMs).map((p) => ({ t: p.t, value: Math.round((p.value / ratePerSecond) * 1000) / 1000 }));
}
