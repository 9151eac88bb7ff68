/**
 * Regression loss APIs: each binds a catalog id to the pointwise machinery with its
 * framework's reduction.
 */
import type { ApiImpl, ApiTable } from '../api.js';
import type { Args } from '../args.js';
import { type PointwiseLoss, elementwise, kerasPointwiseMean, requireFloat, torchPointwise, zerosLike } from '../pointwise.js';
import { checkKerasReduction, checkTorchReduction } from '../reduce.js';

const squared: PointwiseLoss = {
  value: (x, y) => (x - y) * (x - y),
  grad: (x, y) => 2 * (x - y),
};

const halfSquared: PointwiseLoss = {
  value: (x, y) => 0.5 * (x - y) * (x - y),
  grad: (x, y) => x - y,
};

/** torch `F.xxx_loss(input, target, ..., reduction)` and its module. */
function torchLoss(loss: PointwiseLoss): ApiImpl {
  return (a, want) => {
    const input = a.tensor('input');
    const target = a.tensor('target');
    requireFloat(input, 'input');
    return torchPointwise(input, target, checkTorchReduction(a.string('reduction')), loss, want);
  };
}

/** Keras class or compile string: per-sample mean over the last axis, then the reduction. */
function kerasLoss(loss: PointwiseLoss): ApiImpl {
  return (a, want) =>
    kerasPointwiseMean(a.tensor('y_true'), a.tensor('y_pred'), loss, want, kerasReductionOf(a), a.optTensor('sample_weight'));
}

/** Keras function: the per-sample losses, unreduced. */
function kerasFunction(loss: PointwiseLoss): ApiImpl {
  return (a, want) => kerasPointwiseMean(a.tensor('y_true'), a.tensor('y_pred'), loss, want, 'none', null);
}

/**
 * The Keras reduction: a class's constructor argument, or for a compile string (which has no
 * constructor) the default sum_over_batch_size.
 */
export function kerasReductionOf(a: Args) {
  return checkKerasReduction(a.has('reduction') ? a.raw('reduction') : 'sum_over_batch_size');
}

/** optax `f(predictions, targets=None)`: elementwise, unreduced. */
function optaxLoss(loss: PointwiseLoss): ApiImpl {
  return (a, want) => {
    const predictions = a.tensor('predictions');
    return elementwise(predictions, a.optTensor('targets') ?? zerosLike(predictions), loss, want);
  };
}

export const implementations: ApiTable = {
  'torch.nn.MSELoss': torchLoss(squared),
  'torch.nn.functional.mse_loss': torchLoss(squared),
  'keras.losses.MeanSquaredError': kerasLoss(squared),
  'keras.losses.mean_squared_error': kerasFunction(squared),
  mse: kerasLoss(squared),
  'optax.losses.squared_error': optaxLoss(squared),
  'optax.losses.l2_loss': optaxLoss(halfSquared),
};
