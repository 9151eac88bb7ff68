/**
 * JSON lines (`.jsonl`) and JSON (`.json`) files of predictions and targets, as Python and
 * pandas write them, read into a {@link Table}:
 *
 *  - records: one object per line (`df.to_json(orient='records', lines=True)`), or a JSON array
 *    of objects (`orient='records'`); keys are columns, a key missing from a record is a missing
 *    cell (NaN), as in pandas;
 *  - rows: one number or (nested) list per line, or a JSON array of them (`json.dump(x.tolist())`):
 *    a single column named after the file;
 *  - columns: a JSON object of equal-length lists (`json.dump({'y_true': ..., 'y_pred': ...})`).
 *
 * A cell may be a number, true/false, null (missing), a string (a text column such as class
 * names), or a rectangular nested list of numbers (a row of logits), whose shape must be the
 * same in every row of its column. Python's bare NaN/Infinity tokens are accepted. A column
 * whose numbers are written as floats (`1.0`) is a float column even when every value is whole,
 * as pandas reads it. Every problem is a DataError naming the line (and the column).
 */
import { basename, extname } from 'node:path';
import { DataError, checkCancelled, type ReadOptions } from '../errors.js';
import { JsonSyntaxError, parsePythonJson } from '../logs/json.js';
import { floatTokens, mayHoldFloat } from './jsonFloatTokens.js';
import { FileSource } from './source.js';
import { type Column, LineMap, NumericBuilder, type Table, TextBuilder } from './table.js';

/** Largest .json read whole (JSON.parse needs one string); larger files should be .jsonl. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;
/** Longest line of a .jsonl file. */
export const MAX_JSONL_LINE = 64 * 1024 * 1024;
/** Deepest list nesting in one cell. */
const MAX_DEPTH = 32;
const READ_BYTES = 4 * 1024 * 1024;
const MAX_COLUMNS = 100_000;

/** The column name of a file of bare rows: the file name without its extension. */
export function rowsColumnName(path: string): string {
  return basename(path, extname(path));
}

/** Reads a .jsonl file, line by line, into a table. */
export async function readJsonl(path: string, options: ReadOptions = {}): Promise<Table> {
  const source = await FileSource.open(path);
  try {
    const builder = new RecordTableBuilder(path, 'jsonl');
    const decoder = new TextDecoder('utf-8');
    let carry = '';
    let line = 1;
    let position = 0;
    const buffer = new Uint8Array(Math.min(READ_BYTES, Math.max(1, source.size)));
    while (position < source.size) {
      checkCancelled(path, options.signal);
      const n = Math.min(buffer.length, source.size - position);
      const bytes = await source.read(position, n, buffer.subarray(0, n));
      position += n;
      const text = carry + decoder.decode(bytes, { stream: position < source.size });
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        builder.line(text.slice(start, nl), line++);
        start = nl + 1;
      }
      carry = text.slice(start);
      if (carry.length > MAX_JSONL_LINE) throw new DataError(path, `line longer than ${MAX_JSONL_LINE} characters`, { line });
      options.onProgress?.(position, source.size);
    }
    carry += decoder.decode();
    if (carry.length > 0) builder.line(carry, line);
    return builder.finish();
  } finally {
    await source.close();
  }
}

/** Reads a .json file (records, rows or columns; see the module comment) into a table. */
export async function readJson(path: string, options: ReadOptions = {}): Promise<Table> {
  const source = await FileSource.open(path);
  let text: string;
  try {
    if (source.size > MAX_JSON_BYTES) {
      throw new DataError(path, `${source.size} bytes is more than the ${MAX_JSON_BYTES} read whole from a .json file: write JSON lines (.jsonl), .npy or Parquet instead`);
    }
    checkCancelled(path, options.signal);
    const bytes = await source.read(0, source.size);
    options.onProgress?.(source.size, source.size);
    text = new TextDecoder('utf-8').decode(bytes);
  } finally {
    await source.close();
  }
  let value: unknown;
  try {
    value = parsePythonJson(text);
  } catch (e) {
    throw jsonError(path, e, 0);
  }
  const builder = new RecordTableBuilder(path, 'json');
  if (mayHoldFloat(text)) {
    const isRecords = Array.isArray(value) && value.length > 0 && value[0] !== null && typeof value[0] === 'object' && !Array.isArray(value[0]);
    const floats = floatTokens(text, isRecords ? 2 : 1);
    builder.markFloat(floats.keys, floats.any);
  }
  if (Array.isArray(value)) {
    for (let r = 0; r < value.length; r++) builder.row(value[r], undefined, r);
    return builder.finish();
  }
  if (value !== null && typeof value === 'object') return builder.columnsObject(value as Record<string, unknown>);
  throw new DataError(path, `the top-level value is ${describeJson(value)}: expected a list of records or rows, or an object of columns`);
}

