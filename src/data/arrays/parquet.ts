/**
 * Parquet tables of predictions and targets (`df.to_parquet`, `pl.write_parquet`), through
 * hyparquet (pure JavaScript, no native build) with hyparquet-compressors for the codecs
 * pandas and polars use (snappy, zstd, gzip, brotli, lz4).
 *
 * Top-level columns of numbers, booleans or strings, and list columns holding one equal-length
 * list of numbers per row (a row of logits), become the table's columns. Every failure of the
 * library on a damaged file is turned into a DataError naming the file.
 */
import { parquetMetadataAsync, parquetSchema, type FileMetaData } from 'hyparquet';
// The row-group level of the library (its own parquetRead leaves some promises of a damaged
// file's other column chunks without a handler: they surface as unhandled rejections after the
// read has already failed). Here every promise is awaited with allSettled.
import { parquetReadAsync } from 'hyparquet/src/read.js';
import { assembleAsync } from 'hyparquet/src/rowgroup.js';
import { compressors } from 'hyparquet-compressors';
import { DataError, checkCancelled, type ReadOptions } from '../errors.js';
import { FileSource } from './source.js';
import { type Column, NumericBuilder, type Table, TextBuilder } from './table.js';

/** Rows accepted at most (typed arrays of one column stay under 2^31 elements). */
export const MAX_PARQUET_ROWS = 1 << 30;

type Piece = { rowStart: number; rowEnd: number; data: ArrayLike<unknown> };

type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;

/** The most output per input byte a codec's format can produce, where it has such a limit. */
const MAX_RATIO: Readonly<Record<string, number>> = {
  SNAPPY: 32, // a 3-byte copy emits at most 64 bytes
  GZIP: 1100, // deflate's limit is 1032:1
  LZ4: 256,
  LZ4_RAW: 256,
};

/**
 * The codecs, refusing a page whose header claims more decompressed bytes than the file can
 * hold: the decompressors allocate what the header says before reading a byte, so a damaged
 * size would otherwise allocate without bound. The limit is the column chunks' total
 * uncompressed size from the metadata and, for codecs with a maximum ratio, that ratio.
 */
export function boundedCompressors(path: string, totalUncompressed: number): Record<string, Decompress> {
  const limit = Math.min(totalUncompressed, 2 ** 31 - 1);
  const bounded: Record<string, Decompress> = {};
  for (const [codec, decompress] of Object.entries(compressors as Record<string, Decompress>)) {
    bounded[codec] = (input, outputLength) => {
      const ratio = MAX_RATIO[codec];
      const bound = ratio === undefined ? limit : Math.min(limit, input.length * ratio + 1024);
      if (!(Number.isSafeInteger(outputLength) && outputLength >= 0 && outputLength <= bound)) {
        throw new DataError(
          path,
          `damaged page header: it claims ${outputLength} bytes once ${codec}-decompressed from ${input.length}, more than ${bound === limit ? `the ${limit} the column chunks hold in all` : `${codec} can produce`}`,
        );
      }
      return decompress(input, outputLength);
    };
  }
  return bounded;
}

/** Σ of the column chunks' total_uncompressed_size (what every page together may decompress to). */
function totalUncompressedSize(metadata: FileMetaData): number {
  let total = 0;
  for (const group of metadata.row_groups) for (const chunk of group.columns) total += Number(chunk.meta_data?.total_uncompressed_size ?? 0);
  return Number.isFinite(total) ? total : 0;
}

