// Loss kernels against PyTorch 1.13 (CPU) and, for the memory-bound regression losses, a fused
// C loop.
//
// Data: generated here from a fixed seed (float32, 1e7 elements; cross-entropy style inputs
// 1e6 × 10; 1e6 elements with --quick) and written as raw little-endian files under
// bench/.work/kernels/, which every side reads, so all three compute on the same numbers.
// Ours: src/kernels bundled by esbuild as dist/kernels.js is, in a child Node process, called
// the way a user calls it: evaluate({api, args, kwargs}) with Float32Array tensors (int64
// labels as BigInt64Array, as an .npy reader hands them over), reduction 'mean', forward only;
// then again with grad: true. Peer: torch with torch.set_num_threads(threads) in one
// /usr/bin/python3 process, forward only (under no_grad) and forward + backward. Native: the
// loop in bench/native/fused_losses.c, built with gcc -O3 -march=native at run time (skipped
// with a note when gcc is missing). Every timing is the best of several runs after a warm-up;
// the sides alternate case by case (see lineWorker) so load on a shared machine hits both
// alike; the values of the three sides are compared and the suite fails if they disagree.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const title = 'Loss kernels';
export const notes = [
  'Ours is `evaluate()` from the kernel bundle, called as a user calls it (Float32Array tensors, int64 labels as BigInt64Array, reduction `mean`), float64 accumulation, the parity-tested kernels themselves; the loss-only rows of BCE, cross-entropy, KL, soft margin and CTC run their exp/log in WebAssembly SIMD (src/kernels/wasm), the gradient rows in plain JavaScript. The peer is PyTorch 1.13 on CPU with the same thread count, on the same float32 data, forward only under `torch.no_grad()`; the `with gradient` lines compare `evaluate(..., grad: true)` with torch forward + backward. The C peer is one fused double-accumulating loop over the two arrays (bench/native/fused_losses.c, `gcc -O3 -march=native`), the speed limit of a single core on this memory.',
  'Elementwise losses use 1e7 elements; cross-entropy, NLL and the Keras categorical losses use 1e6 rows × 10 classes (1e7 logits). The Keras rows have no Keras to compare with (it is not installable here): their peer is the same Keras formula written in torch ops (clip, log, means), so the ratio measures the kernel, not Keras itself.',
];

// ------------------------------------------------------------------------------------ data

/** mulberry32: small, fast and fixed, so every run sees the same inputs. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand) {
  // Box–Muller; 1 − u keeps the log finite.
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** CTC's (T, N, C) over the same n log-probabilities, and the target length S. */
function ctcShape(n) {
  const T = 200;
  const C = 1000;
  return { T, N: n / (T * C), C, S: 40 };
}

/** The input arrays, by name: how to make each, its element type, and its length (× n). */
function datasets(n, rows, classes) {
  const f32 = (fill) => ({ type: 'f32', length: n, fill });
  return {
    a: f32((r) => normal(r)),
    b: f32((r) => normal(r)),
    // Probabilities strictly inside (0, 1), as a sigmoid output is.
    prob: f32((r) => Math.min(Math.max(r(), 1e-6), 1 - 1e-6)),
    bits: f32((r) => (r() < 0.5 ? 0 : 1)),
    logits: f32((r) => 3 * normal(r)),
    signs: f32((r) => (r() < 0.5 ? -1 : 1)),
    ceLogits: { type: 'f32', length: rows * classes, fill: (r) => 2 * normal(r) },
    labels: { type: 'i64', length: rows, fill: (r) => Math.floor(r() * classes) },
    // Derived from ceLogits / labels below: log-softmax, softmax and one-hot rows.
    logSoftmax: { type: 'f32', length: rows * classes, derived: true },
    softmax: { type: 'f32', length: rows * classes, derived: true },
    oneHot: { type: 'f32', length: rows * classes, derived: true },
    // CTC: log-softmax of ceLogits read as (T, N, C = 1000), and random non-blank targets.
    ctcLogProbs: { type: 'f32', length: rows * classes, derived: true },
    ctcTargets: { type: 'i64', length: ctcShape(n).N * ctcShape(n).S, fill: (r) => 1 + Math.floor(r() * (ctcShape(n).C - 1)) },
    ctcInputLengths: { type: 'i64', length: ctcShape(n).N, fill: () => ctcShape(n).T },
    ctcTargetLengths: { type: 'i64', length: ctcShape(n).N, fill: () => ctcShape(n).S },
  };
}

