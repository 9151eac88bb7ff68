// TensorBoard event-file reading against reading the raw bytes.
//
// Input: one event file of 1e6 scalars (1e5 with --quick), one legacy simple_value per
// event as torch.utils.tensorboard writes it, made by the independent Python writer
// (scripts/fixtures/tfevents_writer.py) under bench/.work/ and reused while it exists.
// Ours: the run-directory reader (TfEventsRunSource) bundled by esbuild as the extension
// bundles it, in a child process: stream the file in 1 MiB chunks, verify both CRC-32Cs of
// every record, decode every Event, build the series (typed arrays). Peer: `cat FILE >
// /dev/null` (page cache warm for both). Best of several runs each; peak memory is the
// child's max RSS (ours) and cat's (GNU time when present).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleModule, productEnvironments } from '../lib/reader-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const title = 'TensorBoard event files';
export const notes = [
  'Ours reads a run directory holding one event file of legacy scalars: 1 MiB streamed chunks read straight into the TFRecord scanner\'s WebAssembly memory, both masked CRC-32C checksums of every record verified, every Event decoded, series built as Float64Arrays (the whole reader, as bundled). The peer is `cat FILE > /dev/null`, the speed of just getting the bytes off a warm page cache.',
  'Where the time goes (one process, measured by instrumenting a bundle): the scanner ~12 ns per record (framing, both CRC-32Cs as table lookups since neither JavaScript nor WebAssembly has the SSE4.2/PCLMUL instructions, decoding; the vector comparison, the CRC lookups and the output stores cost ~1-1.5 ns each), ~2.5 ms copying 24 bytes per point into the series when their memory is reused, ~1 ms waiting for reads (they overlap the scan on the thread pool), ~1 ms of JavaScript per read for 48 windows. A read whose series land on fresh memory pays ~14 ms more in page faults for those 24 MB (6,000 4 KiB pages), which is why the median read is about twice the best; glibc\'s huge pages (set for the reading processes) make the best read ~1.5 ms faster and the median ~10 ms faster here, at the cost of an occasional compaction stall. `cat` copies pages at 3-11 GB/s here, varying from run to run on this VM, so the ratio moves with it; and of the VM\'s two cores one at times computes the scan ~1.5x slower than the other (16.5 against 10.9 ns per record once, pinned with taskset), so ours is the best of seven reads in each of three processes, as cat is the best of thirty processes.',
  'The last two rows (no target) are the commoner shape of a training log: several tags written in turn at each step. No record then looks like the one before it; the scanner gives each tag a slot whose template is its last record and predicts the slot that followed last time, so each record is still checked and decoded from its own tag\'s layout (a few records per 1 MiB window go the general path), and the points go to their series by slot, in one JavaScript call per window. Before the slots (this suite\'s earlier runs), every record went the general path and its tag was looked up: ~125-240 ms for four tags; before the scanner had 256 slots (it had 16), 32 tags took ~570 ms.',
  'The first read in a fresh process is slower (the second row, no target): on this VM a first touch of fresh memory costs ~14 µs per 4 KiB page, and a first read touches ~25 MB of series and ~5 MB of scanner memory for the first time (about 2,500 page faults even with glibc\'s huge pages), and WebAssembly code is still being optimised. Later reads reuse freed memory; the best of seven reads in one process is the steady state a watched, growing run sees. Peak memory: the seven-read process holds garbage from earlier reads until V8 collects it; a single read peaks at the second row\'s figure (Node itself is ~45 MB of it).',
];

