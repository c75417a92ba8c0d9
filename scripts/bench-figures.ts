/**
 * The figures of issues #24 and #25 as a Markdown table, read from one benchmark result file (what
 * docs/benchmark.md shows, so a reader can check it against the artefact or regenerate both):
 *
 *   npx tsx scripts/bench-figures.ts bench/results/<time>.json
 */
import { readFileSync } from 'node:fs';
import type { BenchResult } from '../bench/bench';
import { summarize } from '../bench/lib/stats';

const MB = 1024 * 1024;
const mb = (b: number | undefined) => (b === undefined ? '—' : `${(b / MB).toFixed(0)} MB`);
const n = (x: number) => x.toLocaleString('en-US');

export function figureRows(r: BenchResult): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const { idle, members, delegation, fairness } = r.scenarios;
  if (idle) {
    rows.push([
      '#24 memory: RSS with 10,000 waiting (`idle.at10k.rssBytes`)',
      '< 250 MB',
      idle.at10k
        ? `**${mb(idle.at10k.rssBytes)}** (anonymous ${mb(idle.at10k.rssAnonBytes)}); ${n(idle.mid.openOnboardings)} waiting: ${mb(idle.mid.memory.rssBytes)}; start-up ${mb(idle.startup.rssBytes)}; all closed ${mb(idle.closed.rssBytes)}`
        : `not measured: this run opened ${n(idle.openOnboardings)} (\`--idle 10000\` writes at10k)`,
    ]);
    rows.push([
      '#24 memory: marginal RSS per waiting onboarding, 5,000 → 10,000 (`idle.marginalBytes5kTo10k`)',
      'reported',
      idle.marginalBytes5kTo10k === undefined ? '—' : `${(idle.marginalBytes5kTo10k / 1024).toFixed(2)} KB`,
    ]);
    rows.push([
      '#24 memory: history per waiting onboarding (`idle.historyEventsPerOnboarding`, `historyBytesPerOnboarding`)',
      'reported',
      `${idle.historyEventsPerOnboarding} events, ${n(idle.historyBytesPerOnboarding)} B`,
    ]);
    rows.push([
      '#24 memory: start rate, intake to waiting (`idle.startsPerSecond`)',
      'reported',
      `${idle.startsPerSecond}/s (${n(idle.openOnboardings)} in ${idle.startSeconds} s)`,
    ]);
  }
  if (members)
    rows.push([
      `#24 members: ${n(members.members)} by org unit (\`members.quota.meanFraction\`, \`quotaErrors\`, \`maxStatusBytes\`)`,
      '≥ 0.90 of the quota, 0 errors, status ≤ 256 KB',
      `**${members.quota.meanFraction}** of the quota, ${members.quotaErrors} quota errors, largest status ${n(members.maxStatusBytes)} B; ${n(members.added)} added in ${(members.elapsedMs / 1000).toFixed(0)} s over ${members.runs} runs`,
    ]);
  if (delegation)
    for (const run of delegation.runs)
      rows.push([
        `#24 throughput: ${n(run.concurrent)} concurrent delegations (\`delegation.runs[].completionsPerSecond\` / \`plainCompletionsPerSecond\`)`,
        run.concurrent === 1000 ? 'ratio ≥ 0.8' : 'reported',
        `${run.completionsPerSecond}/s vs plain ${run.plainCompletionsPerSecond}/s: **ratio ${run.ratioToPlain}**${
          run.cpuMsPerDelegation && run.cpuSeconds
            ? `; CPU per delegation ${run.cpuMsPerDelegation.onramp} ms vs ${run.cpuMsPerDelegation.plain} ms (worker ${run.cpuSeconds.onramp.worker ?? '?'} s, Temporal ${run.cpuSeconds.onramp.temporalServer ?? '?'} s, simulators ${run.cpuSeconds.onramp.benchProcess} s; plain script ${run.cpuSeconds.plain.script} s, simulators ${run.cpuSeconds.plain.benchProcess} s)`
            : ''
        }`,
      ]);
  if (fairness) {
    const s = fairness.small;
    rows.push([
      `#25 fairness: ${fairness.customers} customers, the big one's use of its own limits (\`fairness.bigCustomer.use.meanFraction\`)`,
      '≥ 0.90',
      `**${fairness.bigCustomer.use.meanFraction}** (Google ${fairness.bigCustomer.use.googleDirectory.meanFraction}, ConnectWise ${fairness.bigCustomer.use.connectwise.meanFraction})`,
    ]);
    rows.push([
      '#25 fairness: small customers, loaded over alone, p99 (`fairness.small.p99Ratio`)',
      '≤ 1.2',
      `**${s.p99Ratio}** (p50 ${s.p50Ratio}); without the big one (control) ${s.withoutBig.p99Ratio}; task-queue wait p99 ${s.queueWaitMs.p99} ms; ${fairness.rejected} throttling answers`,
    ]);
    // The same times against the control instead of each alone: what the big customer's presence adds.
    const p99 = (ms: readonly number[]) => summarize(ms).p99Ms;
    const cpu = s.withoutBig.cpu;
    rows.push([
      '#25 fairness: what the big customer adds, small p99 loaded over p99 of the control',
      'reported',
      `${(p99(s.loadedMs) / p99(s.withoutBig.ms)).toFixed(2)} (${(p99(s.loadedMs) / 1000).toFixed(2)} s vs ${(p99(s.withoutBig.ms) / 1000).toFixed(2)} s; alone p99 ${(p99(s.aloneMs) / 1000).toFixed(2)} s)${
        cpu ? `; the control kept the machine ${Math.round(cpu.busyFraction * 100)} % busy` : ''
      }`,
    ]);
  }
  return rows;
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npx tsx scripts/bench-figures.ts bench/results/<time>.json');
  const r = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  const out = [
    `From \`${file}\` (${r.startedAt} → ${r.finishedAt}, ${r.machine.cpus} cores, Node ${r.machine.node}):`,
    '',
    '| Figure | Target | Measured |',
    '| --- | --- | --- |',
    ...figureRows(r).map((row) => `| ${row.join(' | ')} |`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

if (require.main === module) main();
