/**
 * Predictions and targets from files: one entry point that opens any supported file by its
 * extension and hands back named, kernel-ready arrays, and a pairing of predictions with
 * targets by the names people give them.
 *
 *   .npy .npz .safetensors   binary archives: opening reads the headers only; each array is read
 *                            when asked, whole, by rows or in row chunks (zero-copy where the
 *                            layout allows; see stored-array.ts)
 *   .csv .tsv .jsonl .json   tables, read whole when opened (columns become arrays, see
 *   .parquet                 {@link tableArrays})
 *
 * Every failure is a DataError naming the file, the place and the problem.
 */
import { basename, extname } from 'node:path';
import type { DType } from '../../kernels/tensor.js';
import { DataError, type ReadOptions } from '../errors.js';
import type { ArrayArchive } from './archive.js';
import { type CsvReadOptions, readCsv } from './csv.js';
import { HOST_LITTLE_ENDIAN, type OutputArray } from './dtype.js';
import { readJson, readJsonl } from './json.js';
import { openNpy } from './npy.js';
import { openNpz } from './npz.js';
import { readParquet } from './parquet.js';
import { openSafetensors } from './safetensors.js';
import type { ChunkOptions, RowChunk, StoredArray } from './stored-array.js';
import type { NumericColumn, Table } from './table.js';

export type ArrayFileFormat = 'npy' | 'npz' | 'safetensors' | 'csv' | 'tsv' | 'jsonl' | 'json' | 'parquet';

/** One named array, read. */
export interface NamedArray {
  readonly name: string;
  readonly file: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: OutputArray;
  /** The element type in the file ('float16', 'text', ...). */
  readonly stored: string;
  /** True when `data` is the very buffer the file's bytes were read into. */
  readonly zeroCopy: boolean;
  /** For an array of codes made from a text column: the text of each code (-1 is missing). */
  readonly categories?: readonly string[];
}

/** What is known of an array before its data is read. */
export interface ArrayInfo {
  readonly name: string;
  readonly file: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly stored: string;
}

export interface ArrayFile {
  readonly file: string;
  readonly format: ArrayFileFormat;
  /** Array names in file order. */
  readonly names: readonly string[];
  /** Shape and dtype of a named array (a DataError for an unknown name or a bad header). */
  info(name: string): Promise<ArrayInfo>;
  /** The whole array. */
  read(name: string, options?: ReadOptions): Promise<NamedArray>;
  /** Rows [start, end) of the first axis. */
  readRows(name: string, start: number, end: number, options?: ReadOptions): Promise<NamedArray>;
  /** Successive chunks of rows; memory stays at one chunk for the binary formats. */
  chunks(name: string, rowsPerChunk: number, options?: ChunkOptions): AsyncGenerator<RowChunk>;
  close(): Promise<void>;
}

export interface OpenOptions extends ReadOptions {
  /** CSV/TSV dialect (delimiter, header). */
  csv?: Omit<CsvReadOptions, 'signal' | 'onProgress'>;
}

/** The format of a path by its extension, or undefined when it is not an array file. */
export function arrayFileFormat(path: string): ArrayFileFormat | undefined {
  const ext = extname(path).toLowerCase();
  switch (ext) {
    case '.npy':
    case '.npz':
    case '.safetensors':
    case '.csv':
    case '.tsv':
    case '.jsonl':
    case '.json':
    case '.parquet':
      return ext.slice(1) as ArrayFileFormat;
    case '.tab':
      return 'tsv';
    case '.ndjson':
      return 'jsonl';
    case '.pq':
      return 'parquet';
    default:
      return undefined;
  }
}

