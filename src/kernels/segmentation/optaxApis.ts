/**
 * optax's segmentation losses (optax/losses/_segmentation.py): dice_loss (Tversky-style α/β
 * weights, class axis last, smooth = 1), binary_dice_loss and multiclass_generalized_dice_loss.
 *
 * dice_loss: a missing class axis is added to whichever argument lacks it; softmax over the
 * last axis (sigmoid when it has size 1) unless apply_softmax=False, in which case the
 * predictions must already sum to 1 along it (jnp.allclose, rtol 1e-5); sums over `axis`
 * (default: every axis but the first and the last, i.e. per sample and class);
 * coeff = (I + s)/(I + α(P − I) + β(T − I) + s); 1 − coeff times class_weights; background
 * dropped; then mean/sum/none over the last axis. The generalized loss weights each class by
 * 1/(f² + 1e-7) of its target frequency f, normalised to sum to C, and averages everything.
 */
import type { ApiImpl, KernelResult, Want } from '../api.js';
import { pyShape } from '../margin/common.js';
import { axisMap } from '../margin/axes.js';
import { LossError, type Tensor, out, shapeEquals } from '../tensor.js';

interface DiceOptions {
  classWeights: Tensor | null;
  smooth: number;
  alpha: number;
  beta: number;
  activate: boolean;
  reduction: string;
  ignoreBackground: boolean;
  axis: number | number[] | null;
}

function requireFloat(t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new LossError(`predictions must be floating point for optax's dice losses, got ${t.dtype}`);
}

function shapesError(a: readonly number[], b: readonly number[]): LossError {
  return new LossError(`Arrays have different shapes: [${pyShape(a)}, ${pyShape(b)}].`);
}

