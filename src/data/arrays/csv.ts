/**
 * CSV/TSV tables of predictions and targets, streamed from disk and parsed from bytes straight
 * into float64 columns.
 *
 * Hand-written rather than papaparse or csv-parse: those hand back a string per cell, and a
 * predictions file is tens of millions of numeric cells, where making and converting those
 * strings is most of the cost (pandas' C tokenizer is the bar to beat). Numbers are converted
 * from the bytes (see decimal.ts, correctly rounded); only the rare other cell (a quoted field,
 * a missing-value word, a class name) becomes a string. The dialect is RFC 4180 as Python's
 * csv module and pandas write it: one delimiter character, `"` quotes with doubled quotes
 * inside, newlines allowed inside quotes, LF or CRLF line ends, an optional UTF-8 BOM.
 *
 * A header is detected (present unless every cell of the first record is a number, except
 * pandas' `0,1,...,k-1` header of unnamed columns), missing cells are NaN as in pandas, and a
 * column whose first cells are text is a text (category) column. A non-numeric cell in a
 * numeric column, a record with the wrong number of fields or an unterminated quote is a
 * DataError with the line and the column.
 */
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataError, checkCancelled, type ReadOptions } from '../errors.js';
import { DecimalScanner } from './decimal.js';
import { csvWorkerScript } from './csv-worker-script.js';
import { FileSource } from './source.js';
import { BOOLEAN_WORDS, type Column, INFINITY_WORDS, LineMap, MISSING_WORDS, type Table, TextBuilder } from './table.js';

export interface CsvReadOptions extends ReadOptions {
  /** One character; default: tab for .tsv, otherwise the most frequent of , tab ; | in the first line. */
  delimiter?: string;
  /** Whether the first record names the columns; default: detected. */
  header?: boolean;
  /**
   * Files at least this large, when all their columns are numeric, are parsed in two halves at
   * once, the second by a worker thread (see RangeParse); default 32 MiB. Infinity: one thread.
   */
  parallelFrom?: number;
}

/** Bytes read per step. */
const READ_BYTES = 4 * 1024 * 1024;
/** Longest record accepted (an unterminated quote would otherwise swallow the file). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
export const MAX_COLUMNS = 100_000;
/** Rows allocated up front at most; columns grow by doubling past it. */
const MAX_INITIAL_ROWS = 1 << 24;

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const NUMERIC = 0;
const TEXT = 1;

/** Reads a CSV or TSV file into a table. */
export async function readCsv(path: string, options: CsvReadOptions = {}): Promise<Table> {
  const source = await FileSource.open(path);
  let secondHalf: RangeParse | undefined;
  // Cancelling stops the worker too; the wait for its records then ends at once.
  const stopSecondHalf = () => secondHalf?.stop();
  options.signal?.addEventListener('abort', stopSecondHalf, { once: true });
  try {
    const isTsv = extname(path).toLowerCase() === '.tsv' || extname(path).toLowerCase() === '.tab';
    const parser = new CsvTableParser(path, source.size, options.delimiter ?? (isTsv ? '\t' : undefined), options.header, isTsv ? 'tsv' : 'csv');
    let buffer = new Uint8Array(Math.min(READ_BYTES, Math.max(source.size, 1)));
    let held = 0; // bytes of an incomplete record kept at the front
    let position = 0;
    // Where this thread stops to take the records a worker parsed from there (see RangeParse).
    let split = source.size;
    let triedSplit = false;
    while (position < source.size || held > 0) {
      checkCancelled(path, options.signal);
      if (held === buffer.length) {
        // One record fills the buffer: grow it, up to the record limit.
        if (buffer.length >= MAX_RECORD_BYTES) throw parser.recordTooLong();
        const bigger = new Uint8Array(Math.min(buffer.length * 2, MAX_RECORD_BYTES));
        bigger.set(buffer);
        buffer = bigger;
      }
      const n = Math.min(buffer.length - held, split - position, triedSplit ? Infinity : FIRST_READ);
      if (n > 0) await source.read(position, n, buffer.subarray(held, held + n));
      position += n;
      const end = held + n;
      const final = position >= source.size;
      const consumed = parser.consume(buffer, end, final);
      if (final && consumed < end) throw parser.recordTooLong();
      buffer.copyWithin(0, consumed, end);
      held = end - consumed;
      if (!triedSplit && !final) {
        triedSplit = true;
        secondHalf = await RangeParse.start(source, parser, position, position - held, options.parallelFrom ?? PARALLEL_FROM);
        if (secondHalf) split = secondHalf.start;
      }
      if (position === split && split < source.size) {
        // The worker's records continue this parse exactly when it stopped at a record boundary
        // with every column still numeric; otherwise this thread reads on from here itself,
        // once the worker has stopped writing into the shared columns.
        const part = held === 0 && parser.allColumnsNumeric ? await secondHalf!.result() : undefined;
        // A worker that sent its rows writes no more; one whose rows are not taken may still.
        if (part) void secondHalf!.stop();
        else await secondHalf!.stop();
        parser.endSharing(part);
        if (part) position = part.stoppedAt;
        split = source.size;
      }
      options.onProgress?.(position, source.size);
      if (final) break;
    }
    return parser.finish();
  } finally {
    options.signal?.removeEventListener('abort', stopSecondHalf);
    void secondHalf?.stop();
    await source.close();
  }
}

