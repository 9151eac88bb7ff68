/**
 * Keras 3 margin-group losses as the TensorFlow backend computes them: kl_divergence, hinge,
 * squared_hinge, categorical_hinge and cosine_similarity, each as a function (per-sample
 * values), a class (rank alignment, sample_weight, reduction) and a compile() string.
 *
 * The per-sample losses reduce the last axis (cosine_similarity: `axis`) of the broadcast of
 * y_true and y_pred; gradients are taken with respect to y_pred and summed back over any
 * broadcast dimension. TensorFlow's gradient conventions are kept: clip_by_value passes the
 * gradient on its bounds, maximum passes it to the first argument at a tie, and reduce_max
 * shares it between tied maxima.
 */
import type { ApiImpl, KernelResult, Want } from '../api.js';
import { Args } from '../args.js';
import { type ClassLayout, layoutAt, normalizeAxisNumpy, scaleByPosition } from '../classification/layout.js';
import { kerasSameRank } from '../pointwise.js';
import { checkKerasReduction, reduceKeras } from '../reduce.js';
import { LossError, type NumericArray, type Tensor, numel, out } from '../tensor.js';
import { broadcastTf, gatherTo, sumToShape } from './common.js';

const EPSILON = 1e-7; // keras.config.epsilon()

interface PerSampleResult {
  layout: ClassLayout;
  /** Shape the computation ran on (the broadcast of y_true and y_pred). */
  fullShape: number[];
  values: Float64Array;
  /** ∂value/∂y_pred over fullShape, or null. */
  grad: Float64Array | null;
  /** Shape of the y_pred operand the loss saw (after any rank alignment). */
  predShape: readonly number[];
}

type PerSample = (a: Args, yTrue: Tensor, yPred: Tensor, want: Want) => PerSampleResult;

interface Operands {
  shape: number[];
  layout: ClassLayout;
  t: NumericArray;
  p: NumericArray;
}

/** Broadcasts y_true against y_pred (TensorFlow's rules) and views the result with `axis` as the reduced axis. */
function operands(yTrue: Tensor, yPred: Tensor, axis = -1): Operands {
  const shape = broadcastTf(yTrue.shape, yPred.shape);
  if (shape.length === 0) {
    throw new LossError(`Invalid reduction dimension ${axis} for input with 0 dimensions. for 'Sum' (op: 'Sum') with input shapes: [], [].`);
  }
  const layout = layoutAt(shape, normalizeAxisNumpy(axis, shape.length));
  return { shape, layout, t: gatherTo(yTrue, shape), p: gatherTo(yPred, shape) };
}

function forEachPosition(layout: ClassLayout, fn: (position: number, base: number, stride: number) => void): void {
  const { outer, classes: C, inner } = layout;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) fn(o * inner + i, o * C * inner + i, inner);
}

// ------------------------------------------------------------------------------- per-sample losses

/** Σ clip(t)·log(clip(t)/clip(p)) over the last axis, clip to [1e-7, 1]. */
const klPerSample: PerSample = (_a, yTrue, yPred, want) => {
  const { shape, layout, t, p } = operands(yTrue, yPred);
  const values = new Float64Array(layout.outer * layout.inner);
  const grad = want.grad ? new Float64Array(numel(shape)) : null;
  const clip = (v: number) => (v < EPSILON ? EPSILON : v > 1 ? 1 : v);
  forEachPosition(layout, (pos, base, stride) => {
    let s = 0;
    for (let c = 0; c < layout.classes; c++) {
      const k = base + c * stride;
      const tc = clip(t[k]!);
      const pk = p[k]!;
      const pc = clip(pk);
      s += tc * Math.log(tc / pc);
      if (grad !== null) grad[k] = pk >= EPSILON && pk <= 1 ? -tc / pc : 0;
    }
    values[pos] = s;
  });
  return { layout, fullShape: shape, values, grad, predShape: yPred.shape };
};

