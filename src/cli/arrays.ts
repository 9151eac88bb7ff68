/**
 * `loss-lens arrays PATH... [--stats] [--format table|json]`: the prediction and target arrays
 * in files (or found under folders): name, shape, dtype and the element type stored in the
 * file. With `--stats`, each array is streamed in row chunks (memory stays at one chunk for
 * .npy/.npz/.safetensors) to give min, max, mean and the count of NaN and infinite values.
 * Problems go to stderr with the file and place (exit status 1); the other files are still read.
 */
import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { type ArrayFile, type ArrayInfo, arrayFileFormat, openArrayFile } from '../data/arrays/index.js';
import { DEFAULT_PREDICTION_GLOBS, discover } from '../data/discovery.js';
import { DataError } from '../data/errors.js';
import { formatNumber } from '../data/logs/summary.js';
import { encodeNumber } from '../kernels/codec.js';
import { ProgressBar } from './progress.js';

export interface ArraysOptions {
  format: 'table' | 'json';
  stats: boolean;
  exclude: string[];
  progress?: boolean;
  signal?: AbortSignal;
}

export interface ArrayStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  nan: number;
  infinite: number;
}

interface ArrayReport extends ArrayInfo {
  stats?: ArrayStats;
}

/** Elements per streamed chunk: 4 Mi, 16-32 MB of typed array. */
const CHUNK_ELEMENTS = 1 << 22;

export async function runArrays(paths: string[], options: ArraysOptions, out: Writable, err: Writable & { isTTY?: boolean; columns?: number }): Promise<number> {
  if (paths.length === 0) {
    err.write('loss-lens arrays: give at least one file or folder\n');
    return 2;
  }
  const problems: DataError[] = [];
  const files: string[] = [];
  for (const p of paths) {
    try {
      const st = await stat(p);
      if (st.isFile()) files.push(p);
      else {
        // A folder given by name is a folder of arrays: all its own array files count, plus
        // what the default globs find deeper down.
        const predictionGlobs = [...DEFAULT_PREDICTION_GLOBS, '*.{npy,npz,safetensors,csv,tsv,jsonl,json,parquet}'];
        files.push(...(await discover(p, { exclude: options.exclude, signal: options.signal, predictionGlobs, logGlobs: [] })).predictions.map((f) => f.path));
      }
    } catch (e) {
      if (!(e instanceof DataError) && !(e instanceof Error && 'code' in e)) throw e;
      problems.push(e instanceof DataError ? e : new DataError(p, 'no such file or folder'));
    }
  }
  const bar = (options.progress ?? err.isTTY === true) ? new ProgressBar(err, 'reading arrays') : undefined;
  const reports: ArrayReport[] = [];
  for (const file of files) {
    let f: ArrayFile | undefined;
    try {
      if (arrayFileFormat(file) === undefined) throw new DataError(file, 'not an array file (.npy, .npz, .safetensors, .csv, .tsv, .jsonl, .json, .parquet)');
      f = await openArrayFile(file, { signal: options.signal });
      for (const name of f.names) {
        const info = await f.info(name);
        const report: ArrayReport = { ...info, file };
        reports.push(options.stats ? { ...report, stats: await arrayStats(f, info, options.signal, bar) } : report);
      }
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      bar?.clear();
      if (e.problem === 'read cancelled') {
        err.write(`loss-lens arrays: ${e.message}\n`);
        return 130;
      }
      problems.push(e);
    } finally {
      await f?.close().catch(() => undefined);
    }
  }
  bar?.clear();
  out.write(options.format === 'json' ? formatJson(reports, problems) : formatTable(reports, options.stats));
  for (const p of problems) err.write(`warning: ${p.message}\n`);
  if (reports.length === 0 && problems.length === 0) err.write(`loss-lens arrays: no prediction or target files found under ${paths.join(', ')}\n`);
  return problems.length > 0 ? 1 : 0;
}

/** Streams an array in row chunks, accumulating in float64. */
export async function arrayStats(f: ArrayFile, info: ArrayInfo, signal?: AbortSignal, bar?: ProgressBar): Promise<ArrayStats> {
  const s: ArrayStats = { count: 0, min: Infinity, max: -Infinity, mean: NaN, nan: 0, infinite: 0 };
  let sum = 0;
  const rows = info.shape.length === 0 ? 1 : info.shape[0]!;
  const perRow = info.shape.slice(1).reduce((a, b) => a * b, 1);
  const total = rows * perRow;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / Math.max(1, perRow)));
  if (total === 0) return { ...s, min: NaN, max: NaN };
  const chunks = info.shape.length === 0 ? one(f, info.name) : f.chunks(info.name, rowsPerChunk, { signal, reuseBuffer: true });
  let seen = 0;
  for await (const chunk of chunks) {
    const data = chunk.tensor.data;
    const n = data.length;
    if (data instanceof BigInt64Array) {
      for (let i = 0; i < n; i++) {
        const v = Number(data[i]!);
        sum += v;
        if (v < s.min) s.min = v;
        if (v > s.max) s.max = v;
      }
      s.count += n;
    } else {
      for (let i = 0; i < n; i++) {
        const v = data[i]!;
        if (v !== v) s.nan++;
        else if (v === Infinity || v === -Infinity) s.infinite++;
        else {
          sum += v;
          if (v < s.min) s.min = v;
          if (v > s.max) s.max = v;
          s.count++;
        }
      }
    }
    seen += n;
    bar?.update(seen, total);
  }
  if (s.count === 0) return { ...s, min: NaN, max: NaN };
  return { ...s, mean: sum / s.count };
}

async function* one(f: ArrayFile, name: string) {
  const a = await f.read(name);
  yield { start: 0, end: 1, tensor: a };
}

function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

function formatTable(reports: ArrayReport[], stats: boolean): string {
  if (reports.length === 0) return '';
  const head = ['FILE', 'ARRAY', 'SHAPE', 'DTYPE', ...(stats ? ['MIN', 'MAX', 'MEAN', 'NAN', 'INF'] : [])];
  const rows = [head];
  for (const r of reports) {
    const dtype = r.stored === r.dtype ? r.dtype : `${r.dtype} (${r.stored})`;
    const row = [r.file, r.name, shapeText(r.shape), dtype];
    if (stats && r.stats) row.push(formatNumber(r.stats.min), formatNumber(r.stats.max), formatNumber(r.stats.mean), String(r.stats.nan), String(r.stats.infinite));
    rows.push(row);
  }
  const widths = head.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c >= 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}

function formatJson(reports: ArrayReport[], problems: DataError[]): string {
  const arrays = reports.map((r) => ({
    file: r.file,
    name: r.name,
    shape: r.shape,
    dtype: r.dtype,
    stored: r.stored,
    ...(r.stats ? { stats: Object.fromEntries(Object.entries(r.stats).map(([k, v]) => [k, encodeNumber(v)])) } : {}),
  }));
  return `${JSON.stringify({ arrays, issues: problems.map((e) => ({ file: e.file, ...e.location, problem: e.problem })) })}\n`;
}
