/**
 * A dense array stored at a byte offset of a source (.npy data, an .npz member, a safetensors
 * tensor), read whole, as a slice of rows (the first axis), or as a stream of row chunks, in
 * bounded pieces so progress is reported and a read can be cancelled between them.
 *
 * Copies, and why:
 *  - C order, machine byte order, a type the kernels take as is (float32/64, int32/64, bool):
 *    the file's bytes are read straight into the buffer that becomes the tensor. No copy after
 *    the read itself (the one copy out of the page cache every reader pays, numpy.load too).
 *  - A type the kernels widen (float16, bfloat16, float8, 8/16-bit ints, uint32/64) or the
 *    other byte order: each read chunk is converted into the output, one pass, no full-size
 *    intermediate.
 *  - Fortran order: the kernels index row-major, so each chunk's elements are scattered into
 *    their row-major places (the one unavoidable reordering copy).
 */
import type { DType } from '../../kernels/tensor.js';
import { DataError, checkCancelled, type ReadOptions } from '../errors.js';
import {
  type ElementName,
  type ElementType,
  type OutputArray,
  allocateOutput,
  checkViewable,
  decodeInto,
  isViewable,
  outputDType,
  viewOutput,
} from './dtype.js';
import type { ByteSource } from './source.js';

/** A tensor as the readers return it: kernel-ready, plus where it came from. */
export interface ArrayTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: OutputArray;
  /** The element type in the file (e.g. float16 read as float32). */
  readonly stored: ElementName;
  /** True when `data` is the buffer the file's bytes were read into (no conversion copy). */
  readonly zeroCopy: boolean;
}

/** Rows [start, end) of an array, as yielded by {@link StoredArray.chunks}. */
export interface RowChunk {
  readonly start: number;
  readonly end: number;
  readonly tensor: ArrayTensor;
}

/** Options of a chunked read. */
export interface ChunkOptions extends ReadOptions {
  /**
   * Read every chunk into one buffer, reused: a chunk's data is valid only until the next
   * chunk is asked for. Saves allocating (and the OS faulting in) fresh memory per chunk when
   * the caller consumes each chunk before the next (sums, streaming statistics). C-order
   * arrays of a viewable type only; other layouts ignore it.
   */
  reuseBuffer?: boolean;
}

/** Raw bytes read per step: large enough to run at disk speed, small enough to stay responsive. */
export const CHUNK_BYTES = 16 * 1024 * 1024;
/**
 * Bytes per positional read when the file's bytes land in the output itself (no scratch buffer
 * to bound): fewer round trips through the thread pool; still ~10 ms between cancellation checks.
 */
export const DIRECT_READ_BYTES = 64 * 1024 * 1024;

export class StoredArray {
  /** Elements in the array. */
  readonly size: number;

  constructor(
    readonly source: ByteSource,
    /** Position of the first data byte in `source`. */
    readonly dataOffset: number,
    readonly type: ElementType,
    readonly shape: readonly number[],
    readonly fortranOrder: boolean,
  ) {
    let n = 1;
    for (const d of shape) n *= d;
    this.size = n;
  }

  get file(): string {
    return this.source.file;
  }

  /** The kernel dtype the data is read as. */
  get dtype(): DType {
    return outputDType(this.type);
  }

  /** Length of the first axis (1 for a 0-d array). */
  get rows(): number {
    return this.shape.length === 0 ? 1 : this.shape[0]!;
  }

  /** Bytes of data. */
  get byteLength(): number {
    return this.size * this.type.size;
  }

  /** The whole array. */
  async read(options: ReadOptions = {}): Promise<ArrayTensor> {
    const t = await this.readRows(0, this.rows, options);
    return this.shape.length === 0 ? { ...t, shape: [] } : t;
  }

