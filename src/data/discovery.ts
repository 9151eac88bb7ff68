/**
 * Finds training logs and prediction/target files under a folder, by configurable globs
 * (defaults cover what the common tools write), skipping excluded paths given in the shape of
 * VS Code's `files.exclude`. Logs are grouped into runs (one per directory for most formats);
 * prediction files are grouped by directory.
 *
 * The walk never follows a symbolic link to a directory it has already seen (W&B's
 * `latest-run` link, cycles), stops at a depth and an entry limit, and can be cancelled.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { DataError, checkCancelled } from './errors.js';
import { ioError } from './tail.js';

/** Globs (relative to the folder searched) that find training logs. */
export const DEFAULT_LOG_GLOBS = [
  '**/*tfevents*',
  '**/metrics.csv',
  '**/trainer_state.json',
  '**/mlruns/*/meta.yaml',
  '**/mlflow.db',
  '**/*.wandb',
  '**/wandb-history.jsonl',
  '**/training.log',
  '**/*history*.csv',
  '**/*training*.csv',
];

/** Globs that find prediction and target arrays. */
export const DEFAULT_PREDICTION_GLOBS = [
  '**/*.npy',
  '**/*.npz',
  '**/*.safetensors',
  '**/{predictions,preds,outputs,targets,labels,logits}*.{csv,tsv,jsonl,json,parquet}',
  '**/*_{predictions,preds,outputs,targets,labels,logits}.{csv,tsv,jsonl,json,parquet}',
  '**/predictions/**/*.{csv,tsv,jsonl,json,parquet}',
];

/** Paths never worth searching (VS Code's files.exclude defaults plus tool caches). */
export const DEFAULT_EXCLUDE = [
  '**/.git',
  '**/.svn',
  '**/.hg',
  '**/CVS',
  '**/.DS_Store',
  '**/Thumbs.db',
  '**/node_modules',
  '**/__pycache__',
  '**/.venv',
  '**/.tox',
  '**/.mypy_cache',
  '**/.pytest_cache',
];

export type DiscoveredLogKind = 'tfevents' | 'csv' | 'hf-trainer-state' | 'mlflow-file-store' | 'mlflow-db' | 'wandb';

export interface DiscoveredLog {
  kind: DiscoveredLogKind;
  /** The run directory (tfevents, wandb, mlruns store) or the log file. */
  path: string;
  /** Run name: the run's directory relative to the folder searched ('.' for the folder itself). */
  run: string;
  /** The files matched for it. */
  files: string[];
  /** Total size of `files` in bytes (for progress). */
  bytes: number;
}

export type PredictionFormat = 'npy' | 'npz' | 'safetensors' | 'csv' | 'tsv' | 'jsonl' | 'json' | 'parquet';

export interface DiscoveredPrediction {
  path: string;
  format: PredictionFormat;
  /** Directory relative to the folder searched: files in one directory form a group. */
  group: string;
  /** File name without its extension. */
  name: string;
  bytes: number;
}

export interface DiscoveryOptions {
  logGlobs?: string[];
  predictionGlobs?: string[];
  /** Globs to skip: a list, or a `files.exclude`-style map (only entries set to true apply). */
  exclude?: string[] | Record<string, unknown>;
  /** Add DEFAULT_EXCLUDE to `exclude` (default true). */
  defaultExclude?: boolean;
  maxDepth?: number;
  /** Stop after this many directory entries (the result says it was truncated). */
  maxEntries?: number;
  signal?: AbortSignal;
}

export interface Discovery {
  root: string;
  logs: DiscoveredLog[];
  predictions: DiscoveredPrediction[];
  /** True when the entry limit stopped the walk early. */
  truncated: boolean;
}

interface FoundFile {
  path: string;
  rel: string;
  size: number;
}

