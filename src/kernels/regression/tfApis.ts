/**
 * TensorFlow's regression ops in tf.nn: l2_loss (half the sum of squares, one scalar) and
 * log_poisson_loss (elementwise Poisson negative log-likelihood on log-rates, unreduced).
 * TensorFlow does not broadcast or promote here: shapes and dtypes must match exactly.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { LossError, type DType, type Tensor, isFloatDType, out, scalar, shapeEquals } from '../tensor.js';
import { pyShape } from './broadcast.js';
import { logPoissonTf } from './elementwise.js';

/** TensorFlow's dtype names as its kernels print them. */
const TF_DTYPE: Record<DType, string> = { float32: 'float', float64: 'double', int32: 'int32', int64: 'int64', bool: 'bool' };

function requireFloatOp(t: Tensor, allowed: string): void {
  if (!isFloatDType(t.dtype)) {
    throw new LossError(`Value for attr 'T' of ${t.dtype} is not in the list of allowed values: ${allowed}`);
  }
}

/** tf.nn.l2_loss(t): Σ t² / 2, with per-element values ½t² and gradient t. */
const l2Loss: ApiImpl = (a, want) => {
  const t = a.tensor('t');
  requireFloatOp(t, 'half, bfloat16, float, double');
  const d = t.data;
  const n = d.length;
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += d[i]! * d[i]!;
    s1 += d[i + 1]! * d[i + 1]!;
  }
  if (i < n) s0 += d[i]! * d[i]!;
  const result: KernelResult = { value: scalar((s0 + s1) / 2) };
  if (want.perSample) {
    const halves = new Float64Array(n);
    for (let j = 0; j < n; j++) halves[j] = 0.5 * d[j]! * d[j]!;
    result.perSample = out(t.shape, halves);
  }
  if (want.grad) result.grad = out(t.shape, Float64Array.from(d as ArrayLike<number>));
  return result;
};

/** tf.nn.log_poisson_loss(targets, log_input, compute_full_loss). */
const logPoissonLoss: ApiImpl = (a, want) => {
  const targets = a.tensor('targets');
  const logInput = a.tensor('log_input');
  if (!shapeEquals(targets.shape, logInput.shape)) {
    throw new LossError(`\`log_input\` and \`targets\` must have the same shape, received (${pyShape(logInput.shape)} vs ${pyShape(targets.shape)}).`);
  }
  requireFloatOp(logInput, 'bfloat16, half, float, double, complex64, complex128');
  if (targets.dtype !== logInput.dtype) {
    throw new LossError(
      `cannot compute Mul as input #1(zero-based) was expected to be a ${TF_DTYPE[logInput.dtype]} tensor but is a ${TF_DTYPE[targets.dtype]} tensor`,
    );
  }
  const n = logInput.size;
  const values = new Float64Array(n);
  const grad = want.grad ? new Float64Array(n) : null;
  logPoissonTf(a.bool('compute_full_loss'))(logInput.data, targets.data, values, grad);
  const result: KernelResult = { value: out(logInput.shape, values) };
  if (want.perSample) result.perSample = result.value;
  if (grad !== null) result.grad = out(logInput.shape, grad);
  return result;
};

/** The implementations of this module, keyed by catalog id. */
export const tfImplementations: Record<string, ApiImpl> = {
  'tf.nn.l2_loss': l2Loss,
  'tf.nn.log_poisson_loss': logPoissonLoss,
};
