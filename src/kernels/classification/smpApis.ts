/**
 * segmentation_models_pytorch classification-style losses (smp ≥ 0.4, checked against 0.5.0):
 * FocalLoss, SoftBCEWithLogitsLoss and SoftCrossEntropyLoss. smp builds them from torch ops, so
 * torch's checks and messages apply; their own quirks are kept:
 *
 * - FocalLoss drops ignored elements before averaging, sums per-class losses in multiclass
 *   mode, and takes logits only;
 * - SoftBCEWithLogitsLoss and SoftCrossEntropyLoss zero ignored elements but still count them
 *   in the mean;
 * - SoftCrossEntropyLoss's default smooth_factor=None fails with a TypeError, and with an
 *   ignore_index its unreduced output keeps the class dimension (size 1);
 * - an unknown reduction returns the unreduced losses.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { torchSize } from '../pointwise.js';
import { LossError, type Tensor, normalizeAxis, out, shapeEquals } from '../tensor.js';
import { torchBceWithLogits } from './binaryCrossEntropy.js';
import { layoutAt, positions, torchList, torchTypeName } from './layout.js';
import { inPlaceOperand, requireFloatInput } from './torchNll.js';

/** smp's reduction: 'mean' and 'sum' reduce, anything else leaves the losses as they are. */
function smpReduce(losses: Float64Array, shape: readonly number[], reduction: string): { value: KernelResult['value']; scale: number } {
  if (reduction !== 'mean' && reduction !== 'sum') return { value: out(shape, losses), scale: 1 };
  let s = 0;
  for (let i = 0; i < losses.length; i++) s += losses[i]!;
  return reduction === 'sum' ? { value: out([], Float64Array.of(s)), scale: 1 } : { value: out([], Float64Array.of(s / losses.length)), scale: 1 / losses.length };
}

// ------------------------------------------------------------------------------ SoftBCEWithLogitsLoss

/** SoftBCEWithLogitsLoss: BCE-with-logits on (1 − y)·s + y·(1 − s), ignored elements zeroed. */
const softBceWithLogits: ApiImpl = (a, want) => {
  const yPred = a.tensor('y_pred');
  const yTrue = a.tensor('y_true');
  const smooth = a.optNumber('smooth_factor');
  const ignoreIndex = a.optInt('ignore_index');
  const reduction = a.string('reduction');
  const weight = a.optTensor('weight');
  const posWeight = a.optTensor('pos_weight');
  requireFloatInput(yPred, 'y_pred');
  let soft = yTrue.data;
  let softIsFloat = yTrue.dtype === 'float32' || yTrue.dtype === 'float64';
  if (smooth !== null) {
    const s = new Float64Array(yTrue.size);
    for (let i = 0; i < s.length; i++) s[i] = (1 - yTrue.data[i]!) * smooth + yTrue.data[i]! * (1 - smooth);
    soft = s;
    softIsFloat = true;
  }
  if (!shapeEquals(yPred.shape, yTrue.shape)) {
    throw new LossError(`Target size (${torchSize(yTrue.shape)}) must be the same as input size (${torchSize(yPred.shape)})`);
  }
  if (!softIsFloat) {
    throw new LossError(`result type ${torchTypeName(yPred.dtype)} can't be cast to the desired output type ${torchTypeName(yTrue.dtype)}`);
  }
  const n = yPred.size;
  const losses = new Float64Array(n);
  const grad = want.grad ? new Float64Array(n) : null;
  torchBceWithLogits(
    yPred.data,
    soft,
    posWeight === null ? null : inPlaceOperand(posWeight, yPred.shape),
    weight === null ? null : inPlaceOperand(weight, yPred.shape),
    losses,
    grad,
  );
  if (ignoreIndex !== null) {
    for (let i = 0; i < n; i++) {
      const keep = yTrue.data[i] !== ignoreIndex ? 1 : 0;
      losses[i]! *= keep;
      if (grad !== null) grad[i]! *= keep;
    }
  }
  const reduced = smpReduce(losses, yPred.shape, reduction);
  const result: KernelResult = { value: reduced.value };
  if (want.perSample) result.perSample = out(yPred.shape, losses);
  if (grad !== null) {
    if (reduced.scale !== 1) for (let i = 0; i < n; i++) grad[i]! *= reduced.scale;
    result.grad = out(yPred.shape, grad);
  }
  return result;
};

