/**
 * PyTorch 1.13's regression losses: MSE, L1, Huber, smooth L1, Poisson NLL and Gaussian NLL,
 * each module sharing its functional form's implementation (the binder merges constructor
 * and call arguments, and torch's legacy size_average/reduce are mapped onto `reduction`).
 *
 * torch computes the loss elementwise over the broadcast of input and target, then reduces
 * by 'mean' (over every element; NaN when empty), 'sum' or 'none'. MSE, L1, Huber and smooth L1
 * with equal shapes and a mean/sum reduction take a fused single-pass loop.
 */
import type { ApiImpl, KernelResult, Want } from '../api.js';
import type { Args } from '../args.js';
import { type Broadcast, broadcastPair, sumToPrediction, torchBroadcastWarning } from '../pointwise.js';
import { type TorchReduction, checkTorchReduction, reduceTorch } from '../reduce.js';
import { type DType, LossError, type Tensor, isFloatDType, out, scalar, shapeEquals } from '../tensor.js';
import { broadcastThree } from './broadcast.js';
import { type Fill, absoluteErrorTorch, gaussianTorch, huberTorch, poissonTorch, smoothL1Torch, squaredError } from './elementwise.js';
import { type FusedLoss, fusedSum } from './fastPaths.js';

// ------------------------------------------------------------------------------------- dtypes

/** torch's type promotion between two tensors of these dtypes (category first, then width). */
function promote(a: DType, b: DType): DType {
  for (const d of ['float64', 'float32', 'int64', 'int32'] as const) if (a === d || b === d) return d;
  return 'bool';
}

/** torch's ScalarType names as they appear in its error messages. */
const SCALAR_TYPE: Record<DType, string> = { float32: 'Float', float64: 'Double', int64: 'Long', int32: 'Int', bool: 'Bool' };

/** Structured kernels (mse, smooth_l1) dispatch on the promoted type and have no integer kernel. */
function requireFloatKernel(op: string, input: Tensor, target: Tensor): void {
  const common = promote(input.dtype, target.dtype);
  if (!isFloatDType(common)) throw new LossError(`"${op}_cpu" not implemented for '${SCALAR_TYPE[common]}'`);
}

/** huber_loss writes into a tensor of the input's dtype, so an integer input cannot hold the result. */
function requireHuberTypes(input: Tensor, target: Tensor): void {
  const common = promote(input.dtype, target.dtype);
  if (!isFloatDType(common)) throw new LossError(`"huber_cpu" not implemented for '${SCALAR_TYPE[common]}'`);
  if (!isFloatDType(input.dtype)) {
    throw new LossError(`result type ${SCALAR_TYPE[common]} can't be cast to the desired output type ${SCALAR_TYPE[input.dtype]}`);
  }
}

