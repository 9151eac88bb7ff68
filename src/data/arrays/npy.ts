/**
 * NumPy `.npy` files: the preamble, the header dictionary and the data layout, read the way
 * `numpy.lib.format` writes them (format versions 1.0, 2.0 and 3.0).
 *
 *   "\x93NUMPY" | major u8 | minor u8 | header length (u16 LE in 1.0, u32 LE in 2.0/3.0)
 *   | header: a Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}
 *     padded with spaces and a newline (latin-1 in 1.0/2.0, UTF-8 in 3.0)
 *   | data: product(shape) elements, C order unless fortran_order
 *
 * Only the header is read when a file is opened; the data is read when asked, whole or by rows.
 */
import { basename } from 'node:path';
import { DataError } from '../errors.js';
import { type ElementName, type ElementType, HOST_LITTLE_ENDIAN, elementType } from './dtype.js';
import { type ArrayArchive, unknownArrayProblem } from './archive.js';
import { type ByteSource, FileSource } from './source.js';
import { StoredArray, checkDataSize } from './stored-array.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Longest header accepted. NumPy itself refuses more than 10,000 bytes unless told otherwise. */
export const MAX_NPY_HEADER = 1 << 20;

export interface NpyHeader {
  readonly version: readonly [number, number];
  /** The dtype string as written, e.g. '<f4'. */
  readonly descr: string;
  readonly type: ElementType;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Position of the first data byte. */
  readonly dataOffset: number;
}

/** Reads and checks the header of the .npy stored in `source`, and the data size it implies. */
export async function readNpyHeader(source: ByteSource): Promise<NpyHeader> {
  const file = source.file;
  if (source.size < 10) throw new DataError(file, `truncated: ${source.size} bytes is too short for a .npy preamble`, { offset: 0 });
  const pre = await source.read(0, Math.min(12, source.size));
  for (let i = 0; i < MAGIC.length; i++) {
    if (pre[i] !== MAGIC[i]) throw new DataError(file, 'not a .npy file: bad magic (expected \\x93NUMPY)', { offset: i });
  }
  const major = pre[6]!;
  const minor = pre[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    throw new DataError(file, `unsupported .npy format version ${major}.${minor} (1.0, 2.0 and 3.0 are known)`, { offset: 6 });
  }
  if (major > 1 && source.size < 12) throw new DataError(file, `truncated: ${source.size} bytes is too short for a version ${major}.0 preamble`, { offset: 0 });
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? pre[8]! | (pre[9]! << 8) : (pre[8]! | (pre[9]! << 8) | (pre[10]! << 16) | (pre[11]! << 24)) >>> 0;
  const headerStart = 8 + lengthBytes;
  if (headerLength > MAX_NPY_HEADER) {
    throw new DataError(file, `header length ${headerLength} is beyond the ${MAX_NPY_HEADER}-byte limit (corrupt preamble?)`, { offset: 8 });
  }
  if (headerStart + headerLength > source.size) {
    throw new DataError(file, `truncated: the header is ${headerLength} bytes but the file holds ${source.size - headerStart} after the preamble`, { offset: headerStart });
  }
  const raw = await source.read(headerStart, headerLength);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(raw);
  const dict = parseHeaderDict(text, file, headerStart);
  const header: NpyHeader = {
    version: [major, minor],
    descr: dict.descr,
    type: parseDescr(dict.descr, file, headerStart),
    fortranOrder: dict.fortranOrder,
    shape: dict.shape,
    dataOffset: headerStart + headerLength,
  };
  checkDataSize(source, header.dataOffset, header.type, header.shape, 'the header\'s');
  return header;
}

/** The array of a .npy source, ready to be read. */
export async function npyArray(source: ByteSource): Promise<{ header: NpyHeader; array: StoredArray }> {
  const header = await readNpyHeader(source);
  return { header, array: new StoredArray(source, header.dataOffset, header.type, header.shape, header.fortranOrder) };
}

/** The name a .npy file's array goes by: the file name without `.npy`. */
export function npyName(path: string): string {
  return basename(path).replace(/\.npy$/i, '');
}

