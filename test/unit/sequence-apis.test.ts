/**
 * The sequence APIs through `evaluate`, for what the torch-generated fixtures cannot show:
 * the zero-frame rule Loss Lens adopts from newer torch (1.13 reads out of bounds there),
 * the inputs Loss Lens refuses where torch returns garbage, cross-framework relations the
 * catalog states (torch on log_softmax = tf.nn on logits; Keras = tf.nn with blank 0 and all
 * frames; optax = the exact CTC on possible alignments, finite on impossible ones), and
 * gradients against central differences of the kernels' own values.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type EvalRequest, type ValueAnswer, evaluate, isErrorAnswer } from '../../src/kernels/evaluate.js';

interface Wire {
  shape: number[];
  dtype: 'float64' | 'float32' | 'int64';
  data: number[];
}

const f64 = (data: number[], shape: number[]): Wire => ({ shape, dtype: 'float64', data });
const f32 = (data: number[], shape: number[]): Wire => ({ shape, dtype: 'float32', data });
const i64 = (data: number[], shape: number[] = [data.length]): Wire => ({ shape, dtype: 'int64', data });

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomLogits(n: number, seed: number): number[] {
  const next = lcg(seed);
  // float32-representable, so float32 (tf.nn) and float64 (torch, optax) inputs hold the same values.
  return Array.from({ length: n }, () => Math.fround(3 * next() - 1.5));
}

/** log_softmax over the last axis of (rows, C). */
function logSoftmax(x: number[], C: number): number[] {
  const outv: number[] = [];
  for (let r = 0; r < x.length / C; r++) {
    const row = x.slice(r * C, (r + 1) * C);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    for (const v of row) outv.push(v - lse);
  }
  return outv;
}

function run(request: EvalRequest): ValueAnswer {
  const answer = evaluate(request);
  if (isErrorAnswer(answer)) throw new Error(`${request.api}: ${answer.error}`);
  return answer;
}

function errorOf(request: EvalRequest): string {
  const answer = evaluate(request);
  assert.ok(isErrorAnswer(answer), `${request.api} should fail`);
  return answer.error;
}

/** The numbers of an answer tensor (a typed array or a JSON list). */
function vals(x: unknown): number[] {
  return Array.from(x as ArrayLike<number>);
}

function sum(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]!;
  return s;
}

