export interface Series {
  label: string;
  points: { t: number; value: number }[];
}

export interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
  /** Horizontal reference lines (e.g. the vendor limit at 1.0). */
  refs?: { value: number; label: string }[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A dependency-free SVG of stacked line panels sharing a time axis in seconds. */
export function renderChart(title: string, panels: Panel[]): string {
  const W = 760;
  const PH = 220;
  const M = { l: 60, r: 150, t: 40, b: 36 };
  const plotW = W - M.l - M.r;
  const H = M.t + panels.length * (PH + M.b) + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  panels.forEach((p, pi) => {
    const top = M.t + pi * (PH + M.b);
    const plotH = PH - 24;
    const y0 = top + 24;
    const all = p.series.flatMap((s) => s.points);
    const maxT = Math.max(1, ...all.map((x) => x.t));
    const maxV = Math.max(1e-9, ...all.map((x) => x.value), ...(p.refs ?? []).map((r) => r.value)) * 1.1;
    const X = (t: number) => M.l + (t / maxT) * plotW;
    const Y = (v: number) => y0 + plotH - (v / maxV) * plotH;
    out.push(`<text x="${M.l}" y="${top + 14}" font-size="12" font-weight="bold">${esc(p.title)}</text>`);
    out.push(`<rect x="${M.l}" y="${y0}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
    for (let i = 0; i <= 4; i++) {
      const v = (maxV / 1.1) * (i / 4);
      out.push(`<line x1="${M.l - 4}" x2="${M.l}" y1="${Y(v)}" y2="${Y(v)}" stroke="#999"/>`);
      out.push(`<text x="${M.l - 6}" y="${Y(v) + 4}" text-anchor="end">${+v.toFixed(2)}</text>`);
      const t = (maxT * i) / 4;
      out.push(`<text x="${X(t)}" y="${y0 + plotH + 14}" text-anchor="middle">${Math.round(t)} s</text>`);
    }
    out.push(
      `<text transform="translate(14 ${y0 + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`
    );
    for (const r of p.refs ?? []) {
      out.push(
        `<line x1="${M.l}" x2="${M.l + plotW}" y1="${Y(r.value)}" y2="${Y(r.value)}" stroke="#555" stroke-dasharray="4 3"/>`,
        `<text x="${M.l + plotW + 4}" y="${Y(r.value) + 4}" fill="#555">${esc(r.label)}</text>`
      );
    }
    p.series.forEach((s, si) => {
      const color = COLORS[si % COLORS.length]!;
      const pts = s.points.map((x) => `${X(x.t).toFixed(1)},${Y(x.value).toFixed(1)}`).join(' ');
      if (pts) out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts}"/>`);
      const ly = y0 + 12 + si * 14 + (p.refs?.length ?? 0) * 0;
      out.push(
        `<line x1="${M.l + plotW + 4}" x2="${M.l + plotW + 18}" y1="${ly + plotH / 2}" y2="${ly + plotH / 2}" stroke="${color}" stroke-width="2"/>`,
        `<text x="${M.l + plotW + 22}" y="${ly + plotH / 2 + 4}">${esc(s.label)}</text>`
      );
    });
  });
  out.push('</svg>');
  return out.join('\n');
}
