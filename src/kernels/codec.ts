/**
 * The wire form of tensors in `loss-lens eval` and the parity fixtures:
 * `{"shape": [...], "dtype": "float32", "data": [...]}`, row-major, with NaN and infinities
 * written as the strings "NaN", "Infinity" and "-Infinity" (JSON has no literal for them).
 */
import { DTYPES, LossError, type DType, type Out, type TensorData, type TensorLike, formatShape, numel } from './tensor.js';

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, inf: Infinity, '-inf': -Infinity, nan: NaN };

/** True when a value looks like a tensor object (wire or typed form). */
export function isTensorObject(v: unknown): v is { shape: unknown; dtype: unknown; data: unknown } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'shape' in v && 'data' in v;
}

/** Reads one wire number: a JSON number or one of the special strings. */
export function decodeNumber(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v in SPECIAL) return SPECIAL[v]!;
  throw new LossError(`${where}: ${JSON.stringify(v)} is not a number`);
}

/**
 * Turns a wire tensor into typed storage of its dtype. Typed arrays given by Node callers are
 * kept as they are (no copy); float32 wire data is rounded to float32, as the tensor it stands for.
 */
export function decodeTensor(v: unknown, name: string): TensorLike {
  if (!isTensorObject(v)) throw new LossError(`${name}: expected a tensor {"shape", "dtype", "data"}`);
  const shape = v.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new LossError(`${name}: shape must be a list of non-negative integers`);
  }
  const dtype = (v as { dtype?: unknown }).dtype ?? 'float32';
  if (typeof dtype !== 'string' || !(DTYPES as readonly string[]).includes(dtype)) {
    throw new LossError(`${name}: unsupported dtype ${JSON.stringify(dtype)} (expected one of ${DTYPES.join(', ')})`);
  }
  const data = v.data;
  if (ArrayBuffer.isView(data)) return { shape, dtype: dtype as DType, data: data as unknown as TensorData };
  if (!Array.isArray(data)) throw new LossError(`${name}: data must be an array`);
  const size = numel(shape);
  if (data.length !== size) {
    throw new LossError(`${name}: shape ${formatShape(shape)} holds ${size} elements but data has ${data.length}`);
  }
  switch (dtype as DType) {
    case 'float32':
    case 'float64': {
      const typed = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
      for (let i = 0; i < size; i++) typed[i] = decodeNumber(data[i], `${name}[${i}]`);
      return { shape, dtype: dtype as DType, data: typed };
    }
    case 'int32':
    case 'int64': {
      const typed = dtype === 'int32' ? new Int32Array(size) : new Float64Array(size);
      for (let i = 0; i < size; i++) {
        const x = data[i];
        const limit = dtype === 'int32' ? 2 ** 31 : Number.MAX_SAFE_INTEGER;
        if (typeof x !== 'number' || !Number.isInteger(x) || x >= limit || x < -limit) {
          throw new LossError(`${name}[${i}]: ${JSON.stringify(x)} is not a valid ${dtype}`);
        }
        typed[i] = x;
      }
      // int64 is carried as exact integers in float64 storage: labels never approach 2^53.
      return { shape, dtype: dtype as DType, data: typed };
    }
    case 'bool': {
      const typed = new Uint8Array(size);
      for (let i = 0; i < size; i++) {
        const x = data[i];
        if (x !== true && x !== false && x !== 0 && x !== 1) throw new LossError(`${name}[${i}]: ${JSON.stringify(x)} is not a bool`);
        typed[i] = x ? 1 : 0;
      }
      return { shape, dtype: 'bool', data: typed };
    }
  }
}

/** Writes a float64 result in wire form. */
export function encodeOut(o: Out): { shape: number[]; dtype: 'float64'; data: (number | string)[] } {
  const data = new Array<number | string>(o.data.length);
  for (let i = 0; i < o.data.length; i++) data[i] = encodeNumber(o.data[i]!);
  return { shape: o.shape, dtype: 'float64', data };
}

export function encodeNumber(x: number): number | string {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}
