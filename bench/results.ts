import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchResult } from './bench';
import { renderChart, type Panel } from './lib/svg-chart';

/** The chart: completions per second of each delegation run, and Directory quota use over time. */
export function chartFor(result: BenchResult): string {
  const panels: Panel[] = [];
  const d = result.scenarios.delegation;
  if (d)
    panels.push({
      title:
        'Throughput: delegation onboardings completed per second (one worker), and a plain script without Temporal',
      yLabel: 'completed / s',
      series: d.runs.flatMap((r) => [
        { label: `${r.concurrent} concurrent`, points: r.completionsSeries },
        // The same vendor calls from a plain Node script (bench/plain/delegation.ts), right after in the same run.
        { label: `${r.concurrent} plain script (ratio ${r.ratioToPlain})`, points: r.plainCompletionsSeries },
      ]),
    });
  const use = [
    result.scenarios.limits?.googleDirectory && {
      label: `Google backlog, 400/10 s (${result.scenarios.limits.googleDirectory.workers ?? 1} workers)`,
      series: result.scenarios.limits.googleDirectory.limitUseSeries,
    },
    result.scenarios.limits?.connectwise && {
      label: `ConnectWise, ~1,000/min (${result.scenarios.limits.connectwise.workers ?? 1} workers)`,
      series: result.scenarios.limits.connectwise.limitUseSeries,
    },
    result.scenarios.limits?.autotask && {
      label: `Autotask, 10,000/h as ${result.scenarios.limits.autotask.vendorLimit.limit}/${result.scenarios.limits.autotask.vendorLimit.windowMs / 1000} s (${result.scenarios.limits.autotask.workers} workers)`,
      series: result.scenarios.limits.autotask.limitUseSeries,
    },
    result.scenarios.group && {
      label: `Google group ×${result.scenarios.group.members}`,
      series: result.scenarios.group.limitUseSeries,
    },
  ].filter((x) => !!x);
  if (use.length)
    panels.push({
      title: 'Vendor limit use (requests per second / limit rate)',
      yLabel: 'fraction of limit',
      series: use.map((u) => ({ label: u.label, points: u.series })),
      refs: [
        { value: 1, label: 'limit' },
        { value: 0.9, label: 'goal 90 %' },
      ],
    });
  return renderChart(`Onramp benchmark ${result.startedAt}${result.quick ? ' (quick)' : ''}`, panels);
}

export function writeResults(result: BenchResult, dir: string): { json: string; svg: string } {
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const json = join(out, `${stamp}.json`);
  const svg = join(out, `${stamp}.svg`);
  writeFileSync(json, `${JSON.stringify({ ...result, chart: svg }, null, 2)}\n`);
  writeFileSync(svg, chartFor(result));
  return { json, svg };
}
