/**
 * Segmentation kernels checked against themselves and against the identities their sources
 * imply: gradients against a central difference of the kernel's own value (Lovász included,
 * away from ties), Dice = Tversky(½, ½) and Jaccard = Tversky(1, 1) in smp, the pre-0.4 smp
 * intersection agreeing with the new one exactly for hard targets and not for soft ones,
 * Keras' Tversky alpha weighting the false negatives, the per-class / per-image values the
 * reductions average, and the empty-mask policies that set the frameworks apart.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate, isErrorAnswer, type EvalRequest, type ValueAnswer } from '../../src/kernels/evaluate.js';

type Arr = { shape: number[]; dtype: 'float64' | 'int64'; data: number[] };

function f64(shape: number[], data: number[]): Arr {
  return { shape, dtype: 'float64', data };
}

function i64(shape: number[], data: number[]): Arr {
  return { shape, dtype: 'int64', data };
}

/** Deterministic pseudo-random numbers (LCG), so the inputs have no ties. */
function randoms(n: number, seed: number, scale = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

function run(req: EvalRequest): ValueAnswer {
  const a = evaluate(req);
  if (isErrorAnswer(a)) throw new Error(`${req.api}: ${a.error}`);
  return a;
}

function value(req: EvalRequest): number {
  return Array.from(run(req).data).reduce((s, v) => s + v, 0);
}

/** Checks ∂(Σ value)/∂(args[predIndex]) against a central difference. */
function checkGradient(req: EvalRequest, predIndex: number, tol = 1e-6): void {
  const answer = run({ ...req, grad: true });
  const grad = Array.from(answer.grad!.data);
  const pred = req.args![predIndex] as Arr;
  for (let i = 0; i < pred.data.length; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(pred.data[i]!));
    const at = (d: number) => {
      const data = [...pred.data];
      data[i]! += d;
      const args = [...req.args!];
      args[predIndex] = { ...pred, data };
      return value({ ...req, args });
    };
    const numeric = (at(h) - at(-h)) / (2 * h);
    assert.ok(Math.abs(numeric - grad[i]!) <= tol * Math.max(1, Math.abs(numeric)), `${req.api} grad[${i}]: ${grad[i]} vs central difference ${numeric}`);
  }
}

const SMP = 'segmentation_models_pytorch.losses.';
const logits = f64([2, 3, 2, 2], randoms(24, 7, 2));
const labels = i64([2, 2, 2], [0, 1, 2, 1, 2, 2, 0, 1]);
const binLogits = f64([2, 1, 2, 3], randoms(12, 11, 2));
const binMask = f64([2, 1, 2, 3], [1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1]);

describe('smp overlap losses', () => {
  test('gradients match a central difference in every mode, with smoothing, log_loss and ignore_index', () => {
    checkGradient({ api: `${SMP}DiceLoss`, init: { mode: 'multiclass', smooth: 0.3 }, args: [logits, labels] }, 0);
    checkGradient({ api: `${SMP}JaccardLoss`, init: { mode: 'binary', log_loss: true }, args: [binLogits, binMask] }, 0);
    checkGradient({ api: `${SMP}TverskyLoss`, init: { mode: 'multilabel', alpha: 0.2, beta: 0.9, gamma: 1.7 }, args: [binLogits, binMask] }, 0);
    const ignored = i64([2, 2, 2], [0, 255, 2, 1, 255, 2, 0, 1]);
    checkGradient({ api: `${SMP}DiceLoss`, init: { mode: 'multiclass', ignore_index: 255, classes: [1, 2] }, args: [logits, ignored] }, 0);
  });

  test('Dice is Tversky with alpha = beta = 1/2 and Jaccard is Tversky with alpha = beta = 1', () => {
    const call = (api: string, init: Record<string, unknown>) => value({ api: `${SMP}${api}`, init: { mode: 'multiclass', smooth: 0.7, ...init }, args: [logits, labels] });
    assert.ok(Math.abs(call('DiceLoss', {}) - call('TverskyLoss', { alpha: 0.5, beta: 0.5 })) < 1e-15);
    assert.ok(Math.abs(call('JaccardLoss', {}) - call('TverskyLoss', { alpha: 1, beta: 1 })) < 1e-15);
  });

  test('the pre-0.4 intersection agrees with the L1 one for hard targets (smooth 0) and differs for soft targets', () => {
    const hard = { api: `${SMP}DiceLoss`, init: { mode: 'binary' }, args: [binLogits, binMask] };
    assert.ok(Math.abs(value(hard) - value({ ...hard, version: '0.3.3' })) < 1e-12);
    const soft = { ...hard, args: [binLogits, f64([2, 1, 2, 3], randoms(12, 3).map((v) => Math.abs(v)))] };
    assert.ok(Math.abs(value(soft) - value({ ...soft, version: '0.3.3' })) > 1e-3);
    // With smooth, 0.4 adds it to (I + s)/(½ΣP + ½ΣT + s): twice the weight of (2I + s)/(ΣP + ΣT + s).
    const smoothed = { ...hard, init: { mode: 'binary', smooth: 1 } };
    assert.ok(value(smoothed) < value({ ...smoothed, version: '0.3.3' }));
  });

  test('per-class values are what the mean averages, and an absent class is 0 but still counted', () => {
    const noClass2 = i64([2, 2, 2], [0, 1, 1, 1, 0, 0, 0, 1]);
    const a = run({ api: `${SMP}DiceLoss`, init: { mode: 'multiclass' }, args: [logits, noClass2], per_sample: true });
    const per = Array.from(a.per_sample!.data);
    assert.equal(per.length, 3);
    assert.equal(per[2], 0);
    assert.ok(Math.abs(a.data[0]! - (per[0]! + per[1]!) / 3) < 1e-15);
  });

  test('an all-empty target gives 0 in smp, 1 in Keras and 0 in optax (smooth 1)', () => {
    const zeros = f64([1, 1, 2, 2], [0, 0, 0, 0]);
    assert.equal(value({ api: `${SMP}DiceLoss`, init: { mode: 'binary', from_logits: false }, args: [zeros, zeros] }), 0);
    assert.ok(Math.abs(value({ api: 'keras.losses.Dice', args: [zeros, zeros] }) - 1) < 1e-15);
    assert.equal(value({ api: 'optax.losses.binary_dice_loss', args: [f64([1, 4], [-1e4, -1e4, -1e4, -1e4]), f64([1, 4], [0, 0, 0, 0])] }), 0);
  });
});

