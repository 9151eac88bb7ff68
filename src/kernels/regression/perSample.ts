/**
 * The per-sample loss of the Keras-style APIs (Keras 2 and 3, TF Addons): the elementwise loss
 * averaged over the last axis, so (N, D) becomes (N,). The reductions then only see the
 * per-sample values; {@link scaleRows} carries their gradient scale back to the elements.
 */
import type { Broadcast } from '../pointwise.js';
import { sumToPrediction } from '../pointwise.js';
import { LossError, type Out, numel, out } from '../tensor.js';
import type { Fill } from './elementwise.js';

export interface RowMeans {
  /** The per-sample shape: the broadcast shape without its last axis. */
  shape: number[];
  values: Float64Array;
  /** ∂values[row]/∂element, over the broadcast shape (unscaled by the reduction), or null. */
  grad: Float64Array | null;
  broadcast: Broadcast;
  /** Length of the averaged (last) axis. */
  last: number;
}

/**
 * mean(ℓ, axis=−1) over the broadcast operands. A 0-d input has no last axis and raises as
 * TensorFlow does; an empty last axis gives NaN (0/0) per sample, as reduce_mean does.
 */
export function rowMeans(b: Broadcast, fill: Fill, wantGrad: boolean): RowMeans {
  if (b.shape.length === 0) throw new LossError('Invalid reduction dimension -1 for input with 0 dimensions.');
  const n = b.x.length;
  const elementwise = new Float64Array(n);
  const grad = wantGrad ? new Float64Array(n) : null;
  fill(b.x, b.y, elementwise, grad);
  const last = b.shape[b.shape.length - 1]!;
  const shape = b.shape.slice(0, -1);
  const rows = numel(shape);
  const values = new Float64Array(rows);
  for (let r = 0, j = 0; r < rows; r++) {
    let s = 0;
    for (const end = j + last; j < end; j++) s += elementwise[j]!;
    values[r] = s / last;
  }
  return { shape, values, grad, broadcast: b, last };
}

/**
 * The gradient with respect to the prediction: each element's derivative divided by the row
 * length and multiplied by its row's reduction scale, summed back over broadcast dimensions.
 */
export function scaleRows(m: RowMeans, scale: number | Float64Array, predictionShape: readonly number[], predictionSize: number): Out {
  const g = m.grad!;
  const rows = m.values.length;
  for (let r = 0, j = 0; r < rows; r++) {
    const s = (typeof scale === 'number' ? scale : scale[r]!) / m.last;
    for (const end = j + m.last; j < end; j++) g[j]! *= s;
  }
  return out(predictionShape, sumToPrediction(g, m.broadcast, predictionSize));
}
