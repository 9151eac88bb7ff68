/**
 * Incremental TFRecord framing: bytes go in as they are read (or as a file grows), complete
 * records come out with both checksums verified.
 *
 *   uint64 length | uint32 masked_crc32c(length) | data[length] | uint32 masked_crc32c(data)
 *
 * A record cut short by the end of the bytes seen so far is not an error: its bytes are kept
 * until more arrive (a writer is mid-record). A bad length checksum makes the rest of the
 * file unreadable (there is no way to find the next record), so the reader stops there; a
 * bad data checksum loses only that record. Records larger than `maxRecordBytes` (graph
 * definitions, images) are checked as they stream past and never buffered whole.
 */
import { SAME_LENGTH_MAX, crc32c, crc32cFromSameLength, crc32cUpdate, maskCrc, maskedCrc32c } from './crc.js';
import type { IssueLog } from './issues.js';
import { GENERAL_RECORD, KIND_MASK, tfrecordScanner } from './tfrecord-wasm.js';

const HEADER = 12;
const FOOTER = 4;

/** Receives each verified record: data is bytes[start, end) of `buf`, valid only during the call. */
export type RecordHandler = (buf: Uint8Array, start: number, end: number, recordOffset: number) => void;

/**
 * Consecutive verified records that each hold one scalar, decoded by the WebAssembly scanner:
 * records [from, to) of its outputs. Record i's point is steps/values/wallTimes[i]; its flag
 * (flags[i], see tfrecord-wasm.ts) gives its kind and tag slot, and where it has NEW_TAG, the
 * tag is buf[tagStarts[i] - base, + the tag length). Valid only during the call.
 */
export interface ScalarBatch {
  buf: Uint8Array;
  /** Address of buf[0] in the scanner's memory. */
  base: number;
  flags: Int32Array;
  tagStarts: Int32Array;
  /** Records [i, runEnds[i]) have record i's flag (see TfRecordScanner.runEnds). */
  runEnds: Int32Array;
  steps: Float64Array;
  values: Float64Array;
  wallTimes: Float64Array;
  /** Data addresses: records are contiguous, so record i is at file offset firstOffset + starts[i] - starts[from]. */
  starts: Int32Array;
  from: number;
  to: number;
  /** File offset of the first record. */
  firstOffset: number;
}

/**
 * Takes records [from, k) of a batch and returns k; record k (if k < to) is then handed over
 * as a record, and the rest of the batch comes in a further call.
 */
export type ScalarBatchHandler = (batch: ScalarBatch) => number;

/** File offset of record i of a batch. */
export function batchRecordOffset(b: ScalarBatch, i: number): number {
  return b.firstOffset + (b.starts[i]! - b.starts[b.from]!);
}

function u32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

export class TfRecordReader {
  /** File offset of the first byte not yet consumed (the start of any pending partial record). */
  offset = 0;
  /** Set when a corrupt length makes the rest of the file unreadable. */
  stopped = false;

  private carry: Uint8Array = new Uint8Array(0);
  private carryLength = 0;
  // Skipping an oversized record: bytes still to pass and the running CRC of its data.
  private skipRemaining = 0;
  private skipDataRemaining = 0;
  private skipCrc = 0;
  private skipStored = new Uint8Array(4);
  private skipRecordOffset = 0;
  private skipDataLength = 0;
  // TFRecord lengths repeat (one scalar per event), so the length checksum is memoised.
  private lastLength = -1;
  private lastLengthCrc = 0;
  // The last record whose data CRC was computed in the current chunk: a record of the same
  // length is checked from its difference to it (see crc32cFromSameLength).
  private baseBuf: Uint8Array | undefined;
  private baseStart = 0;
  private baseLength = -1;
  private baseCrc = 0;
  private view = new DataView(new ArrayBuffer(0));
  // The part of the current chunk copied into the WebAssembly scanner's input.
  private window: Uint8Array | undefined;
  private winStart = 0;
  private winEnd = 0;
  private readonly batch: ScalarBatch = {
    buf: new Uint8Array(0),
    base: 0,
    flags: new Int32Array(0),
    tagStarts: new Int32Array(0),
    runEnds: new Int32Array(0),
    steps: new Float64Array(0),
    values: new Float64Array(0),
    wallTimes: new Float64Array(0),
    starts: new Int32Array(0),
    from: 0,
    to: 0,
    firstOffset: 0,
  };