function makeData(dir, n, rows, classes) {
  mkdirSync(dir, { recursive: true });
  const specs = datasets(n, rows, classes);
  const path = (name) => join(dir, `${name}.${n}.${specs[name].type}`);
  const stamp = join(dir, `complete.v2.${n}`);
  if (existsSync(stamp)) return path;
  let seed = 1;
  const arrays = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.derived) continue;
    const rand = rng(seed++);
    const a = spec.type === 'f32' ? new Float32Array(spec.length) : new BigInt64Array(spec.length);
    if (spec.type === 'f32') for (let i = 0; i < a.length; i++) a[i] = spec.fill(rand);
    else for (let i = 0; i < a.length; i++) a[i] = BigInt(spec.fill(rand));
    arrays[name] = a;
  }
  const x = arrays.ceLogits;
  const lsm = new Float32Array(x.length);
  const sm = new Float32Array(x.length);
  const oh = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < classes; c++) m = Math.max(m, x[r * classes + c]);
    let s = 0;
    for (let c = 0; c < classes; c++) s += Math.exp(x[r * classes + c] - m);
    for (let c = 0; c < classes; c++) {
      const k = r * classes + c;
      lsm[k] = x[k] - m - Math.log(s);
      sm[k] = Math.exp(x[k] - m) / s;
    }
    oh[r * classes + Number(arrays.labels[r])] = 1;
  }
  const { C: ctcC } = ctcShape(n);
  const ctc = new Float32Array(x.length);
  for (let r = 0; r < x.length / ctcC; r++) {
    let m = -Infinity;
    for (let c = 0; c < ctcC; c++) m = Math.max(m, x[r * ctcC + c]);
    let s = 0;
    for (let c = 0; c < ctcC; c++) s += Math.exp(x[r * ctcC + c] - m);
    const lse = m + Math.log(s);
    for (let c = 0; c < ctcC; c++) ctc[r * ctcC + c] = x[r * ctcC + c] - lse;
  }
  Object.assign(arrays, { logSoftmax: lsm, softmax: sm, oneHot: oh, ctcLogProbs: ctc });
  for (const [name, a] of Object.entries(arrays)) {
    writeFileSync(path(name) + '.tmp', new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    renameSync(path(name) + '.tmp', path(name));
  }
  writeFileSync(stamp, '');
  return path;
}

// ----------------------------------------------------------------------------------- cases

/**
 * Each case: a label, the catalog API with its call (tensors named by dataset and shape), the
 * torch expression computing the same thing (x is the differentiated input), and the C kernel
 * where the loss is memory-bound.
 */