/** Central-difference gradient of Σ value with respect to args[index]. */
function numericGrad(request: EvalRequest, index: number, h = 1e-5): number[] {
  const args = request.args as Wire[];
  const x = args[index]!;
  return x.data.map((_, i) => {
    const at = (d: number): number => {
      const data = x.data.slice();
      data[i]! += d;
      const next = args.slice();
      next[index] = { ...x, data };
      return sum(vals(run({ ...request, args: next, grad: false }).data));
    };
    return (at(h) - at(-h)) / (2 * h);
  });
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}[${i}]: ${a} vs ${b}`);
  }
}

const T = 5;
const N = 2;
const C = 4;
const logitsTNC = randomLogits(T * N * C, 7);
const lpTNC = logSoftmax(logitsTNC, C);
const targets = i64([1, 2, 3, 3], [2, 2]);

describe('torch CTC', () => {
  test('zero frames: 0 for an empty target, +inf otherwise, 0 again with zero_infinity', () => {
    const base = { api: 'torch.nn.functional.ctc_loss', kwargs: { reduction: 'none' } };
    const r = run({ ...base, args: [f64(lpTNC, [T, N, C]), targets, [0, 0], [0, 2]] });
    assert.deepEqual(vals(r.data), [0, Infinity]);
    const z = run({ ...base, args: [f64(lpTNC, [T, N, C]), targets, [0, 0], [0, 2]], kwargs: { reduction: 'none', zero_infinity: true } });
    assert.deepEqual(vals(z.data), [0, 0]);
  });

  test('an empty target scores the all-blank path', () => {
    const r = run({ api: 'torch.nn.functional.ctc_loss', args: [f64(lpTNC, [T, N, C]), targets, [4, 5], [0, 0]], kwargs: { blank: 3, reduction: 'none' } });
    let path0 = 0;
    for (let t = 0; t < 4; t++) path0 -= lpTNC[t * N * C + 3]!;
    assert.ok(Math.abs(vals(r.data)[0]! - path0) < 1e-12);
  });

  test('refuses what torch 1.13 computes out of bounds', () => {
    const lp = f64(lpTNC, [T, N, C]);
    assert.match(errorOf({ api: 'torch.nn.functional.ctc_loss', args: [lp, targets, [5, 5], [2, -1]] }), /negative target length/);
    assert.match(errorOf({ api: 'torch.nn.functional.ctc_loss', args: [lp, i64([1, 7, 3, 3], [2, 2]), [5, 5], [2, 2]] }), /target 7 of sequence 0 is outside \[0, 4\)/);
  });

  test('gradient: exp(lp) − posterior, rows sum to zero, zero beyond input length, equal to the logits derivative', () => {
    const request: EvalRequest = { api: 'torch.nn.functional.ctc_loss', args: [f64(lpTNC, [T, N, C]), targets, [5, 3], [2, 2]], kwargs: { reduction: 'sum' }, grad: true };
    const g = vals(run(request).grad!.data);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < N; b++) {
        const row = g.slice((t * N + b) * C, (t * N + b + 1) * C);
        if (b === 1 && t >= 3) assert.deepEqual(row, [0, 0, 0, 0]);
        else assert.ok(Math.abs(sum(row)) < 1e-12, `row (${t}, ${b}) sums to ${sum(row)}`);
      }
    }
    // torch's gradient is the derivative with respect to the logits under log_softmax: the same
    // loss as tf.nn.ctc_loss on the logits, differentiated numerically through log_softmax.
    const tf: EvalRequest = { api: 'tf.nn.ctc_loss', args: [targets, f32(logitsTNC, [T, N, C]), i64([2, 2]), i64([5, 3])], grad: true };
    assertClose(vals(run(tf).data), vals(run({ ...request, kwargs: { reduction: 'none' } }).data), 1e-12, 'tf = torch on log_softmax');
    const h = 1e-5;
    const lossAt = (x: number[]): number =>
      sum(vals(run({ ...request, args: [f64(logSoftmax(x, C), [T, N, C]), targets, [5, 3], [2, 2]], grad: false }).data));
    const numeric = logitsTNC.map((_, i) => {
      const plus = logitsTNC.slice();
      const minus = logitsTNC.slice();
      plus[i]! += h;
      minus[i]! -= h;
      return (lossAt(plus) - lossAt(minus)) / (2 * h);
    });
    assertClose(g, numeric, 1e-7, 'numeric logits gradient');
  });

  test("'mean' divides each sequence by its clamped target length", () => {
    const args = [f64(lpTNC, [T, N, C]), targets, [5, 5], [2, 0]];
    const none = vals(run({ api: 'torch.nn.CTCLoss', init: { reduction: 'none' }, args }).data);
    const mean = vals(run({ api: 'torch.nn.CTCLoss', args }).data);
    assert.ok(Math.abs(mean[0]! - (none[0]! / 2 + none[1]! / 1) / 2) < 1e-12);
  });
});

describe('Keras, tf.nn and optax CTC', () => {
  const B = 2;
  const Tb = 6;
  const logitsBTC = randomLogits(B * Tb * C, 11);
  const yTrue = i64([1, 2, 2, 0, 3, 0, 0, 0], [2, 4]);

  test('keras.losses.ctc = tf.nn.ctc_loss with blank 0, non-zero label count and every frame', () => {
    const keras = vals(run({ api: 'keras.losses.ctc', args: [yTrue, f64(logitsBTC, [B, Tb, C])] }).data);
    const tf = vals(run({
      api: 'tf.nn.ctc_loss',
      args: [yTrue, f32(logitsBTC, [B, Tb, C]), i64([3, 1]), i64([Tb, Tb])],
      kwargs: { logits_time_major: false },
    }).data);
    assertClose(keras, tf, 1e-14, 'keras vs tf');
  });

  test('Keras class gradient follows sample_weight and the reduction', () => {
    const request: EvalRequest = {
      api: 'keras.losses.CTC',
      init: { reduction: 'sum' },
      args: [yTrue, f64(logitsBTC, [B, Tb, C]), f64([0.25, 3], [2])],
      grad: true,
    };
    assertClose(vals(run(request).grad!.data), numericGrad(request, 1), 1e-7, 'keras class gradient');
  });

  test('optax equals the exact CTC when every alignment is possible, and is finite when none is', () => {
    const labels = i64([1, 2, 2, 3, 0, 0], [2, 3]);
    const labelPad = f64([0, 0, 0, 0, 1, 1], [2, 3]);
    const logitPad = f64([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], [2, Tb]);
    const optax = vals(run({ api: 'optax.losses.ctc_loss', args: [f64(logitsBTC, [B, Tb, C]), logitPad, labels, labelPad] }).data);
    const tf = vals(run({
      api: 'tf.nn.ctc_loss',
      args: [labels, f32(logitsBTC, [B, Tb, C]), i64([3, 1]), i64([6, 4])],
      kwargs: { logits_time_major: false },
    }).data);
    // log_epsilon = −1e5 stands in for log 0: the difference is below e^−1e5 in exact arithmetic.
    assertClose(optax, tf, 1e-12, 'optax vs tf');
    const impossiblePad = f64([0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], [2, Tb]);
    const request: EvalRequest = { api: 'optax.losses.ctc_loss', args: [f64(logitsBTC, [B, Tb, C]), impossiblePad, labels, labelPad], grad: true };
    const r = run(request);
    const v = vals(r.data);
    assert.ok(Number.isFinite(v[0]!) && v[0]! > 1e5 * 0.99, `impossible alignment gives a large finite loss, got ${v[0]}`);
    assertClose(vals(r.grad!.data), numericGrad(request, 0, 1e-4), 1e-5, 'optax gradient');
  });

  test('optax refuses a blank_id outside the classes and zero frames', () => {
    const labels = i64([1, 2], [1, 2]);
    const pad2 = f64([0, 0], [1, 2]);
    assert.match(errorOf({ api: 'optax.losses.ctc_loss', args: [f64(randomLogits(3 * C, 3), [1, 3, C]), f64([0, 0, 0], [1, 3]), labels, pad2], kwargs: { blank_id: C } }), /blank_id 4/);
    assert.match(errorOf({ api: 'optax.losses.ctc_loss', args: [f64([], [1, 0, C]), f64([], [1, 0]), labels, pad2] }), /at least one frame/);
  });
});

describe('TF Addons sequence loss', () => {
  const B = 2;
  const Tt = 3;
  const V = 4;
  const logits = f64(randomLogits(B * Tt * V, 5), [B, Tt, V]);
  const targets = i64([1, 0, 3, 2, 2, 0], [B, Tt]);
  const weights = f64([1, 0.5, 0, 2, 1, 1], [B, Tt]);

  test('function and class defaults differ exactly by Σw versus count_nonzero(w)', () => {
    const fn = vals(run({ api: 'tfa.seq2seq.sequence_loss', args: [logits, targets, weights] }).data);
    const cls = vals(run({ api: 'tfa.seq2seq.SequenceLoss', args: [targets, logits, weights] }).data);
    assert.ok(Math.abs(fn[0]! * 5.5 - cls[0]! * 5) < 1e-12, `${fn[0]} · Σw = ${cls[0]} · nonzero`);
  });

  test('gradients of every reduction match central differences', () => {
    const flags = ['average_across_timesteps', 'average_across_batch', 'sum_over_timesteps', 'sum_over_batch'];
    for (const on of [[0, 1], [0], [1], [2, 3], [2], [3], []]) {
      const kwargs = Object.fromEntries(flags.map((f, i) => [f, on.includes(i)]));
      const request: EvalRequest = { api: 'tfa.seq2seq.sequence_loss', args: [logits, targets, weights], kwargs, grad: true };
      assertClose(vals(run(request).grad!.data), numericGrad(request, 0), 1e-7, `flags ${on.join(',')}`);
    }
  });

  test('a custom softmax_loss_function is refused, not ignored', () => {
    const answer = evaluate({ api: 'tfa.seq2seq.sequence_loss', args: [logits, targets, weights], kwargs: { softmax_loss_function: 'my_loss' } });
    assert.ok(isErrorAnswer(answer));
  });
});