/** Keras' convert_binary_labels_to_hinge: 2y − 1 when every label is 0 or 1, else unchanged. */
function hingeLabels(t: NumericArray): NumericArray {
  for (let i = 0; i < t.length; i++) if (t[i] !== 0 && t[i] !== 1) return t;
  const y = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) y[i] = 2 * t[i]! - 1;
  return y;
}

function hingePerSample(squared: boolean): PerSample {
  return (_a, yTrue, yPred, want) => {
    const { shape, layout, t: raw, p } = operands(yTrue, yPred);
    const t = hingeLabels(raw);
    const C = layout.classes;
    const values = new Float64Array(layout.outer * layout.inner);
    const grad = want.grad ? new Float64Array(numel(shape)) : null;
    forEachPosition(layout, (pos, base, stride) => {
      let s = 0;
      for (let c = 0; c < C; c++) {
        const k = base + c * stride;
        const z = 1 - t[k]! * p[k]!;
        // tf.maximum(z, 0) keeps NaN and gives the gradient to z at a tie.
        const h = z > 0 ? z : z === z ? 0 : z;
        s += squared ? h * h : h;
        if (grad !== null) grad[k] = z >= 0 ? (squared ? -2 * h * t[k]! : -t[k]!) / C : 0;
      }
      values[pos] = s / C;
    });
    return { layout, fullShape: shape, values, grad, predShape: yPred.shape };
  };
}

/** max(0, max((1 − y)·x) − Σ y·x + 1) over the last axis. */
const categoricalHingePerSample: PerSample = (_a, yTrue, yPred, want) => {
  const { shape, layout, t, p } = operands(yTrue, yPred);
  const C = layout.classes;
  if (C === 0) throw new LossError('Can not reduce_max over an empty axis (TensorFlow returns -inf there).');
  const values = new Float64Array(layout.outer * layout.inner);
  const grad = want.grad ? new Float64Array(numel(shape)) : null;
  forEachPosition(layout, (pos, base, stride) => {
    let posSum = 0;
    let neg = -Infinity;
    for (let c = 0; c < C; c++) {
      const k = base + c * stride;
      posSum += t[k]! * p[k]!;
      const m = (1 - t[k]!) * p[k]!;
      if (m > neg || m !== m) neg = m;
    }
    const z = neg - posSum + 1;
    values[pos] = z > 0 ? z : z === z ? 0 : z;
    if (grad === null) return;
    let ties = 0;
    for (let c = 0; c < C; c++) if ((1 - t[base + c * stride]!) * p[base + c * stride]! === neg) ties++;
    for (let c = 0; c < C; c++) {
      const k = base + c * stride;
      if (!(z >= 0)) {
        grad[k] = 0;
        continue;
      }
      const isMax = (1 - t[k]!) * p[k]! === neg ? 1 / ties : 0;
      grad[k] = (1 - t[k]!) * isMax - t[k]!;
    }
  });
  return { layout, fullShape: shape, values, grad, predShape: yPred.shape };
};

/**
 * −Σ n(y_true)·n(y_pred) along `axis`, n(v) = v·min(rsqrt(Σv²), 1/ε). Below the floor the
 * factor is a constant; for an exactly zero y_pred the TensorFlow gradient is NaN (the
 * backward of rsqrt at 0 multiplies 0 by ∞).
 */