  constructor(
    readonly file: string,
    private readonly issues: IssueLog,
    private readonly onRecord: RecordHandler,
    readonly maxRecordBytes = 64 * 1024 * 1024,
    private readonly onScalars?: ScalarBatchHandler,
  ) {}

  /** Bytes held for an incomplete trailing record. */
  get pendingBytes(): number {
    return this.skipRemaining > 0 ? this.skipRecordLength() - this.skipRemaining : this.carryLength;
  }

  /** Feeds the next bytes of the file (continuing exactly where the last call ended). */
  feed(chunk: Uint8Array): void {
    if (this.stopped) return;
    let pos = 0;
    const end = chunk.length;
    // The previous chunk's bytes are gone (its buffer is reused).
    this.baseBuf = undefined;
    this.window = undefined;
    if (this.skipRemaining > 0) pos = this.continueSkip(chunk, 0);
    if (this.carryLength > 0 && pos < end) pos = this.completeCarry(chunk, pos);
    if (this.stopped) return;
    while (this.skipRemaining === 0 && this.carryLength === 0 && pos < end) {
      if (end - pos >= HEADER + FOOTER) {
        const next = this.scanned(chunk, pos, end);
        if (next !== pos) {
          pos = next;
          continue;
        }
      }
      // One record the scanner stopped at (or every record, without WebAssembly).
      if (end - pos < HEADER) {
        this.keep(chunk, pos, end);
        return;
      }
      const lo = u32(chunk, pos);
      const hi = u32(chunk, pos + 4);
      if (!this.lengthValid(chunk, pos, lo, hi)) return;
      const total = HEADER + lo + FOOTER;
      if (lo > this.maxRecordBytes) {
        this.startSkip(lo, total);
        pos = this.continueSkip(chunk, pos + HEADER);
        continue;
      }
      if (end - pos < total) {
        this.keep(chunk, pos, end);
        return;
      }
      this.emit(chunk, pos, lo);
      pos += total;
    }
  }