const PARALLEL_FROM = 32 << 20;
/** What this thread parses while a range worker starts (measured; see RangeParse.start). */
const WORKER_HEAD_START_BYTES = 12 << 20;
/** The first read: enough for the header and the first rows, so a worker can start early. */
const FIRST_READ = 64 * 1024;

/** Plain numeric records parsed from one range of a file by a continuation parser. */
export interface PlainRows {
  rows: number;
  /**
   * One column per field, `rows` long; empty when the rows were written into the shared
   * columns of the job (at row {@link PlainRangeJob.at}).
   */
  values: Float64Array[];
  /** Per column: 1 while every value was written as an integer. */
  integral: Uint8Array;
  /** Per column: 1 when the values are int64 words, not float64 (see CsvTableParser.asInt64). */
  asInt64: Uint8Array;
  /** File offset of the first record not taken (the range's end when all were). */
  stoppedAt: number;
}

/** What a range worker is asked to parse (see csv-worker.ts). */
export interface PlainRangeJob {
  file: string;
  start: number;
  end: number;
  width: number;
  delimiter: number;
  /** Rows the worker may write. */
  capacity: number;
  /**
   * The first thread's columns (SharedArrayBuffers) and the row from which the worker writes
   * its rows into them, so they arrive in place instead of as buffers to copy (and fault in)
   * on the first thread. Without them the worker makes its own columns.
   */
  shared?: { columns: SharedArrayBuffer[]; at: number };
}

/**
 * The second half of a large file of plain numbers, parsed by a worker thread while this one
 * parses the first. Speculative and exact: the worker takes only records of plain numbers, one
 * per line (no quotes, so a newline cannot be inside a field), and stops at the first other
 * record, which this thread then parses with everything else from there on. Its records are
 * used only if this thread's parse reaches the split point at a record boundary with every
 * column still numeric; the result is the same table, message and line numbers as one thread.
 */
class RangeParse {
  private readonly done: Promise<PlainRows | undefined>;
  private stopped: Promise<unknown> | undefined;

  private constructor(
    readonly start: number,
    private readonly worker: Worker,
  ) {
    this.done = new Promise((resolve) => {
      worker.once('message', (m: PlainRows | { error: string }) => resolve('error' in m ? undefined : m));
      worker.once('error', () => resolve(undefined));
      worker.once('exit', () => resolve(undefined));
    });
  }

  /**
   * A worker on the second half, once the header and the records before `parsedTo` are parsed
   * (and the bytes before `readTo` read); undefined when not worth it or not possible.
   */
  static async start(source: FileSource, parser: CsvTableParser, readTo: number, parsedTo: number, parallelFrom: number): Promise<RangeParse | undefined> {
    const shape = parser.plainShape();
    const script = csvWorkerScript();
    if (!shape || !script || source.size < parallelFrom) return undefined;
    // The split: just after the first newline past the point where both threads should finish
    // together. The worker starts late (a new isolate loading its script, ~60 ms here, in which
    // this thread parses ~15 MB), so it takes half of what is left after that head start.
    // (At most a quarter of the file, so small files configured to split still do.)
    const headStart = Math.min(WORKER_HEAD_START_BYTES, Math.floor(source.size / 4));
    const middle = Math.floor(source.size - (source.size - headStart) / 2);
    const probe = await source.read(middle, Math.min(1 << 16, source.size - middle));
    const newline = probe.indexOf(NL);
    if (newline < 0) return undefined;
    const start = middle + newline + 1;
    if (start <= readTo || start >= source.size) return undefined;
    // Rows are estimated from the bytes per row seen so far, with a margin: this thread may
    // write up to `at` (past it, its columns move out of the shared buffer), the worker from
    // `at` up to its capacity (past it, it stops and this thread parses the rest).
    const perRow = parser.rowCount > 0 ? Math.max(1, (parsedTo - parser.dataStart) / parser.rowCount) : shape.bytesPerRow;
    const at = Math.ceil((parser.rowCount + (start - parsedTo) / perRow) * 1.02) + 64;
    const capacity = Math.ceil(((source.size - start) / perRow) * 1.02) + 64;
    const columns = at + capacity <= SHARED_COLUMNS_MAX_ROWS ? parser.shareColumns(at, at + capacity) : undefined;
    const shared = columns ? { columns, at } : undefined;
    const job: PlainRangeJob = { file: source.file, start, end: source.size, width: shape.width, delimiter: shape.delimiter, capacity: shared ? capacity : Math.min(MAX_INITIAL_ROWS, capacity), shared };
    try {
      return new RangeParse(start, new Worker(script, { workerData: job }));
    } catch {
      parser.endSharing(undefined);
      return undefined;
    }
  }