// ------------------------------------------------------------------------------ SoftCrossEntropyLoss

/**
 * SoftCrossEntropyLoss: log_softmax along `dim`, then label_smoothed_nll_loss:
 * (1 − ε)·(−log p_y) + (ε/C)·(−Σ_c log p_c), zeroed where ignored, mean over all positions.
 */
const softCrossEntropy: ApiImpl = (a, want) => {
  const yPred = a.tensor('y_pred');
  const yTrue = a.tensor('y_true');
  const epsilon = a.optNumber('smooth_factor');
  const ignoreIndex = a.optInt('ignore_index');
  const reduction = a.string('reduction');
  requireFloatInput(yPred, 'y_pred');
  const ndim = yPred.shape.length;
  const dim = normalizeAxis(a.int('dim'), ndim);
  const layout = layoutAt(yPred.shape, dim);
  const keptShape = yPred.shape.map((d, i) => (i === dim ? 1 : d));
  let index: readonly number[] = yTrue.shape;
  if (yTrue.shape.length === ndim - 1) index = [...yTrue.shape.slice(0, dim), 1, ...yTrue.shape.slice(dim)];
  if (index.length !== ndim) throw new LossError('Index tensor must have the same number of dimensions as input tensor');
  if (!shapeEquals(index, keptShape)) {
    throw new LossError(`y_true of shape ${torchList(yTrue.shape)} does not match y_pred ${torchList(yPred.shape)} with the class dimension ${dim} removed`);
  }
  if (yTrue.dtype !== 'int64') throw new LossError('gather(): Expected dtype int64 for index');
  const C = layout.classes;
  const labels = yTrue.data;
  for (let p = 0; p < labels.length; p++) {
    const y = labels[p]!;
    if (y === ignoreIndex) continue;
    if (y < 0 || y >= C) throw new LossError(`index ${y} is out of bounds for dimension ${dim} with size ${C}`);
  }
  if (epsilon === null) throw new LossError("unsupported operand type(s) for /: 'NoneType' and 'int'");
  const x = yPred.data;
  const { outer, inner } = layout;
  const losses = new Float64Array(positions(layout));
  const grad = want.grad ? new Float64Array(yPred.size) : null;
  const spread = epsilon / C;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const pos = o * inner + i;
      const base = o * C * inner + i;
      if (ignoreIndex !== null && labels[pos] === ignoreIndex) {
        losses[pos] = 0;
        if (grad !== null) for (let c = 0; c < C; c++) grad[base + c * inner] = 0;
        continue;
      }
      const y = labels[pos]!;
      let m = x[base]!;
      for (let c = 1; c < C; c++) {
        const v = x[base + c * inner]!;
        if (v > m) m = v;
      }
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x[base + c * inner]! - m);
      const logS = Math.log(s);
      const lse = m + logS;
      let smoothLoss = 0;
      for (let c = 0; c < C; c++) smoothLoss -= x[base + c * inner]! - m - logS;
      const nll = -(x[base + y * inner]! - m - logS);
      losses[pos] = (1 - epsilon) * nll + spread * smoothLoss;
      if (grad !== null) {
        // q = (1 − ε)·onehot(y) + ε/C sums to 1, so ∂/∂x_c = p_c − q_c.
        for (let c = 0; c < C; c++) {
          const k = base + c * inner;
          grad[k] = Math.exp(x[k]! - lse) - spread;
        }
        grad[base + y * inner]! -= 1 - epsilon;
      }
    }
  }
  // With an ignore_index smp skips the final squeeze, so the class dimension stays (as 1).
  const shape = ignoreIndex !== null ? keptShape : layout.positionShape;
  let value: KernelResult['value'];
  let scale = 1;
  if (reduction === 'sum' || reduction === 'mean') {
    let total = 0;
    for (let p = 0; p < losses.length; p++) total += losses[p]!;
    // smp reduces the nll and smoothing terms separately; the combination is the same sum.
    scale = reduction === 'mean' ? 1 / losses.length : 1;
    value = out([], Float64Array.of(total * scale));
  } else {
    value = out(shape, losses);
  }
  const result: KernelResult = { value };
  if (want.perSample) result.perSample = out(shape, losses);
  if (grad !== null) {
    if (scale !== 1) for (let k = 0; k < grad.length; k++) grad[k]! *= scale;
    result.grad = out(yPred.shape, grad);
  }
  return result;
};

// ----------------------------------------------------------------------------------------- FocalLoss