  /**
   * Hands over the well-formed records from chunk[pos...] that the WebAssembly scanner walks;
   * returns the position where it stopped (pos itself if it walked none).
   */
  private scanned(chunk: Uint8Array, pos: number, end: number): number {
    const sc = tfrecordScanner();
    if (sc === null) return pos;
    // `base` is the address of chunk[0] in the scanner's memory. A chunk read straight into
    // that memory is scanned where it is; any other is copied into the input region a window
    // at a time, which holds chunk[winStart, winEnd) while this reader is its last user in this
    // call (after the scanner stops at a record for the JavaScript path, it goes on from there).
    let base: number;
    let endAddress: number;
    if (chunk.buffer === sc.memory) {
      base = chunk.byteOffset;
      endAddress = base + end;
    } else {
      // A new window also when the record at pos runs past this one's end (but would fit one).
      const need = HEADER + u32(chunk, pos) + FOOTER;
      const cut = this.winEnd < end && this.winEnd - pos < need && need <= sc.capacity;
      if (sc.owner !== this || this.window !== chunk || pos < this.winStart || pos >= this.winEnd || cut) {
        const n = Math.min(end - pos, sc.capacity);
        sc.input.set(chunk.subarray(pos, pos + n));
        sc.owner = this;
        this.window = chunk;
        this.winStart = pos;
        this.winEnd = pos + n;
      }
      base = sc.inputAddress - this.winStart;
      endAddress = sc.inputAddress + (this.winEnd - this.winStart);
    }
    const decode = this.onScalars !== undefined;
    const count = sc.scan(base + pos, endAddress, this.maxRecordBytes, decode);
    const { starts, flags, runEnds } = sc;
    let i = 0;
    while (i < count) {
      if (decode && (flags[i]! & KIND_MASK) !== GENERAL_RECORD) {
        let j = runEnds[i]!;
        while (j < count && (flags[j]! & KIND_MASK) !== GENERAL_RECORD) j = runEnds[j]!;
        // Records are contiguous: file offsets differ as addresses do.
        const b = this.batch;
        b.buf = chunk;
        b.base = base;
        b.flags = flags;
        b.tagStarts = sc.tagStarts;
        b.runEnds = runEnds;
        b.steps = sc.steps;
        b.values = sc.values;
        b.wallTimes = sc.wallTimes;
        b.starts = starts;
        b.from = i;
        b.to = j;
        b.firstOffset = this.offset;
        const k = this.onScalars!(b);
        if (k < j) {
          this.offset += starts[k]! - starts[i]!;
          this.handOver(chunk, starts[k]! - base);
          i = k + 1;
          continue;
        }
        const last = starts[j - 1]! - base;
        this.offset += last + u32(chunk, last - HEADER) + FOOTER - (starts[i]! - base - HEADER);
        i = j;
        continue;
      }
      this.handOver(chunk, starts[i]! - base);
      i++;
    }
    return sc.consumed() - base;
  }

  /** Hands over the verified record whose data starts at chunk[s]. */
  private handOver(chunk: Uint8Array, s: number): void {
    const length = u32(chunk, s - HEADER);
    const recordOffset = this.offset;
    this.offset += HEADER + length + FOOTER;
    this.onRecord(chunk, s, s + length, recordOffset);
  }

  /** Forgets all state (the file is being read again from the start). */
  reset(): void {
    this.offset = 0;
    this.stopped = false;
    this.carryLength = 0;
    this.skipRemaining = 0;
    if (this.carry.length > 1 << 20) this.carry = new Uint8Array(0);
  }

  private lengthValid(b: Uint8Array, pos: number, lo: number, hi: number): boolean {
    let expected: number;
    if (hi === 0 && lo === this.lastLength) expected = this.lastLengthCrc;
    else {
      expected = maskedCrc32c(b, pos, pos + 8);
      if (hi === 0) {
        this.lastLength = lo;
        this.lastLengthCrc = expected;
      }
    }
    const stored = u32(b, pos + 8);
    if (stored !== expected) {
      this.issues.add(
        this.file,
        `corrupt record header: length checksum ${hex(stored)} does not match ${hex(expected)}; the rest of the file (from this byte) cannot be read`,
        { offset: this.offset },
      );
      this.stopped = true;
      return false;
    }
    if (hi !== 0) {
      this.issues.add(this.file, `record length ${hi * 4294967296 + lo} bytes is impossibly large; the rest of the file cannot be read`, {
        offset: this.offset,
      });
      this.stopped = true;
      return false;
    }
    return true;
  }

