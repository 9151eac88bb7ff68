/**
 * The regression APIs through `evaluate`: the cross-framework relations the catalog documents
 * (smooth L1 = Huber/β, optax l2_loss = ½ squared error, Keras' per-sample mean versus torch's
 * elementwise mean, empty batches, pinball at τ = ½, …), and for every computable regression
 * API a gradient check against a central difference of the kernel's own values plus per-sample
 * values consistent with the reduced value.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENTRIES } from '../../src/catalog/index.js';
import type { LossEntry } from '../../src/catalog/types.js';
import { type EvalRequest, type ValueAnswer, evaluate, isErrorAnswer } from '../../src/kernels/evaluate.js';
import { families } from '../../src/catalog/entries/regression/families.js';

interface Wire {
  shape: number[];
  dtype: 'float64' | 'int64';
  data: number[];
}

const f64 = (data: number[], shape: number[] = [data.length]): Wire => ({ shape, dtype: 'float64', data });

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function values(n: number, seed: number, lo: number, hi: number): number[] {
  const next = lcg(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * next());
}

function run(request: EvalRequest): ValueAnswer {
  const answer = evaluate(request);
  if (isErrorAnswer(answer)) throw new Error(`${request.api}: ${answer.error}`);
  return answer;
}

function data(request: EvalRequest): number[] {
  return Array.from(run(request).data);
}

function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-12): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (Number.isNaN(b)) assert.ok(Number.isNaN(a), `${what}[${i}]: ${a} should be NaN`);
    else assert.ok(Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b)), `${what}[${i}]: ${a} != ${b}`);
  }
}

const X = f64(values(12, 1, -3, 3), [4, 3]);
const Y = f64(values(12, 2, -1, 1), [4, 3]);

describe('cross-framework relations', () => {
  test('smooth_l1(β) = huber(δ = β) / β, elementwise', () => {
    for (const beta of [0.25, 1, 2.5]) {
      const smooth = data({ api: 'torch.nn.functional.smooth_l1_loss', args: [X, Y], kwargs: { reduction: 'none', beta } });
      const huber = data({ api: 'torch.nn.functional.huber_loss', args: [X, Y], kwargs: { reduction: 'none', delta: beta } });
      assertAllClose(smooth, huber.map((h) => h / beta), `β=${beta}`);
    }
  });

  test('torch, Keras and optax agree on elementwise Huber values', () => {
    const column = (w: Wire): Wire => ({ ...w, shape: [12, 1] });
    const torch = data({ api: 'torch.nn.HuberLoss', init: { reduction: 'none', delta: 0.7 }, args: [X, Y] });
    const optax = data({ api: 'optax.losses.huber_loss', args: [X, Y], kwargs: { delta: 0.7 } });
    // A last axis of 1 makes Keras' per-sample mean the elementwise value.
    const keras = data({ api: 'keras.losses.huber', args: [column(Y), column(X)], kwargs: { delta: 0.7 } });
    assertAllClose(optax, torch, 'optax');
    assertAllClose(keras, torch, 'keras');
  });

  test("Keras' per-sample mean then batch mean equals torch's elementwise mean for (N, D)", () => {
    for (const [kerasApi, torchApi] of [
      ['keras.losses.MeanSquaredError', 'torch.nn.MSELoss'],
      ['keras.losses.MeanAbsoluteError', 'torch.nn.L1Loss'],
      ['mae', 'torch.nn.functional.l1_loss'],
    ] as const) {
      const keras = data({ api: kerasApi, args: [Y, X] });
      const torch = data({ api: torchApi, args: [X, Y] });
      assertAllClose(keras, torch, kerasApi);
    }
  });

  test('optax l2_loss is half of squared_error; tf.nn.l2_loss of the residual is half the squared sum', () => {
    const squared = data({ api: 'optax.losses.squared_error', args: [X, Y] });
    assertAllClose(data({ api: 'optax.l2_loss', args: [X, Y] }), squared.map((s) => s / 2), 'l2_loss');
    const residual = f64(X.data.map((x, i) => x - Y.data[i]!), X.shape);
    const sum = data({ api: 'torch.nn.functional.mse_loss', args: [X, Y], kwargs: { reduction: 'sum' } })[0]!;
    assertAllClose(data({ api: 'tf.nn.l2_loss', args: [residual] }), [sum / 2], 'tf.nn.l2_loss');
  });

  test('an empty batch: NaN for torch mean, 0 for Keras sum_over_batch_size, untouched (0,) per-sample losses', () => {
    const empty = f64([], [2, 0, 3]);
    assert.ok(Number.isNaN(data({ api: 'torch.nn.functional.l1_loss', args: [empty, empty] })[0]!));
    assert.deepEqual(data({ api: 'keras.losses.MeanAbsoluteError', args: [empty, empty] }), [0]);
    const batch = run({ api: 'keras.losses.Huber', args: [f64([], [0, 3]), f64([], [0, 3])] });
    assert.deepEqual(batch.shape, [0]);
  });

  test('pinball at τ = ½ is half the absolute error', () => {
    const pinball = data({ api: 'tfa.losses.pinball_loss', args: [Y, X] });
    const mae = data({ api: 'keras.losses.mean_absolute_error', args: [Y, X] });
    assertAllClose(pinball, mae.map((m) => m / 2), 'τ = 0.5');
  });

  test('pinball charges τ per unit of under-prediction and 1 − τ per unit of over-prediction', () => {
    const under = data({ api: 'tfa.losses.pinball_loss', args: [f64([3]), f64([1])], kwargs: { tau: 0.9 } })[0]!;
    const over = data({ api: 'tfa.losses.pinball_loss', args: [f64([1]), f64([3])], kwargs: { tau: 0.9 } })[0]!;
    assertAllClose([under, over], [1.8, 0.2], 'asymmetry');
  });

  test('Gaussian NLL with unit variance is half the MSE', () => {
    const ones = f64(new Array(12).fill(1), [4, 3]);
    const nll = data({ api: 'torch.nn.functional.gaussian_nll_loss', args: [X, Y, ones] });
    const mse = data({ api: 'torch.nn.functional.mse_loss', args: [X, Y] });
    assertAllClose(nll, [mse[0]! / 2], 'var = 1');
  });

  test('Poisson on rates: torch (log_input=False, eps=1e-7) and Keras give the same mean', () => {
    const rates = f64(values(12, 3, 0.1, 4), [4, 3]);
    const counts: Wire = { shape: [4, 3], dtype: 'int64', data: [0, 1, 2, 3, 0, 5, 1, 1, 2, 7, 0, 4] };
    const torch = data({ api: 'torch.nn.PoissonNLLLoss', init: { log_input: false, eps: 1e-7 }, args: [rates, counts] });
    const keras = data({ api: 'keras.losses.Poisson', args: [counts, rates] });
    assertAllClose(keras, torch, 'rates');
  });

  test('Poisson on log-rates: tf.nn.log_poisson_loss matches torch except where Stirling masks differ', () => {
    const logRates = f64([0.3, -0.5, 1.2, 0.0, 2.0]);
    const counts = f64([0, 1, 3, 0.5, -2]);
    const tf = data({ api: 'tf.nn.log_poisson_loss', args: [counts, logRates], kwargs: { compute_full_loss: true } });
    const torch = data({ api: 'torch.nn.functional.poisson_nll_loss', args: [logRates, counts], kwargs: { full: true, reduction: 'none' } });
    assertAllClose(tf.slice(0, 4), torch.slice(0, 4), 'non-negative counts');
    // A negative count: torch masks Stirling's term (y ≤ 1), TensorFlow computes it (NaN).
    assert.ok(Number.isNaN(tf[4]!) && Number.isFinite(torch[4]!));
  });

  test('a pinned tf.keras 2 version changes rank handling: functions broadcast, classes squeeze', () => {
    const yTrue = f64([1, 2, 3]);
    const yPred = f64([1.5, 2, 2], [3, 1]);
    const keras3 = run({ api: 'keras.losses.mean_absolute_error', args: [yTrue, yPred] });
    const keras2 = run({ api: 'keras.losses.mean_absolute_error', args: [yTrue, yPred], version: '2.15' });
    assert.deepEqual(keras3.shape, [3]);
    assertAllClose(keras3.data, [0.5, 0, 1], 'Keras 3 aligns');
    assert.deepEqual(keras2.shape, [3]);
    // Row i compares prediction i with every target: |1 − 1.5|, |2 − 1.5|, |3 − 1.5| for the first.
    assertAllClose(keras2.data, [(0.5 + 0.5 + 1.5) / 3, (1 + 0 + 1) / 3, (1 + 0 + 1) / 3], 'Keras 2 broadcasts to (3, 3)');
    const none3 = run({ api: 'keras.losses.MeanAbsoluteError', init: { reduction: 'none' }, args: [yTrue, yPred] });
    const none2 = run({ api: 'keras.losses.MeanAbsoluteError', init: { reduction: 'none' }, args: [yTrue, yPred], version: '2.15' });
    assert.deepEqual([none3.shape, none2.shape], [[3], []]);
  });

  test('invalid arguments are errors with the framework wording, not exceptions', () => {
    const cases: [EvalRequest, RegExp][] = [
      [{ api: 'torch.nn.HuberLoss', init: { delta: 0 }, args: [X, Y] }, /non-positive values for delta/],
      [{ api: 'torch.nn.functional.smooth_l1_loss', args: [X, Y], kwargs: { beta: -1 } }, /negative values for beta/],
      [{ api: 'torch.nn.functional.poisson_nll_loss', args: [X, Y], kwargs: { reduction: 'avg' } }, /avg is not valid/],
      [{ api: 'torch.nn.functional.gaussian_nll_loss', args: [X, Y, f64([1, 1, 1])] }, /var is of incorrect size/],
      [{ api: 'optax.losses.squared_error', args: [X, f64([1, 2, 3])] }, /Shape mismatch: got \(4, 3\) and \(3,\)\./],
      [{ api: 'tfa.losses.PinballLoss', init: { reduction: 'mean' }, args: [Y, X] }, /Invalid Reduction Key: mean/],
      [{ api: 'keras.losses.LogCosh', args: [f64([1], []), f64([2], [])] }, /Invalid reduction dimension -1/],
    ];
    for (const [request, message] of cases) {
      const answer = evaluate(request);
      assert.ok(isErrorAnswer(answer), `${request.api} should fail`);
      assert.match(answer.error, message);
    }
  });
});

// ------------------------------------------------------------------ gradients and per-sample

const REGRESSION_FAMILIES = new Set(families.map((f) => f.id));

/** A smooth, valid call of an API (positive rates and counts where the loss needs them). */
function requestFor(entry: LossEntry, prediction: number[]): EvalRequest {
  const names = [...(entry.init ?? []), ...entry.call].map((p) => p.name);
  const positive = entry.input === 'positive-real' || entry.input === 'log-rate' ? entry.input : 'real';
  const pred = f64(prediction, [3, 4]);
  const target = entry.target.includes('counts')
    ? f64([0, 1, 2, 3, 1, 0, 4, 2, 1, 3, 0, 2], [3, 4])
    : f64(values(12, 11, positive === 'positive-real' ? 0.2 : -1, 2), [3, 4]);
  const kwargs: Record<string, unknown> = {};
  if (names.includes('input')) {
    kwargs.input = pred;
    kwargs.target = target;
    if (names.includes('var')) kwargs.var = f64(values(12, 12, 0.5, 2), [3, 4]);
  } else if (names.includes('y_pred')) {
    kwargs.y_pred = pred;
    kwargs.y_true = target;
  } else if (names.includes('predictions')) {
    kwargs.predictions = pred;
    kwargs.targets = target;
  } else if (names.includes('log_input')) {
    kwargs.log_input = pred;
    kwargs.targets = target;
  } else {
    kwargs.t = pred;
  }
  // Class entries take their call arguments as kwargs too; the binder merges them.
  return { api: entry.id, kwargs, grad: true, per_sample: true };
}

