/**
 * Splits a growing UTF-8 text file into lines, chunk by chunk, keeping 1-based line numbers
 * and the byte offset of each line. A trailing line without its newline is held back until
 * more bytes arrive (a writer may be mid-line), unless the caller says the text is final.
 */

export type LineHandler = (line: string, lineNumber: number, byteOffset: number) => void;

const NEWLINE = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Bytes of the held-back line as in the file (more than pendingBytes if it was cut). */
  private pendingRaw = 0;
  private lineNumber = 0;
  private offset = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

  constructor(
    private readonly onLine: LineHandler,
    /** Longest line accepted; a longer one is passed on cut to this length (bounded memory on hostile input). */
    readonly maxLineBytes = 16 * 1024 * 1024,
  ) {}

  /** Bytes of an unterminated last line held back. */
  get heldBytes(): number {
    return this.pendingRaw;
  }

  /** Byte offset where the held-back line starts. */
  get heldOffset(): number {
    return this.offset;
  }

  /** Lines completed so far. */
  get lines(): number {
    return this.lineNumber;
  }

  feed(chunk: Uint8Array): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      this.emit(chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** Emits a held-back last line as complete (the caller will not wait for its newline). */
  flush(): void {
    if (this.pendingRaw > 0) this.emit(new Uint8Array(0), 0, 0, false);
  }

  private hold(bytes: Uint8Array): void {
    this.pendingRaw += bytes.length;
    const room = this.maxLineBytes - this.pendingBytes;
    if (room <= 0) return;
    const keep = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.pending.push(keep.slice());
    this.pendingBytes += keep.length;
  }

  private emit(chunk: Uint8Array, start: number, end: number, terminated = true): void {
    let bytes = chunk.subarray(start, end);
    const lineStart = this.offset;
    const consumed = this.pendingRaw + (end - start) + (terminated ? 1 : 0);
    if (this.pendingRaw > 0) {
      this.hold(bytes);
      bytes = concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.pendingRaw = 0;
    } else if (bytes.length > this.maxLineBytes) bytes = bytes.subarray(0, this.maxLineBytes);
    let len = bytes.length;
    if (len > 0 && bytes[len - 1] === CR) len--;
    this.lineNumber++;
    this.offset += consumed;
    this.onLine(this.decoder.decode(bytes.subarray(0, len)), this.lineNumber, lineStart);
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