/** Opens an array file by its extension. Tables are read whole here; archives read headers only. */
export async function openArrayFile(path: string, options: OpenOptions = {}): Promise<ArrayFile> {
  const format = arrayFileFormat(path);
  const read: ReadOptions = { signal: options.signal, onProgress: options.onProgress };
  switch (format) {
    case 'npy':
      return archiveFile(await openNpy(path), 'npy');
    case 'npz':
      return archiveFile(await openNpz(path), 'npz');
    case 'safetensors':
      return archiveFile(await openSafetensors(path), 'safetensors');
    case 'csv':
    case 'tsv':
      return tableFile(await readCsv(path, { ...options.csv, ...read }), format);
    case 'jsonl':
      return tableFile(await readJsonl(path, read), format);
    case 'json':
      return tableFile(await readJson(path, read), format);
    case 'parquet':
      return tableFile(await readParquet(path, read), format);
    default:
      throw new DataError(path, `unsupported file type '${extname(path) || basename(path)}': predictions and targets are read from .npy, .npz, .safetensors, .csv, .tsv, .jsonl, .json and .parquet`);
  }
}

/** Every array of a file, read whole. */
export async function readArrays(path: string, options: OpenOptions = {}): Promise<NamedArray[]> {
  const f = await openArrayFile(path, options);
  try {
    const out: NamedArray[] = [];
    for (const name of f.names) out.push(await f.read(name, options));
    return out;
  } finally {
    await f.close();
  }
}

function archiveFile(archive: ArrayArchive, format: ArrayFileFormat): ArrayFile {
  const named = (name: string, a: StoredArray, t: Awaited<ReturnType<StoredArray['read']>>): NamedArray => ({
    name,
    file: a.file,
    shape: t.shape,
    dtype: t.dtype,
    data: t.data,
    stored: t.stored,
    zeroCopy: t.zeroCopy,
  });
  return {
    file: archive.file,
    format,
    names: archive.names,
    async info(name) {
      const a = await archive.array(name);
      return { name, file: a.file, shape: a.shape, dtype: a.dtype, stored: a.type.name };
    },
    async read(name, options) {
      const a = await archive.array(name);
      return named(name, a, await a.read(options));
    },
    async readRows(name, start, end, options) {
      const a = await archive.array(name);
      return named(name, a, await a.readRows(start, end, options));
    },
    async *chunks(name, rowsPerChunk, options) {
      const a = await archive.array(name);
      yield* a.chunks(rowsPerChunk, options);
    },
    close: () => archive.close(),
  };
}

function tableFile(table: Table, format: ArrayFileFormat): ArrayFile {
  const arrays = tableArrays(table, { inPlace: true });
  const byName = new Map(arrays.map((a) => [a.name, a]));
  const get = (name: string): NamedArray => {
    const a = byName.get(name);
    if (a === undefined) throw new DataError(table.file, `no array named '${name}' (the file holds ${arrays.map((x) => `'${x.name}'`).join(', ') || 'none'})`);
    return a;
  };
  const rows = (a: NamedArray, start: number, end: number): NamedArray => {
    const n = a.shape[0] ?? 1;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > n || start > end) {
      throw new DataError(table.file, `rows [${start}, ${end}) are outside the array's ${n} rows`);
    }
    const per = a.shape.slice(1).reduce((x, y) => x * y, 1);
    return { ...a, shape: [end - start, ...a.shape.slice(1)], data: a.data.subarray(start * per, end * per) as OutputArray };
  };
  return {
    file: table.file,
    format,
    names: arrays.map((a) => a.name),
    async info(name) {
      const a = get(name);
      return { name, file: a.file, shape: a.shape, dtype: a.dtype, stored: a.stored };
    },
    async read(name) {
      return get(name);
    },
    async readRows(name, start, end) {
      return rows(get(name), start, end);
    },
    async *chunks(name, rowsPerChunk) {
      const a = get(name);
      if (!Number.isInteger(rowsPerChunk) || rowsPerChunk < 1) throw new DataError(table.file, `rows per chunk must be a positive integer, not ${rowsPerChunk}`);
      const n = a.shape[0] ?? 1;
      for (let s = 0; s < n; s += rowsPerChunk) {
        const e = Math.min(n, s + rowsPerChunk);
        const r = rows(a, s, e);
        yield { start: s, end: e, tensor: { shape: r.shape, dtype: r.dtype, data: r.data, stored: r.stored as never, zeroCopy: r.zeroCopy } };
      }
    },
    async close() {},
  };
}

