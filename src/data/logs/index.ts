/**
 * Training-log reading: opening the right reader for each discovered log, and a one-shot
 * "read everything under these paths" for the CLI.
 */
import { posix } from 'node:path';
import { DataError, type ReadOptions } from '../errors.js';
import { discover, type DiscoveredLog, type DiscoveryOptions } from '../discovery.js';
import { CsvLogSource } from './csv-log.js';
import { TrainerStateSource } from './hf-trainer-state.js';
import { MlflowFileStoreSource, MlflowSqliteSource } from './mlflow.js';
import type { LogRun } from './series.js';
import type { LogSource, PendingTail } from './source.js';
import { TfEventsRunSource } from './tfevents-source.js';
import { WandbRunSource } from './wandb.js';

function prefixOf(dir: string): string {
  return dir === '.' || dir === '' ? '' : `${dir}/`;
}

export type { LogFormat, LogRun, Series } from './series.js';
export type { LogSource, PendingTail, UpdateOptions } from './source.js';

/** The reader for one discovered log. */
export function openLogSource(log: DiscoveredLog): LogSource {
  switch (log.kind) {
    case 'tfevents':
      return new TfEventsRunSource(log.path, log.run);
    case 'csv':
      return new CsvLogSource(log.path, log.run);
    case 'hf-trainer-state':
      return new TrainerStateSource(log.path, log.run);
    case 'mlflow-file-store':
      // Runs are named <folder holding mlruns>/<experiment>/<run>.
      return new MlflowFileStoreSource(log.path, prefixOf(posix.dirname(log.run)));
    case 'mlflow-db':
      return new MlflowSqliteSource(log.path, prefixOf(log.run));
    case 'wandb':
      return new WandbRunSource(log.path, log.run);
  }
}

export interface LogReading {
  runs: LogRun[];
  /** Problems read past, and logs that could not be read at all. */
  issues: DataError[];
  /** Incomplete trailing records (files still being written, or cut short). */
  pending: PendingTail[];
  /** Discovery stopped at its entry limit. */
  truncated: boolean;
}

/**
 * Discovers and reads every training log under `paths` (folders or files) once. Progress is
 * reported over the total bytes of the discovered files; cancellation stops between chunks.
 * Run names are prefixed with the path they came from when several paths are given.
 */
export async function readLogs(paths: string[], options: ReadOptions & DiscoveryOptions = {}): Promise<LogReading> {
  const found: { log: DiscoveredLog; prefix: string }[] = [];
  let truncated = false;
  for (const p of paths) {
    const d = await discover(p, options);
    truncated ||= d.truncated;
    for (const log of d.logs) found.push({ log, prefix: paths.length > 1 ? `${p.replace(/\/+$/, '')}:` : '' });
  }
  const total = found.reduce((sum, f) => sum + f.log.bytes, 0);
  const reading: LogReading = { runs: [], issues: [], pending: [], truncated };
  let base = 0;
  for (const { log, prefix } of found) {
    const source = openLogSource(log);
    const before = base;
    try {
      await source.update({
        final: true,
        signal: options.signal,
        onProgress: options.onProgress ? (done) => options.onProgress!(Math.min(total, before + done), total) : undefined,
      });
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      if (e.problem === 'read cancelled') throw e;
      reading.issues.push(e);
    }
    base += log.bytes;
    options.onProgress?.(Math.min(total, base), total);
    for (const run of source.runs()) reading.runs.push(prefix ? { ...run, name: prefix + run.name, series: run.series.map((s) => ({ ...s, run: prefix + s.run })) } : run);
    reading.issues.push(...source.issues());
    reading.pending.push(...source.pending());
  }
  return reading;
}