  /** Rows [start, end) of the first axis, shaped [end - start, ...shape[1:]]. */
  async readRows(start: number, end: number, options: ReadOptions = {}): Promise<ArrayTensor> {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.rows || start > end) {
      throw new DataError(this.file, `rows [${start}, ${end}) are outside the array's ${this.rows} rows`);
    }
    const shape = [end - start, ...this.shape.slice(1)];
    if (this.fortranOrder && this.shape.length > 1) return this.readFortranRows(start, end, shape, options);
    const rowElements = this.size / Math.max(this.rows, 1);
    const first = start * rowElements;
    const count = (end - start) * rowElements;
    return this.readContiguous(first, count, shape, options);
  }

  /**
   * Successive chunks of `rowsPerChunk` rows (the last may be shorter). Memory stays at one
   * chunk. A Fortran-order array in a deflated member is the exception: its rows are spread over
   * the whole member, so it is inflated once and sliced.
   */
  async *chunks(rowsPerChunk: number, options: ChunkOptions = {}): AsyncGenerator<RowChunk> {
    if (!Number.isInteger(rowsPerChunk) || rowsPerChunk < 1) throw new DataError(this.file, `rows per chunk must be a positive integer, not ${rowsPerChunk}`);
    if (this.fortranOrder && this.shape.length > 1 && !this.source.seekable) {
      const whole = await this.read({ signal: options.signal });
      const rowElements = this.size / Math.max(this.rows, 1);
      for (let s = 0; s < this.rows; s += rowsPerChunk) {
        const e = Math.min(this.rows, s + rowsPerChunk);
        const data = whole.data.subarray(s * rowElements, e * rowElements) as OutputArray;
        yield { start: s, end: e, tensor: { ...whole, shape: [e - s, ...this.shape.slice(1)], data } };
        // Progress counts rows here, as on the streaming path below.
        options.onProgress?.(e, this.rows);
      }
      return;
    }
    const rowElements = this.size / Math.max(this.rows, 1);
    const reuse = options.reuseBuffer === true && isViewable(this.type) && !(this.fortranOrder && this.shape.length > 1);
    const buffer = reuse ? new Uint8Array(Math.min(rowsPerChunk, this.rows) * rowElements * this.type.size) : undefined;
    for (let s = 0; s < this.rows; s += rowsPerChunk) {
      const e = Math.min(this.rows, s + rowsPerChunk);
      const tensor =
        buffer === undefined
          ? await this.readRows(s, e, { signal: options.signal })
          : await this.readContiguous(s * rowElements, (e - s) * rowElements, [e - s, ...this.shape.slice(1)], { signal: options.signal }, buffer);
      yield { start: s, end: e, tensor };
      options.onProgress?.(e, this.rows);
    }
  }

  /** Elements [first, first + count) in storage order, which is row-major here. */
  private async readContiguous(first: number, count: number, shape: number[], options: ReadOptions, into?: Uint8Array): Promise<ArrayTensor> {
    const size = this.type.size;
    const begin = this.dataOffset + first * size;
    const total = count * size;
    const progress = new Progress(total, options);
    if (isViewable(this.type)) {
      // Read straight into the tensor's own buffer.
      const bytes = into !== undefined ? into.subarray(0, total) : new Uint8Array(total);
      for (let done = 0; done < total; ) {
        progress.check(this.file);
        const n = Math.min(DIRECT_READ_BYTES, total - done);
        const chunk = await this.source.read(begin + done, n, bytes.subarray(done, done + n));
        checkViewable(this.type, chunk, { file: this.file, offset: this.offsetOf(begin + done) });
        done += n;
        progress.report(done);
      }
      return { shape, dtype: this.dtype, data: viewOutput(this.type, bytes), stored: this.type.name, zeroCopy: true };
    }
    const out = allocateOutput(this.type, count);
    const chunkElements = Math.max(1, Math.floor(CHUNK_BYTES / size));
    const scratch = new Uint8Array(Math.min(count, chunkElements) * size);
    for (let at = 0; at < count; ) {
      progress.check(this.file);
      const n = Math.min(chunkElements, count - at);
      const raw = await this.source.read(begin + at * size, n * size, scratch.subarray(0, n * size));
      decodeInto(this.type, raw, out, at, { file: this.file, offset: this.offsetOf(begin + at * size) });
      at += n;
      progress.report(at * size);
    }
    return { shape, dtype: this.dtype, data: out, stored: this.type.name, zeroCopy: false };
  }

  /**
   * Rows [start, end) of a Fortran-order array. In storage the first axis varies fastest, so the
   * wanted rows form one run of (end - start) elements per combination of the other indices.
   * Runs are read one by one, or through a larger window when they lie close together, and
   * each element is written to its row-major place.
   */
  private async readFortranRows(start: number, end: number, shape: number[], options: ReadOptions): Promise<ArrayTensor> {
    const size = this.type.size;
    const rows = this.rows;
    const runLength = end - start;
    const runs = this.size / Math.max(rows, 1);
    const count = runLength * runs;
    const out = allocateOutput(this.type, count);
    if (count === 0) return { shape, dtype: this.dtype, data: out, stored: this.type.name, zeroCopy: false };
    const rest = this.shape.slice(1);
    // Row-major strides of the trailing axes, and a counter over them in storage order.
    const strides = new Array<number>(rest.length);
    for (let d = rest.length - 1, s = 1; d >= 0; d--) {
      strides[d] = s;
      s *= rest[d]!;
    }
    const counter = new Array<number>(rest.length).fill(0);
    let restOffset = 0;
    const advance = (): void => {
      for (let d = 0; d < rest.length; d++) {
        counter[d]!++;
        restOffset += strides[d]!;
        if (counter[d]! < rest[d]!) return;
        restOffset -= strides[d]! * counter[d]!;
        counter[d] = 0;
      }
    };
    const runBytes = runLength * size;
    const strideBytes = rows * size;
    // Close runs (at most 4x read amplification) are served from one window read.
    const windowed = runBytes < CHUNK_BYTES && strideBytes <= 4 * runBytes;
    const progress = new Progress(count * size, options);
    let window: Uint8Array = new Uint8Array(0);
    let windowStart = 0;
    const dataEnd = this.dataOffset + this.byteLength;
    const target = out as unknown as { [i: number]: number | bigint };
    for (let run = 0; run < runs; run++) {
      progress.check(this.file);
      const runStart = this.dataOffset + (run * rows + start) * size;
      let raw: Uint8Array;
      if (windowed) {
        if (runStart < windowStart || runStart + runBytes > windowStart + window.length) {
          const length = Math.min(Math.max(CHUNK_BYTES, runBytes), dataEnd - runStart);
          windowStart = runStart;
          window = await this.source.read(runStart, length);
        }
        raw = window.subarray(runStart - windowStart, runStart - windowStart + runBytes);
      } else {
        raw = await this.source.read(runStart, runBytes);
      }
      const values = this.decodeRun(raw, runLength, runStart);
      const source = values as unknown as { [i: number]: number | bigint };
      for (let i = 0, o = restOffset; i < runLength; i++, o += runs) target[o] = source[i]!;
      advance();
      progress.report((run + 1) * runBytes);
    }
    return { shape, dtype: this.dtype, data: out, stored: this.type.name, zeroCopy: false };
  }

  private decodeRun(raw: Uint8Array, n: number, position: number): OutputArray {
    const origin = { file: this.file, offset: this.offsetOf(position) };
    if (isViewable(this.type) && raw.byteOffset % this.type.size === 0) {
      checkViewable(this.type, raw, origin);
      return viewOutput(this.type, raw);
    }
    const values = allocateOutput(this.type, n);
    decodeInto(this.type, raw, values, 0, origin);
    return values;
  }

  /** File offset of a source position, for error locations. */
  private offsetOf(position: number): number {
    return this.source.fileOffset(position) ?? position;
  }
}