const cosinePerSample: PerSample = (a, yTrueIn, yPredIn, want) => {
  const [yTrue, yPred] = kerasSameRank(yTrueIn, yPredIn);
  const { shape, layout, t, p } = operands(yTrue, yPred, a.int('axis'));
  const C = layout.classes;
  const values = new Float64Array(layout.outer * layout.inner);
  const grad = want.grad ? new Float64Array(numel(shape)) : null;
  const cap = 1 / EPSILON;
  forEachPosition(layout, (pos, base, stride) => {
    let st = 0;
    let sp = 0;
    let dot = 0;
    for (let c = 0; c < C; c++) {
      const k = base + c * stride;
      st += t[k]! * t[k]!;
      sp += p[k]! * p[k]!;
      dot += t[k]! * p[k]!;
    }
    const it = Math.min(1 / Math.sqrt(st), cap);
    const rp = 1 / Math.sqrt(sp);
    const ip = Math.min(rp, cap);
    values[pos] = -dot * it * ip;
    if (grad === null) return;
    for (let c = 0; c < C; c++) {
      const k = base + c * stride;
      if (sp === 0) grad[k] = NaN;
      else if (rp <= cap) grad[k] = -t[k]! * it * ip + dot * it * ip * ip * ip * p[k]!;
      else grad[k] = -t[k]! * it * ip;
    }
  });
  return { layout, fullShape: shape, values, grad, predShape: yPred.shape };
};

// ----------------------------------------------------------------------------------- API wrappers

function gradToPrediction(r: PerSampleResult): Float64Array {
  return sumToShape(r.grad!, r.fullShape, r.predShape);
}

function kerasFunction(perSample: PerSample): ApiImpl {
  return (a, want) => {
    const yPred = a.tensor('y_pred');
    const r = perSample(a, a.tensor('y_true'), yPred, want);
    const result: KernelResult = { value: out(r.layout.positionShape, r.values) };
    if (want.perSample) result.perSample = out(r.layout.positionShape, r.values);
    if (r.grad !== null) result.grad = out(yPred.shape, gradToPrediction(r));
    return result;
  };
}

function kerasClass(perSample: PerSample): ApiImpl {
  return (a, want) => {
    const original = a.tensor('y_pred');
    const [yTrue, yPred] = kerasSameRank(a.tensor('y_true'), original);
    const r = perSample(a, yTrue, yPred, want);
    const reduction = checkKerasReduction(a.has('reduction') ? a.raw('reduction') : 'sum_over_batch_size');
    const shape = r.layout.positionShape;
    const reduced = reduceKeras(r.values, shape, reduction, a.optTensor('sample_weight'));
    const result: KernelResult = { value: reduced.value };
    if (want.perSample) result.perSample = out(shape, r.values);
    if (r.grad !== null) {
      scaleByPosition(r.grad, r.layout, reduced.scale);
      result.grad = out(original.shape, gradToPrediction(r));
    }
    return result;
  };
}

/** A compile() string: the class with its default arguments. */
function kerasString(perSample: PerSample, defaults: Record<string, unknown>): ApiImpl {
  const impl = kerasClass(perSample);
  return (a, want) => {
    const values = new Map<string, unknown>(Object.entries(defaults));
    for (const name of ['y_true', 'y_pred', 'sample_weight']) values.set(name, a.raw(name));
    return impl(new Args(a.api, values, new Set(), a.version), want);
  };
}

export const kerasImplementations: Record<string, ApiImpl> = {
  'keras.losses.KLDivergence': kerasClass(klPerSample),
  'keras.losses.kl_divergence': kerasFunction(klPerSample),
  kl_divergence: kerasString(klPerSample, {}),
  'keras.losses.Hinge': kerasClass(hingePerSample(false)),
  'keras.losses.hinge': kerasFunction(hingePerSample(false)),
  hinge: kerasString(hingePerSample(false), {}),
  'keras.losses.SquaredHinge': kerasClass(hingePerSample(true)),
  'keras.losses.squared_hinge': kerasFunction(hingePerSample(true)),
  squared_hinge: kerasString(hingePerSample(true), {}),
  'keras.losses.CategoricalHinge': kerasClass(categoricalHingePerSample),
  'keras.losses.categorical_hinge': kerasFunction(categoricalHingePerSample),
  categorical_hinge: kerasString(categoricalHingePerSample, {}),
  'keras.losses.CosineSimilarity': kerasClass(cosinePerSample),
  'keras.losses.cosine_similarity': kerasFunction(cosinePerSample),
  cosine_similarity: kerasString(cosinePerSample, { axis: -1 }),
};