describe('smp LovaszLoss and MCCLoss', () => {
  test('Lovász gradients match a central difference away from ties (hinge, per image, softmax)', () => {
    checkGradient({ api: `${SMP}LovaszLoss`, init: { mode: 'binary' }, args: [binLogits, binMask] }, 0, 1e-5);
    checkGradient({ api: `${SMP}LovaszLoss`, init: { mode: 'multilabel', per_image: true }, args: [binLogits, binMask] }, 0, 1e-5);
    checkGradient({ api: `${SMP}LovaszLoss`, init: { mode: 'multiclass', per_image: true }, args: [logits, labels] }, 0, 1e-5);
  });

  test('the Lovász hinge of a perfectly separated mask with margin is 0, and per-image values average to the loss', () => {
    const sep = f64([1, 4], [3, -3, 2, -2]);
    assert.equal(value({ api: `${SMP}LovaszLoss`, init: { mode: 'binary' }, args: [sep, f64([1, 4], [1, 0, 1, 0])] }), 0);
    const a = run({ api: `${SMP}LovaszLoss`, init: { mode: 'binary', per_image: true }, args: [binLogits, binMask], per_sample: true });
    const per = Array.from(a.per_sample!.data);
    assert.ok(Math.abs(a.data[0]! - (per[0]! + per[1]!) / 2) < 1e-15);
  });

  test('MCC is 0 for a perfect hard prediction (up to eps) and 2 for the inverted one, with exact gradients', () => {
    const y = f64([1, 4], [1, 0, 1, 0]);
    assert.ok(value({ api: `${SMP}MCCLoss`, init: { eps: 0 }, args: [y, y] }) < 1e-15);
    assert.ok(Math.abs(value({ api: `${SMP}MCCLoss`, init: { eps: 0 }, args: [f64([1, 4], [0, 1, 0, 1]), y] }) - 2) < 1e-15);
    checkGradient({ api: `${SMP}MCCLoss`, args: [f64([2, 1, 3], randoms(6, 5).map((v) => 0.5 + 0.4 * v)), f64([2, 1, 3], [1, 0, 1, 1, 0, 0])] }, 0);
  });
});

describe('Keras and optax overlap losses', () => {
  test("Keras Tversky's alpha weights the false negatives: alpha = 1, beta = 0 is recall", () => {
    const yTrue = f64([1, 4], [1, 1, 0, 0]);
    const yPred = f64([1, 4], [0.9, 0.1, 0.8, 0.0]);
    const recallLoss = 1 - 1.0 / 2; // I = 1.0 (0.9 + 0.1), Σy = 2
    assert.ok(Math.abs(value({ api: 'keras.losses.tversky', args: [yTrue, yPred], kwargs: { alpha: 1, beta: 0 } }) - recallLoss) < 1e-6);
    checkGradient({ api: 'keras.losses.Tversky', init: { alpha: 0.3, beta: 0.8, axis: 1 }, args: [f64([2, 3], [1, 0, 1, 0, 1, 1]), f64([2, 3], [0.3, 0.6, 0.9, 0.2, 0.5, 0.7])] }, 1);
  });

  test('optax dice_loss gradients (softmax, class weights, background cut) match a central difference', () => {
    const onehot = f64([2, 2, 2, 3], Array.from({ length: 8 }, (_, i) => [0, 1, 2].map((c) => ((i * 7) % 3 === c ? 1 : 0))).flat());
    const x = f64([2, 2, 2, 3], randoms(24, 13, 2));
    checkGradient({ api: 'optax.losses.dice_loss', args: [x, onehot], kwargs: { class_weights: f64([3], [0.5, 1, 2]), alpha: 0.2, beta: 0.6, ignore_background: true } }, 0);
    checkGradient({ api: 'optax.losses.multiclass_generalized_dice_loss', args: [x, onehot] }, 0);
  });
});
