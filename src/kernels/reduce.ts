/**
 * Reductions as each framework defines them. The same word means different things:
 * torch 'mean' of nothing is NaN, Keras 'sum_over_batch_size' of nothing is 0 (divide_no_nan),
 * and Keras skips reduction entirely for scalar or shape-(0,) per-sample losses.
 *
 * Each reducer returns the reduced value and `scale`, the derivative of the (summed) result
 * with respect to each unreduced value, so kernels can chain gradients without knowing the
 * reduction's rules.
 */
import { LossError, type Out, type Tensor, numel, out, scalar, sum, shapeEquals, broadcastShapes, broadcastIndex } from './tensor.js';

export type TorchReduction = 'none' | 'mean' | 'sum';
export const TORCH_REDUCTIONS: readonly TorchReduction[] = ['none', 'mean', 'sum'];

export type KerasReduction = 'sum_over_batch_size' | 'sum' | 'mean' | 'mean_with_sample_weight' | 'none' | null;
export const KERAS_REDUCTIONS: readonly KerasReduction[] = ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none', null];

export interface Reduced {
  value: Out;
  /** ∂(Σ value) / ∂ unreduced[i]: one number for all elements, or one per element. */
  scale: number | Float64Array;
}

/** Scale factor of element i of a {@link Reduced}. */
export function scaleAt(r: Reduced, i: number): number {
  return typeof r.scale === 'number' ? r.scale : r.scale[i]!;
}

export function checkTorchReduction(reduction: unknown): TorchReduction {
  if (typeof reduction !== 'string' || !(TORCH_REDUCTIONS as readonly string[]).includes(reduction)) {
    throw new LossError(`${String(reduction)} is not a valid value for reduction`);
  }
  return reduction as TorchReduction;
}

/**
 * torch's apply_loss_reduction: 'none' keeps the elementwise values, 'sum' adds them,
 * 'mean' divides by the element count (NaN for an empty tensor, as torch gives).
 */
export function reduceTorch(values: Float64Array, shape: readonly number[], reduction: TorchReduction): Reduced {
  switch (reduction) {
    case 'none':
      return { value: out(shape, values), scale: 1 };
    case 'sum':
      return { value: scalar(sum(values)), scale: 1 };
    case 'mean':
      return { value: scalar(sum(values) / values.length), scale: 1 / values.length };
  }
}

/**
 * The 'mean' / 'sum' value of a loss summed in its own loop (no per-element buffer): the total,
 * or the total over `count` (the element count, or torch's Σ weights), NaN for 0/0 as torch gives.
 */
export function reduceTorchSum(total: number, count: number, reduction: 'mean' | 'sum'): Out {
  return scalar(reduction === 'sum' ? total : total / count);
}

export function checkKerasReduction(reduction: unknown): KerasReduction {
  if (reduction !== null && (typeof reduction !== 'string' || !(KERAS_REDUCTIONS as readonly unknown[]).includes(reduction))) {
    throw new LossError(
      'Invalid value for argument `reduction`. Expected one of {"sum_over_batch_size", "sum", None, "none", "mean", ' +
        `"mean_with_sample_weight"}. Received: reduction=${String(reduction)}`,
    );
  }
  return reduction as KerasReduction;
}

/**
 * Keras 3 `reduce_weighted_values`: a mask (e.g. from `ignore_class`) becomes sample weights of
 * total/valid for the mean reductions; sample weights are brought to the rank of the values
 * (squeeze or expand a trailing 1) and broadcast; then `reduce_values` sums and divides by the
 * element count with divide_no_nan, or returns the values untouched when they are a scalar,
 * of shape (0,), or the reduction is none.
 */
