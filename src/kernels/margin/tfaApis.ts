/**
 * TensorFlow Addons losses that Loss Lens computes: contrastive_loss / ContrastiveLoss on given
 * pair distances and npairs_loss / NpairsLoss on a similarity matrix, with tf.keras 2's
 * Loss.__call__ (sample_weight, then the reduction; 'auto' is sum_over_batch_size and an
 * empty batch reduces to 0).
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { checkKerasReduction, reduceKeras } from '../reduce.js';
import { LossError, type Out, type Tensor, numel, out, scalar } from '../tensor.js';
import { broadcastTf, gatherTo, sumToShape } from './common.js';

interface Elementwise {
  shape: number[];
  values: Float64Array;
  grad: Float64Array | null;
}

/** y·d² + (1 − y)·max(m − d, 0)² over the broadcast of labels and distances. */
function contrastive(yTrue: Tensor, yPred: Tensor, margin: number, grad: boolean): Elementwise {
  const shape = broadcastTf(yTrue.shape, yPred.shape);
  const y = gatherTo(yTrue, shape);
  const d = gatherTo(yPred, shape);
  const n = numel(shape);
  const values = new Float64Array(n);
  const g = grad ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const z = margin - d[i]!;
    const h = z > 0 ? z : z === z ? 0 : z;
    values[i] = y[i]! * d[i]! * d[i]! + (1 - y[i]!) * h * h;
    if (g !== null) g[i] = 2 * y[i]! * d[i]! - 2 * (1 - y[i]!) * h * (z >= 0 ? 1 : 0);
  }
  return { shape, values, grad: g };
}

const contrastiveFunction: ApiImpl = (a, want) => {
  const yPred = a.tensor('y_pred');
  const r = contrastive(a.tensor('y_true'), yPred, a.number('margin'), want.grad);
  const result: KernelResult = { value: out(r.shape, r.values) };
  if (want.perSample) result.perSample = out(r.shape, r.values);
  if (r.grad !== null) result.grad = out(yPred.shape, sumToShape(r.grad, r.shape, yPred.shape));
  return result;
};

/** tf.keras 2's reduction of per-pair losses, with its gradient scale. */
function reduceKeras2(values: Float64Array, shape: number[], reductionRaw: unknown, sampleWeight: Tensor | null): { value: Out; scale: number | Float64Array } {
  const reduction = reductionRaw === 'auto' ? 'sum_over_batch_size' : reductionRaw;
  if (reduction === 'mean' || reduction === 'mean_with_sample_weight' || reduction === null) {
    throw new LossError(`Invalid Reduction Key: ${String(reductionRaw)}. Expected keys are "('auto', 'none', 'sum', 'sum_over_batch_size')"`);
  }
  const r = checkKerasReduction(reduction);
  if (r !== 'none' && values.length === 0) return { value: scalar(0), scale: 0 };
  return reduceKeras(values, shape, r, sampleWeight);
}

const contrastiveClass: ApiImpl = (a, want) => {
  const yPred = a.tensor('y_pred');
  const r = contrastive(a.tensor('y_true'), yPred, a.number('margin'), want.grad);
  const reduced = reduceKeras2(r.values, r.shape, a.raw('reduction'), a.optTensor('sample_weight'));
  const result: KernelResult = { value: reduced.value };
  if (want.perSample) result.perSample = out(r.shape, r.values);
  if (r.grad !== null) {
    const s = reduced.scale;
    for (let i = 0; i < r.grad.length; i++) r.grad[i]! *= typeof s === 'number' ? s : s[i]!;
    result.grad = out(yPred.shape, sumToShape(r.grad, r.shape, yPred.shape));
  }
  return result;
};

/** npairs_loss: mean over rows of softmax_cross_entropy(S_i, [y_i = y_j] / Σ_k [y_i = y_k]). */
function npairs(yTrue: Tensor, yPred: Tensor, grad: boolean): { value: number; grad: Float64Array | null } {
  const B = yPred.shape[0];
  if (yPred.shape.length !== 2 || yPred.shape[1] !== B) {
    throw new LossError(`y_pred must be a square (batch, batch) similarity matrix, got shape [${yPred.shape.join(', ')}]`);
  }
  const labels = yTrue.shape.length === 2 && yTrue.shape[1] === 1 ? { ...yTrue, shape: [yTrue.shape[0]!] } : yTrue;
  if (labels.shape.length !== 1 || labels.shape[0] !== B) {
    throw new LossError(`y_true must hold one label per row of y_pred: shape [${B}], got [${yTrue.shape.join(', ')}]`);
  }
  const y = labels.data;
  const S = yPred.data;
  const g = grad ? new Float64Array(B * B) : null;
  let total = 0;
  for (let i = 0; i < B; i++) {
    let count = 0;
    for (let j = 0; j < B; j++) if (Number(y[j]) === Number(y[i])) count++;
    let m = -Infinity;
    for (let j = 0; j < B; j++) m = Math.max(m, S[i * B + j]!);
    let z = 0;
    for (let j = 0; j < B; j++) z += Math.exp(S[i * B + j]! - m);
    const lse = m + Math.log(z);
    let row = 0;
    for (let j = 0; j < B; j++) {
      const t = Number(y[j]) === Number(y[i]) ? 1 / count : 0;
      row += t * (lse - S[i * B + j]!);
      if (g !== null) g[i * B + j] = (Math.exp(S[i * B + j]! - lse) - t) / B;
    }
    total += row;
  }
  return { value: total / B, grad: g };
}

const npairsFunction: ApiImpl = (a, want) => {
  const yPred = a.tensor('y_pred');
  const r = npairs(a.tensor('y_true'), yPred, want.grad);
  const result: KernelResult = { value: scalar(r.value) };
  if (r.grad !== null) result.grad = out(yPred.shape, r.grad);
  return result;
};

/** NpairsLoss: Reduction.NONE, so a sample_weight just multiplies (and broadcasts) the scalar. */
const npairsClass: ApiImpl = (a, want) => {
  const yPred = a.tensor('y_pred');
  const r = npairs(a.tensor('y_true'), yPred, want.grad);
  const w = a.optTensor('sample_weight');
  const result: KernelResult = { value: scalar(r.value) };
  let factor = 1;
  if (w !== null) {
    const weighted = Float64Array.from(w.data as ArrayLike<number>, (v) => v * r.value);
    result.value = out(w.shape, weighted);
    factor = 0;
    for (let i = 0; i < w.size; i++) factor += Number(w.data[i]);
  }
  if (r.grad !== null) {
    if (factor !== 1) for (let i = 0; i < r.grad.length; i++) r.grad[i]! *= factor;
    result.grad = out(yPred.shape, r.grad);
  }
  return result;
};

export const tfaImplementations: Record<string, ApiImpl> = {
  'tfa.losses.ContrastiveLoss': contrastiveClass,
  'tfa.losses.contrastive_loss': contrastiveFunction,
  'tfa.losses.NpairsLoss': npairsClass,
  'tfa.losses.npairs_loss': npairsFunction,
};