/** Progress and cancellation over one read of `total` bytes. */
class Progress {
  constructor(
    private readonly total: number,
    private readonly options: ReadOptions,
  ) {}

  check(file: string): void {
    checkCancelled(file, this.options.signal);
  }

  report(done: number): void {
    this.options.onProgress?.(done, this.total);
  }
}

/**
 * Checks that `count` elements of `type` starting at `dataOffset` are exactly the rest of the
 * source: fewer bytes is a truncated file, more is trailing data (two arrays saved into one
 * file, or a damaged header), and both are DataErrors naming the sizes.
 */
export function checkDataSize(source: ByteSource, dataOffset: number, type: ElementType, shape: readonly number[], what: string): void {
  let count = 1;
  for (const d of shape) count *= d;
  const needed = count * type.size;
  const present = source.size - dataOffset;
  const described = `shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''}) of ${type.name}`;
  if (!Number.isSafeInteger(needed) || needed > present) {
    throw new DataError(
      source.file,
      `truncated: ${what} ${described} needs ${Number.isSafeInteger(needed) ? needed : 'more than 2^53'} bytes of data but ${present} follow the header`,
      offsetOf(source, dataOffset),
    );
  }
  if (needed < present) {
    throw new DataError(source.file, `${present - needed} bytes of trailing data after the ${needed} bytes of ${what} ${described}`, offsetOf(source, dataOffset + needed));
  }
}

function offsetOf(source: ByteSource, position: number): { offset?: number } {
  const offset = source.fileOffset(position);
  return offset === undefined ? {} : { offset };
}