/** dice_loss on already-aligned arrays of shape `shape` (class axis last). */
function diceCore(pred: Tensor, targets: ArrayLike<number>, shape: readonly number[], o: DiceOptions, want: Want): KernelResult {
  const n = pred.size;
  const C = shape[shape.length - 1]!;
  const x = pred.data;
  const rows = C === 0 ? 0 : n / C;
  if (!o.activate) {
    let lo = Infinity;
    let hi = -Infinity;
    let ok = true;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += x[r * C + c]!;
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
      if (!(Math.abs(s - 1) <= 1e-8 + 1e-5)) ok = false;
    }
    if (!ok) {
      throw new LossError(
        'When apply_softmax=False, predictions must be valid probability distributions that sum to 1 along the class axis. ' +
          `Found sum range: [${lo.toFixed(6)}, ${hi.toFixed(6)}]`,
      );
    }
  }
  const p = new Float64Array(n);
  if (!o.activate) for (let i = 0; i < n; i++) p[i] = x[i]!;
  else if (C === 1) for (let i = 0; i < n; i++) p[i] = 1 / (1 + Math.exp(-x[i]!));
  else {
    for (let r = 0; r < rows; r++) {
      let m = -Infinity;
      for (let c = 0; c < C; c++) m = Math.max(m, x[r * C + c]!);
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x[r * C + c]! - m);
      for (let c = 0; c < C; c++) p[r * C + c] = Math.exp(x[r * C + c]! - m) / s;
    }
  }
  const ndim = shape.length;
  const axes = o.axis === null ? Array.from({ length: Math.max(ndim - 2, 0) }, (_, i) => i + 1) : o.axis;
  const map = axisMap(shape, axes);
  const Q = map.positions;
  const R = map.outShape;
  const I = new Float64Array(Q);
  const P = new Float64Array(Q);
  const T = new Float64Array(Q);
  for (let i = 0; i < n; i++) {
    const q = map.index[i]!;
    I[q]! += p[i]! * targets[i]!;
    P[q]! += p[i]!;
    T[q]! += targets[i]!;
  }
  // Class weights and the background cut act on the last axis of the per-class result.
  const last = R.length === 0 ? 1 : R[R.length - 1]!;
  let w: Float64Array | null = null;
  if (o.classWeights !== null) {
    if (o.classWeights.shape.length !== 1) throw new LossError(`Expected class_weights to have rank 1, got rank ${o.classWeights.shape.length}`);
    const cw = o.classWeights.data;
    if (cw.length !== last && cw.length !== 1 && last !== 1) {
      throw new LossError(`Incompatible shapes for broadcasting: ${pyShape(R)} and ${pyShape(o.classWeights.shape)}`);
    }
    if (R.length === 0 || (last === 1 && cw.length !== 1)) throw new LossError('Loss Lens: class_weights need a class axis in the summed result (do not sum over the last axis)');
    w = Float64Array.from({ length: last }, (_, c) => cw[cw.length === 1 ? 0 : c]!);
  }
  const num = new Float64Array(Q);
  const den = new Float64Array(Q);
  const loss = new Float64Array(Q);
  for (let q = 0; q < Q; q++) {
    num[q] = I[q]! + o.smooth;
    den[q] = I[q]! + o.alpha * (P[q]! - I[q]!) + o.beta * (T[q]! - I[q]!) + o.smooth;
    loss[q] = (1 - num[q]! / den[q]!) * (w === null ? 1 : w[q % last]!);
  }
  const drop = o.ignoreBackground && C > 1 ? 1 : 0;
  if (R.length === 0 && o.reduction !== 'none') throw new LossError('axis -1 is out of bounds for array of dimension 0');
  const kept = last - drop;
  const groups = R.length === 0 ? 1 : Q / last;
  const keptShape = R.length === 0 ? [] : [...R.slice(0, -1), kept];
  const perClass = new Float64Array(groups * kept);
  for (let g = 0; g < groups; g++) for (let c = 0; c < kept; c++) perClass[g * kept + c] = loss[g * last + c + drop]!;
  let value: Float64Array;
  let valueShape: number[];
  let scale: number;
  if (o.reduction === 'none') {
    value = perClass;
    valueShape = keptShape;
    scale = 1;
  } else if (o.reduction === 'mean' || o.reduction === 'sum') {
    value = new Float64Array(groups);
    for (let g = 0; g < groups; g++) {
      let s = 0;
      for (let c = 0; c < kept; c++) s += perClass[g * kept + c]!;
      value[g] = o.reduction === 'mean' ? s / kept : s;
    }
    valueShape = R.slice(0, -1);
    scale = o.reduction === 'mean' ? 1 / kept : 1;
  } else {
    throw new LossError(`reduction must be 'mean', 'sum', or 'none', got ${o.reduction}`);
  }
  const result: KernelResult = { value: out(valueShape, value) };
  if (want.perSample) result.perSample = out(keptShape, perClass);
  if (!want.grad) return result;
  const gq = new Float64Array(Q);
  for (let q = 0; q < Q; q++) {
    const c = q % last;
    gq[q] = c < drop ? 0 : scale * (w === null ? 1 : w[c]!);
  }
  const gp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = map.index[i]!;
    const t = targets[i]!;
    const d = den[q]!;
    const dDen = (1 - o.alpha - o.beta) * t + o.alpha;
    gp[i] = (-(t * d - num[q]! * dDen) / (d * d)) * gq[q]!;
  }
  let gx = gp;
  if (o.activate) {
    gx = new Float64Array(n);
    if (C === 1) for (let i = 0; i < n; i++) gx[i] = gp[i]! * p[i]! * (1 - p[i]!);
    else {
      for (let r = 0; r < rows; r++) {
        let dot = 0;
        for (let c = 0; c < C; c++) dot += gp[r * C + c]! * p[r * C + c]!;
        for (let c = 0; c < C; c++) gx[r * C + c] = p[r * C + c]! * (gp[r * C + c]! - dot);
      }
    }
  }
  result.grad = out(pred.shape, gx);
  return result;
}

