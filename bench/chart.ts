/**
 * chart.svg: acknowledgement latency against throughput, log-log, one line per phase kind
 * (p99 solid, p50 dashed) and the open-loop runs as separate points. Plain SVG text.
 */
import type { PhaseResult } from './results';

const W = 760;
const H = 460;
const M = { left: 70, right: 200, top: 40, bottom: 55 };

interface Series {
  readonly label: string;
  readonly color: string;
  readonly phases: readonly PhaseResult[];
  readonly line: boolean;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Decade ticks (1, 2, 5 × 10^k) covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out;
}

function label(v: number): string {
  return v >= 1000 ? `${v / 1000}k` : String(Number(v.toPrecision(3)));
}

export function renderChart(phases: readonly PhaseResult[], title: string): string {
  const series: Series[] = [
    { label: 'receiver (closed loop)', color: '#1f77b4', phases: phases.filter((p) => p.kind === 'receiver' && p.mode === 'closed' && !p.storedBefore), line: true },
    { label: '(a) floor: insert + start', color: '#2ca02c', phases: phases.filter((p) => p.kind === 'floor'), line: true },
    { label: '(b) bare Koa 200', color: '#7f7f7f', phases: phases.filter((p) => p.kind === 'bare-koa'), line: true },
    { label: 'receiver (open loop)', color: '#ff7f0e', phases: phases.filter((p) => p.mode === 'open'), line: false },
    { label: 'receiver, store pre-filled', color: '#d62728', phases: phases.filter((p) => p.storedBefore !== undefined), line: false },
  ];
  const points = phases.flatMap((p) => [p.latency.p50, p.latency.p99].filter((v) => v > 0).map((y) => ({ x: p.okPerSecond, y })));
  const valid = points.filter((p) => p.x > 0 && Number.isFinite(p.y));
  const xs = valid.map((p) => p.x);
  const ys = valid.map((p) => p.y);
  const xLo = 10 ** Math.floor(Math.log10(Math.min(...xs, 10)));
  const xHi = 10 ** Math.ceil(Math.log10(Math.max(...xs, 100)));
  const yLo = 10 ** Math.floor(Math.log10(Math.min(...ys, 1)));
  const yHi = 10 ** Math.ceil(Math.log10(Math.max(...ys, 10)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (v: number): number => M.left + ((Math.log10(v) - Math.log10(xLo)) / (Math.log10(xHi) - Math.log10(xLo))) * pw;
  const sy = (v: number): number => M.top + ph - ((Math.log10(v) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * ph;
  const f = (v: number): string => v.toFixed(1);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${M.left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of ticks(xLo, xHi)) {
    out.push(`<line x1="${f(sx(t))}" y1="${M.top}" x2="${f(sx(t))}" y2="${M.top + ph}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${f(sx(t))}" y="${M.top + ph + 16}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of ticks(yLo, yHi)) {
    out.push(`<line x1="${M.left}" y1="${f(sy(t))}" x2="${M.left + pw}" y2="${f(sy(t))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 6}" y="${f(sy(t) + 4)}" text-anchor="end">${label(t)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${H - 15}" text-anchor="middle">throughput: answers (floor: operations) per second, log scale</text>`);
  out.push(`<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">acknowledgement latency, ms, log scale</text>`);

  series.forEach((s, i) => {
    const sorted = [...s.phases].filter((p) => p.okPerSecond > 0).sort((a, b) => a.okPerSecond - b.okPerSecond);
    for (const [pick, dash] of [
      [(p: PhaseResult) => p.latency.p99, ''],
      [(p: PhaseResult) => p.latency.p50, ' stroke-dasharray="5 4"'],
    ] as const) {
      const pts = sorted.filter((p) => pick(p) > 0).map((p) => `${f(sx(p.okPerSecond))},${f(sy(pick(p)))}`);
      if (s.line && pts.length > 1) out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
      for (const p of sorted.filter((q) => pick(q) > 0)) {
        const tip = `${s.label} ${p.mode === 'open' ? `open ${p.targetRate}/s` : `c=${p.concurrency}`}${p.storedBefore ? ` after ${p.storedBefore} stored` : ''}: ${p.okPerSecond}/s, p50 ${p.latency.p50} ms, p99 ${p.latency.p99} ms`;
        out.push(`<circle cx="${f(sx(p.okPerSecond))}" cy="${f(sy(pick(p)))}" r="${dash ? 2.5 : 4}" fill="${s.color}"><title>${esc(tip)}</title></circle>`);
      }
      if (s.line && dash === '') {
        const top = sorted[sorted.length - 1];
        if (top) out.push(`<text x="${f(sx(top.okPerSecond) + 6)}" y="${f(sy(pick(top)) - 6)}" fill="${s.color}">c=${top.concurrency}</text>`);
      }
    }
    const ly = M.top + 14 + i * 20;
    const lx = M.left + pw + 14;
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${s.color}" stroke-width="${s.line ? 2 : 0}"/>`);
    out.push(`<circle cx="${lx + 11}" cy="${ly - 4}" r="4" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 28}" y="${ly}">${esc(s.label)}</text>`);
  });
  const ly = M.top + 14 + series.length * 20 + 10;
  out.push(`<text x="${M.left + pw + 14}" y="${ly}">solid: p99, dashed: p50</text>`);
  out.push('</svg>');
  return out.join('\n');
}