interface HeaderDict {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

type PyValue = string | number | boolean | null | PyValue[] | { tuple: PyValue[] } | Map<string, PyValue>;

/** Parses the header's Python dict literal and checks its three keys. */
function parseHeaderDict(text: string, file: string, headerStart: number): HeaderDict {
  const parser = new PyLiteralParser(text, file, headerStart);
  const value = parser.parseDocument();
  if (!(value instanceof Map)) throw parser.fail('the header is not a dict');
  const keys = [...value.keys()];
  for (const k of ['descr', 'fortran_order', 'shape']) {
    if (!value.has(k)) throw new DataError(file, `bad header: no '${k}' key (keys: ${keys.map((x) => `'${x}'`).join(', ')})`, { offset: headerStart });
  }
  const extra = keys.filter((k) => k !== 'descr' && k !== 'fortran_order' && k !== 'shape');
  if (extra.length > 0) throw new DataError(file, `bad header: unexpected key '${extra[0]}'`, { offset: headerStart });
  const descr = value.get('descr');
  const fortran = value.get('fortran_order');
  const shape = value.get('shape');
  if (Array.isArray(descr)) {
    throw new DataError(file, 'structured (record) dtypes are not supported: save each field as its own numeric array', { offset: headerStart });
  }
  if (typeof descr !== 'string') throw new DataError(file, `bad header: 'descr' is ${describe(descr)}, not a dtype string`, { offset: headerStart });
  if (typeof fortran !== 'boolean') throw new DataError(file, `bad header: 'fortran_order' is ${describe(fortran)}, not True or False`, { offset: headerStart });
  if (shape === null || typeof shape !== 'object' || !('tuple' in shape)) {
    throw new DataError(file, `bad header: 'shape' is ${describe(shape)}, not a tuple`, { offset: headerStart });
  }
  const dims: number[] = [];
  for (const d of shape.tuple) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new DataError(file, `bad header: shape entry ${describe(d)} is not a non-negative integer`, { offset: headerStart });
    }
    dims.push(d);
  }
  return { descr, fortranOrder: fortran, shape: dims };
}

function describe(v: PyValue | undefined): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'None';
  if (v instanceof Map) return 'a dict';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a tuple';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

const KIND_NAMES: Record<string, string> = {
  c: 'complex',
  O: 'object (pickled Python objects, never unpickled here)',
  U: 'unicode string',
  S: 'byte string',
  a: 'byte string',
  V: 'void (raw bytes; bfloat16 saved by ml_dtypes looks like this: save it as float32)',
  M: 'datetime64',
  m: 'timedelta64',
};

