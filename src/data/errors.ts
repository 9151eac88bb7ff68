/**
 * Errors and progress shared by every reader. A reader never throws anything but a
 * {@link DataError}, whose message names the file, where in it, and what is wrong, so the
 * editor and the CLI can show it as is.
 */

export interface DataLocation {
  /** Byte offset into the file. */
  offset?: number;
  /** 1-based line number (text formats). */
  line?: number;
  /** 1-based column, or a column name, where it helps. */
  column?: number | string;
}

export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly location: DataLocation = {},
  ) {
    super(`${file}${formatLocation(location)}: ${problem}`);
    this.name = 'DataError';
  }
}

function formatLocation(l: DataLocation): string {
  const parts: string[] = [];
  if (l.line !== undefined) parts.push(`line ${l.line}`);
  if (l.column !== undefined) parts.push(typeof l.column === 'number' ? `column ${l.column}` : `column '${l.column}'`);
  if (l.offset !== undefined) parts.push(`byte ${l.offset}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Progress of a long read: bytes done out of total (total undefined when unknown). */
export type ProgressReporter = (done: number, total: number | undefined) => void;

/** Options every long-running read accepts. */
export interface ReadOptions {
  /** Aborts the read; the reader then throws a DataError saying it was cancelled. */
  signal?: AbortSignal;
  onProgress?: ProgressReporter;
}

/** Throws the cancellation error if the signal has fired. Call between chunks. */
export function checkCancelled(file: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DataError(file, 'read cancelled');
}