function predictionFor(entry: LossEntry): number[] {
  // Rates for the positive losses; values away from the kinks (|e| ≠ δ, e ≠ 0) for the rest.
  if (entry.input === 'positive-real') return values(12, 21, 0.3, 3);
  return values(12, 22, -2.5, 2.5);
}

describe('every regression API: gradient and per-sample values', () => {
  const entries = ENTRIES.filter((e) => e.kernel.computed && REGRESSION_FAMILIES.has(e.family));

  test('the regression catalog is covered', () => {
    assert.ok(entries.length >= 40, `only ${entries.length} regression entries`);
  });

  for (const entry of entries) {
    test(entry.id, () => {
      const prediction = predictionFor(entry);
      const answer = run(requestFor(entry, prediction));
      assert.ok(answer.grad, 'gradient missing');
      assert.ok(answer.per_sample, 'per-sample values missing');
      assert.deepEqual(answer.grad.shape, [3, 4]);
      const total = (p: number[]) => data({ ...requestFor(entry, p), grad: false, per_sample: false }).reduce((a, b) => a + b, 0);
      for (let i = 0; i < prediction.length; i++) {
        const h = 1e-6 * Math.max(1, Math.abs(prediction[i]!));
        const up = prediction.slice();
        const down = prediction.slice();
        up[i]! += h;
        down[i]! -= h;
        const numeric = (total(up) - total(down)) / (2 * h);
        const analytic = answer.grad.data[i]!;
        assert.ok(Math.abs(numeric - analytic) <= 1e-5 * Math.max(1, Math.abs(analytic)), `grad[${i}]: ${analytic} vs central difference ${numeric}`);
      }
      // With the default reduction, the value is the sum or mean of the per-sample values.
      const perSample = Array.from(answer.per_sample.data);
      const sum = perSample.reduce((a, b) => a + b, 0);
      const value = Array.from(answer.data);
      const reduced = value.length === 1 && perSample.length > 1;
      if (reduced) assert.ok([sum, sum / perSample.length].some((s) => Math.abs(s - value[0]!) <= 1e-12 * Math.max(1, Math.abs(s))));
      else assertAllClose(value, perSample, 'unreduced value');
    });
  }
});