function cases(n, rows, classes) {
  const flat = [n];
  const table = [rows, classes];
  const t = (data, shape, dtype = 'float32') => ({ data, shape, dtype });
  const ctc = ctcShape(n);
  return [
    {
      name: 'MSE',
      api: 'torch.nn.functional.mse_loss',
      args: [t('a', flat), t('b', flat)],
      torch: 'F.mse_loss(x, y1)',
      native: { kind: 'mse' },
    },
    {
      name: 'L1 / MAE',
      api: 'torch.nn.functional.l1_loss',
      args: [t('a', flat), t('b', flat)],
      torch: 'F.l1_loss(x, y1)',
      native: { kind: 'mae' },
    },
    {
      name: 'Huber (δ = 1)',
      api: 'torch.nn.functional.huber_loss',
      args: [t('a', flat), t('b', flat)],
      torch: 'F.huber_loss(x, y1, delta=1.0)',
      native: { kind: 'huber', param: 1 },
    },
    {
      name: 'smooth L1 (β = 1)',
      api: 'torch.nn.functional.smooth_l1_loss',
      args: [t('a', flat), t('b', flat)],
      torch: 'F.smooth_l1_loss(x, y1, beta=1.0)',
    },
    {
      name: 'BCE on probabilities',
      api: 'torch.nn.functional.binary_cross_entropy',
      args: [t('prob', flat), t('bits', flat)],
      torch: 'F.binary_cross_entropy(x, y1)',
    },
    {
      name: 'BCE with logits',
      api: 'torch.nn.functional.binary_cross_entropy_with_logits',
      args: [t('logits', flat), t('bits', flat)],
      torch: 'F.binary_cross_entropy_with_logits(x, y1)',
    },
    {
      name: `cross-entropy, ${rows} × ${classes}, class indices`,
      api: 'torch.nn.functional.cross_entropy',
      args: [t('ceLogits', table), t('labels', [rows], 'int64')],
      torch: 'F.cross_entropy(x, y1)',
    },
    {
      name: `NLL, ${rows} × ${classes}`,
      api: 'torch.nn.functional.nll_loss',
      args: [t('logSoftmax', table), t('labels', [rows], 'int64')],
      torch: 'F.nll_loss(x, y1)',
    },
    {
      name: `KL divergence, ${rows} × ${classes}`,
      api: 'torch.nn.functional.kl_div',
      args: [t('logSoftmax', table), t('prob', table)],
      kwargs: { reduction: 'mean' },
      torch: "F.kl_div(x, y1, reduction='mean')",
    },
    {
      name: 'hinge embedding',
      api: 'torch.nn.functional.hinge_embedding_loss',
      args: [t('a', flat), t('signs', flat)],
      torch: 'F.hinge_embedding_loss(x, y1)',
    },
    {
      name: 'soft margin',
      api: 'torch.nn.functional.soft_margin_loss',
      args: [t('a', flat), t('signs', flat)],
      torch: 'F.soft_margin_loss(x, y1)',
    },
    {
      name: 'sigmoid focal (torchvision, α = 0.25, γ = 2)',
      api: 'torchvision.ops.sigmoid_focal_loss',
      args: [t('logits', flat), t('bits', flat)],
      kwargs: { reduction: 'mean' },
      torch: "sigmoid_focal_loss(x, y1, reduction='mean')",
    },
    {
      name: `Keras binary cross-entropy (probabilities, clipped), ${rows} × ${classes}`,
      api: 'keras.losses.BinaryCrossentropy',
      // Keras' argument order: y_true, y_pred. The differentiated input is y_pred.
      args: [t('bits', table), t('prob', table)],
      gradOf: 1,
      torch: 'keras_bce(y1, x)',
    },
    {
      name: `Keras categorical cross-entropy (probabilities, clipped), ${rows} × ${classes}`,
      api: 'keras.losses.CategoricalCrossentropy',
      args: [t('oneHot', table), t('softmax', table)],
      gradOf: 1,
      torch: 'keras_cce(y1, x)',
    },
    {
      name: `smp Dice, binary, ${n} pixels in 10 images (smp ≥ 0.4 formula)`,
      api: 'segmentation_models_pytorch.losses.DiceLoss',
      init: { mode: 'binary' },
      // smp's argument order: y_pred, y_true; logits in, from_logits=True by default.
      args: [t('logits', [10, 1, n / 10]), t('bits', [10, 1, n / 10])],
      torch: 'smp_dice_binary(x, y1)',
    },
    {
      name: `CTC, T = ${ctc.T}, N = ${ctc.N}, C = ${ctc.C}, S = ${ctc.S}`,
      api: 'torch.nn.functional.ctc_loss',
      args: [
        t('ctcLogProbs', [ctc.T, ctc.N, ctc.C]),
        t('ctcTargets', [ctc.N, ctc.S], 'int64'),
        t('ctcInputLengths', [ctc.N], 'int64'),
        t('ctcTargetLengths', [ctc.N], 'int64'),
      ],
      torch: 'F.ctc_loss(x, y1, y2, y3)',
    },
  ];
}

