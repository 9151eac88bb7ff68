/**
 * A minimal protobuf wire-format reader, enough for the few fields of TensorBoard's Event and
 * W&B's Record messages that carry scalars.
 *
 * Hand-written rather than generated (protobufjs, @bufbuild/protobuf): the readers need a
 * dozen fields out of messages with hundreds, must skip everything else without allocating,
 * must bound-check every length against the record it sits in (hostile input), and run once
 * per logged scalar, where a generated decoder's object per message is the main cost.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** A malformed message; `position` is the byte index in the buffer being decoded. */
export class ProtoError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ProtoError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Reads fields from bytes[pos, end). Every read checks it stays inside `end`. */
export class ProtoReader {
  pos: number;
  private view: DataView | undefined;

  constructor(
    public buf: Uint8Array,
    start: number,
    public end: number,
  ) {
    this.pos = start;
  }

  /** Points the reader at bytes[start, end) of `buf` (reusing it avoids an allocation per message). */
  reset(buf: Uint8Array, start: number, end: number): this {
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = undefined;
    }
    this.pos = start;
    this.end = end;
    return this;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** The next field key as (field number << 3 | wire type). */
  key(): number {
    const k = this.varint32();
    if (k >>> 3 === 0) throw new ProtoError('field number 0', this.pos);
    return k;
  }

  /** A varint whose value fits 32 bits (keys, lengths, enums, small ints). Longer varints are read and truncated. */
  varint32(): number {
    const b = this.buf;
    let p = this.pos;
    const end = this.end;
    if (p >= end) throw new ProtoError('varint runs past the end of the message', p);
    let x = b[p++]!;
    if (x < 0x80) {
      this.pos = p;
      return x;
    }
    x &= 0x7f;
    let shift = 7;
    for (;;) {
      if (p >= end) throw new ProtoError('varint runs past the end of the message', p);
      const byte = b[p++]!;
      if (shift < 32) x |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7;
      if (shift >= 70) throw new ProtoError('varint longer than 10 bytes', p);
    }
    this.pos = p;
    return x >>> 0;
  }

  /** An int64 varint as a JS number (exact up to 2^53; negative values in two's complement). */
  int64(): number {
    const b = this.buf;
    let p = this.pos;
    const end = this.end;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (p >= end) throw new ProtoError('varint runs past the end of the message', p);
      const byte = b[p++]!;
      if (shift < 28) lo |= (byte & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (byte & 0x0f) << 28;
        hi = (byte & 0x7f) >>> 4;
      } else hi |= (byte & 0x7f) << (shift - 32);
      if (byte < 0x80) break;
      shift += 7;
      if (shift >= 70) throw new ProtoError('varint longer than 10 bytes', p);
    }
    this.pos = p;
    lo >>>= 0;
    return hi & 0x80000000 ? -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1) : (hi >>> 0) * 4294967296 + lo;
  }

  double(): number {
    this.need(8);
    const v = this.dataView().getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.dataView().getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  fixed32(): number {
    this.need(4);
    const v = this.dataView().getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /**
   * A length-delimited field: moves past it and returns where its content starts; its
   * content is bytes[returned start, pos). (No tuple: this runs per field per record.)
   */
  bytes(): number {
    const len = this.varint32();
    this.need(len);
    const start = this.pos;
    this.pos += len;
    return start;
  }

  string(): string {
    const s = this.bytes();
    return utf8.decode(this.buf.subarray(s, this.pos));
  }

  /** Skips a field of the given wire type (groups included). */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.int64();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LENGTH:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      case WIRE_START_GROUP: {
        // Deprecated groups nest; depth is bounded by the message length, and each
        // iteration consumes at least one byte, so this terminates.
        for (;;) {
          const k = this.key();
          if ((k & 7) === WIRE_END_GROUP) return;
          this.skip(k & 7);
        }
      }
      default:
        throw new ProtoError(`invalid wire type ${wireType}`, this.pos);
    }
  }

  dataView(): DataView {
    if (this.view === undefined) this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.view;
  }

  private need(n: number): void {
    if (n > this.end - this.pos) throw new ProtoError(`field of ${n} bytes runs past the end of the message`, this.pos);
  }
}

/** Decodes UTF-8 bytes[start, end) (invalid sequences become U+FFFD). */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  return utf8.decode(buf.subarray(start, end));
}
