/**
 * A log source: one thing on disk that holds training curves (a TensorBoard run directory,
 * a metrics.csv, an mlruns store, ...), read incrementally. `update()` reads whatever
 * changed since the last call (only the appended bytes where the format allows), and
 * `runs()` gives the current series.
 */
import type { DataError, ReadOptions } from '../errors.js';
import type { LogFormat, LogRun } from './series.js';

export interface UpdateOptions extends ReadOptions {
  /**
   * The caller will not wait for more bytes (a one-shot CLI read): a last line without its
   * newline is taken as complete. Binary formats still leave an incomplete record pending.
   */
  final?: boolean;
}

/** Bytes at the end of a file that do not yet form a complete record (a writer is mid-write, or the file was cut). */
export interface PendingTail {
  file: string;
  /** File offset where the incomplete record starts. */
  offset: number;
  bytes: number;
}

export interface LogSource {
  readonly format: LogFormat;
  /** The directory or file this source reads. */
  readonly path: string;
  /** Reads what changed; resolves to true when the series may have changed. */
  update(options?: UpdateOptions): Promise<boolean>;
  runs(): LogRun[];
  /** Problems found and read past, each naming the file and the place. */
  issues(): DataError[];
  pending(): PendingTail[];
  /** The files this source currently reads (for a file watcher). */
  files(): string[];
}