/**
 * The arrays of a table:
 *  - columns `name_0, name_1, ..., name_k` (k >= 1, all numeric scalars, in that order of
 *    indices) become one array `name` of shape [rows, k + 1] — a predictions file of class
 *    scores; in a file without a header (columns named 0..k) all-numeric columns become one
 *    array named after the file, [rows, k + 1] (or [rows] for one column);
 *  - any other numeric column is an array [rows] ([rows, ...] for a column of lists): int64
 *    when every cell was written as an integer, float64 otherwise (missing cells are NaN);
 *  - a text column (class names) is an int64 array of codes into `categories`; one with too
 *    many distinct texts to be labels (ids, file names) is left out.
 * With `inPlace`, integer columns are converted inside the table's own buffers (the table must
 * not be used afterwards).
 */
export function tableArrays(table: Table, { inPlace = false }: { inPlace?: boolean } = {}): NamedArray[] {
  const out: NamedArray[] = [];
  const used = new Set<number>();
  const cols = table.columns;
  const rows = table.rows;
  // Groups name_0..name_k.
  const groups = new Map<string, { index: number; column: number }[]>();
  cols.forEach((c, i) => {
    const m = /^(.*?)_?(\d+)$/.exec(c.name);
    if (m === null || c.kind !== 'numeric' || c.width !== 1) return;
    const base = m[1]!;
    const list = groups.get(base) ?? [];
    list.push({ index: Number(m[2]), column: i });
    groups.set(base, list);
  });
  const stem = basename(table.file, extname(table.file));
  const grouped = new Map<number, { name: string; columns: number[] }>();
  for (const [base, list] of groups) {
    const ok = list.every((x, k) => x.index === k) && (list.length >= 2 || (base === '' && cols.length === 1));
    if (!ok) continue;
    const name = base === '' ? stem : base.replace(/_$/, '');
    if (base !== '' && cols.some((c) => c.name === name)) continue;
    grouped.set(list[0]!.column, { name, columns: list.map((x) => x.column) });
    for (const x of list) used.add(x.column);
  }
  cols.forEach((c, i) => {
    const g = grouped.get(i);
    if (g !== undefined) {
      const k = g.columns.length;
      const parts = g.columns.map((j) => cols[j] as NumericColumn);
      const integral = parts.every((p) => p.integral);
      // k is 1 only for the lone column of a file without a header.
      const shape = k === 1 ? [rows] : [rows, k];
      if (integral && parts.every((p) => p.values instanceof BigInt64Array || allSafeIntegers(p.values))) {
        const data = new BigInt64Array(rows * k);
        for (let j = 0; j < k; j++) interleaveInt64(data, parts[j]!.values, j, k);
        out.push({ name: g.name, file: table.file, shape, dtype: 'int64', data, stored: 'int64', zeroCopy: false });
      } else if (k === 1) {
        out.push({ name: g.name, file: table.file, shape, dtype: 'float64', data: float64Of(parts[0]!.values), stored: 'float64', zeroCopy: false });
      } else {
        const data = new Float64Array(rows * k);
        for (let j = 0; j < k; j++) {
          const v = float64Of(parts[j]!.values);
          for (let r = 0, o = j; r < rows; r++, o += k) data[o] = v[r]!;
        }
        out.push({ name: g.name, file: table.file, shape, dtype: 'float64', data, stored: 'float64', zeroCopy: false });
      }
      return;
    }
    if (used.has(i)) return;
    if (c.kind === 'numeric') {
      const shape = [rows, ...(c.rowShape ?? (c.width === 1 ? [] : [c.width]))];
      // In place when allowed: an int64 is as wide as a float64, and each slot is read before
      // it is written, so the column's own buffer becomes the tensor (no second 8-byte array).
      const values = c.values;
      const data =
        values instanceof BigInt64Array ? values : !c.integral || values.length === 0 ? undefined : inPlace ? int64InPlace(values) : allSafeIntegers(values) ? int64Copy(values) : undefined;
      if (data !== undefined) {
        out.push({ name: c.name, file: table.file, shape, dtype: 'int64', data, stored: 'int64', zeroCopy: false });
      } else {
        out.push({ name: c.name, file: table.file, shape, dtype: 'float64', data: float64Of(values), stored: 'float64', zeroCopy: false });
      }
      return;
    }
    if (c.codes === undefined || c.categories === undefined) return;
    const data = new BigInt64Array(rows);
    setInt64(data, Float64Array.from(c.codes), 0, 1);
    out.push({ name: c.name, file: table.file, shape: [rows], dtype: 'int64', data, stored: 'text', zeroCopy: false, categories: c.categories });
  });
  return out;
}

