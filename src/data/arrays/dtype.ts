/**
 * Element types of the binary array formats (.npy/.npz, .safetensors) and their conversion to
 * the kernel library's storage (`src/kernels/tensor.ts`):
 *
 *   bool                         -> bool    Uint8Array    (view; bytes checked to be 0 or 1)
 *   int32                        -> int32   Int32Array    (view)
 *   int8, uint8, int16, uint16   -> int32   Int32Array    (copy: widened)
 *   int64                        -> int64   BigInt64Array (view)
 *   uint32, uint64               -> int64   Float64Array  (copy: exact integers, uint64 <= 2^53)
 *   float32                      -> float32 Float32Array  (view)
 *   float64                      -> float64 Float64Array  (view)
 *   float16, bfloat16, float8_*  -> float32 Float32Array  (copy: widened, exactly)
 *
 * "View" means the bytes read from the file become the tensor's buffer as they are, when the
 * file's byte order is the machine's; every other case (a wider type, a swapped byte order) is
 * one pass from the read chunk into the output, so no full-size intermediate is ever held.
 */
import type { DType } from '../../kernels/tensor.js';
import { DataError } from '../errors.js';

export type ElementName =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float16'
  | 'bfloat16'
  | 'float32'
  | 'float64'
  | 'float8_e4m3fn'
  | 'float8_e5m2';

/** One stored element type: its name, width in bytes and byte order in the file. */
export interface ElementType {
  readonly name: ElementName;
  readonly size: number;
  readonly littleEndian: boolean;
}

/** Output buffers the readers produce (all accepted by the kernel library's `toTensor`). */
export type OutputArray = Uint8Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

const SIZES: Record<ElementName, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float16: 2,
  bfloat16: 2,
  float32: 4,
  float64: 8,
  float8_e4m3fn: 1,
  float8_e5m2: 1,
};

const OUTPUT_DTYPE: Record<ElementName, DType> = {
  bool: 'bool',
  int8: 'int32',
  uint8: 'int32',
  int16: 'int32',
  uint16: 'int32',
  int32: 'int32',
  uint32: 'int64',
  int64: 'int64',
  uint64: 'int64',
  float16: 'float32',
  bfloat16: 'float32',
  float32: 'float32',
  float64: 'float64',
  float8_e4m3fn: 'float32',
  float8_e5m2: 'float32',
};

/** True when this machine stores multi-byte numbers little-endian (every platform VS Code runs on). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function elementType(name: ElementName, littleEndian = true): ElementType {
  // One-byte types have no byte order; normalise so equal types compare equal.
  return { name, size: SIZES[name], littleEndian: SIZES[name] === 1 ? true : littleEndian };
}

/** The kernel dtype an element type is read as. */
export function outputDType(type: ElementType): DType {
  return OUTPUT_DTYPE[type.name];
}

/** True when the file's bytes can serve as the output buffer unchanged. */
export function isViewable(type: ElementType): boolean {
  switch (type.name) {
    case 'bool':
    case 'int32':
    case 'int64':
    case 'float32':
    case 'float64':
      return type.size === 1 || type.littleEndian === HOST_LITTLE_ENDIAN;
    default:
      return false;
  }
}

/** A new zeroed output buffer for `count` elements. */
export function allocateOutput(type: ElementType, count: number): OutputArray {
  switch (OUTPUT_DTYPE[type.name]) {
    case 'bool':
      return new Uint8Array(count);
    case 'int32':
      return new Int32Array(count);
    case 'int64':
      return type.name === 'int64' ? new BigInt64Array(count) : new Float64Array(count);
    case 'float32':
      return new Float32Array(count);
    case 'float64':
      return new Float64Array(count);
  }
}

/**
 * The output view over raw bytes of a viewable type (see {@link isViewable}). `raw` must start at
 * a multiple of the element size within its ArrayBuffer.
 */
export function viewOutput(type: ElementType, raw: Uint8Array): OutputArray {
  const n = raw.byteLength / type.size;
  switch (type.name) {
    case 'bool':
      return raw;
    case 'int32':
      return new Int32Array(raw.buffer, raw.byteOffset, n);
    case 'int64':
      return new BigInt64Array(raw.buffer, raw.byteOffset, n);
    case 'float32':
      return new Float32Array(raw.buffer, raw.byteOffset, n);
    case 'float64':
      return new Float64Array(raw.buffer, raw.byteOffset, n);
    default:
      throw new Error(`${type.name} has no zero-copy view`);
  }
}

/** Where a chunk of raw elements came from, for error messages. */
export interface RawOrigin {
  readonly file: string;
  /** File offset of raw[0]. */
  readonly offset: number;
}

/**
 * Checks the bytes of a viewable type that need checking (bool: 0 or 1). Other viewable
 * types accept every bit pattern.
 */
export function checkViewable(type: ElementType, raw: Uint8Array, origin: RawOrigin): void {
  if (type.name === 'bool') checkBools(raw, origin);
}

function checkBools(raw: Uint8Array, origin: RawOrigin): void {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i]! > 1) throw new DataError(origin.file, `bool element holds ${raw[i]}, not 0 or 1`, { offset: origin.offset + i });
  }
}

/**
 * Converts raw elements (`raw.byteLength / type.size` of them) into `out` from index `at`.
 * `raw` need not be aligned. Throws a DataError for values the output cannot hold exactly
 * (bools other than 0/1, uint64 above 2^53).
 */
