/**
 * Keras 2 (tf.keras up to TF 2.15) rules, used by TensorFlow Addons (built on Keras 2) and by
 * Keras requests pinned to a version below 3. Two places differ from Keras 3 in ways that
 * change numbers:
 *  - rank alignment of (y_true, y_pred) in the loss classes only squeezes a trailing 1 (Keras 3
 *    expands a rank-1 partner instead), and the loss functions do no alignment at all;
 *  - compute_weighted_loss aligns the sample weight by one rank either way, broadcasts, and
 *    reduces with 'auto' = 'sum_over_batch_size' (divide_no_nan), even for a per-sample loss of
 *    shape (0,) or (), which Keras 3 would return untouched.
 */
import type { Reduced } from '../reduce.js';
import { LossError, type Tensor, broadcastIndex, numel, out, scalar } from '../tensor.js';

export const KERAS2_REDUCTIONS = ['auto', 'none', 'sum', 'sum_over_batch_size'] as const;

/** Keras 2's ReductionV2.validate. */
export function checkKeras2Reduction(reduction: unknown): (typeof KERAS2_REDUCTIONS)[number] {
  if (typeof reduction !== 'string' || !(KERAS2_REDUCTIONS as readonly string[]).includes(reduction)) {
    throw new LossError(`Invalid Reduction Key: ${String(reduction === null ? 'None' : reduction)}. Expected keys are "('auto', 'none', 'sum', 'sum_over_batch_size')"`);
  }
  return reduction as (typeof KERAS2_REDUCTIONS)[number];
}

/** remove_squeezable_dimensions: drop a trailing 1 from whichever side has exactly one more axis. */
export function squeezeKeras2(yTrue: Tensor, yPred: Tensor): [Tensor, Tensor] {
  const diff = yPred.shape.length - yTrue.shape.length;
  if (diff === 1 && yPred.shape[yPred.shape.length - 1] === 1) return [yTrue, { ...yPred, shape: yPred.shape.slice(0, -1) }];
  if (diff === -1 && yTrue.shape[yTrue.shape.length - 1] === 1) return [{ ...yTrue, shape: yTrue.shape.slice(0, -1) }, yPred];
  return [yTrue, yPred];
}

/** TensorFlow's shape notation in its broadcasting error: [2,3]. */
function tfShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** The sample weight brought to the losses' rank as squeeze_or_expand_dimensions does. */
function alignWeight(weight: Tensor, lossShape: readonly number[]): number[] {
  const w = weight.shape;
  if (w.length === 0) return [];
  if (w.length - lossShape.length === 1) {
    const lastDim = w[w.length - 1]!;
    if (lastDim !== 1) throw new LossError(`Can not squeeze dim[${w.length - 1}], expected a dimension of 1, got ${lastDim}`);
    return w.slice(0, -1);
  }
  if (lossShape.length - w.length === 1) return [...w, 1];
  return [...w];
}

/** NumPy broadcasting with TensorFlow's error message. */
function broadcastTf(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const shape = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new LossError(`Incompatible shapes: ${tfShape(a)} vs. ${tfShape(b)}`);
    shape[i] = da === 1 ? db : da;
  }
  return shape;
}

/**
 * compute_weighted_loss: weights × losses (broadcast), then 'none', 'sum', or the sum divided by
 * the number of weighted elements (0 when there are none). `scale` is ∂(Σ result)/∂losses[i].
 */
export function reduceKeras2(values: Float64Array, shape: readonly number[], reduction: string, sampleWeight: Tensor | null): Reduced {
  const mode = checkKeras2Reduction(reduction);
  let weighted = values;
  let weightedShape: readonly number[] = shape;
  let weightSums: Float64Array | null = null;
  if (sampleWeight !== null) {
    const wShape = alignWeight(sampleWeight, shape);
    weightedShape = broadcastTf(shape, wShape);
    const size = numel(weightedShape);
    const vi = broadcastIndex(shape, weightedShape);
    const wi = broadcastIndex(wShape, weightedShape);
    weighted = new Float64Array(size);
    weightSums = new Float64Array(values.length);
    const w = sampleWeight.data;
    for (let j = 0; j < size; j++) {
      const i = vi ? vi[j]! : j;
      const wj = w[wi ? wi[j]! : j]!;
      weighted[j] = values[i]! * wj;
      weightSums[i]! += wj;
    }
  }
  if (mode === 'none') return { value: out(weightedShape, weighted), scale: weightSums ?? 1 };
  let total = 0;
  for (let j = 0; j < weighted.length; j++) total += weighted[j]!;
  const count = weighted.length;
  // 'auto' and 'sum_over_batch_size' use divide_no_nan: nothing to average gives 0.
  const factor = mode === 'sum' ? 1 : count === 0 ? 0 : 1 / count;
  const value = mode === 'sum' ? total : count === 0 ? 0 : total / count;
  if (weightSums === null) return { value: scalar(value), scale: factor };
  for (let i = 0; i < weightSums.length; i++) weightSums[i]! *= factor;
  return { value: scalar(value), scale: weightSums };
}