  result(): Promise<PlainRows | undefined> {
    return this.done;
  }

  /** Stops the worker; resolves once it runs no more (so it writes no more into shared columns). */
  stop(): Promise<unknown> {
    this.stopped ??= this.worker.terminate().catch(() => undefined);
    return this.stopped;
  }
}

/** Columns are shared with the range worker up to this many rows (a SharedArrayBuffer cannot grow). */
const SHARED_COLUMNS_MAX_ROWS = 1 << 28;

/**
 * Parses the plain numeric records of [job.start, job.end) until the first other one (the
 * range worker's job; see RangeParse). Reads in the same 4 MiB steps as readCsv.
 */
export async function parsePlainRange(job: PlainRangeJob): Promise<PlainRows> {
  const source = await FileSource.open(job.file);
  try {
    const parser = CsvTableParser.continuation(job.file, job.width, job.delimiter, job.capacity, job.shared);
    const buffer = new Uint8Array(Math.min(READ_BYTES, Math.max(job.end - job.start, 1)));
    let held = 0;
    let position = job.start;
    let stoppedAt = job.start;
    while (position < job.end) {
      const n = Math.min(buffer.length - held, job.end - position);
      await source.read(position, n, buffer.subarray(held, held + n));
      position += n;
      const end = held + n;
      const limit = buffer.lastIndexOf(NL, end - 1) + 1; // whole lines only
      const taken = limit > 0 ? parser.plainOnly(buffer, 0, limit) : 0;
      stoppedAt = position - end + taken;
      if (taken < limit || limit === 0) break; // a record that is not plain (or a line longer than the buffer)
      buffer.copyWithin(0, taken, end);
      held = end - taken;
    }
    const rows = parser.takeRows();
    return { ...rows, values: job.shared ? [] : rows.values, stoppedAt };
  } finally {
    await source.close();
  }
}

/** Thrown inside the parser when a record continues past the bytes available (caught there). */
const NEED_MORE = Symbol('need more bytes');

/**
 * Parses records from successive buffers. `consume` parses every complete record and returns
 * where the first incomplete one starts; the caller keeps those bytes and appends more.
 */
export class CsvTableParser {
  private delimiter: number;
  private names: string[] | undefined;
  private width = 0;
  /** Per column: NUMERIC or TEXT. */
  private kinds = new Uint8Array(0);
  /**
   * Per column, `capacity` slots of 8 bytes: float64 values, or int64 while `asInt64` (the
   * slots then hold int64 words, written through `words`).
   */
  private values: Float64Array[] = [];
  /** Each column's slots as 32-bit words, for the int64 writes. */
  private words: Int32Array[] = [];
  private integral = new Uint8Array(0);
  /**
   * Per column: 1 while every value is an integer and a safe one, so the column is kept as
   * int64 (what pandas makes of it) as it is read, instead of converted in a pass over tens of
   * millions of labels afterwards; the first other value turns the column into float64.
   */
  private asInt64 = new Uint8Array(0);
  private sawNumber = new Uint8Array(0);
  private texts: (TextBuilder | undefined)[] = [];
  private capacity = 0;
  private rows = 0;
  /** Line of the next record. */
  private line = 1;
  private readonly lines = new LineMap();
  private readonly scanner = new DecimalScanner();
  private readonly utf8 = new TextDecoder('utf-8');
  private atStart = true;
  private hasHeader = false;
  // Where the current record started and the line its current cell is on (for messages).
  private recordLine = 1;
  private extraLines = 0;