export function decodeInto(type: ElementType, raw: Uint8Array, out: OutputArray, at: number, origin: RawOrigin): void {
  const n = raw.byteLength / type.size;
  const le = type.littleEndian;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (type.name) {
    case 'bool': {
      checkBools(raw, origin);
      (out as Uint8Array).set(raw, at);
      return;
    }
    case 'int8': {
      const o = out as Int32Array;
      for (let i = 0; i < n; i++) o[at + i] = (raw[i]! << 24) >> 24;
      return;
    }
    case 'uint8': {
      const o = out as Int32Array;
      for (let i = 0; i < n; i++) o[at + i] = raw[i]!;
      return;
    }
    case 'int16': {
      const o = out as Int32Array;
      for (let i = 0; i < n; i++) o[at + i] = dv.getInt16(2 * i, le);
      return;
    }
    case 'uint16': {
      const o = out as Int32Array;
      for (let i = 0; i < n; i++) o[at + i] = dv.getUint16(2 * i, le);
      return;
    }
    case 'int32': {
      const o = out as Int32Array;
      for (let i = 0; i < n; i++) o[at + i] = dv.getInt32(4 * i, le);
      return;
    }
    case 'uint32': {
      const o = out as Float64Array;
      for (let i = 0; i < n; i++) o[at + i] = dv.getUint32(4 * i, le);
      return;
    }
    case 'int64': {
      const o = out as BigInt64Array;
      for (let i = 0; i < n; i++) o[at + i] = dv.getBigInt64(8 * i, le);
      return;
    }
    case 'uint64': {
      const o = out as Float64Array;
      const hiAt = le ? 4 : 0;
      const loAt = le ? 0 : 4;
      for (let i = 0; i < n; i++) {
        const hi = dv.getUint32(8 * i + hiAt, le);
        const lo = dv.getUint32(8 * i + loAt, le);
        // Above 2^53 a float64 no longer holds every integer: refuse rather than round a label.
        if (hi > 0x200000 || (hi === 0x200000 && lo > 0)) {
          throw new DataError(origin.file, `uint64 value ${(BigInt(hi) << 32n) | BigInt(lo)} is above 2^53 and cannot be held exactly`, {
            offset: origin.offset + 8 * i,
          });
        }
        o[at + i] = hi * 4294967296 + lo;
      }
      return;
    }
    case 'float16': {
      const o = out as Float32Array;
      const table = halfTable();
      for (let i = 0; i < n; i++) o[at + i] = table[dv.getUint16(2 * i, le)]!;
      return;
    }
    case 'bfloat16': {
      // bfloat16 is the top half of a float32: shift its bits into place.
      const bits = new Uint32Array((out as Float32Array).buffer, (out as Float32Array).byteOffset + 4 * at, n);
      for (let i = 0; i < n; i++) bits[i] = dv.getUint16(2 * i, le) << 16;
      return;
    }
    case 'float32': {
      const o = out as Float32Array;
      for (let i = 0; i < n; i++) o[at + i] = dv.getFloat32(4 * i, le);
      return;
    }
    case 'float64': {
      const o = out as Float64Array;
      for (let i = 0; i < n; i++) o[at + i] = dv.getFloat64(8 * i, le);
      return;
    }
    case 'float8_e4m3fn':
    case 'float8_e5m2': {
      const o = out as Float32Array;
      const table = type.name === 'float8_e4m3fn' ? e4m3Table() : e5m2Table();
      for (let i = 0; i < n; i++) o[at + i] = table[raw[i]!]!;
      return;
    }
  }
}

let HALF: Float32Array | undefined;
let E4M3: Float32Array | undefined;
let E5M2: Float32Array | undefined;

/** Every IEEE binary16 bit pattern as a float32 (exact: float32 holds every half value). */
function halfTable(): Float32Array {
  HALF ??= minifloatTable(16, 5, 10, true);
  return HALF;
}

/** OCP float8 E4M3FN: no infinities, S.1111.111 is NaN. */
function e4m3Table(): Float32Array {
  if (E4M3 === undefined) {
    E4M3 = minifloatTable(8, 4, 3, false);
    E4M3[0x7f] = NaN;
    E4M3[0xff] = NaN;
  }
  return E4M3;
}

/** OCP float8 E5M2: IEEE-like, with infinities and NaNs. */
function e5m2Table(): Float32Array {
  E5M2 ??= minifloatTable(8, 5, 2, true);
  return E5M2;
}

/** Values of every bit pattern of a small binary float format with the given field widths. */
function minifloatTable(bits: number, exponentBits: number, mantissaBits: number, ieeeSpecials: boolean): Float32Array {
  const table = new Float32Array(1 << bits);
  const bias = (1 << (exponentBits - 1)) - 1;
  const maxExponent = (1 << exponentBits) - 1;
  for (let p = 0; p < table.length; p++) {
    const sign = p >> (bits - 1) ? -1 : 1;
    const exponent = (p >> mantissaBits) & maxExponent;
    const mantissa = p & ((1 << mantissaBits) - 1);
    let value: number;
    if (exponent === 0) value = mantissa * 2 ** (1 - bias - mantissaBits);
    else if (ieeeSpecials && exponent === maxExponent) value = mantissa === 0 ? Infinity : NaN;
    else value = (1 + mantissa / (1 << mantissaBits)) * 2 ** (exponent - bias);
    table[p] = sign * value;
  }
  return table;
}
