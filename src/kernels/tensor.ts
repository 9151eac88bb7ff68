/**
 * Tensors as the kernel library sees them: a shape, a dtype and a flat row-major buffer.
 *
 * Inputs may arrive as typed arrays (zero-copy) or plain arrays (from JSON). Every kernel reads
 * elements as JS numbers; int64 buffers (BigInt64Array) are the one layout converted up front,
 * because reading bigints element by element in a hot loop costs far more than one conversion.
 * Results are always float64.
 */

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

/** Buffers whose elements read as numbers without conversion. */
export type NumericArray = Float64Array | Float32Array | Int32Array | Uint8Array | readonly number[];

/** Everything a caller may hand the library as tensor data. */
export type TensorData = NumericArray | BigInt64Array | readonly boolean[];

/** A tensor as accepted from callers. */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: TensorData;
}

/** A validated tensor whose elements read as numbers. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: NumericArray;
  readonly size: number;
}

/** A float64 result. */
export interface Out {
  readonly shape: number[];
  readonly data: Float64Array;
}

/**
 * An error raised where the framework raises. The message is the framework's own wording where
 * it has one, so users can search for it.
 */
export class LossError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LossError';
  }
}

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function isIntDType(dtype: DType): boolean {
  return dtype === 'int32' || dtype === 'int64';
}

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeEquals(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function expectedDTypeOf(data: TensorData): DType | undefined {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return undefined;
}

/**
 * Validates a caller's tensor and returns a view whose elements read as numbers.
 * Typed arrays are used as they are (no copy); int64 bigints and booleans are converted.
 */
export function toTensor(t: TensorLike, name = 'tensor'): Tensor {
  if (t === null || typeof t !== 'object') throw new LossError(`${name}: expected a tensor`);
  const { shape, dtype, data } = t;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new LossError(`${name}: shape must be a list of non-negative integers`);
  }
  if (!DTYPES.includes(dtype)) {
    throw new LossError(`${name}: unsupported dtype ${JSON.stringify(dtype)} (expected one of ${DTYPES.join(', ')})`);
  }
  if (data === null || typeof data !== 'object' || typeof (data as { length?: unknown }).length !== 'number') {
    throw new LossError(`${name}: data must be an array`);
  }
  const size = numel(shape);
  if (data.length !== size) {
    throw new LossError(`${name}: shape ${formatShape(shape)} holds ${size} elements but data has ${data.length}`);
  }
  if (!storageFits(data, dtype)) {
    throw new LossError(`${name}: dtype ${dtype} does not match its ${data.constructor.name} data`);
  }
  let values: NumericArray;
  if (data instanceof BigInt64Array) {
    values = bigIntsToNumbers(data, name);
  } else if (Array.isArray(data) && dtype === 'bool') {
    const u8 = new Uint8Array(size);
    for (let i = 0; i < size; i++) u8[i] = data[i] ? 1 : 0;
    values = u8;
  } else {
    values = data as NumericArray;
  }
  if (dtype === 'int64' && values instanceof Float64Array) checkIntegral(values, name);
  if (Array.isArray(values)) checkPlainArray(values, dtype, name);
  return { shape: [...shape], dtype, data: values, size };
}

/**
 * Which buffers may carry which dtype. int64 may also arrive as Int32Array or as exact integers
 * in a Float64Array (how the JSON codec carries it), since labels never approach 2^53.
 */
function storageFits(data: TensorData, dtype: DType): boolean {
  if (Array.isArray(data)) return true;
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array;
    case 'float64':
      return data instanceof Float64Array;
    case 'int32':
      return data instanceof Int32Array;
    case 'int64':
      return data instanceof BigInt64Array || data instanceof Int32Array || data instanceof Float64Array;
    case 'bool':
      return data instanceof Uint8Array;
  }
}

function checkIntegral(values: Float64Array, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i])) throw new LossError(`${name}: element ${i} (${values[i]}) is not an integer but the dtype is int64`);
  }
}

/** True on little-endian hosts, where an int64's low 32-bit word comes first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * int64 labels as numbers. Labels fit in int32, so they become an Int32Array read from the two
 * 32-bit words of each element (no BigInt per element); a value beyond int32 switches to a
 * Float64Array, exact below 2^53 and rejected beyond. Inside {@link withScratch} the Int32Array
 * comes from a pool reused across calls: on this kind of VM the page faults of a fresh 4 MB
 * buffer cost more than reading the labels.
 */
function bigIntsToNumbers(data: BigInt64Array, name: string): NumericArray {
  if (!LITTLE_ENDIAN) return bigIntsToFloat64(data, name);
  const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
  const n = data.length;
  const out = leaseInt32(n);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i]!;
    // An int32 value's high word is its low word's sign extension.
    if (words[2 * i + 1]! !== lo >> 31) return bigIntsToFloat64(data, name);
    out[i] = lo;
  }
  return out;
}

function bigIntsToFloat64(data: BigInt64Array, name: string): Float64Array {
  const out = new Float64Array(data.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v > MAX_SAFE_BIGINT || v < -MAX_SAFE_BIGINT) throw unsafeInt64(data, i, name);
      out[i] = Number(v);
    }
    return out;
  }
  // hi·2³² + lo is exact below 2^53 and rounds monotonically above, so the range check holds.
  const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
  for (let i = 0; i < data.length; i++) {
    const v = words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
    if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) throw unsafeInt64(data, i, name);
    out[i] = v;
  }
  return out;
}

