/**
 * Byte sources the array readers read from: a file (positional reads), a byte range of a file
 * (a stored .npz member) and a deflated .npz member (inflated as it streams). Every read asks
 * for an exact range and fails with a DataError, never a short result, when the bytes are not
 * there, so a header that claims more data than the file holds is caught at the read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { DataError } from '../errors.js';
import { crc32 } from '../logs/crc.js';

export interface ByteSource {
  /** How errors name the source: the path, or `archive.npz:member.npy`. */
  readonly file: string;
  /** Bytes in the source. */
  readonly size: number;
  /** False when a read that goes backwards is costly (a deflated member restarts inflation). */
  readonly seekable: boolean;
  /**
   * Reads exactly bytes [position, position + length) into `into` (from its start) or a new
   * buffer, and returns them.
   */
  read(position: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  /** File offset of a position in this source, for error locations (undefined when not a plain range). */
  fileOffset(position: number): number | undefined;
  close(): Promise<void>;
}

/** Largest single positional read (Node caps one read at 2 GiB). */
const MAX_READ = 1 << 30;
/** Reads above twice this size are split into pieces of it, read concurrently. */
const PARALLEL_PIECE = 4 << 20;
/** Pieces in flight at once: libuv's default thread pool has four threads. */
const PARALLEL_READS = 4;