// ------------------------------------------------------------------------------------ ours

// The two sides run as long-lived children answering one request per line, so the parent can
// alternate them case by case (ours, torch, ours, torch, ...) and each side's best time comes
// from the same stretch of machine load: the machine may be shared, the ratio should not
// depend on who ran when.
const CHILD = `
const { readFileSync } = require('node:fs');
const { createInterface } = require('node:readline');
const { evaluate } = require(process.argv[2]);
const plan = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const cache = new Map();
function load(path, dtype) {
  if (!cache.has(path)) {
    const b = readFileSync(path);
    const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    cache.set(path, dtype === 'int64' ? new BigInt64Array(buf) : new Float32Array(buf));
  }
  return cache.get(path);
}
let current = -1;
createInterface({ input: process.stdin }).on('line', (line) => {
  const { index, grad, repeats, warmup } = JSON.parse(line);
  if (index !== current) { cache.clear(); current = index; }
  const c = plan.cases[index];
  const args = c.args.map((a) => ({ shape: a.shape, dtype: a.dtype, data: load(a.path, a.dtype) }));
  const request = { api: c.api, init: c.init ?? {}, args, kwargs: c.kwargs ?? {}, grad };
  let best = Infinity, answer;
  for (let r = 0; r < warmup + repeats; r++) {
    const t = process.hrtime.bigint();
    answer = evaluate(request);
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    if (answer.error) throw new Error(c.api + ': ' + answer.error);
    if (r >= warmup) best = Math.min(best, s);
  }
  const value = answer.data[0];
  let gradNorm = null;
  if (answer.grad) {
    gradNorm = 0;
    for (const g of answer.grad.data) gradNorm += Math.abs(g);
  }
  answer = undefined;
  process.stdout.write(JSON.stringify({ seconds: best, value, gradNorm, maxRssKB: process.resourceUsage().maxRSS }) + '\\n');
});
`;

