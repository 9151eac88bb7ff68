/**
 * Incremental reading of files that grow while a training job writes them.
 *
 * A {@link FileTail} remembers how far a file has been read, its identity (device + inode)
 * and two small fingerprints: the first bytes of the file and the bytes just before the read
 * offset. On each {@link FileTail.check} it tells whether the file only grew (read the new
 * bytes), was rewritten in place (Lightning rewrites metrics.csv whole when a new column
 * appears), truncated (size below the offset), replaced by another file (rotation: new
 * inode), or removed. Reading always streams in fixed-size chunks, so a 10 GB log never sits
 * in memory.
 */
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { DataError, checkCancelled, type ReadOptions } from './errors.js';

export type TailChange = 'unchanged' | 'appended' | 'rewritten' | 'truncated' | 'rotated' | 'missing';

/** Default chunk size of streamed reads. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

const FINGERPRINT_BYTES = 64;

export interface TailCheck {
  change: TailChange;
  /** Current size in bytes (0 when missing). */
  size: number;
}

export class FileTail {
  /** Bytes consumed so far. */
  offset = 0;
  private identity: string | undefined;
  private mtimeMs = -1;
  private head = new Uint8Array(0);
  private anchor = new Uint8Array(0);

  constructor(readonly path: string) {}

  /** Compares the file on disk with what has been read. Never throws for a missing file. */
  async check(): Promise<TailCheck> {
    let st: Stats;
    try {
      st = await stat(this.path);
    } catch (e) {
      if (isNotFound(e)) return { change: 'missing', size: 0 };
      throw ioError(this.path, e);
    }
    if (!st.isFile()) throw new DataError(this.path, 'not a regular file');
    const identity = `${st.dev}:${st.ino}`;
    const size = st.size;
    if (this.identity === undefined) return { change: size > 0 ? 'appended' : 'unchanged', size };
    if (identity !== this.identity) return { change: 'rotated', size };
    if (size < this.offset) return { change: 'truncated', size };
    if (size === this.offset && st.mtimeMs === this.mtimeMs) return { change: 'unchanged', size };
    // Same file, not shorter: it either grew or was rewritten in place. The bytes already
    // read must still be there.
    if (!(await this.fingerprintsMatch())) return { change: 'rewritten', size };
    return { change: size > this.offset ? 'appended' : 'unchanged', size };
  }

  /** Forgets everything read (after a rewrite, truncation or rotation). */
  reset(): void {
    this.offset = 0;
    this.identity = undefined;
    this.mtimeMs = -1;
    this.head = new Uint8Array(0);
    this.anchor = new Uint8Array(0);
  }

  /**
   * Streams bytes [offset, size at open) through `onChunk`, advancing `offset`. The chunk
   * buffers are reused: `onChunk` must copy whatever it keeps. Reports progress and honours
   * cancellation between chunks. Returns the number of bytes read.
   */
  async readAppended(
    onChunk: (chunk: Uint8Array, fileOffset: number) => void,
    options: ReadOptions & {
      chunkBytes?: number;
      /** Two buffers to read into instead of fresh ones (a scanner's memory, say); chunks are at most their length. */
      buffers?: readonly [Uint8Array, Uint8Array];
    } = {},
  ): Promise<number> {
    let fh;
    try {
      fh = await open(this.path, 'r');
    } catch (e) {
      throw ioError(this.path, e);
    }
    // A read still in flight when parsing stops (a cancel, a throwing consumer) is awaited before
    // the handle closes.
    let pending: Promise<number> | undefined;
    try {
      const st = await fh.stat();
      this.identity = `${st.dev}:${st.ino}`;
      this.mtimeMs = st.mtimeMs;
      const size = st.size;
      if (size < this.offset) throw new DataError(this.path, `file shrank to ${size} bytes while being read`, { offset: this.offset });
      const start = this.offset;
      const given = options.buffers;
      const limit = given ? Math.min(given[0].length, given[1].length) : Infinity;
      const chunkBytes = Math.min(limit, Math.max(FINGERPRINT_BYTES, Math.min(options.chunkBytes ?? CHUNK_BYTES, Math.max(size - start, FINGERPRINT_BYTES))));
      // Two buffers: the next chunk is read (on the thread pool) while this one is parsed.
      const buffers = given ? [given[0], given[1]] : [new Uint8Array(chunkBytes), size - start > chunkBytes ? new Uint8Array(chunkBytes) : undefined];
      let which = 0;
      const readAt = (at: number): Promise<number> | undefined =>
        at < size ? fh!.read(buffers[which]!, 0, Math.min(chunkBytes, size - at), at).then((r) => r.bytesRead) : undefined;
      pending = readAt(this.offset);
      while (pending !== undefined) {
        const bytesRead = await pending;
        pending = undefined;
        if (bytesRead === 0) break; // shrank after the stat: the next check sees it
        const chunk = buffers[which]!.subarray(0, bytesRead);
        const prefetch = buffers[1] !== undefined;
        if (prefetch) {
          which = 1 - which;
          pending = readAt(this.offset + bytesRead);
        }
        checkCancelled(this.path, options.signal);
        if (this.offset < FINGERPRINT_BYTES) this.extendHead(chunk);
        const at = this.offset;
        this.offset += bytesRead;
        this.rememberAnchor(chunk);
        onChunk(chunk, at);
        options.onProgress?.(this.offset - start, size - start);
        if (!prefetch) pending = readAt(this.offset);
      }
      return this.offset - start;
    } catch (e) {
      throw e instanceof DataError ? e : ioError(this.path, e);
    } finally {
      await pending?.catch(() => undefined);
      await fh.close();
    }
  }

