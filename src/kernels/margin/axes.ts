/**
 * Reductions over arbitrary axes for the margin-group kernels (optax's `axis`/`where`, Keras'
 * `axis`): each element of a tensor is mapped to the position of the reduced result it adds
 * to, so sums and their gradients need no transposition.
 */
import { LossError, numel } from '../tensor.js';
import { normalizeAxisNumpy } from '../classification/layout.js';

export interface AxisMap {
  /** The result's shape: the input shape without the reduced axes. */
  outShape: number[];
  /** For each flat element, the flat index of the result position it belongs to. */
  index: Int32Array;
  /** Number of result positions. */
  positions: number;
}

/** The reduced axes of an int / list of ints / None (all axes), normalised and checked. */
export function reducedAxes(shape: readonly number[], axis: number | number[] | null): number[] {
  const ndim = shape.length;
  const axes = axis === null ? shape.map((_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((a) => normalizeAxisNumpy(a, ndim));
  if (new Set(axes).size !== axes.length) throw new LossError('repeated axis');
  return axes;
}

export function axisMap(shape: readonly number[], axis: number | number[] | null): AxisMap {
  const axes = reducedAxes(shape, axis);
  const keep = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outShape = keep.map((i) => shape[i]!);
  // Stride of each input axis in the output (0 for reduced axes).
  const outStride = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let k = keep.length - 1; k >= 0; k--) {
    outStride[keep[k]!] = s;
    s *= shape[keep[k]!]!;
  }
  const n = numel(shape);
  const index = new Int32Array(n);
  const counter = new Array<number>(shape.length).fill(0);
  let o = 0;
  for (let i = 0; i < n; i++) {
    index[i] = o;
    // Advance the multi-index (last axis fastest) and the output offset with it.
    for (let d = shape.length - 1; d >= 0; d--) {
      counter[d]!++;
      o += outStride[d]!;
      if (counter[d]! < shape[d]!) break;
      o -= outStride[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
  return { outShape, index, positions: numel(outShape) };
}