  /** Verifies and hands over one complete record at b[pos...]; advances `offset`. */
  private emit(b: Uint8Array, pos: number, length: number): void {
    const dataStart = pos + HEADER;
    const dataEnd = dataStart + length;
    const stored = u32(b, dataEnd);
    let crc: number;
    if (b === this.baseBuf && length === this.baseLength) crc = crc32cFromSameLength(this.view, dataStart, this.baseStart, length, this.baseCrc);
    else {
      crc = crc32c(b, dataStart, dataEnd);
      if (length <= SAME_LENGTH_MAX && b !== this.carry) {
        if (this.view.buffer !== b.buffer || this.view.byteOffset !== b.byteOffset || this.view.byteLength !== b.byteLength) {
          this.view = new DataView(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
        }
        this.baseBuf = b;
        this.baseLength = length;
      } else this.baseBuf = undefined;
    }
    this.baseStart = dataStart;
    this.baseCrc = crc;
    const actual = maskCrc(crc);
    const recordOffset = this.offset;
    this.offset += HEADER + length + FOOTER;
    if (stored !== actual) {
      this.issues.add(this.file, `record data checksum ${hex(stored)} does not match ${hex(actual)}; record skipped`, {
        offset: recordOffset,
      });
      return;
    }
    this.onRecord(b, dataStart, dataEnd, recordOffset);
  }

  private keep(chunk: Uint8Array, from: number, to: number): void {
    this.ensureCarry(to - from);
    this.carry.set(chunk.subarray(from, to), 0);
    this.carryLength = to - from;
  }

  private ensureCarry(n: number): void {
    if (this.carry.length < n) {
      const bigger = new Uint8Array(Math.max(n, Math.min(this.carry.length * 2, this.maxRecordBytes + HEADER + FOOTER), 4096));
      bigger.set(this.carry.subarray(0, this.carryLength));
      this.carry = bigger;
    }
  }

  /** Completes the carried partial record from `chunk`; returns the position after what it used. */
  private completeCarry(chunk: Uint8Array, pos: number): number {
    const end = chunk.length;
    if (this.carryLength < HEADER) {
      const take = Math.min(HEADER - this.carryLength, end - pos);
      this.ensureCarry(this.carryLength + take);
      this.carry.set(chunk.subarray(pos, pos + take), this.carryLength);
      this.carryLength += take;
      pos += take;
      if (this.carryLength < HEADER) return pos;
    }
    const lo = u32(this.carry, 0);
    const hi = u32(this.carry, 4);
    if (!this.lengthValid(this.carry, 0, lo, hi)) return end;
    const total = HEADER + lo + FOOTER;
    if (lo > this.maxRecordBytes) {
      this.carryLength = 0;
      this.startSkip(lo, total);
      return this.continueSkip(chunk, pos);
    }
    const take = Math.min(total - this.carryLength, end - pos);
    this.ensureCarry(this.carryLength + take);
    this.carry.set(chunk.subarray(pos, pos + take), this.carryLength);
    this.carryLength += take;
    pos += take;
    if (this.carryLength === total) {
      this.carryLength = 0;
      this.emit(this.carry, 0, lo);
    }
    return pos;
  }

  private skipRecordLength(): number {
    return HEADER + this.skipDataLength + FOOTER;
  }

  private startSkip(length: number, total: number): void {
    this.skipRecordOffset = this.offset;
    this.skipDataLength = length;
    this.skipRemaining = total - HEADER;
    this.skipDataRemaining = length;
    this.skipCrc = 0;
  }

  /** Streams bytes of an oversized record past its checksum; returns the position after them. */
  private continueSkip(chunk: Uint8Array, pos: number): number {
    const end = chunk.length;
    if (this.skipDataRemaining > 0) {
      const take = Math.min(this.skipDataRemaining, end - pos);
      this.skipCrc = crc32cUpdate(this.skipCrc, chunk, pos, pos + take);
      this.skipDataRemaining -= take;
      this.skipRemaining -= take;
      pos += take;
    }
    while (this.skipDataRemaining === 0 && this.skipRemaining > 0 && pos < end) {
      this.skipStored[FOOTER - this.skipRemaining] = chunk[pos++]!;
      this.skipRemaining--;
    }
    if (this.skipRemaining === 0) {
      const stored = u32(this.skipStored, 0);
      const actual = maskCrc(this.skipCrc);
      this.offset = this.skipRecordOffset + HEADER + this.skipDataLength + FOOTER;
      if (stored !== actual) {
        this.issues.add(this.file, `record data checksum ${hex(stored)} does not match ${hex(actual)}; record skipped`, {
          offset: this.skipRecordOffset,
        });
      }
    }
    return pos;
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