// One tag, or several written in turn at each step as a training loop logs them.
function generate(python, dir, n, tags = ['train/loss']) {
  const file = join(dir, `events.out.tfevents.1718000000.bench.${n}`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const script = `
import math, random, sys
sys.path.insert(0, ${JSON.stringify(join(root, 'scripts', 'fixtures'))})
from tfevents_writer import write_scalars
random.seed(1)
n = ${n}
tags = ${JSON.stringify(tags)}
records = ((i // len(tags), 1718000000.0 + i * 0.05, tags[i % len(tags)], 2.3 * math.exp(-i / (n / 5)) + 0.05 * random.random()) for i in range(n))
write_scalars(${JSON.stringify(file + '.tmp')}, records)
`;
  const r = spawnSync(python, ['-c', script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('tfevents bench: generating the event file failed');
  spawnSync('mv', [file + '.tmp', file]);
  return file;
}

const CHILD = `
const { TfEventsRunSource } = require(process.argv[2]);
const dir = process.argv[3];
const repeats = Number(process.argv[4]);
(async () => {
  let best = Infinity, points = 0;
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const t = process.hrtime.bigint();
    const source = new TfEventsRunSource(dir, 'bench');
    await source.update();
    const runs = source.runs();
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    best = Math.min(best, s);
    times.push(s);
    points = runs[0].series.reduce((n, x) => n + x.values.length, 0);
    if (source.issues().length) throw new Error(String(source.issues()[0]));
  }
  process.stdout.write(JSON.stringify({ seconds: best, times, points, maxRssKB: process.resourceUsage().maxRSS }));
})();
`;

function median(xs) {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
}

function timeCat(file, repeats) {
  let best = Infinity;
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const fd = openSync('/dev/null', 'w');
    const t = process.hrtime.bigint();
    const r = spawnSync('cat', [file], { stdio: ['ignore', fd, 'inherit'] });
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    closeSync(fd);
    if (r.status !== 0) throw new Error('cat failed');
    best = Math.min(best, s);
    times.push(s);
  }
  let peakMB;
  if (existsSync('/usr/bin/time')) {
    const r = spawnSync('/usr/bin/time', ['-f', '%M', 'cat', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    const kb = Number(String(r.stderr).trim().split('\n').pop());
    if (Number.isFinite(kb)) peakMB = Math.round(kb / 1024);
  }
  return { seconds: best, times, peakMB };
}

export async function run(ctx) {
  const n = ctx.quick ? 100_000 : 1_000_000;
  const dir = join(ctx.workDir, 'tfevents', String(n));
  const file = generate(ctx.python, dir, n);
  const bytes = statSync(file).size;
  const bundle = await bundleModule(
    join(ctx.workDir, 'tfevents-reader.cjs'),
    "export { TfEventsRunSource } from './src/data/logs/tfevents-source.ts'; export { hugePagesEnvironment } from './src/data/hugePages.ts';",
  );
  // As the editor's worker process and the CLI start (the huge-page tunable where it helps).
  const envs = productEnvironments(bundle);
  const env = envs.reading ?? envs.plain;
  const childFile = join(ctx.workDir, 'tfevents-child.cjs');
  writeFileSync(childFile, CHILD);
  // Warm the page cache for both sides. The peer is timed before and after ours and its best
  // kept, so a slow spell of the machine during one window does not flatter the ratio.
  timeCat(file, 2);
  const catBefore = timeCat(file, 15);
  // Best of seven reads in each of three processes: the peer's runs are each a fresh process
  // too, and on this VM one of the two cores computes ~1.5x slower than the other (measured
  // with taskset), so one process alone can land on the slow one for all its reads.
  const best = (runDir, processes, reads) => {
    let out;
    for (let i = 0; i < processes; i++) {
      const r = spawnSync(process.execPath, [childFile, bundle, runDir, String(reads)], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (r.status !== 0) throw new Error('tfevents bench: the reader failed');
      const one = JSON.parse(r.stdout);
      if (one.points !== n) throw new Error(`tfevents bench: read ${one.points} points of ${runDir}, expected ${n}`);
      const times = [...(out?.times ?? []), ...one.times];
      if (!out || one.seconds < out.seconds) out = { ...one, maxRssKB: Math.max(one.maxRssKB, out?.maxRssKB ?? 0) };
      out.times = times;
    }
    return out;
  };
  const ours = best(dir, 3, 7);
  // A first read in a fresh process (as opening a run after the editor starts): best of five
  // processes, one read each, WebAssembly instantiation included.
  const first = best(dir, 5, 1);
  const catAfter = timeCat(file, 15);
  // Tags logged in turn: consecutive records differ in their tag, so none is laid out like the
  // one before it. Four as a training loop logs them, and 32 as a metric per layer does.
  const inTurn = [
    ['train/loss', 'train/lr', 'train/grad_norm', 'val/accuracy'],
    Array.from({ length: 32 }, (_, i) => `layers/${String(i).padStart(2, '0')}/grad_norm`),
  ].map((tags) => {
    const runDir = join(ctx.workDir, 'tfevents', `${n}-${tags.length}tags`);
    const runFile = generate(ctx.python, runDir, n, tags);
    timeCat(runFile, 2);
    return { tags: tags.length, bytes: statSync(runFile).size, cat: timeCat(runFile, 15), ours: best(runDir, 3, 7) };
  });
  const cat = { seconds: Math.min(catBefore.seconds, catAfter.seconds), peakMB: catAfter.peakMB ?? catBefore.peakMB };
  return [
    {
      case: `${n.toExponential(0).replace('+', '')} scalars, ${(bytes / 1e6).toFixed(1)} MB`,
      items: n,
      unit: 'scalars',
      ours: { seconds: ours.seconds, peakMB: Math.round(ours.maxRssKB / 1024) },
      peer: { name: 'cat > /dev/null', seconds: cat.seconds, peakMB: cat.peakMB },
      target: { ratio: 0.5 },
      extra: {
        'bytes/s (ours / cat)': `${(bytes / ours.seconds / 1e9).toFixed(2)} / ${(bytes / cat.seconds / 1e9).toFixed(2)} GB/s`,
        'median of the 21 reads / of the 30 cat runs': `${(median(ours.times) * 1e3).toFixed(1)} / ${(median([...catBefore.times, ...catAfter.times]) * 1e3).toFixed(1)} ms`,
      },
    },
    {
      case: 'the same, first read in a fresh process',
      items: n,
      unit: 'scalars',
      ours: { seconds: first.seconds, peakMB: Math.round(first.maxRssKB / 1024) },
      peer: { name: 'cat > /dev/null', seconds: cat.seconds, peakMB: cat.peakMB },
    },
    ...inTurn.map((r) => ({
      case: `${n.toExponential(0).replace('+', '')} scalars of ${r.tags} tags logged in turn, ${(r.bytes / 1e6).toFixed(1)} MB`,
      items: n,
      unit: 'scalars',
      ours: { seconds: r.ours.seconds, peakMB: Math.round(r.ours.maxRssKB / 1024) },
      peer: { name: 'cat > /dev/null', seconds: r.cat.seconds, peakMB: r.cat.peakMB },
    })),
  ];
}
