/**
 * TF Addons' mining losses (triplet_semihard_loss, triplet_hard_loss, lifted_struct_loss)
 * against the textbook definitions the catalog states, computed here by brute force over the
 * triplets and pairs with plain Euclidean/cosine distances (none of TF Addons' masking tricks),
 * and their gradients against a central difference of the kernels' own values. The parity
 * fixtures pin the exact TF Addons numbers; these tests pin that those numbers mean what the
 * catalog says.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type EvalRequest, type ValueAnswer, evaluate, isErrorAnswer } from '../../src/kernels/evaluate.js';

interface Wire {
  shape: number[];
  dtype: 'float64' | 'int64';
  data: number[];
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Batch {
  labels: number[];
  rows: number[][];
}

function batch(seed: number, n: number, dim: number, classes: number, normalise: boolean): Batch {
  const next = lcg(seed);
  const labels = Array.from({ length: n }, (_, i) => i % classes);
  const rows = labels.map(() => {
    const v = Array.from({ length: dim }, () => 2 * next() - 1);
    const norm = Math.hypot(...v);
    return normalise ? v.map((x) => x / norm) : v;
  });
  return { labels, rows };
}

const wireLabels = (b: Batch): Wire => ({ shape: [b.labels.length], dtype: 'int64', data: b.labels });
const wireRows = (rows: number[][]): Wire => ({ shape: [rows.length, rows[0]!.length], dtype: 'float64', data: rows.flat() });

function run(request: EvalRequest): ValueAnswer {
  const answer = evaluate(request);
  if (isErrorAnswer(answer)) throw new Error(`${request.api}: ${answer.error}`);
  return answer;
}

function euclid(a: number[], b: number[]): number {
  return Math.sqrt(a.reduce((s, x, k) => s + (x - b[k]!) ** 2, 0));
}

function angular(a: number[], b: number[]): number {
  const dot = a.reduce((s, x, k) => s + x * b[k]!, 0);
  return Math.max(1 - dot / (Math.hypot(...a) * Math.hypot(...b)), 1e-16);
}

type Dist = (a: number[], b: number[]) => number;
const METRICS: Record<string, Dist> = { L2: euclid, 'squared-L2': (a, b) => euclid(a, b) ** 2, angular };

/** FaceNet's semi-hard rule over every ordered anchor–positive pair. */
function semihardDefinition(b: Batch, margin: number, d: Dist): number {
  let total = 0;
  let pairs = 0;
  const n = b.labels.length;
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < n; p++) {
      if (p === a || b.labels[p] !== b.labels[a]) continue;
      const dap = d(b.rows[a]!, b.rows[p]!);
      const negatives = b.rows.filter((_, k) => b.labels[k] !== b.labels[a]).map((r) => d(b.rows[a]!, r));
      const farther = negatives.filter((x) => x > dap);
      const dan = farther.length > 0 ? Math.min(...farther) : Math.max(...negatives);
      total += Math.max(margin + dap - dan, 0);
      pairs++;
    }
  }
  return total / pairs;
}

/** Batch-hard: the farthest positive against the nearest negative, averaged over anchors. */
function hardDefinition(b: Batch, margin: number, soft: boolean, d: Dist): number {
  const n = b.labels.length;
  let total = 0;
  for (let a = 0; a < n; a++) {
    const others = b.rows.map((r, k) => ({ k, d: d(b.rows[a]!, r) })).filter((o) => o.k !== a);
    const hp = Math.max(...others.filter((o) => b.labels[o.k] === b.labels[a]).map((o) => o.d));
    const hn = Math.min(...others.filter((o) => b.labels[o.k] !== b.labels[a]).map((o) => o.d));
    total += soft ? Math.log1p(Math.exp(hp - hn)) : Math.max(hp - hn + margin, 0);
  }
  return total / n;
}

/** Oh Song et al.'s lifted structured loss over the unordered positive pairs. */
function liftedDefinition(b: Batch, margin: number): number {
  const n = b.labels.length;
  const negSum = (i: number): number =>
    b.rows.reduce((s, r, k) => (b.labels[k] !== b.labels[i] ? s + Math.exp(margin - euclid(b.rows[i]!, r)) : s), 0);
  let total = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (b.labels[i] !== b.labels[j]) continue;
      const J = Math.log(negSum(i) + negSum(j)) + euclid(b.rows[i]!, b.rows[j]!);
      total += Math.max(J, 0) ** 2;
      pairs++;
    }
  }
  return total / (2 * pairs);
}