function excludeGlobs(options: DiscoveryOptions): string[] {
  const given = options.exclude;
  const list = Array.isArray(given) ? given : given ? Object.entries(given).filter(([, v]) => v === true).map(([k]) => k) : [];
  return [...(options.defaultExclude === false ? [] : DEFAULT_EXCLUDE), ...list];
}

/**
 * Searches `root` (a folder, or a single file) for logs and prediction files. A file given
 * directly is classified even when no glob matches it (a CSV is then read as a metrics log).
 */
export async function discover(root: string, options: DiscoveryOptions = {}): Promise<Discovery> {
  let st;
  try {
    st = await stat(root);
  } catch (e) {
    throw ioError(root, e);
  }
  if (st.isFile()) return discoverFile(root, st.size);
  if (!st.isDirectory()) throw new DataError(root, 'neither a file nor a folder');
  if (basename(root.replace(/[\\/]+$/, '')) === 'mlruns') {
    // The file store itself was given: its runs, named <experiment>/<run>.
    return { root, logs: [{ kind: 'mlflow-file-store', path: root, run: 'mlruns', files: [], bytes: 0 }], predictions: [], truncated: false };
  }

  const pm = { dot: true };
  const isLog = picomatch(options.logGlobs ?? DEFAULT_LOG_GLOBS, pm);
  const isPrediction = picomatch(options.predictionGlobs ?? DEFAULT_PREDICTION_GLOBS, pm);
  const excludes = excludeGlobs(options);
  const isExcluded = excludes.length > 0 ? picomatch(excludes, pm) : () => false;
  const maxDepth = options.maxDepth ?? 24;
  const maxEntries = options.maxEntries ?? 200_000;

  const logFiles: FoundFile[] = [];
  const predictions: DiscoveredPrediction[] = [];
  const visited = new Set<string>();
  let entries = 0;
  let truncated = false;

  const walk = async (dir: string, depth: number): Promise<void> => {
    checkCancelled(root, options.signal);
    let real: string;
    try {
      real = await realpath(dir);
    } catch {
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let list: Dirent[];
    try {
      list = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (dir === root) throw ioError(root, e);
      return; // an unreadable subfolder is skipped, not fatal
    }
    // Real entries before links, so a link to a sibling (wandb/latest-run) is the one skipped.
    list.sort((a, b) => Number(a.isSymbolicLink()) - Number(b.isSymbolicLink()) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of list) {
      if (++entries > maxEntries) {
        truncated = true;
        return;
      }
      const path = join(dir, entry.name);
      const rel = toPosix(relative(root, path));
      if (isExcluded(rel)) continue;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let size = 0;
      if (entry.isSymbolicLink() || isFile) {
        try {
          const s = await stat(path);
          isDir = s.isDirectory();
          isFile = s.isFile();
          size = s.size;
        } catch {
          continue; // dangling link
        }
      }
      if (isDir) {
        if (depth < maxDepth) await walk(path, depth + 1);
        continue;
      }
      if (!isFile) continue;
      if (isLog(rel)) logFiles.push({ path, rel, size });
      else if (isPrediction(rel)) {
        const format = predictionFormat(entry.name);
        if (format) predictions.push({ path, format, group: toPosix(dirname(rel)), name: stripExtension(entry.name), bytes: size });
      }
      if (truncated) return;
    }
  };
  await walk(root, 0);
  return { root, logs: groupLogs(root, logFiles), predictions, truncated };
}

function discoverFile(file: string, size: number): Discovery {
  const name = basename(file);
  const dir = dirname(file);
  const found: FoundFile = { path: file, rel: name, size };
  const format = predictionFormat(name);
  const logs = groupLogs(dir, [found], basename(dir) || '.');
  if (logs.length === 0 && format && format !== 'csv' && format !== 'tsv') {
    return { root: file, logs: [], predictions: [{ path: file, format, group: '.', name: stripExtension(name), bytes: size }], truncated: false };
  }
  if (logs.length === 0 && /\.(csv|tsv|log|txt)$/i.test(name)) {
    return { root: file, logs: [{ kind: 'csv', path: file, run: basename(dir) || '.', files: [file], bytes: size }], predictions: [], truncated: false };
  }
  if (logs.length === 0) throw new DataError(file, 'not a training log or prediction file Loss Lens recognises');
  return { root: file, logs, predictions: [], truncated: false };
}

/** Turns matched log files into runs. */
function groupLogs(root: string, files: FoundFile[], runOverride?: string): DiscoveredLog[] {
  const byKey = new Map<string, DiscoveredLog>();
  const add = (kind: DiscoveredLogKind, path: string, file: FoundFile): void => {
    const key = `${kind}\u0000${path}`;
    let log = byKey.get(key);
    if (log === undefined) {
      const rel = toPosix(relative(root, kind === 'csv' || kind === 'hf-trainer-state' || kind === 'mlflow-db' ? dirname(path) : path));
      let run = runOverride ?? (rel === '' ? '.' : rel);
      // metrics.csv is named by its folder (Lightning's version_N); other CSV logs have
      // user-chosen names that tell runs apart within one folder.
      if (kind === 'csv' && basename(path) !== 'metrics.csv') run = run === '.' ? basename(path) : `${run}/${basename(path)}`;
      log = { kind, path, run, files: [], bytes: 0 };
      byKey.set(key, log);
    }
    log.files.push(file.path);
    log.bytes += file.size;
  };
  for (const f of files) {
    const name = basename(f.path);
    const dir = dirname(f.path);
    if (name.includes('tfevents')) add('tfevents', dir, f);
    else if (name === 'trainer_state.json') add('hf-trainer-state', f.path, f);
    else if (name === 'mlflow.db') add('mlflow-db', f.path, f);
    else if (name === 'meta.yaml' && basename(dirname(dir)) === 'mlruns') add('mlflow-file-store', dirname(dir), f);
    else if (name.endsWith('.wandb')) add('wandb', dir, f);
    else if (name === 'wandb-history.jsonl') add('wandb', basename(dir) === 'files' ? dirname(dir) : dir, f);
    else if (/\.(csv|tsv|log|txt)$/i.test(name)) add('csv', f.path, f);
  }
  return dedupeCheckpoints([...byKey.values()]).sort((a, b) => (a.run < b.run ? -1 : a.run > b.run ? 1 : a.kind < b.kind ? -1 : 1));
}

/**
 * Hugging Face saves trainer_state.json in every checkpoint-N/ folder, each a prefix of the
 * last. Keep the output folder's own file if there is one, else the highest checkpoint's,
 * named after the output folder.
 */
function dedupeCheckpoints(logs: DiscoveredLog[]): DiscoveredLog[] {
  const checkpoint = /^checkpoint-(\d+)$/;
  const states = logs.filter((l) => l.kind === 'hf-trainer-state');
  const direct = new Set(states.map((l) => dirname(l.path)));
  const best = new Map<string, { log: DiscoveredLog; n: number }>();
  for (const l of states) {
    const m = checkpoint.exec(basename(dirname(l.path)));
    if (!m) continue;
    const parent = dirname(dirname(l.path));
    if (direct.has(parent)) continue;
    const n = Number(m[1]);
    const prev = best.get(parent);
    if (prev === undefined || n > prev.n) best.set(parent, { log: l, n });
  }
  return logs.filter((l) => {
    if (l.kind !== 'hf-trainer-state') return true;
    const m = checkpoint.exec(basename(dirname(l.path)));
    if (!m) return true;
    const parent = dirname(dirname(l.path));
    const keep = best.get(parent)?.log === l;
    if (keep) l.run = l.run.split('/').slice(0, -1).join('/') || '.';
    return keep;
  });
}

function predictionFormat(name: string): PredictionFormat | undefined {
  const m = /\.(npy|npz|safetensors|csv|tsv|jsonl|json|parquet)$/i.exec(name);
  return m ? (m[1]!.toLowerCase() as PredictionFormat) : undefined;
}

function stripExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