/** Maps a NumPy dtype string ('<f4', '>i8', '|b1', ...) to an element type, or a DataError saying why not. */
export function parseDescr(descr: string, file: string, offset = 0): ElementType {
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)(\[.*\])?$/.exec(descr);
  if (m === null) throw new DataError(file, `bad header: '${descr}' is not a NumPy dtype string`, { offset });
  const [, order, kind, digits] = m as unknown as [string, string, string, string];
  const size = digits === '' ? 0 : Number(digits);
  const unsupported = (what: string): DataError => new DataError(file, `unsupported dtype '${descr}': ${what} arrays cannot be used as predictions or targets`, { offset });
  if (kind in KIND_NAMES) throw unsupported(KIND_NAMES[kind]!);
  let name: ElementName | undefined;
  if (kind === 'f') name = ({ 2: 'float16', 4: 'float32', 8: 'float64' } as Record<number, ElementName>)[size];
  else if (kind === 'i') name = ({ 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' } as Record<number, ElementName>)[size];
  else if (kind === 'u') name = ({ 1: 'uint8', 2: 'uint16', 4: 'uint32', 8: 'uint64' } as Record<number, ElementName>)[size];
  else if ((kind === 'b' || kind === '?') && (size === 1 || size === 0)) name = 'bool';
  if (name === undefined) {
    if (kind === 'f' && (size === 12 || size === 16)) throw unsupported('long double (float128)');
    throw new DataError(file, `unsupported dtype '${descr}'`, { offset });
  }
  const littleEndian = order === '<' ? true : order === '>' ? false : HOST_LITTLE_ENDIAN;
  return elementType(name, littleEndian);
}

/**
 * A parser for the small Python literal subset NumPy writes in headers: dicts, tuples, lists,
 * quoted strings, integers (with Python 2's `L` suffix), True, False, None.
 */
class PyLiteralParser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly headerStart: number,
  ) {}

  parseDocument(): PyValue {
    const v = this.value();
    this.space();
    if (this.i < this.text.length) throw this.fail(`unexpected '${this.text[this.i]}' after the dict`);
    return v;
  }

  fail(problem: string): DataError {
    return new DataError(this.file, `bad header: ${problem} (header character ${this.i + 1})`, { offset: this.headerStart + this.i });
  }

  private space(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }

  private value(): PyValue {
    this.space();
    if (this.i >= this.text.length) throw this.fail('unexpected end of header');
    const c = this.text[this.i]!;
    if (c === '{' || c === '(' || c === '[') {
      // Nesting is bounded so a hostile header cannot exhaust the stack.
      if (++this.depth > 32) throw this.fail('nested too deeply');
      const v = c === '{' ? this.dict() : this.sequence(c === '(' ? ')' : ']');
      this.depth--;
      return c === '(' ? { tuple: v as PyValue[] } : v;
    }
    if (c === "'" || c === '"') return this.string(c);
    const word = /^[-+]?\w+/.exec(this.text.slice(this.i, this.i + 64));
    if (word === null) throw this.fail(`unexpected '${c}'`);
    const w = word[0];
    this.i += w.length;
    if (w === 'True') return true;
    if (w === 'False') return false;
    if (w === 'None') return null;
    const digits = w.endsWith('L') ? w.slice(0, -1) : w;
    if (/^[-+]?\d+$/.test(digits)) return Number(digits);
    this.i -= w.length;
    throw this.fail(`unexpected '${w}'`);
  }

  private dict(): Map<string, PyValue> {
    const map = new Map<string, PyValue>();
    this.i++; // {
    for (;;) {
      this.space();
      if (this.text[this.i] === '}') {
        this.i++;
        return map;
      }
      const key = this.value();
      if (typeof key !== 'string') throw this.fail('dict keys must be strings');
      this.space();
      if (this.text[this.i] !== ':') throw this.fail(`expected ':' after key '${key}'`);
      this.i++;
      if (map.has(key)) throw this.fail(`key '${key}' appears twice`);
      map.set(key, this.value());
      this.space();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== '}') throw this.fail("expected ',' or '}' in the dict");
    }
  }

  private sequence(close: string): PyValue[] {
    const items: PyValue[] = [];
    this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] === close) {
        this.i++;
        return items;
      }
      items.push(this.value());
      this.space();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== close) throw this.fail(`expected ',' or '${close}'`);
    }
  }

  private string(quote: string): string {
    let out = '';
    let j = this.i + 1;
    for (;;) {
      if (j >= this.text.length) throw this.fail('unterminated string');
      const c = this.text[j]!;
      if (c === quote) break;
      if (c === '\\' && j + 1 < this.text.length) {
        out += this.text[j + 1];
        j += 2;
        continue;
      }
      out += c;
      j++;
    }
    this.i = j + 1;
    return out;
  }
}

/** Opens a .npy file: reads and checks its header; the data is read when asked. */
export async function openNpy(path: string): Promise<ArrayArchive> {
  const source = await FileSource.open(path);
  try {
    const { array } = await npyArray(source);
    const name = npyName(path);
    return {
      file: path,
      format: 'npy',
      names: [name],
      metadata: {},
      async array(wanted: string): Promise<StoredArray> {
        if (wanted !== name) throw new DataError(path, unknownArrayProblem(wanted, [name]));
        return array;
      },
      close: () => source.close(),
    };
  } catch (e) {
    await source.close();
    throw e;
  }
}