/** torch forbids `-` with a bool operand; l1_loss and gaussian_nll_loss subtract directly. */
function requireNoBoolSubtraction(input: Tensor, target: Tensor): void {
  if (input.dtype === 'bool' && target.dtype === 'bool') {
    throw new LossError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  }
  if (input.dtype === 'bool' || target.dtype === 'bool') {
    throw new LossError(
      'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  }
}

// ------------------------------------------------------------------------------- shared driver

/**
 * ℓ elementwise over the broadcast operands, torch's reduction, and the gradient with respect
 * to the input summed back over broadcast dimensions.
 */
function reduceElementwise(
  b: Broadcast,
  input: Tensor,
  reduction: TorchReduction,
  fill: Fill,
  want: Want,
  warnings: string[],
): KernelResult {
  const n = b.x.length;
  const values = new Float64Array(n);
  const grad = want.grad ? new Float64Array(n) : null;
  fill(b.x, b.y, values, grad);
  const reduced = reduceTorch(values, b.shape, reduction);
  const result: KernelResult = { value: reduced.value };
  if (warnings.length > 0) result.warnings = warnings;
  if (want.perSample) result.perSample = out(b.shape, values);
  if (grad !== null) {
    const s = reduced.scale as number;
    if (s !== 1) for (let i = 0; i < n; i++) grad[i]! *= s;
    result.grad = out(input.shape, sumToPrediction(grad, b, input.size));
  }
  return result;
}

interface PairLoss {
  fill: Fill;
  /** The fused loop for equal shapes with a mean/sum reduction, when there is one. */
  fused?: FusedLoss;
  /** torch warns when input and target shapes differ (mse, l1, huber, smooth_l1 do; poisson does not). */
  warnOnBroadcast: boolean;
}

/** A loss of (input, target) elementwise: the fused loop when it applies, else fill + reduce. */
function pairLoss(input: Tensor, target: Tensor, reduction: TorchReduction, loss: PairLoss, want: Want): KernelResult {
  const warnings = loss.warnOnBroadcast ? torchBroadcastWarning(input, target) : [];
  if (loss.fused !== undefined && reduction !== 'none' && !want.perSample && shapeEquals(input.shape, target.shape)) {
    const n = input.size;
    const scale = reduction === 'mean' ? 1 / n : 1;
    const grad = want.grad ? new Float64Array(n) : null;
    const total = fusedSum(loss.fused, input.data, target.data, grad, scale);
    // torch's mean of nothing is 0/0 = NaN.
    const result: KernelResult = { value: scalar(reduction === 'mean' ? total / n : total) };
    if (grad !== null) result.grad = out(input.shape, grad);
    if (warnings.length > 0) result.warnings = warnings;
    return result;
  }
  return reduceElementwise(broadcastPair(input, target), input, reduction, loss.fill, want, warnings);
}

function inputs(a: Args): [Tensor, Tensor] {
  return [a.tensor('input'), a.tensor('target')];
}

// --------------------------------------------------------------------------------------- APIs

/** mse_loss / MSELoss: (x − y)². */
const mseLoss: ApiImpl = (a, want) => {
  const [input, target] = inputs(a);
  const reduction = checkTorchReduction(a.string('reduction'));
  requireFloatKernel('mse', input, target);
  return pairLoss(input, target, reduction, { fill: squaredError, fused: { kind: 'squared' }, warnOnBroadcast: true }, want);
};

/** l1_loss / L1Loss: |x − y|, computed by torch as abs(input − target) then the reduction. */
const l1Loss: ApiImpl = (a, want) => {
  const [input, target] = inputs(a);
  const reduction = checkTorchReduction(a.string('reduction'));
  requireNoBoolSubtraction(input, target);
  const common = promote(input.dtype, target.dtype);
  if (reduction === 'mean' && !isFloatDType(common)) {
    throw new LossError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${SCALAR_TYPE[common]}`,
    );
  }
  return pairLoss(input, target, reduction, { fill: absoluteErrorTorch, fused: { kind: 'absolute' }, warnOnBroadcast: true }, want);
};

/** huber_loss / HuberLoss: ½z² below δ, δ(z − ½δ) above (δ > 0). */
const huberLoss: ApiImpl = (a, want) => {
  const [input, target] = inputs(a);
  const reduction = checkTorchReduction(a.string('reduction'));
  const delta = a.number('delta');
  requireHuberTypes(input, target);
  // torch checks `delta > 0`, which NaN fails too.
  if (!(delta > 0)) throw new LossError('huber_loss does not support non-positive values for delta.');
  return pairLoss(input, target, reduction, { fill: huberTorch(delta), fused: { kind: 'huber', delta }, warnOnBroadcast: true }, want);
};

/** smooth_l1_loss / SmoothL1Loss: ½z²/β below β, z − ½β above (β ≥ 0; β = 0 is L1). */
const smoothL1Loss: ApiImpl = (a, want) => {
  const [input, target] = inputs(a);
  const reduction = checkTorchReduction(a.string('reduction'));
  const beta = a.number('beta');
  requireFloatKernel('smooth_l1', input, target);
  if (!(beta >= 0)) throw new LossError('smooth_l1_loss does not support negative values for beta.');
  return pairLoss(input, target, reduction, { fill: smoothL1Torch(beta), fused: { kind: 'smoothL1', beta }, warnOnBroadcast: true }, want);
};

/**
 * poisson_nll_loss and gaussian_nll_loss validate `reduction` themselves, with their own
 * wording ("avg is not valid"), before any computation.
 */
function checkOwnReduction(a: Args): TorchReduction {
  const reduction = a.raw('reduction');
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw new LossError(`${String(reduction)} is not valid`);
  return reduction;
}

/** poisson_nll_loss / PoissonNLLLoss on log-rates (default) or rates. */
const poissonNllLoss: ApiImpl = (a, want) => {
  const [input, target] = inputs(a);
  const reduction = checkOwnReduction(a);
  const fill = poissonTorch(a.bool('log_input'), a.bool('full'), a.number('eps'));
  return pairLoss(input, target, reduction, { fill, warnOnBroadcast: false }, want);
};

/** C++ type names in the error torch raises when clamp_ writes a float into an integer `var`. */
const CPP_TYPE: Record<DType, string> = { float32: 'float', float64: 'double', int64: 'long int', int32: 'int', bool: 'bool' };

/**
 * gaussian_nll_loss's variance shapes: the input's own shape, the input's shape without its
 * last dimension (then unsqueezed), or that shape followed by 1. Anything else raises.
 */
function alignVariance(input: Tensor, variance: Tensor): Tensor {
  if (shapeEquals(variance.shape, input.shape)) return variance;
  const leading = input.shape.slice(0, -1);
  if (shapeEquals(leading, variance.shape)) return { ...variance, shape: [...variance.shape, 1] };
  const last = variance.shape[variance.shape.length - 1];
  if (variance.shape.length > 0 && shapeEquals(leading, variance.shape.slice(0, -1)) && last === 1) return variance;
  throw new LossError('var is of incorrect size');
}

/** gaussian_nll_loss / GaussianNLLLoss: ½(log v + (x − y)²/v) with v = max(var, eps). */
const gaussianNllLoss: ApiImpl = (a, want) => {
  const [input, target] = inputs(a);
  const variance = alignVariance(input, a.tensor('var'));
  const reduction = checkOwnReduction(a);
  const vd = variance.data;
  for (let i = 0; i < vd.length; i++) if (vd[i]! < 0) throw new LossError('var has negative entry/entries');
  if (!isFloatDType(variance.dtype)) {
    throw new LossError(`result type Float can't be cast to the desired output type ${CPP_TYPE[variance.dtype]}`);
  }
  requireNoBoolSubtraction(input, target);
  const b = broadcastThree(input, target, variance);
  return reduceElementwise(b, input, reduction, gaussianTorch(b.z, a.number('eps'), a.bool('full')), want, []);
};

/** The implementations of this module, keyed by catalog id. */
export const torchImplementations: Record<string, ApiImpl> = {
  'torch.nn.MSELoss': mseLoss,
  'torch.nn.functional.mse_loss': mseLoss,
  'torch.nn.L1Loss': l1Loss,
  'torch.nn.functional.l1_loss': l1Loss,
  'torch.nn.HuberLoss': huberLoss,
  'torch.nn.functional.huber_loss': huberLoss,
  'torch.nn.SmoothL1Loss': smoothL1Loss,
  'torch.nn.functional.smooth_l1_loss': smoothL1Loss,
  'torch.nn.PoissonNLLLoss': poissonNllLoss,
  'torch.nn.functional.poisson_nll_loss': poissonNllLoss,
  'torch.nn.GaussianNLLLoss': gaussianNllLoss,
  'torch.nn.functional.gaussian_nll_loss': gaussianNllLoss,
};
