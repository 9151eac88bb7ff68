/**
 * The WebAssembly TFRecord scanner (wasm/assembly/tfrecordScan.ts): framing and both masked
 * CRC-32C checks of the well-formed records of a chunk, about twice as fast as the same work
 * in JavaScript (whose byte loops pay a bounds check per load), and the decoding of the
 * commonest Events, one scalar (legacy or TF2 tensor), into point arrays with a tag slot per
 * record, so points of tags logged in turn go to their series without a tag decoded for each.
 * It only ever walks
 * records that are complete and correct; at anything else it stops and TfRecordReader's
 * JavaScript path takes over, so every message, and every decision about a bad record, stays
 * there.
 */
import { decodeBase64 } from '../../wasmBytes.js';
import { WASM_BASE64 } from './wasm/tfrecordScan.generated.js';

interface ScanExports {
  memory: WebAssembly.Memory;
  prepare(bytes: number): number;
  inputRegion(k: number): number;
  startsRegion(): number;
  flagsRegion(): number;
  tagStartsRegion(): number;
  runEndsRegion(): number;
  stepsRegion(): number;
  wallsRegion(): number;
  valuesRegion(): number;
  consumed(): number;
  recordsTakenByRuns(): number;
  scan(from: number, end: number, maxRecord: number, decode: number): number;
  MAX_RECORDS: WebAssembly.Global;
  LAYOUT_SLOTS: WebAssembly.Global;
  LAYOUT_SLOT_SHIFT: WebAssembly.Global;
  LAYOUT_NEW_TAG: WebAssembly.Global;
  LAYOUT_TAG_LENGTH_SHIFT: WebAssembly.Global;
}

/** The kind of a walked record: the low three bits of its flag. */
export const KIND_MASK = 7;
export const GENERAL_RECORD = 0;
/** One legacy simple_value. */
export const LEGACY_SCALAR = 1;
/** One scalar tensor (float32/float64, rank 0) without plugin metadata. */
export const TENSOR_SCALAR = 3;
/** One scalar tensor with the `scalars` plugin metadata. */
export const TENSOR_SCALAR_META = 4;
/**
 * Bits 3-10 of a one-scalar record's flag: its tag slot. Within one scan, records of a slot
 * have the same tag and family (legacy or tensor); a slot's tag is given by the record with
 * NEW_TAG.
 */
export const TAG_SLOTS = 256;
export const TAG_SLOT_SHIFT = 3;
/** The slot's first record in this scan (or its first since the slot went to another tag). */
export const NEW_TAG = 0x800;
/** Bits 12 and up of a one-scalar record's flag: its tag's length. */
export const TAG_LENGTH_SHIFT = 12;

export interface TfRecordScanner {
  /** The module's memory: every address below is an offset into it. */
  readonly memory: ArrayBuffer;
  /** The input region chunks are copied into, at address `inputAddress`. */
  readonly input: Uint8Array;
  readonly inputAddress: number;
  readonly capacity: number;
  /** The reader whose bytes `input` holds (readers share the one scanner). */
  owner: unknown;
  /** Data addresses of the records the last scan walked. */
  readonly starts: Int32Array;
  /**
   * With `decode`: per record, a flag (see KIND_MASK and what follows it): the kind
   * (GENERAL_RECORD, or one of the one-scalar kinds, whose step, wall time and value are in the
   * arrays below), the tag slot, NEW_TAG, and the tag's length; at a NEW_TAG record the tag
   * starts at address tagStarts[i].
   */
  readonly flags: Int32Array;
  readonly tagStarts: Int32Array;
  /** Per record i, the index after the last record of its run: records [i, runEnds[i]) have i's flag. */
  readonly runEnds: Int32Array;
  readonly steps: Float64Array;
  readonly wallTimes: Float64Array;
  readonly values: Float64Array;
  /** Walks records of memory[from, end); returns how many (see `starts`, `flags`). */
  scan(from: number, end: number, maxRecord: number, decode: boolean): number;
  /** Address after the last record walked. */
  consumed(): number;
  /** Records taken by the fast path for look-alike records since the module loaded (tests, profiling). */
  recordsTakenByRuns(): number;
  /**
   * Two buffers in the module's memory for a file to be read into, so its records are scanned
   * where they land instead of being copied; undefined while another reading holds them.
   */
  leaseReadBuffers(): [Uint8Array, Uint8Array] | undefined;
  releaseReadBuffers(): void;
}

/**
 * Bytes scanned per call: a 1 MiB file chunk and then some. Small on purpose: the module's
 * memory is fresh memory, and first touches of fresh pages are what a first read pays most
 * for (three 4 MiB regions cost more in page faults than 4x the read calls do).
 */
const CAPACITY = (1 << 20) + 4096;

let loaded: TfRecordScanner | null | undefined;
let disabled = false;

/** The scanner, or null where WebAssembly is unavailable (the JavaScript path then does it all). */
export function tfrecordScanner(): TfRecordScanner | null {
  if (disabled) return null;
  if (loaded !== undefined) return loaded;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(WASM_BASE64)), { env: { abort: () => undefined } });
    const ex = instance.exports as unknown as ScanExports;
    const layout = [ex.LAYOUT_SLOTS, ex.LAYOUT_SLOT_SHIFT, ex.LAYOUT_NEW_TAG, ex.LAYOUT_TAG_LENGTH_SHIFT].map((g) => g.value as number);
    if (layout.join() !== [TAG_SLOTS, TAG_SLOT_SHIFT, NEW_TAG, TAG_LENGTH_SHIFT].join()) throw new Error('flag layout differs');
    const at = ex.prepare(CAPACITY);
    if (at === 0) throw new Error('no memory');
    const buf = ex.memory.buffer;
    const records = ex.MAX_RECORDS.value as number;
    const readBuffers: [Uint8Array, Uint8Array] = [new Uint8Array(buf, ex.inputRegion(1), CAPACITY), new Uint8Array(buf, ex.inputRegion(2), CAPACITY)];
    let leased = false;
    loaded = {
      memory: buf,
      input: new Uint8Array(buf, at, CAPACITY),
      inputAddress: at,
      capacity: CAPACITY,
      owner: undefined,
      starts: new Int32Array(buf, ex.startsRegion(), records),
      flags: new Int32Array(buf, ex.flagsRegion(), records),
      tagStarts: new Int32Array(buf, ex.tagStartsRegion(), records),
      runEnds: new Int32Array(buf, ex.runEndsRegion(), records),
      steps: new Float64Array(buf, ex.stepsRegion(), records),
      wallTimes: new Float64Array(buf, ex.wallsRegion(), records),
      values: new Float64Array(buf, ex.valuesRegion(), records),
      scan: (from, end, maxRecord, decode) => ex.scan(from, end, maxRecord, decode ? 1 : 0),
      consumed: () => ex.consumed(),
      recordsTakenByRuns: () => ex.recordsTakenByRuns(),
      leaseReadBuffers: () => {
        if (leased) return undefined;
        leased = true;
        return readBuffers;
      },
      releaseReadBuffers: () => {
        leased = false;
      },
    };
  } catch {
    loaded = null;
  }
  return loaded;
}

/** Turns the scanner off (true) or back on, so tests can check both paths give the same. */
export function setTfRecordScannerDisabled(value: boolean): void {
  disabled = value;
}
