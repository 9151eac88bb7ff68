/**
 * Tables of predictions and targets read from text and columnar files (CSV/TSV, JSON lines,
 * JSON records, Parquet): named columns of equal length. Numbers are float64; a column whose
 * every cell was written as an integer is marked integral (it becomes an int64 tensor, as in
 * pandas). Text cells (class names) are kept as category codes; a column with too many
 * distinct texts (file names, ids) keeps only its name.
 */
import type { DataLocation } from '../errors.js';

export type TableFormat = 'csv' | 'tsv' | 'jsonl' | 'json' | 'parquet';

export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  /**
   * rows × width values, row-major: float64, or int64 when the reader kept an integral
   * column of safe integers as int64 while it read it (CSV does).
   */
  readonly values: Float64Array | BigInt64Array;
  /** Values per row: 1 for a scalar column, K for a column holding a length-K list per row. */
  readonly width: number;
  /** Shape of each row's value when it is a (nested) list, e.g. [K] or [H, W]; [] for scalars. */
  readonly rowShape?: readonly number[];
  /** Every value was written as an integer (no point, exponent, NaN or infinity). */
  readonly integral: boolean;
}

export interface TextColumn {
  readonly kind: 'text';
  readonly name: string;
  /** Per row, the index into `categories`, or -1 for a missing cell; undefined when dropped. */
  readonly codes: Int32Array | undefined;
  /** Distinct texts in order of first appearance; undefined when there were too many to keep. */
  readonly categories: readonly string[] | undefined;
  /** The first text cell, for messages. */
  readonly example: { readonly text: string; readonly row: number };
}

export type Column = NumericColumn | TextColumn;

export interface Table {
  readonly file: string;
  readonly format: TableFormat;
  readonly rows: number;
  readonly columns: readonly Column[];
  /** Where row `row` (0-based) is in the file, for messages: its line in text formats. */
  locate(row: number): DataLocation;
}

/** Distinct texts a column may hold before its values are dropped (labels have far fewer). */
export const MAX_CATEGORIES = 65536;

/** Grows a float64 column as rows arrive. */
export class NumericBuilder {
  values: Float64Array;
  length = 0;
  integral = true;
  /** True once a real number (not a missing cell) has been seen. */
  sawNumber = false;

  constructor(
    readonly name: string,
    capacity: number,
  ) {
    this.values = new Float64Array(Math.max(16, capacity));
  }

  push(v: number): void {
    if (this.length === this.values.length) this.grow(this.length + 1);
    this.values[this.length++] = v;
  }

  grow(min: number): void {
    const next = new Float64Array(Math.max(min, this.values.length * 2));
    next.set(this.values.subarray(0, this.length));
    this.values = next;
  }

  finish(rowShape: readonly number[] = []): NumericColumn {
    let width = 1;
    for (const d of rowShape) width *= d;
    // A view of the filled part: no copy. The slack is at most the last doubling.
    return { kind: 'numeric', name: this.name, values: this.values.subarray(0, this.length), width, rowShape, integral: this.integral && this.sawNumber };
  }
}

/** Collects a text column as category codes. */
export class TextBuilder {
  private codes: Int32Array | undefined;
  private categories: Map<string, number> | undefined = new Map();
  length = 0;
  example: { text: string; row: number } | undefined;

  constructor(
    readonly name: string,
    capacity: number,
    /** Rows before this column turned out to be text (all missing). */
    missingRows = 0,
  ) {
    this.codes = new Int32Array(Math.max(16, capacity, missingRows));
    this.codes.fill(-1, 0, missingRows);
    this.length = missingRows;
  }

  /**
   * Sets the cell of `row` (rows arrive in order; setting the same row again replaces it, so a
   * record parsed twice leaves no trace). `undefined` is a missing cell.
   */
  set(row: number, text: string | undefined): void {
    if (text !== undefined && (this.example === undefined || this.example.row >= row)) this.example = { text, row };
    this.length = row + 1;
    if (this.codes === undefined || this.categories === undefined) return;
    let code = -1;
    if (text !== undefined) {
      const known = this.categories.get(text);
      if (known !== undefined) code = known;
      else if (this.categories.size < MAX_CATEGORIES) {
        code = this.categories.size;
        this.categories.set(text, code);
      } else {
        // Too many distinct values to be labels: keep the name, drop the values.
        this.codes = undefined;
        this.categories = undefined;
        return;
      }
    }
    if (row >= this.codes.length) {
      const next = new Int32Array(Math.max(row + 1, this.codes.length * 2));
      next.set(this.codes);
      this.codes = next;
    }
    this.codes[row] = code;
  }

  finish(rows: number): TextColumn {
    return {
      kind: 'text',
      name: this.name,
      codes: this.codes?.subarray(0, rows),
      categories: this.categories ? [...this.categories.keys()] : undefined,
      example: this.example ?? { text: '', row: 0 },
    };
  }
}

/** Maps 0-based data rows to 1-based file lines when rows and lines do not line up one to one. */
export class LineMap {
  // (row, line) pairs where the offset between them changes (blank lines, multi-line records).
  private rows: number[] = [];
  private lines: number[] = [];

  /** Records that `row` is on `line`. Call for every row in order; only changes are stored. */
  note(row: number, line: number): void {
    const n = this.rows.length;
    if (n > 0 && line - row === this.lines[n - 1]! - this.rows[n - 1]!) return;
    this.rows.push(row);
    this.lines.push(line);
  }

  line(row: number): number | undefined {
    let lo = 0;
    let hi = this.rows.length - 1;
    if (hi < 0 || row < this.rows[0]!) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rows[mid]! <= row) lo = mid;
      else hi = mid - 1;
    }
    return this.lines[lo]! + (row - this.rows[lo]!);
  }
}

/**
 * Missing-value words pandas reads as NaN by default (its `na_values`), and the spellings of
 * infinity Python and pandas write. Compared after trimming spaces.
 */
export const MISSING_WORDS = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);

export const INFINITY_WORDS: ReadonlyMap<string, number> = new Map([
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
  ['Inf', Infinity],
  ['+Inf', Infinity],
  ['-Inf', -Infinity],
  ['INF', Infinity],
  ['-INF', -Infinity],
  ['Infinity', Infinity],
  ['+Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['infinity', Infinity],
  ['-infinity', -Infinity],
]);

export const BOOLEAN_WORDS: ReadonlyMap<string, number> = new Map([
  ['True', 1],
  ['False', 0],
  ['true', 1],
  ['false', 0],
  ['TRUE', 1],
  ['FALSE', 0],
]);