/** A whole file read by position. */
export class FileSource implements ByteSource {
  readonly seekable = true;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** Opens a file; a missing or unreadable file is a DataError. */
  static async open(path: string): Promise<FileSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      throw new DataError(path, describeFsError(e));
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new DataError(path, 'not a regular file');
      return new FileSource(path, handle, stat.size);
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw e instanceof DataError ? e : new DataError(path, describeFsError(e));
    }
  }

  async read(position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    checkRange(this, position, length);
    const target = into ?? new Uint8Array(length);
    if (length <= PARALLEL_PIECE * 2) {
      await this.readPiece(target, 0, length, position);
    } else {
      // Several positional reads in flight at once: libuv runs them on its thread pool, so the
      // kernel's copy into (and first touch of) a fresh buffer proceeds on every core.
      let next = 0;
      const worker = async () => {
        while (next < length) {
          const at = next;
          next = Math.min(length, next + PARALLEL_PIECE);
          try {
            await this.readPiece(target, at, next - at, position + at);
          } catch (e) {
            next = length; // the others stop after their current piece
            throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: PARALLEL_READS }, worker));
    }
    return target.subarray(0, length);
  }

  /** Reads exactly `length` bytes at file `position` into target[at, at + length). */
  private async readPiece(target: Uint8Array, at: number, length: number, position: number): Promise<void> {
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        ({ bytesRead: n } = await this.handle.read(target, at + done, Math.min(length - done, MAX_READ), position + done));
      } catch (e) {
        throw new DataError(this.file, describeFsError(e), { offset: position + done });
      }
      // The file shrank since it was opened.
      if (n === 0) throw new DataError(this.file, `file ends at byte ${position + done}, ${length - done} bytes short`, { offset: position + done });
      done += n;
    }
  }

  fileOffset(position: number): number {
    return position;
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

/** Bytes [start, start + size) of another source, e.g. a stored zip member. */
export class RangeSource implements ByteSource {
  readonly seekable: boolean;

  constructor(
    readonly file: string,
    private readonly parent: ByteSource,
    private readonly start: number,
    readonly size: number,
    private readonly checksum?: CrcTracker,
  ) {
    this.seekable = parent.seekable;
  }

  async read(position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    checkRange(this, position, length);
    const bytes = await this.parent.read(this.start + position, length, into);
    this.checksum?.update(position, bytes);
    return bytes;
  }

  fileOffset(position: number): number | undefined {
    return this.parent.fileOffset(this.start + position);
  }

  async close(): Promise<void> {
    // The parent belongs to whoever opened it (the archive).
  }
}

/**
 * CRC-32 of a zip member, checked whenever the member has been read from its first byte to its
 * last in order (a whole-array read does; a slice of a large member does not, and is then
 * unchecked rather than read whole).
 */
export class CrcTracker {
  private position = 0;
  private crc = 0;

  constructor(
    private readonly file: string,
    private readonly size: number,
    private readonly expected: number,
  ) {}

  /** Feeds bytes [position, position + bytes.length) of the member as they are read. */
  update(position: number, bytes: Uint8Array): void {
    if (position > this.position || position + bytes.length <= this.position) return;
    this.crc = crc32(bytes, this.position - position, bytes.length, this.crc);
    this.position = position + bytes.length;
    if (this.position === this.size && this.crc !== this.expected) {
      throw new DataError(this.file, `CRC-32 mismatch: the data hashes to ${hex(this.crc)} but the archive records ${hex(this.expected)} (corrupt member)`);
    }
  }
}

/**
 * A deflated zip member: inflated as it is read, sequentially. A read behind the current
 * position restarts inflation from the member's start. Inflating past the declared size, or
 * ending before it, is a DataError, so a hostile member cannot make the reader allocate more
 * than its declared (and checked) size.
 */
export class DeflatedSource implements ByteSource {
  readonly seekable = false;
  private iterator: AsyncIterator<Buffer> | undefined;
  private inflater: ReturnType<typeof createInflateRaw> | undefined;
  private compressed: Readable | undefined;
  /** Member position of the first byte of `pending`. */
  private position = 0;
  private pending: Uint8Array = new Uint8Array(0);
  private checksum: CrcTracker;

  constructor(
    readonly file: string,
    private readonly parent: ByteSource,
    private readonly start: number,
    private readonly compressedSize: number,
    readonly size: number,
    private readonly expectedCrc: number,
  ) {
    this.checksum = new CrcTracker(file, size, expectedCrc);
  }

  async read(position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    checkRange(this, position, length);
    if (this.iterator === undefined || position < this.position) this.restart();
    const target = into ?? new Uint8Array(length);
    let done = 0;
    while (done < length) {
      if (this.pending.length === 0) {
        await this.pull();
        continue;
      }
      const skip = position + done - this.position;
      if (skip >= this.pending.length) {
        this.position += this.pending.length;
        this.pending = this.pending.subarray(this.pending.length);
        continue;
      }
      const take = Math.min(this.pending.length - skip, length - done);
      target.set(this.pending.subarray(skip, skip + take), done);
      done += take;
      this.position += skip + take;
      this.pending = this.pending.subarray(skip + take);
    }
    if (position + length === this.size) await this.expectEnd();
    return target.subarray(0, length);
  }

  fileOffset(): undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.stop();
  }

  private stop(): void {
    this.compressed?.destroy();
    this.inflater?.destroy();
    this.compressed = undefined;
    this.inflater = undefined;
    this.iterator = undefined;
  }

  private restart(): void {
    this.stop();
    this.position = 0;
    this.pending = new Uint8Array(0);
    this.produced = 0;
    this.checksum = new CrcTracker(this.file, this.size, this.expectedCrc);
    const compressed = Readable.from(compressedChunks(this.parent, this.start, this.compressedSize), { objectMode: false });
    const inflater = createInflateRaw({ chunkSize: 1 << 20 });
    // A read error of the compressed bytes (a DataError) surfaces through the inflater.
    compressed.on('error', (e) => inflater.destroy(e));
    compressed.pipe(inflater);
    this.compressed = compressed;
    this.inflater = inflater;
    this.iterator = inflater[Symbol.asyncIterator]();
  }

  /** Member bytes inflated so far (the position just past the last piece pulled). */
  private produced = 0;

  private async pull(): Promise<void> {
    let next: IteratorResult<Buffer>;
    try {
      next = await this.iterator!.next();
    } catch (e) {
      throw this.inflateError(e);
    }
    if (next.done) {
      throw new DataError(this.file, `deflated data ends after ${this.produced} bytes but the archive records ${this.size}`);
    }
    const piece = next.value;
    if (this.produced + piece.length > this.size) {
      throw new DataError(this.file, `deflated data inflates past the ${this.size} bytes the archive records`);
    }
    this.checksum.update(this.produced, piece);
    this.produced += piece.length;
    this.pending = piece;
  }

  /** After the last declared byte: the stream must end there. */
  private async expectEnd(): Promise<void> {
    while (this.pending.length === 0) {
      let next: IteratorResult<Buffer>;
      try {
        next = await this.iterator!.next();
      } catch (e) {
        throw this.inflateError(e);
      }
      if (next.done) return;
      if (next.value.length > 0) throw new DataError(this.file, `deflated data inflates past the ${this.size} bytes the archive records`);
    }
    throw new DataError(this.file, `deflated data inflates past the ${this.size} bytes the archive records`);
  }

  private inflateError(e: unknown): DataError {
    if (e instanceof DataError) return e;
    const message = e instanceof Error ? e.message : String(e);
    return new DataError(this.file, `corrupt deflated data after ${this.produced} inflated bytes: ${message}`);
  }
}

/** The compressed bytes of a member in 1 MiB pieces. */
async function* compressedChunks(parent: ByteSource, start: number, size: number): AsyncGenerator<Uint8Array> {
  const piece = 1 << 20;
  for (let at = 0; at < size; at += piece) yield await parent.read(start + at, Math.min(piece, size - at));
}

function checkRange(source: ByteSource, position: number, length: number): void {
  if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0) {
    throw new DataError(source.file, `invalid read of ${length} bytes at ${position}`);
  }
  if (position + length > source.size) {
    const offset = source.fileOffset(Math.min(position, source.size));
    throw new DataError(
      source.file,
      `truncated: ${length} bytes needed at byte ${position} but the ${source.fileOffset(0) === 0 ? 'file' : 'data'} holds ${source.size}`,
      offset === undefined ? {} : { offset },
    );
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** A short reason for a file-system error (ENOENT and friends in words). */
export function describeFsError(e: unknown): string {
  const code = (e as { code?: string } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `cannot read: ${e instanceof Error ? e.message : String(e)}`;
  }
}