  private extendHead(chunk: Uint8Array): void {
    const need = FINGERPRINT_BYTES - this.head.length;
    if (need <= 0) return;
    const extra = chunk.subarray(0, Math.min(need, chunk.length));
    const h = new Uint8Array(this.head.length + extra.length);
    h.set(this.head);
    h.set(extra, this.head.length);
    this.head = h;
  }

  private rememberAnchor(chunk: Uint8Array): void {
    if (chunk.length >= FINGERPRINT_BYTES) {
      this.anchor = chunk.slice(chunk.length - FINGERPRINT_BYTES);
      return;
    }
    const joined = new Uint8Array(Math.min(FINGERPRINT_BYTES, this.anchor.length + chunk.length));
    const fromOld = joined.length - chunk.length;
    joined.set(this.anchor.subarray(this.anchor.length - fromOld), 0);
    joined.set(chunk, fromOld);
    this.anchor = joined;
  }

  private async fingerprintsMatch(): Promise<boolean> {
    let fh;
    try {
      fh = await open(this.path, 'r');
    } catch (e) {
      if (isNotFound(e)) return false;
      throw ioError(this.path, e);
    }
    try {
      const head = new Uint8Array(this.head.length);
      const anchor = new Uint8Array(this.anchor.length);
      const r1 = await fh.read(head, 0, head.length, 0);
      const r2 = await fh.read(anchor, 0, anchor.length, this.offset - anchor.length);
      return r1.bytesRead === head.length && r2.bytesRead === anchor.length && equal(head, this.head) && equal(anchor, this.anchor);
    } finally {
      await fh.close();
    }
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** A file-system failure as a DataError (permission denied, a directory where a file was expected, ...). */
export function ioError(path: string, e: unknown): DataError {
  const err = e as NodeJS.ErrnoException;
  const reason =
    err?.code === 'ENOENT'
      ? 'not found'
      : err?.code === 'EACCES' || err?.code === 'EPERM'
        ? 'permission denied'
        : err?.code === 'EISDIR'
          ? 'is a directory'
          : `cannot read: ${err?.message ?? String(e)}`;
  return new DataError(path, reason);
}

/**
 * Reads a whole small file (a JSON state file, a YAML sidecar) with a size limit, so a
 * mistaken multi-gigabyte file is refused with a clear error instead of exhausting memory.
 * Pass the file's {@link FileTail} to remember what was read for the next change check.
 */
export async function readWholeFile(path: string, maxBytes: number, options: ReadOptions = {}, tail = new FileTail(path)): Promise<Uint8Array> {
  tail.reset();
  const check = await tail.check();
  if (check.change === 'missing') throw new DataError(path, 'not found');
  if (check.size > maxBytes) throw new DataError(path, `file is ${check.size} bytes, more than the ${maxBytes} this format is read whole up to`);
  const parts: Uint8Array[] = [];
  let total = 0;
  await tail.readAppended((chunk) => {
    // The file may have grown since the size check; stay within the limit regardless.
    const n = Math.min(chunk.length, maxBytes - total);
    parts.push(chunk.slice(0, n));
    total += n;
  }, options);
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