function jsonError(file: string, e: unknown, lineOffset: number): DataError {
  if (e instanceof JsonSyntaxError) {
    return new DataError(file, `invalid JSON: ${e.message}`, e.line === undefined ? {} : { line: e.line + lineOffset, ...(e.column === undefined ? {} : { column: e.column }) });
  }
  return new DataError(file, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? `${v.slice(0, 27)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}

interface ColumnState {
  readonly name: string;
  numeric: NumericBuilder | undefined;
  text: TextBuilder | undefined;
  /** Shape of each row's list; undefined until the first non-missing cell. */
  rowShape: number[] | undefined;
  /** Rows filled so far (the next row index to fill). */
  filled: number;
}

/** Builds a table from JSON values, row by row. */
class RecordTableBuilder {
  private readonly columns = new Map<string, ColumnState>();
  private rows = 0;
  private readonly lines = new LineMap();
  /** The single column of a file of bare rows. */
  private readonly rowsName: string;
  private mode: 'records' | 'rows' | undefined;
  /** Columns with a number written as a float (`1.0`), which keeps them float even if whole. */
  private readonly floatColumns = new Set<string>();
  /** A file of bare rows with a float token. */
  private rowsFloat = false;

  constructor(
    private readonly file: string,
    private readonly format: 'json' | 'jsonl',
  ) {
    this.rowsName = rowsColumnName(file);
  }

  /** One line of a .jsonl file. */
  line(text: string, line: number): void {
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() === '') return;
    let value: unknown;
    try {
      value = parsePythonJson(t);
    } catch (e) {
      throw jsonError(this.file, e, line - 1);
    }
    this.row(value, line, this.rows);
    if (this.integralColumnLeft() && mayHoldFloat(t)) {
      const floats = floatTokens(t, 1);
      this.markFloat(floats.keys, floats.any);
    }
  }

  /** Records which columns hold float tokens (see jsonFloatTokens.ts); applied by finish(). */
  markFloat(keys: Iterable<string>, anyFloat: boolean): void {
    for (const k of keys) this.floatColumns.add(k);
    if (anyFloat) this.rowsFloat = true;
  }

  /** True while some numeric column could still be read as integers (only then are tokens scanned). */
  private integralColumnLeft(): boolean {
    if (this.mode === 'rows') return !this.rowsFloat;
    for (const c of this.columns.values()) if (c.numeric !== undefined && c.numeric.integral && !this.floatColumns.has(c.name)) return true;
    return false;
  }

  /** One row: a record (object) or a bare value. `line` locates it in a .jsonl file; `index` in a .json list. */
  row(value: unknown, line: number | undefined, index: number): void {
    const where = line !== undefined ? { line } : {};
    const label = line !== undefined ? '' : ` (list item ${index + 1})`;
    const isRecord = value !== null && typeof value === 'object' && !Array.isArray(value);
    const mode = isRecord ? 'records' : 'rows';
    if (this.mode === undefined) this.mode = mode;
    else if (this.mode !== mode) {
      throw new DataError(this.file, `${isRecord ? 'a record (object)' : `a bare ${describeJson(value)}`}${label} among ${this.mode === 'records' ? 'records' : 'bare rows'}: every row must have the same form`, where);
    }
    const row = this.rows;
    if (isRecord) {
      for (const [key, cell] of Object.entries(value as Record<string, unknown>)) this.cell(this.column(key, where), cell, row, where, label);
    } else {
      this.cell(this.column(this.rowsName, where), value, row, where, label);
    }
    this.rows++;
    for (const c of this.columns.values()) if (c.filled < this.rows) this.missing(c, this.rows);
    if (line !== undefined) this.lines.note(row, line);
  }

  /** A .json object of columns: every value a list, all of one length. */
  columnsObject(object: Record<string, unknown>): Table {
    const entries = Object.entries(object);
    if (entries.length === 0) throw new DataError(this.file, 'the object holds no columns');
    let rows: number | undefined;
    for (const [key, list] of entries) {
      if (!Array.isArray(list)) throw new DataError(this.file, `column '${key}' is ${describeJson(list)}, not a list (an object of columns needs a list per key)`, { column: key });
      if (rows !== undefined && list.length !== rows) {
        throw new DataError(this.file, `column '${key}' has ${list.length} rows but '${entries[0]![0]}' has ${rows}`, { column: key });
      }
      rows = list.length;
    }
    for (const [key, list] of entries) {
      const c = this.column(key, {});
      (list as unknown[]).forEach((cell, r) => this.cell(c, cell, r, {}, ` (row ${r + 1})`));
    }
    this.rows = rows!;
    return this.finish();
  }

  finish(): Table {
    if (this.columns.size === 0) throw new DataError(this.file, 'empty file: no rows');
    const columns: Column[] = [];
    for (const c of this.columns.values()) {
      if (c.text !== undefined) {
        columns.push(c.text.finish(this.rows));
        continue;
      }
      const floatWritten = this.mode === 'rows' ? this.rowsFloat : this.floatColumns.has(c.name);
      if (floatWritten) c.numeric!.integral = false;
      columns.push(c.numeric!.finish(c.rowShape ?? []));
    }
    const lines = this.lines;
    const located = this.format === 'jsonl';
    return {
      file: this.file,
      format: this.format,
      rows: this.rows,
      columns,
      locate: (row: number) => (located ? { line: lines.line(row) } : {}),
    };
  }

  private column(name: string, where: { line?: number }): ColumnState {
    let c = this.columns.get(name);
    if (c === undefined) {
      if (this.columns.size >= MAX_COLUMNS) throw new DataError(this.file, `more than ${MAX_COLUMNS} columns`, where);
      c = { name, numeric: new NumericBuilder(name, 16), text: undefined, rowShape: undefined, filled: 0 };
      this.columns.set(name, c);
      // A column first seen after some rows: those rows are missing it.
      this.missing(c, this.rows);
    }
    return c;
  }

  /** Fills column c with missing cells up to (not including) row `upTo`. */
  private missing(c: ColumnState, upTo: number): void {
    for (let r = c.filled; r < upTo; r++) {
      if (c.text !== undefined) c.text.set(r, undefined);
      else {
        const b = c.numeric!;
        const width = widthOf(c.rowShape);
        // Rows of a list column whose shape is not known yet are widened when it is.
        for (let k = 0; k < width; k++) b.push(NaN);
        b.integral = false;
      }
    }
    c.filled = Math.max(c.filled, upTo);
  }

  private cell(c: ColumnState, value: unknown, row: number, where: { line?: number }, label: string): void {
    if (c.filled > row) throw new DataError(this.file, `key '${c.name}' appears twice in one record`, { ...where, column: c.name });
    const fail = (problem: string): DataError => new DataError(this.file, `${problem}${label}`, { ...where, column: c.name });
    if (value === null) {
      this.missing(c, row + 1);
      return;
    }
    if (typeof value === 'string') {
      if (c.text === undefined) {
        if (c.numeric!.sawNumber || (c.rowShape !== undefined && c.rowShape.length > 0)) {
          throw fail(`non-numeric value ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)} in a numeric column`);
        }
        c.text = new TextBuilder(c.name, 16, row);
        c.numeric = undefined;
      }
      c.text.set(row, value);
      c.filled = row + 1;
      return;
    }
    if (c.text !== undefined) throw fail(`${describeJson(value)} in a text column`);
    const b = c.numeric!;
    if (typeof value === 'number' || typeof value === 'boolean') {
      if (c.rowShape !== undefined && c.rowShape.length > 0) throw fail(`a scalar where the column holds lists of shape [${c.rowShape.join(', ')}]`);
      if (c.rowShape === undefined) this.fixShape(c, []);
      const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
      if (!Number.isInteger(v)) b.integral = false;
      b.sawNumber = true;
      b.push(v);
      c.filled = row + 1;
      return;
    }
    if (Array.isArray(value)) {
      const shape = listShape(value, fail);
      if (c.rowShape === undefined) this.fixShape(c, shape);
      else if (!sameShape(c.rowShape, shape)) {
        throw fail(`a list of shape [${shape.join(', ')}] where earlier rows of the column have shape [${c.rowShape.join(', ')}]`);
      }
      const width = widthOf(shape);
      if (b.length + width > b.values.length) b.grow(b.length + width);
      pushFlat(value, b, shape.length, fail);
      b.sawNumber = true;
      c.filled = row + 1;
      return;
    }
    throw fail(`${describeJson(value)} is not a number, list, string or null`);
  }

  /** Sets a column's row shape once known; earlier missing rows (one NaN each) are widened. */
  private fixShape(c: ColumnState, shape: number[]): void {
    const b = c.numeric!;
    const width = widthOf(shape);
    if (width !== 1 && b.length > 0) {
      const rows = b.length;
      b.length = 0;
      if (rows * width > b.values.length) b.grow(rows * width);
      b.values.fill(NaN, 0, rows * width);
      b.length = rows * width;
    }
    c.rowShape = shape;
  }
}

function widthOf(shape: readonly number[] | undefined): number {
  let n = 1;
  for (const d of shape ?? []) n *= d;
  return n;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The shape of a nested list, following first elements (checked to be rectangular by pushFlat). */
function listShape(value: unknown[], fail: (p: string) => DataError): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v)) {
    if (shape.length >= MAX_DEPTH) throw fail(`lists nested deeper than ${MAX_DEPTH}`);
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

/** Appends the numbers of a rectangular nested list of the given depth, row-major. */
function pushFlat(value: unknown, b: NumericBuilder, depth: number, fail: (p: string) => DataError, expected?: number[], level = 0): void {
  const list = value as unknown[];
  if (depth === 0) {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) b.integral = false;
      b.values[b.length++] = value;
    } else if (typeof value === 'boolean') b.values[b.length++] = value ? 1 : 0;
    else if (value === null) {
      b.values[b.length++] = NaN;
      b.integral = false;
    } else throw fail(`${Array.isArray(value) ? 'a ragged list (lists of unequal depth)' : describeJson(value)} inside a list of numbers`);
    return;
  }
  if (!Array.isArray(list)) throw fail('a ragged list (lists of unequal depth)');
  const shape = expected ?? listShape(list, fail);
  if (list.length !== shape[level]) throw fail(`a ragged list: ${list.length} items where ${shape[level]} are expected at depth ${level + 1}`);
  for (const item of list) pushFlat(item, b, depth - 1, fail, shape, level + 1);
}