/** Reads a Parquet file into a table. */
export async function readParquet(path: string, options: ReadOptions = {}): Promise<Table> {
  const source = await FileSource.open(path);
  try {
    let done = 0;
    const readSlice = async (start: number, end?: number): Promise<ArrayBuffer> => {
      checkCancelled(path, options.signal);
      const stop = Math.min(end ?? source.size, source.size);
      if (!(start >= 0 && start <= stop)) throw new DataError(path, `the file's metadata points at bytes [${start}, ${end}) outside its ${source.size} bytes`);
      const bytes = await source.read(start, stop - start);
      done += bytes.length;
      options.onProgress?.(Math.min(done, source.size), source.size);
      return bytes.buffer.byteLength === bytes.length ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
    };
    // The library starts reading column chunks while it plans a read; when planning then fails
    // part way (damaged metadata) or a prefetched range is never awaited, those promises would
    // reject with no handler. So: every slice promise is marked handled (callers that await it
    // still see its error), and data reads wait for a gate opened only once planning succeeded;
    // if it failed, they stay pending and are collected with everything else.
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const handled = (p: Promise<ArrayBuffer>): Promise<ArrayBuffer> => {
      p.catch(() => undefined);
      return p;
    };
    const metadataFile = { byteLength: source.size, slice: (start: number, end?: number) => handled(readSlice(start, end)) };
    const file = { byteLength: source.size, slice: (start: number, end?: number) => handled(gate.then(() => readSlice(start, end))) };
    if (source.size < 12) throw new DataError(path, `truncated: ${source.size} bytes is too short for a Parquet file`, { offset: 0 });
    const head = await source.read(0, 4);
    const tail = await source.read(source.size - 4, 4);
    const magic = (b: Uint8Array): boolean => b[0] === 0x50 && b[1] === 0x41 && b[2] === 0x52 && b[3] === 0x31; // PAR1
    if (!magic(head)) throw new DataError(path, 'not a Parquet file: bad magic (expected PAR1)', { offset: 0 });
    if (!magic(tail)) throw new DataError(path, 'truncated or damaged Parquet file: no PAR1 footer', { offset: source.size - 4 });
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(metadataFile);
    } catch (e) {
      throw wrap(path, e, 'bad metadata');
    }
    const rows = Number(metadata.num_rows);
    if (!Number.isSafeInteger(rows) || rows < 0 || rows > MAX_PARQUET_ROWS) throw new DataError(path, `bad metadata: ${metadata.num_rows} rows`);
    const fields = topLevelColumns(metadata);
    const names = fields.map((f) => f.name);
    const pieces = new Map<string, Piece[]>(names.map((n) => [n, []]));
    try {
      const groups = parquetReadAsync({ file, metadata, compressors: boundedCompressors(path, totalUncompressedSize(metadata)) });
      openGate();
      const raw = await Promise.allSettled(groups.flatMap((g) => g.asyncColumns.map((c) => c.data)));
      const failed = raw.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      const tree = parquetSchema(metadata);
      for (const group of groups.map((g) => assembleAsync(g, tree))) {
        const done = await Promise.allSettled(group.asyncColumns.map((c) => c.data));
        group.asyncColumns.forEach((column, k) => {
          const r = done[k]!;
          if (r.status === 'rejected') throw r.reason;
          let rowStart = group.groupStart + r.value.skipped;
          for (const data of r.value.data) {
            pieces.get(column.pathInSchema[0]!)?.push({ rowStart, rowEnd: rowStart + data.length, data: data as ArrayLike<unknown> });
            rowStart += data.length;
          }
        });
      }
    } catch (e) {
      throw wrap(path, e, 'damaged data');
    }
    const columns: Column[] = [];
    for (const { name, floating } of fields) columns.push(assemble(path, name, rows, pieces.get(name)!, floating));
    return { file: path, format: 'parquet', rows, columns, locate: () => ({}) };
  } finally {
    await source.close();
  }
}

