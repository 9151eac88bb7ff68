/**
 * TensorFlow Addons' pinball (quantile) loss, in its final release (0.23, on tf.keras 2).
 *
 * pinball_loss(y_true, y_pred, tau): d = y_true − y_pred, ℓ = max(τ·d, (τ − 1)·d), averaged over
 * the last axis. τ may be a number or a tensor (one level per output of a multi-quantile head):
 * it gains a leading axis of 1 and is broadcast against d. PinballLoss wraps it in Keras 2's
 * LossFunctionWrapper (squeeze a trailing 1, then weights and the Keras 2 reduction).
 */
import type { ApiImpl, KernelResult } from '../api.js';
import type { Args } from '../args.js';
import { type Tensor, out } from '../tensor.js';
import { broadcastThree } from './broadcast.js';
import { pinballTfa } from './elementwise.js';
import { reduceKeras2, squeezeKeras2 } from './keras2.js';
import { type RowMeans, rowMeans, scaleRows } from './perSample.js';

/** τ as TensorFlow sees it after expand_dims(τ, 0). */
function tauTensor(a: Args): Tensor {
  const tau = a.tensorOrNumber('tau');
  if (typeof tau === 'number') return { shape: [1], dtype: 'float64', data: Float64Array.of(tau), size: 1 };
  const t = tau as Tensor;
  return { ...t, shape: [1, ...t.shape] };
}

function pinballRows(a: Args, yTrue: Tensor, yPred: Tensor, wantGrad: boolean): RowMeans {
  const b = broadcastThree(yPred, yTrue, tauTensor(a));
  return rowMeans(b, pinballTfa(b.z), wantGrad);
}

/** tfa.losses.pinball_loss: the per-sample values. */
const pinballLoss: ApiImpl = (a, want) => {
  const yPred = a.tensor('y_pred');
  const m = pinballRows(a, a.tensor('y_true'), yPred, want.grad);
  const result: KernelResult = { value: out(m.shape, m.values) };
  if (want.perSample) result.perSample = out(m.shape, m.values);
  if (want.grad) result.grad = scaleRows(m, 1, yPred.shape, yPred.size);
  return result;
};

/** tfa.losses.PinballLoss: Keras 2 squeeze, per-sample values, sample weight, Keras 2 reduction. */
const PinballLoss: ApiImpl = (a, want) => {
  const original = a.tensor('y_pred');
  const [yTrue, yPred] = squeezeKeras2(a.tensor('y_true'), original);
  const m = pinballRows(a, yTrue, yPred, want.grad);
  const reduced = reduceKeras2(m.values, m.shape, a.string('reduction'), a.optTensor('sample_weight'));
  const result: KernelResult = { value: reduced.value };
  if (want.perSample) result.perSample = out(m.shape, m.values);
  if (want.grad) result.grad = scaleRows(m, reduced.scale, original.shape, original.size);
  return result;
};

/** The implementations of this module, keyed by catalog id. */
export const tfaImplementations: Record<string, ApiImpl> = {
  'tfa.losses.PinballLoss': PinballLoss,
  'tfa.losses.pinball_loss': pinballLoss,
};
