// AssemblyScript (compiled to WebAssembly by scripts/build-wasm.mjs; not part of the TypeScript
// program). The hot loop of TFRecord reading: framing and both masked CRC-32C checks of every
// record of a chunk. JavaScript byte loops cost about a nanosecond per byte on our machines
// (bounds checks on every load, no unaligned word loads), which made the checksum alone take
// 0.8 ns/byte; here the table-driven CRC reads words without checks, and a record laid out
// like its tag's previous one (see the tag slots and their templates below) costs a fixed
// handful of lookups.
//
// Contract with src/data/logs/tfrecord-wasm.ts: prepare(bytes) makes INPUTS input regions of
// `bytes` each (one the caller copies chunks into, two a file is read into directly). The
// caller calls scan(from, end, maxRecord, decode) with addresses in this memory; scan walks
// records from `from` while each is complete, no larger than maxRecord, and has a correct
// length checksum and a correct data checksum, writing each record's data address to the
// starts region; it stops at the first record that is anything else and leaves it to the
// caller's JavaScript path, which decides every message. consumed() is the address after the
// last record walked.

const T: usize = memory.data(8 * 256 * 4, 64);
let tablesBuilt = false;
// S[256k + v]: the raw CRC (no inversions) of byte v followed by k zero bytes, for records
// checked from their difference to the previous record of the same length.
const SAME_MAX: u32 = 128;
const S: usize = memory.data(<i32>SAME_MAX * 256 * 4, 64);
let sameRows: u32 = 0;

let input: usize = 0;
export const INPUTS: i32 = 3;
let capacity: i32 = 0;
let consumedAt: usize = 0;
// The length checksum repeats with the length (one scalar per event): memoised.
let lastLength: u32 = 0xffffffff;
let lastLengthCrc: u32 = 0;

function buildTables(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    store<u32>(T + (n << 2), c);
  }
  for (let s: u32 = 1; s < 8; s++) {
    for (let n: u32 = 0; n < 256; n++) {
      const prev = load<u32>(T + (((s - 1) << 8) + n) * 4);
      store<u32>(T + ((s << 8) + n) * 4, (prev >>> 8) ^ load<u32>(T + ((prev & 0xff) << 2)));
    }
  }
  tablesBuilt = true;
}

function buildSameRows(rows: u32): void {
  for (let k = sameRows; k < rows; k++) {
    for (let v: u32 = 0; v < 256; v++) {
      let c: u32;
      if (k == 0) c = load<u32>(T + (v << 2));
      else {
        const prev = load<u32>(S + (((k - 1) << 8) + v) * 4);
        c = load<u32>(T + ((prev & 0xff) << 2)) ^ (prev >>> 8);
      }
      store<u32>(S + ((k << 8) + v) * 4, c);
    }
  }
  sameRows = rows;
}

@inline
function s(k: u32, v: u32): u32 {
  return load<u32>(S + (((k << 8) + v) << 2));
}

/**
 * CRC-32C of n bytes at p given the CRC of the n bytes at base: a CRC is affine over GF(2),
 * so crc(a) ^ crc(b) is the raw CRC of a ^ b, and only the differing words cost lookups.
 */
function crcFromBase(p: usize, base: usize, n: u32, baseCrc: u32): u32 {
  let c = baseCrc;
  let w: u32 = 0;
  for (; w + 8 <= n; w += 8) {
    const x = load<u64>(p + w) ^ load<u64>(base + w);
    if (x == 0) continue;
    const k = n - 1 - w;
    const lo = <u32>x;
    const hi = <u32>(x >>> 32);
    c ^=
      s(k, lo & 0xff) ^
      s(k - 1, (lo >>> 8) & 0xff) ^
      s(k - 2, (lo >>> 16) & 0xff) ^
      s(k - 3, lo >>> 24) ^
      s(k - 4, hi & 0xff) ^
      s(k - 5, (hi >>> 8) & 0xff) ^
      s(k - 6, (hi >>> 16) & 0xff) ^
      s(k - 7, hi >>> 24);
  }
  for (; w < n; w++) c ^= s(n - 1 - w, <u32>(load<u8>(p + w) ^ load<u8>(base + w)));
  return c;
}