/**
 * out[at + r * stride] = values[r] as int64, for safe integers, written as two 32-bit words
 * (a BigInt per element costs ten times more on tens of millions of labels).
 */
function setInt64(out: BigInt64Array, values: Float64Array, at: number, stride: number): void {
  const words = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
  const lo = HOST_LITTLE_ENDIAN ? 0 : 1;
  const hi = 1 - lo;
  for (let r = 0, o = 2 * at; r < values.length; r++, o += 2 * stride) {
    const v = values[r]!;
    if ((v | 0) === v) {
      words[o + lo] = v;
      words[o + hi] = v < 0 ? -1 : 0;
      continue;
    }
    const high = Math.floor(v / 4294967296);
    words[o + lo] = (v - high * 4294967296) | 0;
    words[o + hi] = high | 0;
  }
}

function int64Copy(values: Float64Array): BigInt64Array {
  const data = new BigInt64Array(values.length);
  setInt64(data, values, 0, 1);
  return data;
}

/**
 * The column's own buffer as int64 when every value is a safe integer, in one pass (checking
 * first and converting after costs a second pass over tens of millions of labels); otherwise
 * the column is left as it was (the slots converted so far are turned back) and undefined.
 */
function int64InPlace(values: Float64Array): BigInt64Array | undefined {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const lo = HOST_LITTLE_ENDIAN ? 0 : 1;
  const hi = 1 - lo;
  for (let r = 0; r < values.length; r++) {
    const v = values[r]!;
    const small = v | 0;
    if (small === v) {
      words[2 * r + lo] = small;
      words[2 * r + hi] = small >> 31;
    } else if (Number.isSafeInteger(v)) {
      const high = Math.floor(v / 4294967296);
      words[2 * r + lo] = (v - high * 4294967296) | 0;
      words[2 * r + hi] = high | 0;
    } else {
      // Not an int64 column after all: restore the doubles (exact for safe integers).
      for (let i = 0; i < r; i++) values[i] = words[2 * i + hi]! * 4294967296 + (words[2 * i + lo]! >>> 0);
      return undefined;
    }
  }
  return new BigInt64Array(values.buffer, values.byteOffset, values.length);
}

/** True when every value converts to int64 exactly (the integral flag says so; this makes sure). */
/** out[at + r * stride] = values[r] as int64, from float64 safe integers or int64. */
function interleaveInt64(out: BigInt64Array, values: Float64Array | BigInt64Array, at: number, stride: number): void {
  if (!(values instanceof BigInt64Array)) return setInt64(out, values, at, stride);
  const from = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const to = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
  for (let r = 0, o = 2 * at; r < values.length; r++, o += 2 * stride) {
    to[o] = from[2 * r]!;
    to[o + 1] = from[2 * r + 1]!;
  }
}

/** A column's values as float64 (an int64 column holds safe integers, so exactly). */
function float64Of(values: Float64Array | BigInt64Array): Float64Array {
  if (!(values instanceof BigInt64Array)) return values;
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const lo = HOST_LITTLE_ENDIAN ? 0 : 1;
  const out = new Float64Array(values.length);
  for (let r = 0; r < values.length; r++) out[r] = words[2 * r + 1 - lo]! * 4294967296 + (words[2 * r + lo]! >>> 0);
  return out;
}

