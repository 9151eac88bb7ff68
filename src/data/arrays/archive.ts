/**
 * A file of named dense arrays (.npy holds one, .npz and .safetensors several), opened with
 * only its directory and headers read: each array's data is read when asked for.
 */
import type { StoredArray } from './stored-array.js';

export type ArchiveFormat = 'npy' | 'npz' | 'safetensors';

export interface ArrayArchive {
  readonly file: string;
  readonly format: ArchiveFormat;
  /** Array names in file order (.npy: the file name without extension; .npz: members without `.npy`). */
  readonly names: readonly string[];
  /** Free-form string metadata (safetensors `__metadata__`). */
  readonly metadata: Readonly<Record<string, string>>;
  /** The named array with its header checked; a DataError for an unknown name or a bad header. */
  array(name: string): Promise<StoredArray>;
  close(): Promise<void>;
}

/** The error for a name the archive does not hold, listing those it does. */
export function unknownArrayProblem(name: string, names: readonly string[]): string {
  return `no array named '${name}' (the file holds ${names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', ')})`;
}