function wrap(path: string, e: unknown, what: string): DataError {
  if (e instanceof DataError) return e;
  return new DataError(path, `${what}: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * The top-level schema fields in order, and whether their (first) leaf is a floating-point type:
 * a float column of whole numbers stays float, as pandas reads it back.
 */
function topLevelColumns(metadata: FileMetaData): { name: string; floating: boolean }[] {
  const schema = metadata.schema;
  const fields: { name: string; floating: boolean }[] = [];
  if (schema.length === 0) return fields;
  // schema[0] is the root; its children follow depth-first.
  let i = 1;
  let leaf: string | undefined;
  const skip = (depth: number): void => {
    const el = schema[i++];
    if (el === undefined || depth > 64) return;
    if (!el.num_children) leaf ??= el.type;
    for (let k = 0; k < (el.num_children ?? 0); k++) skip(depth + 1);
  };
  for (let k = 0; k < (schema[0]!.num_children ?? 0) && i < schema.length; k++) {
    const name = schema[i]!.name;
    leaf = undefined;
    skip(0);
    fields.push({ name, floating: leaf === 'FLOAT' || leaf === 'DOUBLE' || leaf === 'FIXED_LEN_BYTE_ARRAY' });
  }
  return fields;
}

/** One column from its decoded pieces: numbers (and booleans, integers), strings, or lists of numbers. */
function assemble(path: string, name: string, rows: number, pieces: Piece[], floating: boolean): Column {
  pieces.sort((a, b) => a.rowStart - b.rowStart);
  const fail = (problem: string, row?: number): DataError => new DataError(path, `column '${name}': ${problem}${row === undefined ? '' : ` (row ${row + 1})`}`, { column: name });
  let numeric: NumericBuilder | undefined;
  let text: TextBuilder | undefined;
  let rowShape: number[] | undefined;
  let next = 0;
  for (const piece of pieces) {
    if (piece.rowStart !== next) throw fail(`rows ${next} to ${piece.rowStart} are missing from the decoded data`);
    const data = piece.data;
    for (let k = 0; k < data.length; k++) {
      const row = piece.rowStart + k;
      const v = data[k];
      if (typeof v === 'string') {
        if (numeric !== undefined && numeric.sawNumber) throw fail(`text ${JSON.stringify(v.slice(0, 40))} in a numeric column`, row);
        text ??= new TextBuilder(name, Math.min(rows, 1 << 16), row);
        text.set(row, v);
        continue;
      }
      if (text !== undefined) {
        if (v === null || v === undefined) text.set(row, undefined);
        else throw fail('a non-text value in a text column', row);
        continue;
      }
      if (numeric === undefined) {
        numeric = new NumericBuilder(name, rows);
        if (floating) numeric.integral = false;
      }
      if (Array.isArray(v) || ArrayBuffer.isView(v)) {
        const list = v as ArrayLike<unknown>;
        if (rowShape === undefined) {
          rowShape = [list.length];
          // Earlier null rows held one NaN each: widen them.
          const before = numeric.length;
          numeric.length = 0;
          for (let r = 0; r < before * list.length; r++) numeric.push(NaN);
        } else if (rowShape.length !== 1 || rowShape[0] !== list.length) {
          throw fail(`a list of ${list.length} values where earlier rows hold ${rowShape.length === 0 ? 'scalars' : `${rowShape[0]}`}`, row);
        }
        for (let j = 0; j < list.length; j++) numeric.push(scalar(list[j], numeric, () => fail('a nested list or non-number inside a list', row)));
        numeric.sawNumber = true;
        continue;
      }
      if (v === null || v === undefined) {
        const width = rowShape?.[0] ?? 1;
        for (let j = 0; j < width; j++) numeric.push(NaN);
        numeric.integral = false;
        continue;
      }
      if (rowShape !== undefined && rowShape.length > 0) throw fail('a scalar where earlier rows hold lists', row);
      rowShape ??= [];
      numeric.push(scalar(v, numeric, () => fail(`unsupported value type ${describe(v)}`, row)));
      numeric.sawNumber = true;
    }
    next = piece.rowStart + data.length;
  }
  if (next !== rows) throw fail(`decoded ${next} rows but the metadata records ${rows}`);
  if (text !== undefined) return text.finish(rows);
  return (numeric ?? new NumericBuilder(name, 0)).finish(rowShape ?? []);
}

function scalar(v: unknown, b: NumericBuilder, fail: () => DataError): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) b.integral = false;
    return v;
  }
  if (typeof v === 'bigint') {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw fail();
    return n;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === undefined) {
    b.integral = false;
    return NaN;
  }
  throw fail();
}

function describe(v: unknown): string {
  if (v instanceof Date) return 'date/time';
  if (v instanceof Uint8Array) return 'bytes';
  return typeof v === 'object' ? 'struct/map' : typeof v;
}
