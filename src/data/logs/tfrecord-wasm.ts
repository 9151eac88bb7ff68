/**
 * The WebAssembly TFRecord scanner (wasm/assembly/tfrecordScan.ts): framing and both masked
 * CRC-32C checks of the well-formed records of a chunk, about twice as fast as the same work
 * in JavaScript (whose byte loops pay a bounds check per load), and the decoding of the
 * commonest Event, one legacy scalar, into arrays a series takes in bulk. It only ever walks
 * records that are complete and correct; at anything else it stops and TfRecordReader's
 * JavaScript path takes over, so every message, and every decision about a bad record, stays
 * there.
 */
import { WASM_BASE64 } from './wasm/tfrecordScan.generated.js';

interface ScanExports {
  memory: WebAssembly.Memory;
  prepare(bytes: number): number;
  startsRegion(): number;
  flagsRegion(): number;
  tagStartsRegion(): number;
  stepsRegion(): number;
  wallsRegion(): number;
  valuesRegion(): number;
  consumed(): number;
  scan(from: number, end: number, maxRecord: number, decode: number): number;
  MAX_RECORDS: WebAssembly.Global;
}

/** Kinds of walked records (the flags region). */
export const GENERAL_RECORD = 0;
export const SCALAR_FIRST = 1;
export const SCALAR_MORE = 2;

export interface TfRecordScanner {
  /** The input region: the caller copies bytes here (views are renewed if memory grows). */
  readonly input: Uint8Array;
  /** Data offsets (in `input`) of the records the last scan walked. */
  readonly starts: Int32Array;
  /**
   * With `decode`: per record, GENERAL_RECORD, or SCALAR_FIRST / SCALAR_MORE for an Event of
   * one legacy scalar (SCALAR_MORE: same tag as the record before, at a step no lower), whose
   * step, wall time and value are in the arrays below and whose tag starts at tagStarts[i]
   * (it ends 5 bytes before the record's end).
   */
  readonly flags: Int32Array;
  readonly tagStarts: Int32Array;
  readonly steps: Float64Array;
  readonly wallTimes: Float64Array;
  readonly values: Float64Array;
  readonly capacity: number;
  /** The reader whose bytes the input holds (readers share the one scanner). */
  owner: unknown;
  /** Walks records of input[from, end); returns how many (see `starts`, `flags`). */
  scan(from: number, end: number, maxRecord: number, decode: boolean): number;
  /** Offset in `input` after the last record walked. */
  consumed(): number;
}

/** Bytes scanned per call: a 4 MiB file chunk and then some. */
const CAPACITY = (4 << 20) + 4096;

let loaded: TfRecordScanner | null | undefined;
let disabled = false;

/** The scanner, or null where WebAssembly is unavailable (the JavaScript path then does it all). */
export function tfrecordScanner(): TfRecordScanner | null {
  if (disabled) return null;
  if (loaded !== undefined) return loaded;
  try {
    const bytes = typeof Buffer !== 'undefined' ? Buffer.from(WASM_BASE64, 'base64') : Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => undefined } });
    const ex = instance.exports as unknown as ScanExports;
    const at = ex.prepare(CAPACITY);
    if (at === 0) throw new Error('no memory');
    const buf = ex.memory.buffer;
    const records = ex.MAX_RECORDS.value as number;
    loaded = {
      input: new Uint8Array(buf, at, CAPACITY),
      starts: new Int32Array(buf, ex.startsRegion(), records),
      flags: new Int32Array(buf, ex.flagsRegion(), records),
      tagStarts: new Int32Array(buf, ex.tagStartsRegion(), records),
      steps: new Float64Array(buf, ex.stepsRegion(), records),
      wallTimes: new Float64Array(buf, ex.wallsRegion(), records),
      values: new Float64Array(buf, ex.valuesRegion(), records),
      capacity: CAPACITY,
      owner: undefined,
      scan: (from, end, maxRecord, decode) => ex.scan(from, end, maxRecord, decode ? 1 : 0),
      consumed: () => ex.consumed(),
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
