// `npm run bench`: runs every suite in bench/suites (or those named on the command line),
// each timing Loss Lens against its peer (PyTorch, NumPy, pandas, plain file reading) in the
// same run on the same data, and writes the ratios to bench/RESULTS.md.
//
// A suite is bench/suites/<name>.mjs exporting
//   title: string, notes?: string[]
//   async run(ctx) -> Row[]
// where Row = { case, items, unit, ours: {seconds, peakMB?}, peer: {name, seconds, peakMB?},
//               target?: {ratio, against?: string}, extra?: {label: value} }
// `ratio` in the report is peer.seconds / ours.seconds (above 1: Loss Lens is faster).
// ctx gives: python (Debian's /usr/bin/python3), workDir (bench/.work, git-ignored, for big
// generated inputs), threads (thread count to give both sides), quick (smaller sizes).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildWasm } from '../scripts/build-wasm.mjs';
import { ensureDebianPackages } from '../scripts/system-deps.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const threadsArg = args.find((a) => a.startsWith('--threads='));
const ctx = {
  python: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
  workDir: join(here, '.work'),
  threads: threadsArg ? Number(threadsArg.split('=')[1]) : 1,
  quick,
};
mkdirSync(ctx.workDir, { recursive: true });
// The bundles embed the generated WebAssembly modules (a fresh clone has not built them yet).
buildWasm();
// The peers (PyTorch, NumPy, pandas) and GNU time for their peak memory, from Debian as the
// tests get theirs: a fresh machine runs `npm run bench` with no manual step.
ensureDebianPackages(['python3-torch', 'python3-torchvision', 'python3-numpy', 'python3-pandas', 'time']);

const suiteFiles = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.mjs'))
  .sort()
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)));

const sections = [];
for (const file of suiteFiles) {
  const suite = await import(pathToFileURL(join(here, 'suites', file)).href);
  process.stderr.write(`bench: ${file} ...\n`);
  const rows = await suite.run(ctx);
  sections.push({ file, title: suite.title ?? file, notes: suite.notes ?? [], rows });
  for (const r of rows) {
    process.stderr.write(`  ${r.case}: ours ${fmtTime(r.ours.seconds)}, ${r.peer.name} ${fmtTime(r.peer.seconds)}, ratio ${(r.peer.seconds / r.ours.seconds).toFixed(2)}x\n`);
  }
}

function fmtTime(s) {
  return s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`;
}
function fmtRate(items, s, unit) {
  return `${(items / s / 1e6).toFixed(0)} M ${unit}/s`;
}

const lines = [
  '# Benchmark results',
  '',
  `Measured by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}: ` +
    `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
    `${ctx.threads} thread(s) on each side. Each row is the best of several runs; the ratio is peer time / Loss Lens time ` +
    '(above 1 means Loss Lens is faster). Numbers are from this machine only.',
  '',
];
for (const s of sections) {
  lines.push(`## ${s.title}`, '');
  for (const n of s.notes) lines.push(n, '');
  lines.push('| case | Loss Lens | peer | ratio | target | met | peak MB (ours / peer) |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of s.rows) {
    const ratio = r.peer.seconds / r.ours.seconds;
    const target = r.target ? `≥ ${r.target.ratio}× ${r.target.against ?? r.peer.name}` : '';
    const met = r.target ? (r.target.met ?? ratio >= r.target.ratio) ? 'yes' : '**no**' : '';
    const peak = r.ours.peakMB !== undefined || r.peer.peakMB !== undefined ? `${r.ours.peakMB ?? '–'} / ${r.peer.peakMB ?? '–'}` : '';
    lines.push(
      `| ${r.case} | ${fmtTime(r.ours.seconds)} (${fmtRate(r.items, r.ours.seconds, r.unit)}) | ${r.peer.name}: ${fmtTime(r.peer.seconds)} ` +
        `(${fmtRate(r.items, r.peer.seconds, r.unit)}) | ${ratio.toFixed(2)}× | ${target} | ${met} | ${peak} |`,
    );
    if (r.extra) for (const [k, v] of Object.entries(r.extra)) lines.push(`| ↳ ${k} | ${v} | | | | | |`);
  }
  lines.push('');
}
if (only.length === 0) {
  writeFileSync(join(here, 'RESULTS.md'), lines.join('\n'));
  process.stderr.write('bench: wrote bench/RESULTS.md\n');
} else {
  process.stdout.write(lines.join('\n') + '\n');
  process.stderr.write('bench: partial run (suites named), bench/RESULTS.md left as it is\n');
}