interface FocalOptions {
  alpha: number | null;
  gamma: number;
  reduction: string;
  normalized: boolean;
  reducedThreshold: number | null;
}

/** torch's pow backward: γ·b^(γ−1), exactly 0 for γ = 0. */
function powGrad(base: number, gamma: number): number {
  return gamma === 0 ? 0 : gamma * Math.pow(base, gamma - 1);
}

/**
 * smp's focal_loss_with_logits over a list of (logit, target) pairs forming a tensor of
 * `shape`. Returns the reduced value ('mean'/'sum': a scalar; 'batchwise_mean': the sum over
 * the first axis; anything else: the elementwise losses) and adds ∂(Σ value)/∂logit into
 * `grad` at `gradIndex`.
 */
function focalLossWithLogits(
  x: Float64Array,
  t: Float64Array,
  shape: readonly number[],
  o: FocalOptions,
  grad: Float64Array | null,
  gradIndex: Int32Array,
): { value: Float64Array; shape: number[] } {
  const n = x.length;
  const losses = new Float64Array(n);
  const dLoss = grad === null ? null : new Float64Array(n);
  const dFocal = grad === null ? null : new Float64Array(n);
  let focalSum = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const y = t[i]!;
    const e = Math.exp(-Math.abs(v));
    const logpt = (1 - y) * v + (v < 0 ? -v : 0) + Math.log(1 + e); // torch's BCE-with-logits rounding
    const pt = Math.exp(-logpt);
    let focal: number;
    let dFocalDpt: number;
    if (o.reducedThreshold === null) {
      focal = Math.pow(1 - pt, o.gamma);
      dFocalDpt = -powGrad(1 - pt, o.gamma);
    } else if (pt < o.reducedThreshold) {
      focal = 1; // smp overwrites these entries, which also cuts their gradient
      dFocalDpt = 0;
    } else {
      focal = Math.pow((1 - pt) / o.reducedThreshold, o.gamma);
      dFocalDpt = -powGrad((1 - pt) / o.reducedThreshold, o.gamma) / o.reducedThreshold;
    }
    focalSum += focal;
    const a = o.alpha === null ? 1 : o.alpha * y + (1 - o.alpha) * (1 - y);
    losses[i] = o.alpha === null ? focal * logpt : focal * logpt * a;
    if (dLoss !== null) {
      const g0 = (v >= 0 ? 1 / (1 + e) : e / (1 + e)) - y; // ∂logpt/∂x
      const df = dFocalDpt * (-pt * g0);
      dFocal![i] = df;
      dLoss[i] = a * (df * logpt + focal * g0);
    }
  }
  let norm = 1;
  let lossSum = 0;
  if (o.normalized) {
    norm = focalSum < 1e-6 ? 1e-6 : focalSum;
    for (let i = 0; i < n; i++) {
      lossSum += losses[i]!;
      losses[i]! /= norm;
    }
  }
  let value: Float64Array;
  let valueShape: number[];
  let r = 1;
  if (o.reduction === 'mean' || o.reduction === 'sum') {
    let s = 0;
    for (let i = 0; i < n; i++) s += losses[i]!;
    r = o.reduction === 'mean' ? 1 / n : 1;
    value = Float64Array.of(o.reduction === 'mean' ? s / n : s);
    valueShape = [];
  } else if (o.reduction === 'batchwise_mean') {
    valueShape = shape.slice(1);
    const rest = valueShape.reduce((p, d) => p * d, 1);
    value = new Float64Array(rest);
    if (rest > 0) for (let i = 0; i < n; i++) value[i % rest]! += losses[i]!;
  } else {
    value = losses;
    valueShape = [...shape];
  }
  if (grad !== null) {
    // ∂/∂x_j of Σ_e r·loss_e/S with S = max(Σ focal, 1e-6); clamp_min passes gradient when Σ ≥ 1e-6.
    const through = o.normalized && focalSum >= 1e-6 ? lossSum / (norm * norm) : 0;
    for (let i = 0; i < n; i++) {
      const d = o.normalized ? dLoss![i]! / norm - through * dFocal![i]! : dLoss![i]!;
      grad[gradIndex[i]!]! += r * d;
    }
  }
  return { value, shape: valueShape };
}