function allSafeIntegers(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isSafeInteger(values[i]!)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Pairing predictions with targets

/** Names (and name parts) taken as predictions, and as targets. Compared in lower case. */
export const PREDICTION_NAMES = ['y_pred', 'ypred', 'pred', 'preds', 'prediction', 'predictions', 'logits', 'logit', 'output', 'outputs', 'probs', 'probabilities', 'proba', 'scores', 'y_hat', 'yhat', 'input'];
export const TARGET_NAMES = ['y_true', 'ytrue', 'target', 'targets', 'label', 'labels', 'y', 'gt', 'ground_truth', 'truth', 'y_test', 'true'];

export interface PairRequest {
  /** Files to look in: one file holding both, or a predictions file then a targets file. */
  files: readonly string[];
  /** Array (or column) names, when the conventions do not find them. */
  predictions?: string;
  targets?: string;
  /** Only rows [start, end) of both (the first axis), never reading the rest of a binary file. */
  rows?: { start: number; end: number };
}

export interface PredictionPair {
  predictions: NamedArray;
  targets: NamedArray;
}

type Role = 'predictions' | 'targets';

/** How well a name matches a role: 2 exact, 1 a word of the name (`val_logits`), 0 not. */
export function roleScore(name: string, role: Role): number {
  const list = role === 'predictions' ? PREDICTION_NAMES : TARGET_NAMES;
  const n = name.toLowerCase();
  if (list.includes(n)) return 2;
  const words = n.split(/[^a-z0-9]+/).filter((w) => w !== '');
  if (list.some((w) => !w.includes('_') && words.includes(w))) return 1;
  if (list.some((w) => w.includes('_') && n.includes(w))) return 1;
  return 0;
}

/**
 * Finds the predictions and targets among the arrays of `files`, checks their shapes agree
 * (see {@link checkPairShapes}) and reads both (only the requested rows, when given).
 */
export async function readPredictionsAndTargets(request: PairRequest, options: OpenOptions = {}): Promise<PredictionPair> {
  if (request.files.length === 0 || request.files.length > 2) throw new DataError('(arguments)', `give one file holding predictions and targets, or two files (predictions, then targets), not ${request.files.length}`);
  const opened: ArrayFile[] = [];
  try {
    for (const f of request.files) opened.push(await openArrayFile(f, options));
    const infos: { file: ArrayFile; info: ArrayInfo }[] = [];
    for (const f of opened) for (const name of f.names) infos.push({ file: f, info: await f.info(name) });
    const [p, t] = choosePair(infos, opened, request);
    checkPairShapes(p.info, t.info);
    const read = async (x: { file: ArrayFile; info: ArrayInfo }): Promise<NamedArray> =>
      request.rows ? x.file.readRows(x.info.name, request.rows.start, request.rows.end, options) : x.file.read(x.info.name, options);
    return { predictions: await read(p), targets: await read(t) };
  } finally {
    for (const f of opened) await f.close();
  }
}

type Candidate = { file: ArrayFile; info: ArrayInfo };

function choosePair(all: Candidate[], files: ArrayFile[], request: PairRequest): [Candidate, Candidate] {
  const label = (c: Candidate): string => `'${c.info.name}' (${c.info.file})`;
  const listAll = (): string => all.map(label).join(', ') || 'no arrays';
  const byName = (name: string, role: Role): Candidate => {
    const found = all.filter((c) => c.info.name === name);
    if (found.length === 0) throw new DataError(files[0]!.file, `no array named '${name}' for the ${role} (found ${listAll()})`);
    if (found.length > 1 && files.length === 2) return role === 'predictions' ? found[0]! : found[found.length - 1]!;
    return found[0]!;
  };
  const pick = (role: Role, pool: Candidate[]): Candidate | undefined => {
    let best = 0;
    let chosen: Candidate[] = [];
    for (const c of pool) {
      const s = roleScore(c.info.name, role);
      if (s > best) {
        best = s;
        chosen = [c];
      } else if (s === best && s > 0) chosen.push(c);
    }
    if (chosen.length > 1) {
      throw new DataError(files[0]!.file, `several arrays could be the ${role}: ${chosen.map(label).join(', ')}; name the one to use`);
    }
    return chosen[0];
  };
  // Two files, one array each: predictions then targets, whatever their names.
  if (files.length === 2 && request.predictions === undefined && request.targets === undefined) {
    const a = all.filter((c) => c.file === files[0]);
    const b = all.filter((c) => c.file === files[1]);
    if (a.length === 1 && b.length === 1) return [a[0]!, b[0]!];
    const p = pick('predictions', a.length === 1 ? a : a.length > 0 ? a : all) ?? (a.length === 1 ? a[0] : undefined);
    const t = pick('targets', b.length === 1 ? b : b.length > 0 ? b : all) ?? (b.length === 1 ? b[0] : undefined);
    if (p && t && p !== t) return [p, t];
  }
  let p = request.predictions !== undefined ? byName(request.predictions, 'predictions') : undefined;
  let t = request.targets !== undefined ? byName(request.targets, 'targets') : undefined;
  p ??= pick('predictions', all.filter((c) => c !== t));
  t ??= pick('targets', all.filter((c) => c !== p));
  // One left over: with exactly two arrays, the unmatched one takes the other role.
  if (all.length === 2) {
    if (p && !t) t = all.find((c) => c !== p);
    if (t && !p) p = all.find((c) => c !== t);
  }
  if (!p) throw new DataError(files[0]!.file, `no predictions found among ${listAll()}: name them one of ${PREDICTION_NAMES.slice(0, 6).join(', ')}, ... or say which to use`);
  if (!t) throw new DataError(files[0]!.file, `no targets found among ${listAll()}: name them one of ${TARGET_NAMES.slice(0, 6).join(', ')}, ... or say which to use`);
  if (p === t) throw new DataError(files[0]!.file, `${label(p)} cannot be both the predictions and the targets`);
  return [p, t];
}

function fmtShape(s: readonly number[]): string {
  return `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
}

/**
 * Predictions and targets agree when they have the same shape, or the targets are the
 * predictions without their class axis — axis 1 as PyTorch's class-index losses take it
 * ((N, C, ...) against (N, ...)), or the last axis as Keras' sparse losses take it — or the two
 * differ only by a trailing axis of 1 ((N,) against (N, 1)). The first axis (samples) must
 * always agree. Anything else is a DataError naming both arrays and their shapes.
 */
export function checkPairShapes(p: ArrayInfo, t: ArrayInfo): void {
  const ps = p.shape;
  const ts = t.shape;
  const eq = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
  const without = (s: readonly number[], axis: number): number[] => s.filter((_, i) => i !== axis);
  const squeezeTail = (s: readonly number[]): readonly number[] => (s.length > 1 && s[s.length - 1] === 1 ? s.slice(0, -1) : s);
  const ok =
    eq(ps, ts) ||
    (ps.length >= 2 && eq(without(ps, 1), ts)) ||
    (ps.length >= 2 && eq(without(ps, ps.length - 1), ts)) ||
    eq(squeezeTail(ps), squeezeTail(ts));
  if (ok) return;
  const rowsDiffer = ps.length > 0 && ts.length > 0 && ps[0] !== ts[0];
  throw new DataError(
    p.file,
    `predictions '${p.name}' (${p.file}) have shape ${fmtShape(ps)} but targets '${t.name}' (${t.file}) have shape ${fmtShape(ts)}: ` +
      (rowsDiffer
        ? `${ps[0]} samples against ${ts[0]}`
        : 'expected the same shape, or the predictions\' shape without the class axis'),
  );
}