export function reduceKeras(
  values: Float64Array,
  valuesShape: readonly number[],
  reduction: KerasReduction,
  sampleWeight?: Tensor | null,
  mask?: Uint8Array,
): Reduced {
  let shape = valuesShape;
  let weights: Float64Array | undefined;
  let weightShape: readonly number[] = shape;
  if (mask !== undefined) {
    weights = new Float64Array(mask.length);
    let factor = 1;
    if (reduction === 'mean' || reduction === 'sum_over_batch_size') {
      let valid = 0;
      for (let i = 0; i < mask.length; i++) valid += mask[i]!;
      factor = valid === 0 ? 0 : mask.length / valid;
    }
    for (let i = 0; i < mask.length; i++) weights[i] = mask[i]! * factor;
  }
  if (sampleWeight !== undefined && sampleWeight !== null) {
    // Keras expands rank-1 losses to (N, 1) against an (N, 1) weight (so 'none' returns (N, 1)).
    if (shape.length === 1 && sampleWeight.shape.length === 2 && sampleWeight.shape[1] === 1) shape = [shape[0]!, 1];
    const sw = alignSampleWeight(sampleWeight, shape);
    if (weights === undefined) {
      weights = sw.data;
      weightShape = sw.shape;
    } else {
      const target = broadcastShapes(shape, sw.shape);
      const merged = new Float64Array(numel(target));
      const mi = broadcastIndex(shape, target);
      const wi = broadcastIndex(sw.shape, target);
      for (let i = 0; i < merged.length; i++) merged[i] = weights[mi ? mi[i]! : i]! * sw.data[wi ? wi[i]! : i]!;
      weights = merged;
      weightShape = target;
    }
  }

  let weighted = values;
  let weightedShape: readonly number[] = shape;
  let localScale: Float64Array | undefined;
  if (weights !== undefined) {
    const target = broadcastShapes(shape, weightShape);
    if (!shapeEquals(target, shape)) {
      throw new LossError(
        `sample_weight of shape [${weightShape.join(', ')}] cannot be applied to per-sample losses of shape [${shape.join(', ')}]`,
      );
    }
    const wi = broadcastIndex(weightShape, target);
    weighted = new Float64Array(values.length);
    localScale = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const w = weights[wi ? wi[i]! : i]!;
      weighted[i] = values[i]! * w;
      localScale[i] = w;
    }
    weightedShape = target;
  }

  const untouched =
    reduction === null || reduction === 'none' || weightedShape.length === 0 || (weightedShape.length === 1 && weightedShape[0] === 0);
  if (untouched) return { value: out(weightedShape, weighted), scale: localScale ?? 1 };

  const total = sum(weighted);
  let divisor = 1;
  if (reduction === 'sum_over_batch_size' || reduction === 'mean') {
    divisor = weighted.length;
  } else if (reduction === 'mean_with_sample_weight') {
    // Keras divides by Σ sample_weight, where a mask has already been merged into (or become) the weights.
    divisor = weights !== undefined ? sum(weights) : weighted.length;
  }
  // divide_no_nan: a zero divisor gives 0, whatever the numerator.
  const factor = divisor === 0 ? 0 : 1 / divisor;
  const value = divisor === 0 ? 0 : total / divisor;
  if (localScale === undefined) return { value: scalar(value), scale: factor };
  for (let i = 0; i < localScale.length; i++) localScale[i]! *= factor;
  return { value: scalar(value), scale: localScale };
}

/**
 * Keras' squeeze_or_expand_to_same_rank for a sample weight against per-sample losses:
 * when the ranks differ by one and the longer has a trailing 1, drop it or add one.
 */
function alignSampleWeight(sampleWeight: Tensor, valuesShape: readonly number[]): { shape: number[]; data: Float64Array } {
  let shape = [...sampleWeight.shape];
  const data = Float64Array.from(sampleWeight.data as ArrayLike<number>);
  if (shape.length === valuesShape.length + 1 && shape[shape.length - 1] === 1) {
    shape = shape.slice(0, -1);
  } else if (valuesShape.length === shape.length + 1 && valuesShape[valuesShape.length - 1] === 1) {
    shape = [...shape, 1];
  }
  return { shape, data };
}