/** Records one scan() call walks at most (the per-record output regions hold this many). */
export const MAX_RECORDS: i32 = 65536;
let starts: usize = 0;
let flags: usize = 0;
let tagStarts: usize = 0;
let runEnds: usize = 0;
let steps: usize = 0;
let walls: usize = 0;
let values: usize = 0;

/** Makes room for `bytes` of input; returns the input region's address (0 if memory cannot grow). */
export function prepare(bytes: i32): usize {
  if (!tablesBuilt) buildTables();
  if (bytes > capacity) {
    // The inputs, then the per-record outputs: four i32 and three f64 regions.
    const base = (__heap_base + 63) & ~63;
    const records = <usize>MAX_RECORDS;
    const stride = (<usize>bytes + 63) & ~63;
    const outputs = base + stride * <usize>INPUTS;
    const need = outputs + records * (4 * 4 + 3 * 8);
    const have = <usize>memory.size() << 16;
    if (need > have && memory.grow(<i32>((need - have + 0xffff) >> 16)) < 0) return 0;
    input = base;
    starts = outputs;
    flags = starts + records * 4;
    tagStarts = flags + records * 4;
    runEnds = tagStarts + records * 4;
    steps = runEnds + records * 4;
    walls = steps + records * 8;
    values = walls + records * 8;
    capacity = bytes;
  }
  return input;
}

/** Address of input region k (0 <= k < INPUTS), after prepare(). */
export function inputRegion(k: i32): usize {
  return input + ((<usize>capacity + 63) & ~63) * <usize>k;
}

export function startsRegion(): usize {
  return starts;
}
export function flagsRegion(): usize {
  return flags;
}
export function tagStartsRegion(): usize {
  return tagStarts;
}
export function runEndsRegion(): usize {
  return runEnds;
}
export function stepsRegion(): usize {
  return steps;
}
export function wallsRegion(): usize {
  return walls;
}
export function valuesRegion(): usize {
  return values;
}

export function consumed(): usize {
  return consumedAt;
}

// Records the templates' fast path has taken since the module loaded: a wrong CRC lookup or a
// wrong slot prediction there costs no correctness (the general path then takes the record)
// but all the speed, which only this count shows.
let takenByRuns: u32 = 0;
export function recordsTakenByRuns(): u32 {
  return takenByRuns;
}

@inline
function t(table: u32, index: u32): u32 {
  return load<u32>(T + (((table << 8) + index) << 2));
}

function crc32c(p: usize, n: usize): u32 {
  let c: u32 = 0xffffffff;
  const e = p + n;
  while (p + 8 <= e) {
    const a = c ^ load<u32>(p);
    const b = load<u32>(p, 4);
    c =
      t(7, a & 0xff) ^
      t(6, (a >>> 8) & 0xff) ^
      t(5, (a >>> 16) & 0xff) ^
      t(4, a >>> 24) ^
      t(3, b & 0xff) ^
      t(2, (b >>> 8) & 0xff) ^
      t(1, (b >>> 16) & 0xff) ^
      t(0, b >>> 24);
    p += 8;
  }
  while (p < e) {
    c = t(0, (c ^ <u32>load<u8>(p)) & 0xff) ^ (c >>> 8);
    p++;
  }
  return ~c;
}

@inline
function mask(crc: u32): u32 {
  return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
}

// Record kinds: the low three bits of a record's flag.
const GENERAL: i32 = 0; // anything but the one-scalar shapes below: decoded by JavaScript
const LEGACY: i32 = 1; // one legacy simple_value
const TENSOR: i32 = 3; // one scalar tensor without plugin metadata
const TENSOR_META: i32 = 4; // one scalar tensor with the `scalars` plugin metadata
// Bits 3-10 of a one-scalar record's flag are its tag slot: records of one call with the same
// slot have the same tag and family (legacy or tensor). Bit 11 marks a slot's first record in
// the call (or its first since the slot was given to another tag): its tag is at tagStarts.
// Bits 12 and up are the tag's length (under 128). 256 slots: a model may log a metric per
// layer at every step, and more tags in turn than slots take the general path every record.
const SLOTS: u32 = 256;
const SLOT_SHIFT: i32 = 3;
const NEW_TAG: i32 = 0x800;
const TAG_LENGTH_SHIFT: i32 = 12;
// The flag layout, which tfrecord-wasm.ts checks against its own before it uses the module.
export const LAYOUT_SLOTS: i32 = <i32>SLOTS;
export const LAYOUT_SLOT_SHIFT: i32 = SLOT_SHIFT;
export const LAYOUT_NEW_TAG: i32 = NEW_TAG;
export const LAYOUT_TAG_LENGTH_SHIFT: i32 = TAG_LENGTH_SHIFT;