/** dice_loss's alignment: a missing trailing class axis is added, then the shapes must agree. */
function align(pred: Tensor, targets: Tensor): number[] {
  let ps = [...pred.shape];
  let ts = [...targets.shape];
  if (ps.length === ts.length - 1) ps = [...ps, 1];
  if (ts.length === ps.length - 1) ts = [...ts, 1];
  if (!shapeEquals(ps, ts)) throw shapesError(ps, ts);
  if (ps.length === 0) throw new LossError('tuple index out of range (predictions need at least one axis)');
  return ps;
}

const diceLoss: ApiImpl = (a, want) => {
  const pred = a.tensor('predictions');
  const targets = a.tensor('targets');
  requireFloat(pred);
  const shape = align(pred, targets);
  return diceCore(pred, targets.data, shape, {
    classWeights: a.optTensor('class_weights'),
    smooth: a.number('smooth'),
    alpha: a.number('alpha'),
    beta: a.number('beta'),
    activate: a.bool('apply_softmax'),
    reduction: a.string('reduction'),
    ignoreBackground: a.bool('ignore_background'),
    axis: a.axis('axis'),
  }, want);
};

const binaryDiceLoss: ApiImpl = (a, want) => {
  const pred = a.tensor('predictions');
  const targets = a.tensor('targets');
  requireFloat(pred);
  let ps = [...pred.shape];
  let ts = [...targets.shape];
  // Both get a class axis when they have the same rank and the last axis is not already 1.
  if (ps.length === ts.length && ps.length > 0 && ps[ps.length - 1] !== 1) {
    ps = [...ps, 1];
    ts = [...ts, 1];
  }
  const shape = align({ ...pred, shape: ps }, { ...targets, shape: ts });
  const r = diceCore({ ...pred, shape: ps }, targets.data, shape, {
    classWeights: null,
    smooth: a.number('smooth'),
    alpha: 0.5,
    beta: 0.5,
    activate: a.bool('apply_sigmoid'),
    reduction: 'mean',
    ignoreBackground: false,
    axis: null,
  }, want);
  if (r.grad) r.grad = out(pred.shape, r.grad.data);
  return r;
};

const generalizedDiceLoss: ApiImpl = (a, want) => {
  const pred = a.tensor('predictions');
  const targets = a.tensor('targets');
  requireFloat(pred);
  if (!shapeEquals(pred.shape, targets.shape)) throw shapesError(pred.shape, targets.shape);
  if (pred.shape.length === 0) throw new LossError('tuple index out of range (predictions need at least one axis)');
  const C = pred.shape[pred.shape.length - 1]!;
  const freq = new Float64Array(C);
  for (let i = 0; i < targets.size; i++) freq[i % C]! += targets.data[i]!;
  const w = new Float64Array(C);
  let sw = 0;
  for (let c = 0; c < C; c++) {
    w[c] = 1 / (freq[c]! ** 2 + 1e-7);
    sw += w[c]!;
  }
  for (let c = 0; c < C; c++) w[c] = (w[c]! / sw) * C;
  const r = diceCore(pred, targets.data, pred.shape, {
    classWeights: { shape: [C], dtype: 'float64', data: w, size: C },
    smooth: a.number('smooth'),
    alpha: 0.5,
    beta: 0.5,
    activate: a.bool('apply_softmax'),
    reduction: 'none',
    ignoreBackground: a.bool('ignore_background'),
    axis: null,
  }, want);
  const vals = r.value.data;
  let s = 0;
  for (let i = 0; i < vals.length; i++) s += vals[i]!;
  const m = vals.length;
  const result: KernelResult = { value: out([], Float64Array.of(s / m)) };
  if (want.perSample) result.perSample = r.value;
  if (r.grad) {
    const g = r.grad.data;
    for (let i = 0; i < g.length; i++) g[i]! /= m;
    result.grad = r.grad;
  }
  return result;
};

export const optaxSegmentationImplementations: Record<string, ApiImpl> = {
  'optax.losses.dice_loss': diceLoss,
  'optax.losses.binary_dice_loss': binaryDiceLoss,
  'optax.losses.multiclass_generalized_dice_loss': generalizedDiceLoss,
};
