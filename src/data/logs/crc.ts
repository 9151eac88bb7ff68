/**
 * Checksums of the binary log formats: CRC-32C (Castagnoli), masked as TFRecord stores it,
 * and CRC-32 (IEEE, as zlib computes it) for the W&B record log.
 *
 * Both are table-driven "slicing-by-16": sixteen 256-entry tables let the loop consume 16
 * bytes per step with independent lookups, which is several times faster in V8 than the
 * byte-at-a-time loop and matters when verifying every record of a multi-gigabyte log.
 */

function slicingTables(reflectedPolynomial: number): Int32Array {
  const t = new Int32Array(256 * 16);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reflectedPolynomial : c >>> 1;
    t[n] = c;
  }
  for (let s = 1; s < 16; s++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(s - 1) * 256 + n]!;
      t[s * 256 + n] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
}

const CASTAGNOLI = slicingTables(0x82f63b78);
const IEEE = slicingTables(0xedb88320);

/** Updates a running (pre-inverted) CRC with bytes[start, end). */
function update(t: Int32Array, crc: number, b: Uint8Array, start: number, end: number): number {
  let c = crc | 0;
  let i = start;
  for (; i + 16 <= end; i += 16) {
    const a = c ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
    c =
      t[3840 + (a & 0xff)]! ^
      t[3584 + ((a >>> 8) & 0xff)]! ^
      t[3328 + ((a >>> 16) & 0xff)]! ^
      t[3072 + (a >>> 24)]! ^
      t[2816 + b[i + 4]!]! ^
      t[2560 + b[i + 5]!]! ^
      t[2304 + b[i + 6]!]! ^
      t[2048 + b[i + 7]!]! ^
      t[1792 + b[i + 8]!]! ^
      t[1536 + b[i + 9]!]! ^
      t[1280 + b[i + 10]!]! ^
      t[1024 + b[i + 11]!]! ^
      t[768 + b[i + 12]!]! ^
      t[512 + b[i + 13]!]! ^
      t[256 + b[i + 14]!]! ^
      t[b[i + 15]!]!;
  }
  // Records are often short (a scalar event is ~30 bytes): finish with 8- and 4-byte steps
  // rather than byte by byte.
  if (i + 8 <= end) {
    const a = c ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + b[i + 4]!]! ^
      t[512 + b[i + 5]!]! ^
      t[256 + b[i + 6]!]! ^
      t[b[i + 7]!]!;
    i += 8;
  }
  if (i + 4 <= end) {
    const a = c ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
    c = t[768 + (a & 0xff)]! ^ t[512 + ((a >>> 8) & 0xff)]! ^ t[256 + ((a >>> 16) & 0xff)]! ^ t[a >>> 24]!;
    i += 4;
  }
  for (; i < end; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return c;
}

/** CRC-32C of bytes[start, end). */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return ~update(CASTAGNOLI, -1, bytes, start, end) >>> 0;
}

/** Continues a CRC-32C over more bytes: `crc32cUpdate(crc32c(a), b) === crc32c(a ‖ b)`. */
export function crc32cUpdate(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  return ~update(CASTAGNOLI, ~crc, bytes, start, end) >>> 0;
}

/**
 * Rows of the CRC-32C register's response to one byte followed by k zero bytes:
 * SHIFTED[256k + v] is the raw CRC (no initial or final inversion) of the message
 * v, 0 x k. Built lazily, one row per extra byte of record length.
 */
let shifted = new Int32Array(0);
let shiftedRows = 0;

function shiftedTable(rows: number): Int32Array {
  if (rows <= shiftedRows) return shifted;
  const t = new Int32Array(rows * 256);
  t.set(shifted);
  for (let k = shiftedRows; k < rows; k++) {
    for (let v = 0; v < 256; v++) {
      if (k === 0) t[v] = CASTAGNOLI[v]!;
      else {
        const c = t[(k - 1) * 256 + v]!;
        t[k * 256 + v] = CASTAGNOLI[c & 0xff]! ^ (c >>> 8);
      }
    }
  }
  shifted = t;
  shiftedRows = rows;
  return t;
}

/** Longest message {@link crc32cFromSameLength} handles (its tables grow with the length). */
export const SAME_LENGTH_MAX = 256;

/**
 * CRC-32C of bytes[start, start + length), given the CRC of another message of the same
 * length at bytes[baseStart, ...). A CRC is affine over GF(2), so for equal lengths
 * crc(a) ^ crc(b) = crc0(a ^ b), the raw CRC of the difference, and a difference that is
 * zero except in a few bytes costs a lookup per differing word instead of one per byte.
 * Consecutive TFRecords of one scalar tag differ only in the step, the wall time and the
 * value (7 of 34 bytes for torch's writer), which makes checking them about twice as fast.
 * `view` is a DataView over all of `bytes`; length must be at most SAME_LENGTH_MAX.
 */
export function crc32cFromSameLength(view: DataView, start: number, baseStart: number, length: number, baseCrc: number): number {
  const t = shiftedTable(length);
  let c = baseCrc | 0;
  let w = 0;
  // Word j covers bytes w..w+3, which are followed by length-1-w ... length-4-w bytes.
  for (; w + 4 <= length; w += 4) {
    const x = view.getInt32(start + w, true) ^ view.getInt32(baseStart + w, true);
    if (x === 0) continue;
    const k = (length - 1 - w) << 8;
    c ^= t[k + (x & 0xff)]! ^ t[k - 256 + ((x >>> 8) & 0xff)]! ^ t[k - 512 + ((x >>> 16) & 0xff)]! ^ t[k - 768 + (x >>> 24)]!;
  }
  for (; w < length; w++) {
    const x = view.getUint8(start + w) ^ view.getUint8(baseStart + w);
    c ^= t[((length - 1 - w) << 8) + x]!;
  }
  return c >>> 0;
}

/** The mask TFRecord (like LevelDB) applies to a CRC-32C before storing it. */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** Masked CRC-32C of bytes[start, end), as stored in a TFRecord. */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return maskCrc(crc32c(bytes, start, end));
}

/** CRC-32 (IEEE 802.3, zlib's crc32) of bytes[start, end), continuing from `crc`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  return ~update(IEEE, ~crc, bytes, start, end) >>> 0;
}