// The record being decoded: set by oneScalar() when it returns a kind other than GENERAL.
let step: i32 = 0;
let tagAt: usize = 0;
let tagLength: u32 = 0;
let value: f64 = 0;
// The step varint's length (it starts at data + 10; 0 when the event has no step) and the
// value's address, for the template below.
let stepBytes: u32 = 0;
let valueAt: usize = 0;
let valueIsF64: bool = false;

// SummaryMetadata{plugin_data{plugin_name "scalars"}}, optionally followed by data_class 1.
const SCALARS_METADATA: usize = memory.data<u8>([0x0a, 0x09, 0x0a, 0x07, 0x73, 0x63, 0x61, 0x6c, 0x61, 0x72, 0x73, 0x20, 0x01]);

/**
 * A TensorProto `08 <dtype> 12 00 <field> <n> <bytes>` holding one float32 or float64 (dtype
 * 1 or 2, an empty shape, as tensor_content (field 4) or packed float_val / double_val
 * (fields 5, 6)): sets `value` and returns true; anything else (other dtypes, shapes, encodings)
 * is left to JavaScript.
 */
function scalarTensor(p: usize, n: u32): bool {
  if (n < 6 || load<u8>(p) != 0x08 || load<u8>(p, 2) != 0x12 || load<u8>(p, 3) != 0x00) return false;
  const dtype = load<u8>(p, 1);
  const key = load<u8>(p, 4);
  const size = load<u8>(p, 5);
  if (dtype == 1 && (key == 0x22 || key == 0x2a) && size == 4 && n == 10) {
    value = <f64>load<f32>(p, 6);
    valueAt = p + 6;
    valueIsF64 = false;
    return true;
  }
  if (dtype == 2 && (key == 0x22 || key == 0x32) && size == 8 && n == 14) {
    value = load<f64>(p, 6);
    valueAt = p + 6;
    valueIsF64 = true;
    return true;
  }
  return false;
}

/**
 * The kind of the Event at data[0, length): LEGACY for one legacy scalar as torch and
 * tensorboardX write it, `09 <wall_time> [10 <step>] 2a L (0a L (0a L <tag> 15 <float>))`;
 * TENSOR(_META) for one TF2 scalar tensor, `... (0a L <tag> [4a L <scalars metadata>]
 * 42 L <tensor>)` with the two fields in either order; GENERAL for anything else. Lengths are
 * one byte, the step is under 2^28. The legacy shape is the one TfEventsAccumulator's
 * JavaScript fast path accepts; the tensor shapes decode as its general path decodes them.
 */
function oneScalar(data: usize, length: u32): i32 {
  if (length < 16 || load<u8>(data) != 0x09) return GENERAL;
  const end = data + <usize>length;
  let p = data + 9;
  let s: i32 = 0;
  if (load<u8>(p) == 0x10) {
    p++;
    let shift: i32 = 0;
    while (true) {
      const b = <i32>load<u8>(p++);
      s |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7;
      if (shift > 21 || p >= end) return GENERAL;
    }
  }
  stepBytes = <u32>(p - data) > 9 ? <u32>(p - data) - 10 : 0;
  if (p + 6 > end) return GENERAL;
  if (load<u8>(p) != 0x2a || load<u8>(p, 1) >= 0x80 || p + 2 + <usize>load<u8>(p, 1) != end) return GENERAL;
  p += 2;
  if (load<u8>(p) != 0x0a || load<u8>(p, 1) >= 0x80 || p + 2 + <usize>load<u8>(p, 1) != end) return GENERAL;
  p += 2;
  if (load<u8>(p) != 0x0a || load<u8>(p, 1) >= 0x80) return GENERAL;
  const tag = p + 2;
  const tagEnd = tag + <usize>load<u8>(p, 1);
  if (tagEnd >= end) return GENERAL;
  step = s;
  tagAt = tag;
  tagLength = <u32>(tagEnd - tag);
  if (load<u8>(tagEnd) == 0x15) {
    if (tagEnd + 5 != end) return GENERAL;
    value = <f64>load<f32>(tagEnd, 1);
    valueAt = tagEnd + 1;
    valueIsF64 = false;
    return LEGACY;
  }
  // A tensor's tag may not be empty (JavaScript then uses node_name).
  if (tagLength == 0) return GENERAL;
  let q = tagEnd;
  let meta = false;
  let tensor = false;
  while (q < end) {
    if (q + 2 > end) return GENERAL;
    const key = load<u8>(q);
    const n = <u32>load<u8>(q, 1);
    if (n >= 0x80 || q + 2 + <usize>n > end) return GENERAL;
    if (key == 0x4a && !meta && (n == 11 || n == 13) && sameBytes(q + 2, SCALARS_METADATA, n)) meta = true;
    else if (key == 0x42 && !tensor && scalarTensor(q + 2, n)) tensor = true;
    else return GENERAL;
    q += 2 + <usize>n;
  }
  if (!tensor) return GENERAL;
  return meta ? TENSOR_META : TENSOR;
}

