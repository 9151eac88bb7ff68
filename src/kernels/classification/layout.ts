/**
 * Where the class axis sits and how the frameworks print shapes and dtypes in their messages.
 *
 * A tensor with a class axis is viewed as (outer, classes, inner): element (o, c, i) lives at
 * flat index (o·C + c)·inner + i and its position (the loss it contributes to) at o·inner + i.
 * torch puts the class axis at dim 1 (dim 0 for 1-D input); Keras, TensorFlow and optax use the
 * last axis unless told otherwise.
 */
import { LossError, type DType, type Tensor, numel } from '../tensor.js';

export interface ClassLayout {
  outer: number;
  classes: number;
  inner: number;
  /** Shape of the per-position result: the input shape without the class axis. */
  positionShape: number[];
}

/** The layout of `shape` with its class axis at `axis` (already normalised to [0, ndim)). */
export function layoutAt(shape: readonly number[], axis: number): ClassLayout {
  return {
    outer: numel(shape.slice(0, axis)),
    classes: shape[axis]!,
    inner: numel(shape.slice(axis + 1)),
    positionShape: [...shape.slice(0, axis), ...shape.slice(axis + 1)],
  };
}

/** torch's class axis: 1, or 0 for 1-D input. */
export function torchClassAxis(ndim: number): number {
  return ndim === 1 ? 0 : 1;
}

/** Number of loss positions of a layout. */
export function positions(layout: ClassLayout): number {
  return layout.outer * layout.inner;
}

/**
 * Python/NumPy axis normalisation with NumPy's wording, used for Keras, TensorFlow and optax
 * axis arguments.
 */
export function normalizeAxisNumpy(axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new LossError(`axis ${axis} is out of bounds for array of dimension ${ndim}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** A shape as Python prints a tuple: `(2, 3)`, `(3,)`, `()`. */
export function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** A shape as torch prints sizes in ATen messages: `[2, 3]`. */
export function torchList(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** torch's scalar type names as they appear in its messages. */
export function torchTypeName(dtype: DType): string {
  switch (dtype) {
    case 'float32':
      return 'Float';
    case 'float64':
      return 'Double';
    case 'int32':
      return 'Int';
    case 'int64':
      return 'Long';
    case 'bool':
      return 'Bool';
  }
}

/** True for float32 / float64 tensors. */
export function isFloating(t: Tensor): boolean {
  return t.dtype === 'float32' || t.dtype === 'float64';
}

/** A float64 copy of a small side input (weights, alpha lists). */
export function toFloat64(t: Tensor): Float64Array {
  const out = new Float64Array(t.size);
  const d = t.data;
  for (let i = 0; i < out.length; i++) out[i] = d[i]!;
  return out;
}

/**
 * Multiplies a per-element gradient in (outer, C, inner) layout by a per-position factor:
 * one number for all positions, or one per position.
 */
export function scaleByPosition(grad: Float64Array, layout: ClassLayout, scale: number | Float64Array): void {
  if (typeof scale === 'number') {
    if (scale === 1) return;
    for (let i = 0; i < grad.length; i++) grad[i]! *= scale;
    return;
  }
  const { outer, classes, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < classes; c++) {
      const base = (o * classes + c) * inner;
      const pbase = o * inner;
      for (let i = 0; i < inner; i++) grad[base + i]! *= scale[pbase + i]!;
    }
  }
}

/**
 * Reorders a tensor's axes: element at multi-index i of the result comes from the source at
 * (i permuted back). `order[k]` names the source axis that becomes axis k.
 */
export function permuteAxes(data: ArrayLike<number>, shape: readonly number[], order: readonly number[]): Float64Array {
  const n = data.length;
  const result = new Float64Array(n);
  const ndim = shape.length;
  if (ndim === 0) {
    if (n === 1) result[0] = data[0]!;
    return result;
  }
  const srcStrides = new Array<number>(ndim);
  let stride = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    srcStrides[d] = stride;
    stride *= shape[d]!;
  }
  const outShape = order.map((a) => shape[a]!);
  const steps = order.map((a) => srcStrides[a]!);
  const counter = new Array<number>(ndim).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    result[i] = data[src]!;
    for (let d = ndim - 1; d >= 0; d--) {
      counter[d]!++;
      src += steps[d]!;
      if (counter[d]! < outShape[d]!) break;
      src -= steps[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return result;
}

/** The inverse of a permutation given as `order`. */
export function inverseOrder(order: readonly number[]): number[] {
  const inv = new Array<number>(order.length);
  order.forEach((a, k) => (inv[a] = k));
  return inv;
}