async function bundleKernels(workDir) {
  const outfile = join(workDir, 'kernels-bench.cjs');
  await build({
    entryPoints: [join(root, 'src/kernels/index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

// ----------------------------------------------------------------------------------- torch

const PYTHON = `
import json, resource, sys, time, warnings
import numpy as np
import torch
import torch.nn.functional as F
from torchvision.ops import sigmoid_focal_loss
warnings.filterwarnings('ignore')
plan = json.load(open(sys.argv[1]))
torch.set_num_threads(plan['threads'])
EPS = 1e-7
def keras_bce(y, p):
    p = p.clamp(EPS, 1 - EPS)
    return (-(y * torch.log(p) + (1 - y) * torch.log(1 - p))).mean(-1).mean()
def keras_cce(y, p):
    p = (p / p.sum(-1, keepdim=True)).clamp(EPS, 1 - EPS)
    return (-(y * torch.log(p)).sum(-1)).mean()
def smp_dice_binary(x, y):
    # smp >= 0.4 DiceLoss(mode='binary'): sigmoid, (N, 1, -1) view, L1 form of the intersection.
    bs = x.size(0)
    p = F.logsigmoid(x).exp().view(bs, 1, -1)
    t = y.view(bs, 1, -1)
    dims = (0, 2)
    sp, st = p.sum(dims), t.sum(dims)
    inter = (sp + st - (p - t).abs().sum(dims)) / 2
    score = inter / (inter + 0.5 * (sp - inter) + 0.5 * (st - inter)).clamp_min(1e-7)
    return ((1 - score) * (st > 0).to(p.dtype)).mean()
ENV = {'F': F, 'sigmoid_focal_loss': sigmoid_focal_loss, 'keras_bce': keras_bce, 'keras_cce': keras_cce, 'smp_dice_binary': smp_dice_binary}
def load(a):
    dt = np.int64 if a['dtype'] == 'int64' else np.float32
    return torch.from_numpy(np.fromfile(a['path'], dtype=dt).reshape(a['shape']))
current, x, xg, other = -1, None, None, None
for line in sys.stdin:
    req = json.loads(line)
    c = plan['cases'][req['index']]
    if req['index'] != current:
        current = req['index']
        x = other = xg = None
        ts = [load(a) for a in c['args']]
        g = c.get('gradOf', 0)
        x = ts[g]
        rest = [a for i, a in enumerate(ts) if i != g]
        other = rest[0]
        more = {f'y{i + 1}': a for i, a in enumerate(rest)}
        xg = x.clone().requires_grad_(True)
        del ts
    expr = compile(c['torch'], 'case', 'eval')
    best, value, grad_norm = float('inf'), None, None
    for r in range(req['warmup'] + req['repeats']):
        if req['grad']:
            t = time.perf_counter()
            xg.grad = None
            loss = eval(expr, ENV, {**more, 'x': xg})
            loss.backward()
            value = loss.item()
            s = time.perf_counter() - t
        else:
            t = time.perf_counter()
            with torch.no_grad():
                value = eval(expr, ENV, {**more, 'x': x}).item()
            s = time.perf_counter() - t
        if r >= req['warmup']:
            best = min(best, s)
    if req['grad']:
        grad_norm = float(xg.grad.double().abs().sum())
    print(json.dumps({'seconds': best, 'value': value, 'gradNorm': grad_norm,
                      'maxRssKB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), flush=True)
`;

// ---------------------------------------------------------------------------------- native

function buildNative(workDir) {
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (gcc.status !== 0) return { missing: 'gcc is not installed, so the native rows are skipped' };
  const exe = join(workDir, 'fused_losses');
  const r = spawnSync('gcc', ['-O3', '-march=native', '-o', exe, join(root, 'bench/native/fused_losses.c'), '-lm'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kernels bench: building the C baseline failed:\n${r.stderr}`);
  return { exe, version: gcc.stdout.split('\n')[0] };
}

function runNative(exe, kind, x, y, n, repeats, param) {
  const argv = [kind, x, y, String(n), String(repeats)];
  if (param !== undefined) argv.push(String(param));
  const r = spawnSync(exe, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kernels bench: ${exe} ${argv.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ------------------------------------------------------------------------------------- run

/** A child process answering one JSON request per line with one JSON line. */
function lineWorker(cmd, argv, what) {
  const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`kernels bench: ${what} exited with ${code}:\n${stderr}`));
  });
  return {
    request(obj) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(JSON.stringify(obj) + '\n');
      });
    },
    close() {
      child.stdin.end();
    },
  };
}

function agree(a, b, rtol) {
  return Math.abs(a - b) <= rtol * Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

const rate = (items, s) => `${(items / s / 1e6).toFixed(0)} M/s`;
const ms = (s) => `${(s * 1000).toFixed(1)} ms`;

export async function run(ctx) {
  const n = ctx.quick ? 1_000_000 : 10_000_000;
  const classes = 10;
  const rows = n / classes;
  const only = process.env.KERNELS_BENCH_ONLY ? new RegExp(process.env.KERNELS_BENCH_ONLY, 'i') : null;
  const dir = join(ctx.workDir, 'kernels');
  const path = makeData(dir, n, rows, classes);
  const list = cases(n, rows, classes).filter((c) => only === null || only.test(c.name));
  const plan = {
    threads: ctx.threads,
    cases: list.map((c) => ({ ...c, args: c.args.map((a) => ({ ...a, path: path(a.data) })) })),
  };
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));

  const bundle = await bundleKernels(ctx.workDir);
  const childFile = join(ctx.workDir, 'kernels-child.cjs');
  writeFileSync(childFile, CHILD);
  const native = buildNative(ctx.workDir);
  const ours = lineWorker(process.execPath, [childFile, bundle, planFile], 'the Loss Lens side');
  const torch = lineWorker(ctx.python, ['-c', PYTHON, planFile], 'the PyTorch side');
  // Per case: rounds of (ours, torch) alternating, each a few timed runs; best over all.
  const rounds = ctx.quick ? 2 : 3;
  const per = 2;
  const measured = [];
  let oursRss = 0;
  let torchRss = 0;
  for (let index = 0; index < plan.cases.length; index++) {
    const m = { ours: {}, torch: {} };
    for (const grad of [false, true]) {
      const key = grad ? 'withGrad' : 'forward';
      for (let r = 0; r < rounds; r++) {
        for (const [side, worker] of [['ours', ours], ['torch', torch]]) {
          const got = await worker.request({ index, grad, repeats: per, warmup: r === 0 ? 1 : 0 });
          const prev = m[side][key];
          if (prev === undefined || got.seconds < prev.seconds) m[side][key] = got;
          if (side === 'ours') oursRss = Math.max(oursRss, got.maxRssKB);
          else torchRss = Math.max(torchRss, got.maxRssKB);
        }
        const c = plan.cases[index];
        if (!grad && c.native && native.exe) {
          const [x, y] = c.args.map((a) => a.path);
          const got = runNative(native.exe, c.native.kind, x, y, c.args[0].shape[0], per, c.native.param);
          if (m.native === undefined || got.seconds < m.native.seconds) m.native = got;
        }
      }
    }
    measured.push(m);
  }
  ours.close();
  torch.close();

  const rows_ = [];
  plan.cases.forEach((c, i) => {
    const o = measured[i].ours;
    const p = measured[i].torch;
    // torch sums float32 in float32 (pairwise), ours in float64: they agree to float32 rounding.
    if (!agree(o.forward.value, p.forward.value, 1e-4)) {
      throw new Error(`kernels bench: ${c.name}: Loss Lens gives ${o.forward.value}, torch ${p.forward.value}`);
    }
    if (!agree(o.withGrad.gradNorm, p.withGrad.gradNorm, 1e-3)) {
      throw new Error(`kernels bench: ${c.name}: gradient L1 norms differ (${o.withGrad.gradNorm} vs ${p.withGrad.gradNorm})`);
    }
    const items = c.args[c.gradOf ?? 0].shape.reduce((a, b) => a * b, 1);
    rows_.push({
      case: `${c.name} (${c.api})`,
      items,
      unit: 'elem',
      ours: { seconds: o.forward.seconds },
      peer: { name: 'PyTorch', seconds: p.forward.seconds },
      target: { ratio: 2 },
      extra: {
        'with gradient': `ours ${ms(o.withGrad.seconds)} (${rate(items, o.withGrad.seconds)}), PyTorch forward + backward ${ms(p.withGrad.seconds)} (${rate(items, p.withGrad.seconds)}): ${(p.withGrad.seconds / o.withGrad.seconds).toFixed(2)}×`,
      },
    });
    if (measured[i].native) {
      const r = measured[i].native;
      if (!agree(r.value, o.forward.value, 1e-12)) {
        throw new Error(`kernels bench: ${c.name}: the C loop gives ${r.value}, Loss Lens ${o.forward.value}`);
      }
      rows_.push({
        case: `${c.name}: against fused C`,
        items,
        unit: 'elem',
        ours: { seconds: o.forward.seconds },
        peer: { name: 'C -O3 -march=native', seconds: r.seconds },
        target: { ratio: 0.5 },
      });
    }
  });
  if (native.missing) notes.push(native.missing + '.');
  else if (!notes.some((n) => n.startsWith('C compiler:'))) notes.push(`C compiler: ${native.version}.`);
  const mb = (kb) => Math.round(kb / 1024);
  notes.push(`Peak resident memory over all cases (inputs of one case cached at a time): ours ${mb(oursRss)} MB, PyTorch ${mb(torchRss)} MB.`);
  return rows_;
}