/** FocalLoss(mode, ...)(y_pred, y_true). */
const focalLoss: ApiImpl = (a, want) => {
  const mode = a.string('mode');
  if (mode !== 'binary' && mode !== 'multiclass' && mode !== 'multilabel') {
    throw new LossError(`mode must be 'binary', 'multiclass' or 'multilabel' (smp asserts it), got '${mode}'`);
  }
  const yPred = a.tensor('y_pred');
  const yTrue = a.tensor('y_true');
  requireFloatInput(yPred, 'y_pred');
  const options: FocalOptions = {
    alpha: a.optNumber('alpha'),
    gamma: a.number('gamma'),
    reduction: a.string('reduction'),
    normalized: a.bool('normalized'),
    reducedThreshold: a.optNumber('reduced_threshold'),
  };
  const ignoreIndex = a.optInt('ignore_index');
  const grad = want.grad ? new Float64Array(yPred.size) : null;
  const r = runFocal(mode, yPred, yTrue, ignoreIndex, options, grad);
  const result: KernelResult = { value: out(r.shape, r.value) };
  if (want.perSample) {
    const unreduced = runFocal(mode, yPred, yTrue, ignoreIndex, { ...options, reduction: 'none' }, null);
    result.perSample = out(unreduced.shape, unreduced.value);
  }
  if (grad !== null) result.grad = out(yPred.shape, grad);
  return result;
};

function runFocal(
  mode: string,
  yPred: Tensor,
  yTrue: Tensor,
  ignoreIndex: number | null,
  options: FocalOptions,
  grad: Float64Array | null,
): { value: Float64Array; shape: number[] } {
  if (mode !== 'multiclass') {
    // Both tensors are flattened, then ignored elements dropped.
    if (yTrue.size !== yPred.size) {
      throw new LossError(`Target size (${torchSize([yTrue.size])}) must be the same as input size (${torchSize([yPred.size])})`);
    }
    const keep: number[] = [];
    for (let i = 0; i < yTrue.size; i++) if (ignoreIndex === null || yTrue.data[i] !== ignoreIndex) keep.push(i);
    const x = Float64Array.from(keep, (i) => yPred.data[i]!);
    const t = Float64Array.from(keep, (i) => yTrue.data[i]!);
    return focalLossWithLogits(x, t, [keep.length], options, grad, Int32Array.from(keep));
  }
  // Multiclass: one binary focal loss per class channel against (y_true == c), summed.
  if (yPred.shape.length < 2) throw new LossError('multiclass mode needs y_pred of shape (N, C, ...)');
  const C = yPred.shape[1]!;
  const layout = layoutAt(yPred.shape, 1);
  const spatialShape = layout.positionShape;
  if (!shapeEquals(yTrue.shape, spatialShape)) {
    throw new LossError(`Target size (${torchSize(yTrue.shape)}) must be the same as input size (${torchSize(spatialShape)})`);
  }
  const keep: number[] = [];
  for (let p = 0; p < yTrue.size; p++) if (ignoreIndex === null || yTrue.data[p] !== ignoreIndex) keep.push(p);
  const elementShape = ignoreIndex === null ? spatialShape : [keep.length];
  if (C === 0) return { value: Float64Array.of(0), shape: [] }; // loss = 0 before the loop, returned as is
  let total: { value: Float64Array; shape: number[] } | null = null;
  for (let c = 0; c < C; c++) {
    const x = new Float64Array(keep.length);
    const t = new Float64Array(keep.length);
    const idx = new Int32Array(keep.length);
    for (let j = 0; j < keep.length; j++) {
      const p = keep[j]!;
      const k = (Math.floor(p / layout.inner) * C + c) * layout.inner + (p % layout.inner);
      x[j] = yPred.data[k]!;
      t[j] = yTrue.data[p] === c ? 1 : 0;
      idx[j] = k;
    }
    const v = focalLossWithLogits(x, t, elementShape, options, grad, idx);
    if (total === null) total = { value: Float64Array.from(v.value), shape: v.shape };
    else for (let j = 0; j < total.value.length; j++) total.value[j]! += v.value[j]!;
  }
  return total!;
}

/** The implementations of this module, keyed by catalog id. */
export const smpImplementations: Record<string, ApiImpl> = {
  'segmentation_models_pytorch.losses.FocalLoss': focalLoss,
  'segmentation_models_pytorch.losses.SoftBCEWithLogitsLoss': softBceWithLogits,
  'segmentation_models_pytorch.losses.SoftCrossEntropyLoss': softCrossEntropy,
};