function close(actual: number, expected: number, rtol: number, what: string): void {
  assert.ok(Number.isFinite(expected), `${what}: the definition is finite`);
  assert.ok(Math.abs(actual - expected) <= rtol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

describe('TF Addons mining losses match their definitions', () => {
  for (const seed of [1, 2, 3]) {
    const b = batch(seed, 9, 3, 3, true);
    for (const [metric, d] of Object.entries(METRICS)) {
      for (const margin of [0.2, 1.0]) {
        test(`triplet_semihard_loss, seed ${seed}, ${metric}, margin ${margin}`, () => {
          const v = run({ api: 'tfa.losses.triplet_semihard_loss', args: [wireLabels(b), wireRows(b.rows)], kwargs: { margin, distance_metric: metric } });
          close(v.data[0]!, semihardDefinition(b, margin, d), 1e-9, 'semihard');
        });
        for (const soft of [false, true]) {
          test(`triplet_hard_loss, seed ${seed}, ${metric}, margin ${margin}, soft ${soft}`, () => {
            const v = run({ api: 'tfa.losses.triplet_hard_loss', args: [wireLabels(b), wireRows(b.rows)], kwargs: { margin, soft, distance_metric: metric } });
            close(v.data[0]!, hardDefinition(b, margin, soft, d), 1e-9, 'hard');
          });
        }
      }
    }
    for (const margin of [0.5, 1.0, 3.0]) {
      test(`lifted_struct_loss, seed ${seed}, margin ${margin}`, () => {
        const raw = batch(seed + 10, 9, 3, 3, false);
        const v = run({ api: 'tfa.losses.lifted_struct_loss', args: [wireLabels(raw), wireRows(raw.rows)], kwargs: { margin } });
        close(v.data[0]!, liftedDefinition(raw, margin), 1e-9, 'lifted');
      });
    }
  }
});

describe('TF Addons mining losses: gradients against a central difference of the values', () => {
  const cases: { api: string; kwargs: Record<string, unknown>; normalise: boolean }[] = [
    { api: 'tfa.losses.triplet_semihard_loss', kwargs: { margin: 1.0 }, normalise: true },
    { api: 'tfa.losses.triplet_semihard_loss', kwargs: { distance_metric: 'angular' }, normalise: false },
    { api: 'tfa.losses.triplet_hard_loss', kwargs: { margin: 1.0, distance_metric: 'squared-L2' }, normalise: true },
    { api: 'tfa.losses.triplet_hard_loss', kwargs: { soft: true, distance_metric: 'angular' }, normalise: false },
    { api: 'tfa.losses.lifted_struct_loss', kwargs: { margin: 1.0 }, normalise: false },
  ];
  for (const c of cases) {
    test(`${c.api} ${JSON.stringify(c.kwargs)}`, () => {
      const b = batch(7, 8, 3, 3, c.normalise);
      const at = (rows: number[][]): number => run({ api: c.api, args: [wireLabels(b), wireRows(rows)], kwargs: c.kwargs }).data[0]!;
      const g = run({ api: c.api, args: [wireLabels(b), wireRows(b.rows)], kwargs: c.kwargs, grad: true }).grad!;
      assert.deepEqual(g.shape, [8, 3]);
      let nonZero = 0;
      for (let i = 0; i < 8; i++) {
        for (let k = 0; k < 3; k++) {
          const h = 1e-6;
          const shifted = (delta: number): number[][] => b.rows.map((r, ri) => r.map((x, ki) => (ri === i && ki === k ? x + delta : x)));
          const numeric = (at(shifted(h)) - at(shifted(-h))) / (2 * h);
          const analytic = g.data[i * 3 + k]!;
          if (analytic !== 0) nonZero++;
          assert.ok(Math.abs(analytic - numeric) <= 1e-5 * Math.max(1, Math.abs(numeric)), `∂/∂x[${i},${k}]: ${analytic} vs ${numeric}`);
        }
      }
      assert.ok(nonZero > 12, `the gradient should reach most embeddings (${nonZero} of 24 non-zero)`);
    });
  }
});

describe('TF Addons mining losses: arguments that cannot be computed', () => {
  test('a distance_metric that is not one of the three strings names the three and says why', () => {
    const b = batch(1, 4, 2, 2, true);
    const answer = evaluate({ api: 'tfa.losses.TripletHardLoss', init: { distance_metric: 'L1' }, args: [wireLabels(b), wireRows(b.rows)] });
    assert.ok(isErrorAnswer(answer));
    assert.match(answer.error, /'str' object is not callable/);
    assert.match(answer.error, /'L2', 'squared-L2' or 'angular'/);
  });
});
