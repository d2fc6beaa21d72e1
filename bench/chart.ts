// `npx tsx bench/chart.ts [--saturated] out.svg a.json b.json …`: an SVG of p95 latency against the
// number of cases, one line per page, from `npm run bench:scale -- --json` results: at the stated
// load (the default: what an agent waits) or, with --saturated, at saturation (20 clients).
import fs from 'node:fs';

const argv = process.argv.slice(2);
const saturated = argv.includes('--saturated');
const [out, ...files] = argv.filter((a) => a !== '--saturated');
type Run = { cases: number; results: Record<string, { p95: number }>; paced?: Record<string, { p95: number; rate: number }> };
const runs = files
  .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as Run)
  .map((r) => ({ cases: r.cases, results: saturated ? r.results : r.paced!, rate: r.paced ? Object.values(r.paced)[0]?.rate : undefined }))
  .sort((a, b) => a.cases - b.cases);
const pages = ['home list (view=home)', 'queue page', 'filtered list (status + priority + account)', 'full-text search (two words)', 'open a case', 'its timeline'];
const colors = ['#3b5bdb', '#2f9e44', '#f08c00', '#e03131', '#7048e8', '#0c8599'];
const W = 720, H = 380, L = 60, R = 250, T = 30, B = 50;
const xs = runs.map((r) => Math.log10(r.cases));
const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
const maxY = Math.max(10, ...runs.flatMap((r) => pages.map((p) => r.results[p]?.p95 ?? 0))) * 1.1;
const px = (c: number) => L + ((Math.log10(c) - x0) / (x1 - x0 || 1)) * (W - L - R);
const py = (v: number) => H - B - (v / maxY) * (H - T - B);
const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<rect width="100%" height="100%" fill="white"/>`];
const load = saturated ? '20 clients at saturation' : `${runs[0]?.rate ?? '?'} requests/s arriving`;
parts.push(`<text x="${L}" y="18" font-size="14" font-weight="bold">p95 latency (ms) as the data grows — SQLite, one instance, ${load}</text>`);
for (let i = 0; i <= 4; i++) {
  const v = (maxY / 4) * i;
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${py(v)}" y2="${py(v)}" stroke="#eee"/><text x="${L - 8}" y="${py(v) + 4}" text-anchor="end">${v.toFixed(0)}</text>`);
}
for (const r of runs) parts.push(`<text x="${px(r.cases)}" y="${H - B + 18}" text-anchor="middle">${r.cases.toLocaleString('en')}</text>`);
parts.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">cases (log scale)</text>`);
pages.forEach((p, i) => {
  const pts = runs.filter((r) => r.results[p]).map((r) => `${px(r.cases)},${py(r.results[p]!.p95)}`);
  parts.push(`<polyline fill="none" stroke="${colors[i]}" stroke-width="2" points="${pts.join(' ')}"/>`);
  for (const pt of pts) parts.push(`<circle cx="${pt.split(',')[0]}" cy="${pt.split(',')[1]}" r="3" fill="${colors[i]}"/>`);
  parts.push(`<rect x="${W - R + 16}" y="${T + 20 * i}" width="12" height="3" fill="${colors[i]}"/><text x="${W - R + 34}" y="${T + 20 * i + 5}">${p}</text>`);
});
parts.push('</svg>');
fs.writeFileSync(out!, parts.join('\n'));
console.log(`wrote ${out}`);