/** Buffers of converted labels kept for reuse between {@link withScratch} calls. */
const scratchPool: Int32Array[] = [];
/** Buffers handed out inside the current {@link withScratch} call (null outside one). */
let leased: Int32Array[] | null = null;
/** Larger conversions are not kept: the pool must not pin hundreds of MB between calls. */
const SCRATCH_KEEP_LIMIT = 1 << 24;

function leaseInt32(n: number): Int32Array {
  if (leased === null || n > SCRATCH_KEEP_LIMIT) return new Int32Array(n);
  let best = -1;
  for (let i = 0; i < scratchPool.length; i++) {
    const cap = scratchPool[i]!.length;
    if (cap >= n && (best < 0 || cap < scratchPool[best]!.length)) best = i;
  }
  const buffer = best >= 0 ? scratchPool.splice(best, 1)[0]! : new Int32Array(n);
  leased.push(buffer);
  return buffer.length === n ? buffer : buffer.subarray(0, n);
}

/**
 * Runs one kernel call whose converted int64 tensors may use pooled buffers, returned to the
 * pool when it ends. Results never alias them: they are Float64Arrays, the pool holds Int32Arrays.
 */
export function withScratch<T>(fn: () => T): T {
  if (leased !== null) return fn();
  leased = [];
  try {
    return fn();
  } finally {
    for (const b of leased) if (scratchPool.length < 8) scratchPool.push(b);
    leased = null;
  }
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

function unsafeInt64(data: BigInt64Array, i: number, name: string): LossError {
  return new LossError(`${name}: int64 value ${data[i]} at index ${i} is beyond ±2^53 and cannot be used as a label`);
}

function checkPlainArray(values: readonly number[], dtype: DType, name: string): void {
  const integral = isIntDType(dtype) || dtype === 'bool';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw new LossError(`${name}: element ${i} is not a number`);
    if (integral && !Number.isInteger(v)) {
      throw new LossError(`${name}: element ${i} (${v}) is not an integer but the dtype is ${dtype}`);
    }
  }
}

/** Builds a tensor from plain data; dtype defaults from the buffer type (float64 for plain arrays). */
export function tensor(data: TensorData, shape?: readonly number[], dtype?: DType): Tensor {
  const inferred = dtype ?? expectedDTypeOf(data) ?? 'float64';
  return toTensor({ data, shape: shape ?? [data.length], dtype: inferred });
}

/** A float64 result of the given shape. */
export function out(shape: readonly number[], data: Float64Array): Out {
  return { shape: [...shape], data };
}

export function scalar(value: number): Out {
  return { shape: [], data: Float64Array.of(value) };
}

/**
 * Broadcasts shapes by NumPy/PyTorch rules, raising PyTorch's message on a mismatch.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const result = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new LossError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
    }
    result[i] = da === 1 ? db : da;
  }
  return result;
}

/**
 * For each flat index of `target` (a broadcast of `source`), the flat index into `source`.
 * Returns undefined when the shapes are equal, so callers keep their fast path.
 */
export function broadcastIndex(source: readonly number[], target: readonly number[]): Int32Array | undefined {
  if (shapeEquals(source, target)) return undefined;
  const n = target.length;
  const strides = new Array<number>(n).fill(0);
  let stride = 1;
  for (let i = source.length - 1; i >= 0; i--) {
    const ti = n - source.length + i;
    strides[ti] = source[i] === 1 ? 0 : stride;
    stride *= source[i]!;
  }
  const size = numel(target);
  const index = new Int32Array(size);
  const counter = new Array<number>(n).fill(0);
  let offset = 0;
  for (let flat = 0; flat < size; flat++) {
    index[flat] = offset;
    for (let d = n - 1; d >= 0; d--) {
      counter[d]!++;
      offset += strides[d]!;
      if (counter[d]! < target[d]!) break;
      offset -= strides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return index;
}

/** Reads a tensor broadcast to `target` into a new float64 buffer (used for small side inputs such as weights). */
export function expandTo(t: Tensor, target: readonly number[]): Float64Array {
  broadcastShapes(t.shape, target);
  const index = broadcastIndex(t.shape, target);
  const size = numel(target);
  const result = new Float64Array(size);
  if (index === undefined) {
    for (let i = 0; i < size; i++) result[i] = t.data[i]!;
  } else {
    for (let i = 0; i < size; i++) result[i] = t.data[index[i]!]!;
  }
  return result;
}

/** Sum in float64 with four accumulators (faster than one, and a little more accurate). */
export function sum(values: ArrayLike<number>): number {
  const n = values.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += values[i]!;
    s1 += values[i + 1]!;
    s2 += values[i + 2]!;
    s3 += values[i + 3]!;
  }
  for (; i < n; i++) s0 += values[i]!;
  return s0 + s1 + (s2 + s3);
}

/** Normalises a possibly negative axis against `ndim`, raising PyTorch's message when out of range. */
export function normalizeAxis(axis: number, ndim: number): number {
  const lo = -Math.max(ndim, 1);
  const hi = Math.max(ndim, 1) - 1;
  if (!Number.isInteger(axis) || axis < lo || axis > hi) {
    throw new LossError(`Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${axis})`);
  }
  return axis < 0 ? axis + Math.max(ndim, 1) : axis;
}