function sameBytes(a: usize, b: usize, n: u32): bool {
  let i: u32 = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  for (; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

// The tag slots of the current scan() call, each with a template. A training loop logs a few
// tags in turn, so a record's tag is nearly always the one that followed the previous record's
// tag the last time round (the same tag, in a log of one), and it is laid out like that tag's
// last record: consecutive events of one tag differ only in wall time, step and value. So a
// record whose other bytes equal the bytes of its predicted slot's last record (with step
// varints of the same length) has that record's decoding; its checksum follows from that
// record's by lookups for the bytes that may differ (wall time, step, value: a fixed number,
// so no branches on how many did), and its point is read at known offsets.
//
// Per slot, 64 bytes of state (below) and FIXED_STRIDE bytes of FIXED: per byte of the
// template record, the bits that must equal (SAME_MAX bytes and one vector more, so vector
// loads stay inside it). Records and tags are addresses in this call's input, which holds
// them until the call returns; slots start over in every call.
const SLOT_STATE: usize = memory.data(<i32>SLOTS * 64, 16);
const S_KEY = 0; // u32: tag length | family << 24
const S_TAG_AT = 4; // usize: the tag's bytes
const S_NEXT = 8; // u32: the slot of the record that followed this slot's last time
const S_LENGTH = 12; // u32: the template's record length, NO_TEMPLATE when it has none
const S_FLAG = 16; // i32: the flag of its records (kind, slot, tag length)
const S_STEP_MASK = 20; // u32: the step varint's bytes in the word at byte 10
const S_VALUE_AT = 24; // u32: the value's offset in the record
const S_VALUE_F64 = 28; // u32: 1 if the value is a float64
const S_BASE = 32; // usize: the data of the slot's last record
const S_BASE_CRC = 36; // u32: its raw data CRC
const S_HEADER_CRC = 40; // u32: the masked CRC of its length field
const NO_TEMPLATE: u32 = 0xffffffff;
const FIXED_STRIDE: usize = <usize>SAME_MAX + 16;
const FIXED: usize = memory.data(<i32>(FIXED_STRIDE * <usize>SLOTS), 16);
let slotsUsed: u32 = 0;
let slotVictim: u32 = 0;
let lastSlot: u32 = 0;
let slotIsNew = false;

@inline
function slotState(slot: u32): usize {
  return SLOT_STATE + (<usize>slot << 6);
}

/**
 * The slot of the tag just decoded (tagAt, tagLength) in `family`, given out if the tag has
 * none in this call (slotIsNew); it becomes the slot predicted after the previous record's.
 */
function slotOf(family: u32): u32 {
  const key = tagLength | (family << 24);
  let s = lastSlot;
  let found = false;
  for (let k: u32 = 0; k < slotsUsed; k++) {
    s = s + 1 < slotsUsed ? s + 1 : 0;
    const at = slotState(s);
    if (load<u32>(at, S_KEY) == key && sameBytes(load<usize>(at, S_TAG_AT), tagAt, tagLength)) {
      found = true;
      break;
    }
  }
  if (!found) {
    // More tags in turn than slots: each takes the slot given out longest ago.
    if (slotsUsed < SLOTS) s = slotsUsed++;
    else {
      s = slotVictim;
      slotVictim = (slotVictim + 1) & (SLOTS - 1);
    }
    const at = slotState(s);
    store<u32>(at, key, S_KEY);
    store<usize>(at, tagAt, S_TAG_AT);
    store<u32>(at, s, S_NEXT);
    store<u32>(at, NO_TEMPLATE, S_LENGTH);
  }
  if (slotsUsed > 1 || found) store<u32>(slotState(lastSlot), s, S_NEXT);
  slotIsNew = !found;
  lastSlot = s;
  return s;
}

/**
 * Makes the one-scalar record at data (length bytes, just decoded by oneScalar() with `flag`,
 * raw data CRC `crc`, masked length CRC `headerCrc`) the template of `slot`.
 */
function setTemplate(slot: u32, data: usize, length: u32, flag: i32, crc: u32, headerCrc: u32): void {
  const at = slotState(slot);
  if (length > SAME_MAX) {
    store<u32>(at, NO_TEMPLATE, S_LENGTH);
    return;
  }
  if (length > sameRows) buildSameRows(length);
  // A few vector and word stores, not a loop over bytes: in a log of many tags in turn, a
  // record whose predicted slot was wrong sets a template. Bytes [0, length) must equal but
  // for the wall time (1-8), the value and the step varint's bytes, of which the continuation
  // bit fixes the varint's length; the bytes past the record, which the last vector
  // comparison reads, are free.
  const fixed = FIXED + <usize>slot * FIXED_STRIDE;
  const valueStart = <u32>(valueAt - data);
  const ones = i8x16.splat(-1);
  for (let i: usize = 0; i < <usize>length; i += 16) v128.store(fixed + i, ones);
  v128.store(fixed + <usize>length, i8x16.splat(0));
  store<u64>(fixed + 1, 0);
  if (valueIsF64) store<u64>(fixed + <usize>valueStart, 0);
  else store<u32>(fixed + <usize>valueStart, 0);
  for (let i: usize = 0; i < <usize>stepBytes; i++) store<u8>(fixed + 10 + i, 0x80);
  store<u32>(at, length, S_LENGTH);
  store<i32>(at, flag & ~NEW_TAG, S_FLAG);
  store<u32>(at, stepBytes >= 4 ? 0xffffffff : (<u32>1 << (stepBytes << 3)) - 1, S_STEP_MASK);
  store<u32>(at, valueStart, S_VALUE_AT);
  store<u32>(at, valueIsF64 ? 1 : 0, S_VALUE_F64);
  store<usize>(at, data, S_BASE);
  store<u32>(at, crc, S_BASE_CRC);
  store<u32>(at, headerCrc, S_HEADER_CRC);
}

/**
 * The raw CRC of the 8 bytes of x (little-endian) whose first byte is the one `row` is for: the
 * row of S for a byte that is t bytes from a message's end is S + t * 1024, and each next byte's
 * row is the one before it.
 */
@inline
function crcOf8(row: usize, x: u64): u32 {
  return (
    load<u32>(row + (<usize>(x & 0xff) << 2)) ^
    load<u32>(row - 1024 + (<usize>((x >>> 8) & 0xff) << 2)) ^
    load<u32>(row - 2048 + (<usize>((x >>> 16) & 0xff) << 2)) ^
    load<u32>(row - 3072 + (<usize>((x >>> 24) & 0xff) << 2)) ^
    load<u32>(row - 4096 + (<usize>((x >>> 32) & 0xff) << 2)) ^
    load<u32>(row - 5120 + (<usize>((x >>> 40) & 0xff) << 2)) ^
    load<u32>(row - 6144 + (<usize>((x >>> 48) & 0xff) << 2)) ^
    load<u32>(row - 7168 + (<usize>(x >>> 56) << 2))
  );
}

/** The raw CRC of the 4 bytes of x (little-endian) whose first byte is the one `row` is for. */
@inline
function crcOf4(row: usize, x: u32): u32 {
  return (
    load<u32>(row + (<usize>(x & 0xff) << 2)) ^
    load<u32>(row - 1024 + (<usize>((x >>> 8) & 0xff) << 2)) ^
    load<u32>(row - 2048 + (<usize>((x >>> 16) & 0xff) << 2)) ^
    load<u32>(row - 3072 + (<usize>(x >>> 24) << 2))
  );
}

/** The row of S for the byte at `offset` of a message of `length` bytes. */
@inline
function rowFor(length: u32, offset: u32): usize {
  return S + (<usize>(length - 1 - offset) << 10);
}

/** Writes the outputs of the one-scalar record at data (step and value as decoded) to slot; its start is written apart. */
@inline
function storeScalar(slot: usize, data: usize, flag: i32, step: i32, value: f64): void {
  store<i32>(flags + (slot << 2), flag);
  store<f64>(steps + (slot << 3), <f64>step);
  store<f64>(walls + (slot << 3), load<f64>(data, 1));
  store<f64>(values + (slot << 3), value);
}

/**
 * If the record at pos is laid out like the template record at base (raw data CRC baseCrc;
 * the template's length, length CRC, FIXED bytes, flag, step mask and value), writes its
 * outputs to output slot `out` and returns its raw data CRC; otherwise returns -1. The header
 * must be the template's (so its checksum is known), the bytes that must not differ from the
 * base's do not, and the CRC is the base's XOR the raw CRC of the difference (a CRC is affine
 * over GF(2)), which is zero outside the wall time (bytes 1-8), the step varint (bytes 10-13;
 * its length is fixed, and bytes past it are fixed and equal) and the value. The high half of
 * the wall time and the step's upper bytes seldom change from one event to the next, so they
 * are looked up only when they did.
 */
@inline
function lookAlike(
  pos: usize, base: usize, baseCrc: u32, length: u32, headerCrc: u32, fixed: usize,
  flag: i32, stepMask: u32, valueAt: usize, valueIsF64: bool, out: usize,
): i64 {
  if (load<u64>(pos) != <u64>length || load<u32>(pos, 8) != headerCrc) return -1;
  const data = pos + 12;
  for (let at: usize = 0; at < <usize>length; at += 16) {
    if (v128.any_true(v128.and(v128.xor(v128.load(data + at), v128.load(base + at)), v128.load(fixed + at)))) return -1;
  }
  const stepRow = rowFor(length, 10);
  const valueRow = rowFor(length, <u32>valueAt);
  const stepWord = load<u32>(data, 10);
  const wall = load<u64>(data, 1) ^ load<u64>(base, 1);
  const stepDiff = stepWord ^ load<u32>(base, 10);
  let crc = baseCrc ^ crcOf4(rowFor(length, 1), <u32>wall) ^ load<u32>(stepRow + (<usize>(stepDiff & 0xff) << 2));
  if (wall >>> 32 != 0) crc ^= crcOf4(rowFor(length, 5), <u32>(wall >>> 32));
  if (stepDiff >>> 8 != 0) crc ^= crcOf4(stepRow, stepDiff & 0xffffff00); // byte 10's part is in already
  let value: f64;
  if (valueIsF64) {
    crc ^= crcOf8(valueRow, load<u64>(data + valueAt) ^ load<u64>(base + valueAt));
    value = load<f64>(data + valueAt);
  } else {
    crc ^= crcOf4(valueRow, load<u32>(data + valueAt) ^ load<u32>(base + valueAt));
    value = <f64>load<f32>(data + valueAt);
  }
  if (load<u32>(data + <usize>length) != mask(crc)) return -1;
  const w = stepWord & stepMask;
  const step = <i32>((w & 0x7f) | ((w >>> 1) & 0x3f80) | ((w >>> 2) & 0x1fc000) | ((w >>> 3) & 0xfe00000));
  store<i32>(starts + (out << 2), <i32>data);
  storeScalar(out, data, flag, step, value);
  return <i64>crc;
}

/**
 * Walks verified records in memory[from, end), at most MAX_RECORDS; returns how many. For each,
 * starts holds its data address; with `decode`, flags its kind, tag slot and tag length (see
 * the kinds above) and, for one-scalar events, steps, walls and values the point and
 * tagStarts (at a slot's first record) the tag's address; runEnds[i] is the index after the
 * last record that has record i's flag, with every record between (one-scalar records of one
 * tag read as one look-alike run; a record alone, else), so JavaScript goes by runs, not records.
 */
export function scan(from: usize, end: usize, maxRecord: u32, decode: bool): i32 {
  let pos = from;
  let count = 0;
  // The last record whose data CRC is known, for a next record of its length.
  let base: usize = 0;
  let baseLength: u32 = 0xffffffff;
  let baseCrc: u32 = 0;
  slotsUsed = 0;
  slotVictim = 0;
  lastSlot = 0;
  while (end - pos >= 12 && count < MAX_RECORDS) {
    // Records laid out like the template of the slot predicted for them: while one tag repeats,
    // in a loop of its own with the template in locals; else one record per prediction.
    while (decode && slotsUsed > 0) {
      const slot = load<u32>(slotState(lastSlot), S_NEXT);
      const at = slotState(slot);
      const length = load<u32>(at, S_LENGTH);
      if (length == NO_TEMPLATE) break;
      const total = <usize>length + 16;
      const headerCrc = load<u32>(at, S_HEADER_CRC);
      const fixed = FIXED + <usize>slot * FIXED_STRIDE;
      const flag = load<i32>(at, S_FLAG);
      const stepMask = load<u32>(at, S_STEP_MASK);
      const valueAt = <usize>load<u32>(at, S_VALUE_AT);
      const valueIsF64 = load<u32>(at, S_VALUE_F64) != 0;
      let b = load<usize>(at, S_BASE);
      let bCrc = load<u32>(at, S_BASE_CRC);
      const countBefore = count;
      // (MAX_RECORDS is more than a 1 MiB window can hold of these, but the outputs stay bounded
      // whatever the window.)
      while (end - pos >= total && count < MAX_RECORDS) {
        const crc = lookAlike(pos, b, bCrc, length, headerCrc, fixed, flag, stepMask, valueAt, valueIsF64, <usize>count);
        if (crc < 0) break;
        b = pos + 12;
        bCrc = <u32>crc;
        count++;
        pos += total;
        if (slot != lastSlot) break;
      }
      if (count == countBefore) break;
      for (let k = countBefore; k < count; k++) store<i32>(runEnds + (<usize>k << 2), count);
      takenByRuns += <u32>(count - countBefore);
      store<usize>(at, b, S_BASE);
      store<u32>(at, bCrc, S_BASE_CRC);
      base = b;
      baseCrc = bCrc;
      baseLength = length;
      lastSlot = slot;
    }
    if (end - pos < 12 || count >= MAX_RECORDS) break;
    const at = pos;
    const lo = load<u32>(at);
    const hi = load<u32>(at, 4);
    if (hi != 0 || lo > maxRecord) break;
    if (lo != lastLength) {
      const crc = mask(crc32c(at, 8));
      lastLength = lo;
      lastLengthCrc = crc;
    }
    if (load<u32>(at, 8) != lastLengthCrc) break;
    const total = <usize>lo + 16;
    if (end - pos < total) break;
    const data = at + 12;
    let crc: u32 = 0;
    if (lo == baseLength) crc = crcFromBase(data, base, lo, baseCrc);
    else {
      crc = crc32c(data, <usize>lo);
      if (lo <= SAME_MAX) {
        if (lo > sameRows) buildSameRows(lo);
        baseLength = lo;
      } else baseLength = 0xffffffff;
    }
    if (load<u32>(data + <usize>lo) != mask(crc)) break;
    base = data;
    baseCrc = crc;
    const out = <usize>count;
    store<i32>(starts + (out << 2), <i32>data);
    store<i32>(runEnds + (out << 2), count + 1);
    if (decode) {
      const kind = oneScalar(data, lo);
      if (kind != GENERAL) {
        // A tensor with metadata has the tag slot of the same tag's tensors without.
        const slot = slotOf(kind == LEGACY ? 1 : 2);
        const flag = kind | (<i32>slot << SLOT_SHIFT) | (slotIsNew ? NEW_TAG : 0) | (<i32>tagLength << TAG_LENGTH_SHIFT);
        setTemplate(slot, data, lo, flag, crc, lastLengthCrc);
        storeScalar(out, data, flag, step, value);
        store<i32>(tagStarts + (out << 2), <i32>tagAt);
      } else store<i32>(flags + (out << 2), GENERAL);
    }
    count++;
    pos += total;
  }
  consumedAt = pos;
  return count;
}