  constructor(
    readonly file: string,
    private readonly fileSize: number,
    delimiter: string | undefined,
    private readonly header: boolean | undefined,
    private readonly format: 'csv' | 'tsv',
  ) {
    if (delimiter !== undefined && (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')) {
      throw new DataError(file, `delimiter must be one character other than a quote or newline, not ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter === undefined ? -1 : delimiter.charCodeAt(0);
  }

  /** A parser for records further into a file whose columns are known to be numeric (for {@link parsePlainRange}). */
  static continuation(file: string, width: number, delimiter: number, capacity: number, shared?: PlainRangeJob['shared']): CsvTableParser {
    const p = new CsvTableParser(file, 0, String.fromCharCode(delimiter), false, 'csv');
    p.names = Array.from({ length: width }, (_, k) => String(k));
    p.width = width;
    p.kinds = new Uint8Array(width);
    p.integral = new Uint8Array(width).fill(1);
    p.asInt64 = new Uint8Array(width).fill(1);
    p.sawNumber = new Uint8Array(width);
    p.texts = new Array(width).fill(undefined);
    p.capacity = capacity;
    p.setColumns(shared ? shared.columns.map((b) => new Float64Array(b, shared.at * 8, capacity)) : p.names.map(() => new Float64Array(capacity)));
    p.allNumeric = true;
    p.atStart = false;
    return p;
  }

  /** Rows parsed so far. */
  get rowCount(): number {
    return this.rows;
  }

  /**
   * Moves the columns into SharedArrayBuffers of `total` rows for a range worker that writes
   * from row `at` on; until {@link endSharing} this parser writes only below `at`. The buffers,
   * or undefined when the columns cannot be shared.
   */
  shareColumns(at: number, total: number): SharedArrayBuffer[] | undefined {
    if (!this.allColumnsNumeric || this.rows >= at || typeof SharedArrayBuffer !== 'function') return undefined;
    let buffers: SharedArrayBuffer[];
    try {
      buffers = this.values.map(() => new SharedArrayBuffer(total * 8));
    } catch {
      return undefined; // no address space for it: the worker makes its own columns
    }
    this.setColumns(
      this.values.map((v, c) => {
        const columns = new Float64Array(buffers[c]!);
        columns.set(v.subarray(0, this.rows)); // bit for bit, int64 words included
        return columns;
      }),
    );
    this.shared = { columns: buffers, at, total };
    this.capacity = at;
    return buffers;
  }

  /**
   * Ends sharing with a stopped range worker: its rows (when `part` is given, they continue
   * this parse) move to just after this parser's rows, and the whole of the buffers is
   * this parser's again.
   */
  endSharing(part: PlainRows | undefined): void {
    const shared = this.shared;
    this.shared = undefined;
    if (!shared) {
      if (part) this.appendRows(part);
      return;
    }
    const inShared = this.values[0]?.buffer === shared.columns[0];
    if (inShared) this.capacity = shared.total;
    if (!part || part.rows === 0) return;
    // Its rows, where the worker wrote them.
    const from = shared.columns.map((b) => new Float64Array(b, shared.at * 8, part.rows));
    if (inShared) {
      for (let c = 0; c < this.width; c++) this.values[c]!.copyWithin(this.rows, shared.at, shared.at + part.rows); // bit for bit
      this.appendRows({ ...part, values: [] });
    } else {
      this.appendRows({ ...part, values: from });
    }
  }

  /** The columns shared with a range worker, while it may write into them. */
  private shared: { columns: SharedArrayBuffer[]; at: number; total: number } | undefined;

  /** True once the header is read while every column is numeric. */
  get allColumnsNumeric(): boolean {
    return this.names !== undefined && this.allNumeric;
  }

  /** What a continuation parser needs, when the columns are known and all numeric. */
  plainShape(): { width: number; delimiter: number; bytesPerRow: number } | undefined {
    if (!this.allColumnsNumeric) return undefined;
    return { width: this.width, delimiter: this.delimiter, bytesPerRow: this.bytesPerRow };
  }

  /** Plain records of b[i, limit) (whole lines), as many as fit; returns where it stopped. */
  plainOnly(b: Uint8Array, i: number, limit: number): number {
    return this.plainRecords(b, i, limit);
  }

  /** The rows parsed so far, for a continuation parser's caller. */
  takeRows(): Omit<PlainRows, 'stoppedAt'> {
    return { rows: this.rows, values: this.values.map((v) => v.subarray(0, this.rows)), integral: this.integral, asInt64: this.asInt64 };
  }

  /** Appends a continuation parser's rows, which come right after the records parsed so far. */
  appendRows(part: PlainRows): void {
    if (part.rows === 0) return;
    while (this.rows + part.rows > this.capacity) this.grow();
    for (let c = 0; c < this.width; c++) {
      // No values: they are in place already (see endSharing). Copies keep the bits.
      if (part.values.length > 0) this.values[c]!.set(part.values[c]!, this.rows);
      // One half int64, the other float64: the column is float64.
      if (this.asInt64[c] === 1 && part.asInt64[c] === 0) this.toFloat64(c, 0, this.rows);
      else if (this.asInt64[c] === 0 && part.asInt64[c] === 1) toFloat64InPlace(this.values[c]!, this.words[c]!, this.rows, this.rows + part.rows);
      if (part.integral[c] === 0) this.integral[c] = 0;
      this.sawNumber[c] = 1;
    }
    this.lines.note(this.rows, this.line);
    this.line += part.rows;
    this.rows += part.rows;
  }

  /** The error for a record that never ends. */
  recordTooLong(): DataError {
    return new DataError(this.file, `record longer than ${MAX_RECORD_BYTES} bytes, or a quote that is never closed`, { line: this.line });
  }

  /** Parses the complete records in b[0, end); returns the index of the first byte not consumed. */
  consume(b: Uint8Array, end: number, final: boolean): number {
    let i = 0;
    if (this.atStart) {
      if (end >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
      else if (end < 3 && !final) return 0;
    }
    // Records are parsed only up to the last newline unless this is the end of the file; a
    // quoted field running past it throws NEED_MORE and the record is retried with more bytes.
    let limit = end;
    if (!final) {
      limit = b.lastIndexOf(NL, end - 1) + 1;
      if (limit <= i) return i;
    }
    this.atStart = false;
    while (i < limit) {
      if (this.allNumeric && this.rows < this.capacity) {
        // The common case, plain numbers on one line per record, in one tight loop; it stops
        // at the first record it cannot take whole, which the general path below then parses.
        i = this.plainRecords(b, i, limit);
        if (i >= limit) break;
      }
      const c = b[i]!;
      if (c === NL || c === CR) {
        // Blank line (pandas skips them).
        i += c === CR && i + 1 < limit && b[i + 1] === NL ? 2 : 1;
        this.line++;
        continue;
      }
      const recordStart = i;
      this.recordLine = this.line;
      this.extraLines = 0;
      try {
        i = this.names === undefined ? this.firstRecord(b, i, limit, final) : this.record(b, i, limit, final);
      } catch (e) {
        if (e === NEED_MORE) return recordStart;
        throw e;
      }
      this.line += 1 + this.extraLines;
    }
    return limit;
  }

  finish(): Table {
    if (this.names === undefined) throw new DataError(this.file, 'empty file: no header and no rows');
    const rows = this.rows;
    const columns: Column[] = this.names.map((name, c) =>
      this.kinds[c] === TEXT
        ? this.texts[c]!.finish(rows)
        : {
            kind: 'numeric',
            name,
            values: this.asInt64[c] === 1 && rows > 0 ? new BigInt64Array(this.values[c]!.buffer, this.values[c]!.byteOffset, rows) : this.values[c]!.subarray(0, rows),
            width: 1,
            integral: this.integral[c] === 1 && this.sawNumber[c] === 1,
          },
    );
    const lines = this.lines;
    return { file: this.file, format: this.format, rows, columns, locate: (row: number) => ({ line: lines.line(row) }) };
  }

  /** Bytes of the first record, from which the rows of a range are estimated. */
  private bytesPerRow = 1;

  /** File offset of the first data record (after the BOM and the header), for estimates. */
  dataStart = 0;

  /** True while every column is numeric (a text cell turns it off for good). */
  private allNumeric = false;

  /**
   * Records of plain numbers ending in LF, from i; returns where it stopped: at `limit`, at the
   * start of a record that is anything else (a quote, a missing cell, CRLF, a word, a wrong
   * field count), or when the columns are full. Such a record is left untouched for
   * {@link record}, which handles (or reports) it; this loop only skips the per-record setup.
   */
  private plainRecords(b: Uint8Array, i: number, limit: number): number {
    const d = this.delimiter;
    const width = this.width;
    const last = width - 1;
    const scanner = this.scanner;
    const values = this.values;
    const words = this.words;
    const integral = this.integral;
    const asInt64 = this.asInt64;
    const capacity = this.capacity;
    let row = this.rows;
    const firstRow = row;
    rows: while (i < limit && row < capacity) {
      let p = i;
      for (let c = 0; c < width; c++) {
        const end = c === last ? NL : d;
        let q = p;
        if (asInt64[c] === 1) {
          // In an int64 column, a short unsigned integer (a class label) is read here, as
          // int64 words; anything else by the scanner.
          let n = 0;
          while (q < limit && q - p < 9) {
            const x = b[q]! - 0x30;
            if (x < 0 || x > 9) break;
            n = n * 10 + x;
            q++;
          }
          if (q > p && q < limit && b[q] === end) {
            words[c]![2 * row + LO] = n;
            words[c]![2 * row + HI] = 0;
            p = q + 1;
            continue;
          }
        }
        const v = scanner.scan(b, p, limit);
        q = scanner.end;
        if (q === p || q >= limit) break rows;
        if (b[q] !== end) break rows;
        if (asInt64[c] === 0 || !this.storeInt64(c, row, v, scanner.integral)) values[c]![row] = v;
        if (!scanner.integral) integral[c] = 0;
        p = q + 1;
      }
      row++;
      i = p;
    }
    if (row > firstRow) {
      for (let c = 0; c < width; c++) this.sawNumber[c] = 1;
      this.lines.note(firstRow, this.line);
      this.line += row - firstRow;
      this.rows = row;
    }
    return i;
  }

  /** The first record: the header, or the first row of a file without one. */
  private firstRecord(b: Uint8Array, i: number, limit: number, final: boolean): number {
    if (this.delimiter < 0) this.delimiter = sniffDelimiter(b, i, limit);
    const { fields, next } = this.splitRecord(b, i, limit, final);
    if (fields.length > MAX_COLUMNS) throw new DataError(this.file, `${fields.length} columns is more than the ${MAX_COLUMNS} supported`, { line: this.line });
    const isHeader = this.header ?? looksLikeHeader(fields);
    const names = isHeader ? fields.map((f) => f.trim()) : fields.map((_, k) => String(k));
    const seen = new Map<string, number>();
    names.forEach((name, k) => {
      const before = seen.get(name);
      if (before !== undefined) throw new DataError(this.file, `column name '${name}' appears twice (columns ${before + 1} and ${k + 1})`, { line: this.line, column: k + 1 });
      seen.set(name, k);
    });
    this.names = names;
    this.hasHeader = isHeader;
    this.width = names.length;
    this.kinds = new Uint8Array(this.width);
    this.integral = new Uint8Array(this.width).fill(1);
    this.asInt64 = new Uint8Array(this.width).fill(1);
    this.sawNumber = new Uint8Array(this.width);
    this.texts = new Array(this.width).fill(undefined);
    // Rows expected from the size of this record; corrected by doubling if wrong.
    const perRow = Math.max(next - i, 2 * this.width);
    this.bytesPerRow = perRow;
    // (The first record is in the file's first buffer, so buffer offsets are file offsets,
    // give or take a BOM.)
    this.dataStart = isHeader ? next : i;
    this.capacity = Math.min(MAX_INITIAL_ROWS, Math.ceil((this.fileSize / perRow) * 1.05) + 16);
    this.setColumns(names.map(() => new Float64Array(this.capacity)));
    this.allNumeric = true;
    if (!isHeader) {
      fields.forEach((text, c) => this.textCell(c, text));
      this.lines.note(this.rows, this.recordLine);
      this.rows++;
    }
    return next;
  }

  /** One data record; returns the index after its line end. */
  private record(b: Uint8Array, i: number, limit: number, final: boolean): number {
    if (this.rows === this.capacity) this.grow();
    const row = this.rows;
    const d = this.delimiter;
    const last = this.width - 1;
    const scanner = this.scanner;
    const kinds = this.kinds;
    const integral = this.integral;
    const sawNumber = this.sawNumber;
    let p = i;
    for (let c = 0; ; c++) {
      let q: number;
      if (kinds[c] === NUMERIC) {
        const v = scanner.scan(b, p, limit);
        q = scanner.end;
        const t = q < limit ? b[q]! : -1;
        if (q > p && (t === d || t === NL || t === CR || t === -1)) {
          this.store(c, row, v, scanner.integral);
          if (!scanner.integral) integral[c] = 0;
          sawNumber[c] = 1;
        } else {
          q = this.otherCell(b, p, limit, final, c);
        }
      } else {
        q = this.otherCell(b, p, limit, final, c);
      }
      const t = q < limit ? b[q]! : -1;
      if (c < last) {
        if (t !== d) throw this.fieldCountError(c + 1, b, q, limit, final);
        p = q + 1;
        continue;
      }
      if (t === d) throw this.fieldCountError(c + 1, b, q, limit, final);
      this.lines.note(row, this.recordLine);
      this.rows++;
      if (t === -1) return q;
      if (t === CR && q + 1 < limit && b[q + 1] === NL) return q + 2;
      return q + 1;
    }
  }

  /** A cell that is not a plain number: quoted, a word, text, or padded. Returns the index of its terminator. */
  private otherCell(b: Uint8Array, p: number, limit: number, final: boolean, c: number): number {
    const { text, end } = this.cellText(b, p, limit, final);
    this.textCell(c, text);
    return end;
  }

  /** The text of the cell at p (unquoted) and the index of its terminator. */
  private cellText(b: Uint8Array, p: number, limit: number, final: boolean): { text: string; end: number } {
    const d = this.delimiter;
    if (p < limit && b[p] === QUOTE) return this.quotedCell(b, p, limit, final);
    let q = p;
    while (q < limit) {
      const t = b[q]!;
      if (t === d || t === NL || t === CR) break;
      q++;
    }
    return { text: this.decode(b, p, q), end: q };
  }

  /** A quoted cell starting at p: doubled quotes inside, newlines allowed, text after the closing quote kept (as Python's csv does). */
  private quotedCell(b: Uint8Array, p: number, limit: number, final: boolean): { text: string; end: number } {
    const d = this.delimiter;
    let text = '';
    let q = p + 1;
    for (;;) {
      const close = b.indexOf(QUOTE, q);
      if (close < 0 || close >= limit) {
        if (!final) throw NEED_MORE;
        throw new DataError(this.file, 'a quoted field is never closed', { line: this.recordLine + this.extraLines });
      }
      text += this.decode(b, q, close);
      if (close + 1 < limit && b[close + 1] === QUOTE) {
        text += '"';
        q = close + 2;
        continue;
      }
      q = close + 1;
      break;
    }
    for (let k = p; k < q; k++) if (b[k] === NL) this.extraLines++;
    let e = q;
    while (e < limit && b[e] !== d && b[e] !== NL && b[e] !== CR) e++;
    if (e > q) text += this.decode(b, q, e);
    return { text, end: e };
  }

  /** Stores a cell given as text into column c of the current row. */
  private textCell(c: number, raw: string): void {
    const row = this.rows;
    if (this.kinds[c] === TEXT) {
      const trimmed = raw.trim();
      this.texts[c]!.set(row, MISSING_WORDS.has(trimmed) ? undefined : raw);
      return;
    }
    const text = raw.trim();
    if (MISSING_WORDS.has(text)) {
      this.store(c, row, NaN, false);
      this.integral[c] = 0;
      return;
    }
    const special = INFINITY_WORDS.get(text) ?? BOOLEAN_WORDS.get(text);
    if (special !== undefined) {
      this.store(c, row, special, Number.isInteger(special));
      if (!Number.isInteger(special)) this.integral[c] = 0;
      this.sawNumber[c] = 1;
      return;
    }
    const bytes = new TextEncoder().encode(text);
    const v = this.scanner.scan(bytes, 0, bytes.length);
    if (bytes.length > 0 && this.scanner.end === bytes.length) {
      this.store(c, row, v, this.scanner.integral);
      if (!this.scanner.integral) this.integral[c] = 0;
      this.sawNumber[c] = 1;
      return;
    }
    if (this.sawNumber[c] === 0) {
      // Nothing but missing cells so far: this is a text column (class names, file names).
      this.kinds[c] = TEXT;
      this.allNumeric = false;
      const builder = new TextBuilder(this.names![c]!, Math.min(this.capacity, 1 << 16), row);
      builder.set(row, raw);
      this.texts[c] = builder;
      this.values[c] = new Float64Array(0);
      this.words[c] = new Int32Array(0);
      this.asInt64[c] = 0;
      return;
    }
    const hint = /^[-+]?\d+,\d+$/.test(text) ? ' (a decimal comma? write numbers with a point)' : '';
    throw new DataError(this.file, `non-numeric cell ${JSON.stringify(clip(raw))} in a numeric column${hint}`, {
      line: this.recordLine + this.extraLines,
      column: this.names![c]!,
    });
  }

  private fieldCountError(fieldsSeen: number, b: Uint8Array, q: number, limit: number, final: boolean): DataError {
    let fields = fieldsSeen;
    if (q < limit && b[q] === this.delimiter) {
      // Count the rest of the record's fields for the message.
      let p = q + 1;
      for (;;) {
        fields++;
        let end: number;
        try {
          end = this.cellText(b, p, limit, final).end;
        } catch (e) {
          if (e === NEED_MORE) break;
          throw e;
        }
        if (end >= limit || b[end] !== this.delimiter) break;
        p = end + 1;
      }
    }
    return new DataError(this.file, `${fields} fields but the ${this.hasHeader ? 'header has' : 'first row has'} ${this.width}`, {
      line: this.recordLine + this.extraLines,
    });
  }

  /** Splits one record into unquoted field strings (used for the first record). */
  private splitRecord(b: Uint8Array, i: number, limit: number, final: boolean): { fields: string[]; next: number } {
    const fields: string[] = [];
    let p = i;
    for (;;) {
      const { text, end } = this.cellText(b, p, limit, final);
      fields.push(text);
      if (end < limit && b[end] === this.delimiter) {
        p = end + 1;
        continue;
      }
      if (end >= limit) return { fields, next: end };
      return { fields, next: b[end] === CR && end + 1 < limit && b[end + 1] === NL ? end + 2 : end + 1 };
    }
  }

  private grow(): void {
    const next = Math.max(16, this.capacity * 2);
    this.setColumns(
      this.values.map((v, c) => {
        if (this.kinds[c] === TEXT) return v;
        const bigger = new Float64Array(next);
        bigger.set(v.subarray(0, this.rows)); // bit for bit, int64 words included
        return bigger;
      }),
    );
    this.capacity = next;
  }

  private setColumns(columns: Float64Array[]): void {
    this.values = columns;
    this.words = columns.map((v) => new Int32Array(v.buffer, v.byteOffset, v.length * 2));
  }

  /** Stores a value in column c at `row`, as int64 while the column is. */
  private store(c: number, row: number, v: number, integralCell: boolean): void {
    if (this.asInt64[c] === 0 || !this.storeInt64(c, row, v, integralCell)) this.values[c]![row] = v;
  }

  /**
   * Writes v as int64 into column c (an int64 column) at `row` and returns true; when v is not
   * a safe integer, turns the column's rows before `row` into float64 and returns false (the
   * caller stores v as a double).
   */
  private storeInt64(c: number, row: number, v: number, integralCell: boolean): boolean {
    if (integralCell && Number.isSafeInteger(v)) {
      const words = this.words[c]!;
      const high = Math.floor(v / 4294967296);
      words[2 * row + LO] = (v - high * 4294967296) | 0;
      words[2 * row + HI] = high | 0;
      return true;
    }
    this.toFloat64(c, 0, row);
    return false;
  }

  /** Column c stops being int64: its rows [from, to) become doubles again (exactly: they are safe integers). */
  private toFloat64(c: number, from: number, to: number): void {
    this.asInt64[c] = 0;
    toFloat64InPlace(this.values[c]!, this.words[c]!, from, to);
  }

  private decode(b: Uint8Array, start: number, end: number): string {
    // ASCII is the common case and needs no decoder.
    let ascii = true;
    for (let k = start; k < end; k++) {
      if (b[k]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (!ascii) return this.utf8.decode(b.subarray(start, end));
    let s = '';
    for (let k = start; k < end; k++) s += String.fromCharCode(b[k]!);
    return s;
  }
}

/**
 * A first record is a header unless all its cells are numbers. pandas writes unnamed columns as
 * `0,1,...,k-1`, which is a header too (for k >= 2; a lone `0` is taken as data).
 */
function looksLikeHeader(fields: readonly string[]): boolean {
  const scanner = new DecimalScanner();
  const encoder = new TextEncoder();
  let allNumbers = true;
  for (const f of fields) {
    const t = f.trim();
    if (MISSING_WORDS.has(t) && t !== '') continue;
    const bytes = encoder.encode(t);
    scanner.scan(bytes, 0, bytes.length);
    if (bytes.length === 0 || scanner.end !== bytes.length) {
      if (!INFINITY_WORDS.has(t) && !BOOLEAN_WORDS.has(t)) allNumbers = false;
    }
  }
  if (!allNumbers) return true;
  return fields.length >= 2 && fields.every((f, k) => f.trim() === String(k));
}

/** The most frequent of , tab ; | outside quotes in the first line (`,` when none). */
function sniffDelimiter(b: Uint8Array, i: number, limit: number): number {
  const candidates = [0x2c, 0x09, 0x3b, 0x7c];
  const counts = [0, 0, 0, 0];
  let quoted = false;
  for (let k = i; k < limit; k++) {
    const c = b[k]!;
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted && (c === NL || c === CR)) break;
    else if (!quoted) {
      const at = candidates.indexOf(c);
      if (at >= 0) counts[at]!++;
    }
  }
  let best = 0;
  for (let k = 1; k < 4; k++) if (counts[k]! > counts[best]!) best = k;
  return candidates[best]!;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** The low and high 32-bit word of an int64 slot. */
const LO = HOST_LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/** Slots [from, to) of int64 words (safe integers) become the same numbers as float64. */
function toFloat64InPlace(values: Float64Array, words: Int32Array, from: number, to: number): void {
  for (let r = from; r < to; r++) values[r] = words[2 * r + HI]! * 4294967296 + (words[2 * r + LO]! >>> 0);
}
