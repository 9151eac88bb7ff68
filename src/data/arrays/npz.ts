/**
 * NumPy `.npz` archives: a zip of `.npy` members (np.savez stores them, np.savez_compressed
 * deflates them). Opening reads the central directory only; a member's header is read when
 * the array is first asked for, its data when it is read.
 */
import { DataError } from '../errors.js';
import { type ArrayArchive, unknownArrayProblem } from './archive.js';
import { npyArray } from './npy.js';
import { type ByteSource, FileSource } from './source.js';
import type { StoredArray } from './stored-array.js';
import { type ZipEntry, memberSource, readZipDirectory } from './zip.js';

/** Opens an .npz archive and lists its arrays (members ending in `.npy`, named without it, as numpy.load does). */
export async function openNpz(path: string): Promise<ArrayArchive> {
  const source = await FileSource.open(path);
  try {
    return await npzArchive(source);
  } catch (e) {
    await source.close();
    throw e;
  }
}

/** The .npz archive in `source` (which the archive closes when it is closed). */
export async function npzArchive(source: ByteSource): Promise<ArrayArchive> {
  const path = source.file;
  const entries = await readZipDirectory(source);
  const members = new Map<string, ZipEntry>();
  for (const e of entries) if (e.name.endsWith('.npy')) members.set(e.name.slice(0, -4), e);
  if (members.size === 0) {
    throw new DataError(path, `no .npy members in the archive${entries.length ? ` (it holds ${entries.slice(0, 5).map((e) => `'${e.name}'`).join(', ')})` : ''}`);
  }
  const opened = new Map<string, { array: StoredArray; member: ByteSource }>();
  return {
    file: path,
    format: 'npz',
    names: [...members.keys()],
    metadata: {},
    async array(name: string): Promise<StoredArray> {
      const entry = members.get(name);
      if (entry === undefined) throw new DataError(path, unknownArrayProblem(name, [...members.keys()]));
      const cached = opened.get(name);
      if (cached !== undefined) return cached.array;
      const member = await memberSource(source, entry, `${path}:${entry.name}`);
      const { array } = await npyArray(member);
      opened.set(name, { array, member });
      return array;
    },
    async close(): Promise<void> {
      for (const { member } of opened.values()) await member.close();
      await source.close();
    },
  };
}
