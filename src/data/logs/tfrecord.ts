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
import { GENERAL_RECORD, LEGACY_FIRST, SCALAR_MORE, TENSOR_FIRST_META, tfrecordScanner } from './tfrecord-wasm.js';

const HEADER = 12;
const FOOTER = 4;

/** Receives each verified record: data is bytes[start, end) of `buf`, valid only during the call. */
export type RecordHandler = (buf: Uint8Array, start: number, end: number, recordOffset: number) => void;

/**
 * Consecutive verified records that each hold one scalar of the same tag and encoding, at
 * non-decreasing steps, decoded by the WebAssembly scanner: the points are
 * steps/values/wallTimes[from, to), the tag is buf[tagStart, tagEnd). Valid only during the call.
 */
export interface ScalarGroup {
  /** Legacy simple_value, or a TF2 scalar tensor (counted only under the `scalars` plugin). */
  tensor: boolean;
  /** For tensors: whether the first record carries the `scalars` plugin metadata. */
  firstHasMetadata: boolean;
  buf: Uint8Array;
  tagStart: number;
  tagEnd: number;
  steps: Float64Array;
  values: Float64Array;
  wallTimes: Float64Array;
  from: number;
  to: number;
  /** File offsets of the first and the last record. */
  firstOffset: number;
  lastOffset: number;
}

/** Takes a group in bulk, or returns false to have its records handed over one by one instead. */
export type ScalarGroupHandler = (group: ScalarGroup) => boolean;

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
  private readonly group: ScalarGroup = {
    tensor: false,
    firstHasMetadata: false,
    buf: new Uint8Array(0),
    tagStart: 0,
    tagEnd: 0,
    steps: new Float64Array(0),
    values: new Float64Array(0),
    wallTimes: new Float64Array(0),
    from: 0,
    to: 0,
    firstOffset: 0,
    lastOffset: 0,
  };

  constructor(
    readonly file: string,
    private readonly issues: IssueLog,
    private readonly onRecord: RecordHandler,
    readonly maxRecordBytes = 64 * 1024 * 1024,
    private readonly onScalars?: ScalarGroupHandler,
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
      if (sc.owner !== this || this.window !== chunk || pos < this.winStart || pos >= this.winEnd) {
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
    const { starts, flags } = sc;
    let i = 0;
    while (i < count) {
      const kind = flags[i]! & 0xff;
      if (decode && kind !== GENERAL_RECORD) {
        let j = i + 1;
        while (j < count && (flags[j]! & 0xff) === SCALAR_MORE) j++;
        // Records are contiguous: file offsets differ as chunk offsets do.
        const first = starts[i]! - base;
        const last = starts[j - 1]! - base;
        const lastEnd = last + u32(chunk, last - HEADER) + FOOTER;
        const g = this.group;
        g.buf = chunk;
        g.tensor = kind !== LEGACY_FIRST;
        g.firstHasMetadata = kind === TENSOR_FIRST_META;
        g.tagStart = sc.tagStarts[i]! - base;
        g.tagEnd = g.tagStart + (flags[i]! >>> 8);
        g.steps = sc.steps;
        g.values = sc.values;
        g.wallTimes = sc.wallTimes;
        g.from = i;
        g.to = j;
        g.firstOffset = this.offset;
        g.lastOffset = this.offset + (last - first);
        if (this.onScalars!(g)) {
          this.offset += lastEnd - (first - HEADER);
          i = j;
          continue;
        }
        for (; i < j; i++) this.handOver(chunk, starts[i]! - base);
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
