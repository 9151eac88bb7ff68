/**
 * Broadcasting three operands (prediction, target and a per-element parameter such as a
 * Gaussian variance or a pinball τ) to one shape, in the same form as the two-operand
 * {@link Broadcast} of the pointwise machinery so the gradient can be summed back onto the
 * prediction with `sumToPrediction`.
 */
import type { Broadcast } from '../pointwise.js';
import { type NumericArray, type Tensor, broadcastIndex, broadcastShapes, numel } from '../tensor.js';

export interface Broadcast3 extends Broadcast {
  /** The third operand over the broadcast shape. */
  z: NumericArray;
}

/** A tensor's elements laid out over `shape` (its own buffer when the shapes already agree). */
export function gatherTo(t: Tensor, shape: readonly number[]): NumericArray {
  const index = broadcastIndex(t.shape, shape);
  if (index === undefined) return t.data;
  const n = numel(shape);
  const r = new Float64Array(n);
  const d = t.data;
  for (let i = 0; i < n; i++) r[i] = d[index[i]!]!;
  return r;
}

/** Broadcasts prediction `x`, target `y` and a third operand `z` together (NumPy rules). */
export function broadcastThree(x: Tensor, y: Tensor, z: Tensor): Broadcast3 {
  const shape = broadcastShapes(broadcastShapes(x.shape, y.shape), z.shape);
  return { shape, x: gatherTo(x, shape), y: gatherTo(y, shape), z: gatherTo(z, shape), xIndex: broadcastIndex(x.shape, shape) };
}

/** Python's repr of a shape tuple: `(3,)`, `(4, 3)`, `()`. */
export function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
