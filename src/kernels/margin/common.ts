/**
 * Small helpers shared by the margin-group kernels: the frameworks' shape and dtype spellings
 * in their messages, dtype checks, broadcasting gathers and the JAX/TF conventions for
 * gradients at ties.
 */
import { LossError, type DType, type NumericArray, type Tensor, broadcastIndex, isFloatDType, numel } from '../tensor.js';

/** torch's ScalarType names as they appear in its messages. */
export const TORCH_TYPE: Record<DType, string> = { float32: 'Float', float64: 'Double', int64: 'Long', int32: 'Int', bool: 'Bool' };

/** A shape as ATen prints sizes: `[2, 3]`. */
export function torchList(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A shape as torch prints a `torch.Size`: `torch.Size([2, 3])`. */
export function torchSizeRepr(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** A shape as Python prints a tuple: `(2, 3)`, `(3,)`, `()`. */
export function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** True for int32, int64 and bool tensors (torch's `isIntegralType(…, includeBool=true)`). */
export function isIntegral(t: Tensor): boolean {
  return !isFloatDType(t.dtype);
}

/** torch's result type of two tensors (category first, then width). */
export function promoteTorch(a: DType, b: DType): DType {
  for (const d of ['float64', 'float32', 'int64', 'int32'] as const) if (a === d || b === d) return d;
  return 'bool';
}

/** jax/optax `utils.check_subdtype(x, jnp.floating)`. */
export function requireJaxFloating(t: Tensor): void {
  if (!isFloatDType(t.dtype)) {
    throw new LossError(`Expected the input to have a dtype that is a subdtype of <class 'jax.numpy.floating'>, got ${t.dtype} instead`);
  }
}

/** A tensor's elements laid out over `shape`: its own buffer when the shapes agree, else a gathered copy. */
export function gatherTo(t: Tensor, shape: readonly number[]): NumericArray {
  const index = broadcastIndex(t.shape, shape);
  if (index === undefined) return t.data;
  const n = numel(shape);
  const out = new Float64Array(n);
  const d = t.data;
  for (let i = 0; i < n; i++) out[i] = d[index[i]!]!;
  return out;
}

/**
 * Adds a gradient laid out over a broadcast shape back onto the elements of a tensor of
 * `sourceShape` (the adjoint of broadcasting). Returns `grad` itself when nothing was broadcast.
 */
export function sumToShape(grad: Float64Array, broadcastShape: readonly number[], sourceShape: readonly number[]): Float64Array {
  const index = broadcastIndex(sourceShape, broadcastShape);
  if (index === undefined) return grad;
  const out = new Float64Array(numel(sourceShape));
  for (let i = 0; i < grad.length; i++) out[index[i]!] += grad[i]!;
  return out;
}

/** NumPy/JAX broadcasting with JAX's message for incompatible shapes. */
export function broadcastJax(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const shape = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new LossError(`Incompatible shapes for broadcasting: shapes=[${pyShape(a)}, ${pyShape(b)}]`);
    }
    shape[i] = da === 1 ? db : da;
  }
  return shape;
}

/** NumPy/TensorFlow broadcasting with TensorFlow's message for incompatible shapes. */
export function broadcastTf(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const shape = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new LossError(`Incompatible shapes: [${a.join(',')}] vs. [${b.join(',')}]`);
    shape[i] = da === 1 ? db : da;
  }
  return shape;
}

/** The framework's max(x, 0) that keeps NaN (torch clamp, TF/JAX maximum): NaN in, NaN out. */
export function relu(x: number): number {
  return x > 0 ? x : x === x ? 0 : x;
}
