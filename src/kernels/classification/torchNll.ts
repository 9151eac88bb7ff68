/**
 * torch plumbing shared by the torch, torchvision and smp kernels: input checks, in-place side
 * operands, and the negative-log-likelihood machinery of nll_loss and cross_entropy with
 * class-index targets: the shape rules of nll_loss_nd (1-D/2-D, the 4-D "2d" kernel, and 3-D/N-D inputs
 * reshaped onto it), the target dtype and bounds checks, and the weighted reductions.
 */
import { LossError, type NumericArray, type Tensor, broadcastShapes, expandTo, shapeEquals } from '../tensor.js';
import { type TorchReduction } from '../reduce.js';
import { type ClassLayout, layoutAt, torchClassAxis, torchList, torchTypeName } from './layout.js';

/** torch's losses need a floating-point input. */
export function requireFloatInput(t: Tensor, name: string): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new LossError(`${name} must be a floating-point tensor, but its dtype is ${t.dtype}`);
  }
}

/**
 * A side input (weight, pos_weight) that torch multiplies in place into a tensor of `shape`:
 * it must broadcast to exactly that shape, or torch refuses with its in-place message.
 */
export function inPlaceOperand(t: Tensor, shape: readonly number[]): Float64Array {
  const target = broadcastShapes(shape, t.shape);
  if (!shapeEquals(target, shape)) {
    throw new LossError(`output with shape ${torchList(shape)} doesn't match the broadcast shape ${torchList(target)}`);
  }
  return expandTo(t, shape);
}

/**
 * Validates input/target shapes (and the weight's length) exactly as torch 1.13's
 * nll_loss_nd does, with its messages, and returns the class layout. Positions follow the
 * target's shape.
 */
export function nllLayout(input: Tensor, target: Tensor, weight: Tensor | null): ClassLayout {
  const ndim = input.shape.length;
  if (ndim < 1) throw new LossError(`Expected 1 or more dimensions (got ${ndim})`);
  if (ndim !== 1 && (target.shape.length === 0 || input.shape[0] !== target.shape[0])) {
    throw new LossError(
      `Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0] ?? 0}).`,
    );
  }
  const classes = input.shape[torchClassAxis(ndim)]!;
  if (ndim <= 2) {
    if (target.shape.length > 1) throw new LossError('0D or 1D target tensor expected, multi-target not supported');
    const noBatchDim = ndim === 1 && target.shape.length === 0;
    if (!noBatchDim && input.shape[0] !== target.shape[0]) {
      throw new LossError(`size mismatch (got input: ${torchList(input.shape)}, target: ${torchList(target.shape)})`);
    }
    if (weight !== null && (weight.shape.length !== 1 || weight.size !== classes)) {
      throw new LossError(
        `weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${torchList(weight.shape)}`,
      );
    }
    const layout = layoutAt(input.shape, torchClassAxis(ndim));
    return { ...layout, outer: ndim === 1 ? 1 : layout.outer, positionShape: [...target.shape] };
  }
  if (ndim === 4) {
    if (target.shape.length !== 3) {
      throw new LossError(
        `only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.shape.length}`,
      );
    }
  } else if (!shapeEquals(target.shape.slice(1), input.shape.slice(2))) {
    throw new LossError(`Expected target size ${torchList([input.shape[0]!, ...input.shape.slice(2)])}, got ${torchList(target.shape)}`);
  }
  if (weight !== null && weight.size !== classes) throw new LossError('weight tensor should be defined either for all or no classes');
  if (ndim === 4 && !shapeEquals(target.shape, [input.shape[0]!, ...input.shape.slice(2)])) {
    // torch's own message, missing its closing parenthesis.
    throw new LossError(`size mismatch (got input: ${torchList(input.shape)} , target: ${torchList(target.shape)}`);
  }
  return { ...layoutAt(input.shape, 1), positionShape: [...target.shape] };
}

/**
 * The checks torch makes once shapes are fine: index targets must be int64, the weight must
 * have the input's dtype, and every label must be a class or the ignore index.
 */
export function checkTorchIndexTargets(input: Tensor, target: Tensor, weight: Tensor | null, classes: number, ignoreIndex: number): void {
  if (target.dtype !== 'int64') throw new LossError(`expected scalar type Long but found ${torchTypeName(target.dtype)}`);
  if (weight !== null && weight.dtype !== input.dtype) {
    throw new LossError(`expected scalar type ${torchTypeName(input.dtype)} but found ${torchTypeName(weight.dtype)}`);
  }
  const labels = target.data;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y !== ignoreIndex && (y < 0 || y >= classes)) throw new LossError(`Target ${y} is out of bounds.`);
  }
}

/**
 * nll_loss's elementwise values: −w[y]·input[y], 0 where ignored. Returns Σ w[y] over the
 * positions not ignored. The gradient (unscaled) is −w[y] at the target class.
 */
export function nllIndexLoss(
  x: NumericArray,
  labels: NumericArray,
  layout: ClassLayout,
  weight: Float64Array | null,
  ignoreIndex: number,
  losses: Float64Array,
  grad: Float64Array | null,
): number {
  const { outer, classes: C, inner } = layout;
  let totalWeight = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const p = o * inner + i;
      const y = labels[p]!;
      if (y === ignoreIndex) {
        losses[p] = 0;
        continue;
      }
      const w = weight === null ? 1 : weight[y]!;
      totalWeight += w;
      const k = (o * C + y) * inner + i;
      losses[p] = -(w * x[k]!);
      if (grad !== null) grad[k] = -w;
    }
  }
  return totalWeight;
}

/**
 * Σₚ of {@link nllIndexLoss} and Σ w[yₚ], without a per-position buffer (for 'mean' / 'sum'
 * without per-sample losses or gradients); the additions are in the buffer's order.
 */
export function nllIndexSum(
  x: NumericArray,
  labels: NumericArray,
  layout: ClassLayout,
  weight: Float64Array | null,
  ignoreIndex: number,
): { total: number; weight: number } {
  const { outer, classes: C, inner } = layout;
  let totalWeight = 0;
  let total = 0;
  if (inner === 1 && weight === null) {
    for (let o = 0, base = 0; o < outer; o++, base += C) {
      const y = labels[o]!;
      if (y === ignoreIndex) continue;
      totalWeight += 1;
      total += -x[base + y]!;
    }
    return { total, weight: totalWeight };
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const y = labels[o * inner + i]!;
      if (y === ignoreIndex) continue;
      const w = weight === null ? 1 : weight[y]!;
      totalWeight += w;
      total += -(w * x[(o * C + y) * inner + i]!);
    }
  }
  return { total, weight: totalWeight };
}

/**
 * torch's reduction for class-index targets: 'mean' divides by Σ w[yᵢ] over the positions not
 * ignored (NaN when that is 0, e.g. everything ignored), 'sum' adds, 'none' keeps positions.
 * Returns the value and the factor to scale the per-position gradient by.
 */
export function reduceWeightedMean(
  losses: Float64Array,
  shape: readonly number[],
  reduction: TorchReduction,
  totalWeight: number,
): { value: { shape: number[]; data: Float64Array }; scale: number } {
  if (reduction === 'none') return { value: { shape: [...shape], data: losses }, scale: 1 };
  let s = 0;
  for (let i = 0; i < losses.length; i++) s += losses[i]!;
  if (reduction === 'sum') return { value: { shape: [], data: Float64Array.of(s) }, scale: 1 };
  return { value: { shape: [], data: Float64Array.of(s / totalWeight) }, scale: 1 / totalWeight };
}
