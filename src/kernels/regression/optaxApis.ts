/**
 * optax regression losses (optax.losses.*, current release): squared_error, l2_loss,
 * huber_loss and log_cosh. optax never reduces; each returns one loss per element.
 *
 * Predictions must be floating point. squared_error and l2_loss refuse targets of another
 * shape ("Avoid broadcasting logic"), while huber_loss and log_cosh broadcast with jnp rules.
 * `targets=None` means zeros.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import type { Args } from '../args.js';
import { broadcastPair, sumToPrediction, zerosLike } from '../pointwise.js';
import { LossError, type Tensor, out, shapeEquals } from '../tensor.js';
import { pyShape } from './broadcast.js';
import { type Fill, halfSquaredError, huberOptax, logCoshOptax, squaredError } from './elementwise.js';

/** optax's utils.check_subdtype(predictions, jnp.floating). */
function checkFloating(t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new LossError(`Expected the input to have a dtype that is a subdtype of <class 'jax.numpy.floating'>, got ${t.dtype} instead`);
  }
}

/** jnp broadcasting, raising JAX's message for incompatible shapes. */
function checkBroadcastable(a: readonly number[], b: readonly number[]): void {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new LossError(`Incompatible shapes for broadcasting: shapes=[${pyShape(a)}, ${pyShape(b)}]`);
  }
}

/** Elementwise loss over (predictions, targets), unreduced, with ∂/∂predictions. */
function elementwise(predictions: Tensor, targets: Tensor, fill: Fill, wantGrad: boolean, wantPerSample: boolean): KernelResult {
  const b = broadcastPair(predictions, targets);
  const n = b.x.length;
  const values = new Float64Array(n);
  const grad = wantGrad ? new Float64Array(n) : null;
  fill(b.x, b.y, values, grad);
  const result: KernelResult = { value: out(b.shape, values) };
  if (wantPerSample) result.perSample = result.value;
  if (grad !== null) result.grad = out(predictions.shape, sumToPrediction(grad, b, predictions.size));
  return result;
}

/** squared_error and l2_loss: equal shapes required when targets are given. */
function sameShapeLoss(fill: Fill): ApiImpl {
  return (a, want) => {
    const predictions = a.tensor('predictions');
    checkFloating(predictions);
    const targets = a.optTensor('targets');
    if (targets !== null && !shapeEquals(predictions.shape, targets.shape)) {
      throw new LossError(`Shape mismatch: got ${pyShape(predictions.shape)} and ${pyShape(targets.shape)}.`);
    }
    return elementwise(predictions, targets ?? zerosLike(predictions), fill, want.grad, want.perSample);
  };
}

/** huber_loss and log_cosh: targets broadcast against the predictions. */
function broadcastingLoss(fill: (a: Args) => Fill): ApiImpl {
  return (a, want) => {
    const predictions = a.tensor('predictions');
    checkFloating(predictions);
    const targets = a.optTensor('targets');
    if (targets !== null) checkBroadcastable(predictions.shape, targets.shape);
    return elementwise(predictions, targets ?? zerosLike(predictions), fill(a), want.grad, want.perSample);
  };
}

/** The implementations of this module, keyed by catalog id. */
export const optaxImplementations: Record<string, ApiImpl> = {
  'optax.losses.squared_error': sameShapeLoss(squaredError),
  'optax.losses.l2_loss': sameShapeLoss(halfSquaredError),
  'optax.losses.huber_loss': broadcastingLoss((a) => huberOptax(a.number('delta'))),
  'optax.losses.log_cosh': broadcastingLoss(() => logCoshOptax),
};
