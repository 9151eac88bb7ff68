/**
 * Hugging Face `.safetensors`: `u64 LE N | N bytes of UTF-8 JSON | data buffer`. The JSON maps
 * tensor names to {dtype, shape, data_offsets: [begin, end)} relative to the data buffer, plus
 * an optional `__metadata__` of strings. Checked as the reference implementation checks it:
 * header size bounded, every dtype known, each tensor's byte count equal to its shape times its
 * element size, the tensors covering the buffer exactly, without gaps or overlaps, to the
 * file's last byte. Data is little-endian, C order.
 */
import { DataError } from '../errors.js';
import { type ArrayArchive, unknownArrayProblem } from './archive.js';
import { type ElementName, elementType } from './dtype.js';
import { type ByteSource, FileSource } from './source.js';
import { StoredArray } from './stored-array.js';

/** The reference reader's limit on the JSON header. */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

const DTYPES: Record<string, ElementName> = {
  BOOL: 'bool',
  U8: 'uint8',
  I8: 'int8',
  I16: 'int16',
  U16: 'uint16',
  F16: 'float16',
  BF16: 'bfloat16',
  I32: 'int32',
  U32: 'uint32',
  F32: 'float32',
  F64: 'float64',
  I64: 'int64',
  U64: 'uint64',
  F8_E4M3: 'float8_e4m3fn',
  F8_E5M2: 'float8_e5m2',
};

/** dtypes of newer safetensors releases that hold no real numbers the kernels can take. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  C64: 'complex',
  F4: '4-bit float',
  F6_E2M3: '6-bit float',
  F6_E3M2: '6-bit float',
  F8_E8M0: 'exponent-only scale (E8M0)',
  F8_E4M3FNUZ: 'float8 E4M3FNUZ',
  F8_E5M2FNUZ: 'float8 E5M2FNUZ',
};

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** [begin, end) within the data buffer. */
  readonly begin: number;
  readonly end: number;
}

/** Opens a .safetensors file: reads and validates the header; tensors are read when asked. */
export async function openSafetensors(path: string): Promise<ArrayArchive> {
  const source = await FileSource.open(path);
  try {
    return await safetensorsArchive(source);
  } catch (e) {
    await source.close();
    throw e;
  }
}

/** The safetensors file in `source` (closed with the archive). */
export async function safetensorsArchive(source: ByteSource): Promise<ArrayArchive> {
  const file = source.file;
  const { entries, metadata, dataStart } = await readSafetensorsHeader(source);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const arrays = new Map<string, StoredArray>();
  return {
    file,
    format: 'safetensors',
    names: entries.map((e) => e.name),
    metadata,
    async array(name: string): Promise<StoredArray> {
      const e = byName.get(name);
      if (e === undefined) throw new DataError(file, unknownArrayProblem(name, [...byName.keys()]));
      let a = arrays.get(name);
      if (a === undefined) {
        a = new StoredArray(source, dataStart + e.begin, elementType(DTYPES[e.dtype]!, true), e.shape, false);
        arrays.set(name, a);
      }
      return a;
    },
    close: () => source.close(),
  };
}

/** Reads and validates the header; entries come in file (JSON) order. */
export async function readSafetensorsHeader(
  source: ByteSource,
): Promise<{ entries: SafetensorsEntry[]; metadata: Record<string, string>; dataStart: number }> {
  const file = source.file;
  if (source.size < 8) throw new DataError(file, `truncated: ${source.size} bytes is too short for a safetensors header size`, { offset: 0 });
  const pre = await source.read(0, 8);
  const v = new DataView(pre.buffer, pre.byteOffset, 8);
  const lo = v.getUint32(0, true);
  const hi = v.getUint32(4, true);
  const n = hi * 4294967296 + lo;
  if (n > MAX_SAFETENSORS_HEADER) throw new DataError(file, `header size ${n} is beyond the ${MAX_SAFETENSORS_HEADER}-byte limit (not a safetensors file?)`, { offset: 0 });
  if (8 + n > source.size) throw new DataError(file, `truncated: the header is ${n} bytes but ${source.size - 8} follow its size`, { offset: 8 });
  const raw = await source.read(8, n);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new DataError(file, 'header is not valid UTF-8', { offset: 8 });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataError(file, `header is not valid JSON: ${(e as Error).message}`, { offset: 8 });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new DataError(file, 'header is not a JSON object', { offset: 8 });
  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new DataError(file, '__metadata__ is not an object of strings', { offset: 8 });
      for (const [k, s] of Object.entries(value as Record<string, unknown>)) {
        if (typeof s !== 'string') throw new DataError(file, `__metadata__ value '${k}' is not a string`, { offset: 8 });
        metadata[k] = s;
      }
      continue;
    }
    entries.push(parseEntry(file, name, value));
  }
  const dataLength = source.size - 8 - n;
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of ordered) {
    if (e.begin !== expected) {
      const what = e.begin > expected ? `a gap: bytes [${expected}, ${e.begin}) belong to no tensor` : `it overlaps the tensor before it (which ends at ${expected})`;
      throw new DataError(file, `tensor '${e.name}' starts at data byte ${e.begin}: ${what}`, { offset: 8 });
    }
    expected = e.end;
  }
  if (expected !== dataLength) {
    const what =
      expected > dataLength
        ? `truncated: the tensors need ${expected} bytes of data but the file holds ${dataLength}`
        : `${dataLength - expected} bytes of trailing data after the last tensor`;
    throw new DataError(file, what, { offset: 8 + n + Math.min(expected, dataLength) });
  }
  return { entries, metadata, dataStart: 8 + n };
}

function parseEntry(file: string, name: string, value: unknown): SafetensorsEntry {
  const fail = (problem: string): DataError => new DataError(file, `tensor '${name}': ${problem}`, { offset: 8 });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fail('entry is not an object');
  const { dtype, shape, data_offsets: offsets } = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof dtype !== 'string') throw fail('no dtype string');
  if (!(dtype in DTYPES)) {
    if (dtype in KNOWN_UNSUPPORTED) throw fail(`unsupported dtype ${dtype} (${KNOWN_UNSUPPORTED[dtype]}): it cannot be used as predictions or targets`);
    throw fail(`unknown dtype '${dtype}'`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw fail('shape is not a list of non-negative integers');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
    throw fail('data_offsets is not [begin, end] with 0 <= begin <= end');
  }
  const [begin, end] = offsets as [number, number];
  let count = 1;
  for (const d of shape as number[]) count *= d;
  const bytes = count * elementType(DTYPES[dtype]!).size;
  if (bytes !== end - begin) throw fail(`shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${bytes} bytes but data_offsets span ${end - begin}`);
  return { name, dtype, shape: shape as number[], begin, end };
}
