/**
 * Metric CSV files written by a training loop:
 *  - Lightning `CSVLogger` (`metrics.csv`): header = sorted union of the keys logged so far,
 *    including `step` and usually `epoch`; rows are sparse (a key not logged in that call is
 *    an empty cell); the whole file is rewritten with a wider header when a new key appears.
 *  - Keras `CSVLogger`: `epoch` first, then the sorted metric names; one row per epoch;
 *    missing values written as `NA`; vector metrics written as a quoted "[a, b]" (skipped:
 *    not scalars); delimiter configurable (sniffed from the header).
 *
 * x is the `step` column when there is one (Lightning), else `epoch` (Keras), else the row
 * index. Non-finite values keep their meaning (`nan`, `inf`, `-inf`). Appended rows are read
 * incrementally; a rewrite (detected by the tail) re-reads the file.
 */
import type { DataError } from '../errors.js';
import { FileTail } from '../tail.js';
import { hasOpenQuote, sniffDelimiter, splitRecord } from './csv.js';
import { IssueLog } from './issues.js';
import { LineSplitter } from './lines.js';
import { TagTable, parseLoggedNumber, type LogRun } from './series.js';
import type { LogSource, PendingTail, UpdateOptions } from './source.js';

/** Cells that mean "not logged in this row". */
function isMissing(cell: string): boolean {
  const t = cell.trim();
  return t === '' || t === 'NA' || t === 'None' || t === 'null';
}

/**
 * Keras writes a vector metric as the string '"[a, b]"', quotes included, which the csv
 * writer then quotes again; a NumPy repr "[a b]" is seen too.
 */
function isVector(cell: string): boolean {
  const t = cell.trim().replace(/^"(.*)"$/s, '$1');
  return t.startsWith('[') && t.endsWith(']');
}

export class CsvLogSource implements LogSource {
  private readonly log = new IssueLog();
  private readonly table = new TagTable();
  private tail: FileTail;
  private lines!: LineSplitter;
  private header: string[] | undefined;
  private delimiter = ',';
  private xColumn = -1;
  private xName: 'step' | 'epoch' | 'row' = 'row';
  private rowIndex = 0;
  private record = '';
  private recordLine = 0;
  private readonly vectorColumns = new Set<number>();
  private detected: 'lightning-csv' | 'keras-csv' = 'keras-csv';

  constructor(
    readonly path: string,
    readonly runName: string,
  ) {
    this.tail = new FileTail(path);
    this.resetParse();
  }

  get format(): 'lightning-csv' | 'keras-csv' {
    return this.detected;
  }

  /** Which column the x axis comes from. */
  get xAxis(): 'step' | 'epoch' | 'row' {
    return this.xName;
  }

  async update(options: UpdateOptions = {}): Promise<boolean> {
    const check = await this.tail.check();
    if (check.change === 'unchanged' || check.change === 'missing') return false;
    if (check.change !== 'appended') {
      this.tail.reset();
      this.resetParse();
    }
    await this.tail.readAppended((chunk) => this.lines.feed(chunk), options);
    if (options.final) {
      this.lines.flush();
      if (this.record !== '') this.finishRecord();
    }
    return true;
  }

  runs(): LogRun[] {
    return [{ name: this.runName, format: this.format, path: this.path, series: this.table.snapshot(this.runName) }];
  }

  issues(): DataError[] {
    return this.log.all();
  }

  pending(): PendingTail[] {
    return this.lines.heldBytes > 0 ? [{ file: this.path, offset: this.lines.heldOffset, bytes: this.lines.heldBytes }] : [];
  }

  files(): string[] {
    return [this.path];
  }

  private resetParse(): void {
    this.table.clear();
    this.log.clearFile(this.path);
    this.header = undefined;
    this.xColumn = -1;
    this.xName = 'row';
    this.rowIndex = 0;
    this.record = '';
    this.vectorColumns.clear();
    this.lines = new LineSplitter((line, n) => this.onLine(line, n));
  }

  private onLine(line: string, lineNumber: number): void {
    // A quoted field may hold a newline: join physical lines until the quotes balance.
    if (this.record === '') this.recordLine = lineNumber;
    this.record = this.record === '' ? line : `${this.record}\n${line}`;
    if (hasOpenQuote(this.record) && this.record.length < 1 << 20) return;
    this.finishRecord();
  }

  private finishRecord(): void {
    const record = this.record;
    this.record = '';
    const line = this.recordLine;
    if (this.header === undefined) {
      if (record.trim() === '') return;
      this.setHeader(record, line);
      return;
    }
    if (record.trim() === '') return;
    const cells = splitRecord(record, this.delimiter);
    const header = this.header;
    if (cells.length !== header.length) {
      this.log.add(this.path, `row has ${cells.length} fields but the header has ${header.length}; row skipped`, { line });
      return;
    }
    let x: number;
    if (this.xColumn >= 0) {
      const cell = cells[this.xColumn]!;
      const v = parseLoggedNumber(cell);
      if (v === undefined || !Number.isFinite(v)) {
        if (isMissing(cell)) this.log.add(this.path, `no ${this.xName} in this row; row skipped`, { line, column: this.xName });
        else this.log.add(this.path, `${this.xName} '${cell}' is not a number; row skipped`, { line, column: this.xName });
        return;
      }
      x = v;
    } else x = this.rowIndex;
    this.rowIndex++;
    for (let c = 0; c < cells.length; c++) {
      if (c === this.xColumn) continue;
      const cell = cells[c]!;
      if (isMissing(cell) || this.vectorColumns.has(c)) continue;
      const v = parseLoggedNumber(cell);
      if (v !== undefined) {
        this.table.get(header[c]!).push(x, v, NaN);
        continue;
      }
      if (isVector(cell)) this.vectorColumns.add(c);
      else this.log.add(this.path, `'${truncate(cell)}' is not a number; cell skipped`, { line, column: header[c]! });
    }
  }

  private setHeader(record: string, line: number): void {
    this.delimiter = sniffDelimiter(record);
    const names = splitRecord(record, this.delimiter).map((s) => s.trim());
    const seen = new Set<string>();
    for (const [i, name] of names.entries()) {
      if (name === '') names[i] = `column_${i + 1}`;
      if (seen.has(names[i]!)) this.log.add(this.path, `column '${names[i]}' appears twice in the header; the values are merged`, { line, column: i + 1 });
      seen.add(names[i]!);
    }
    if (names.every((n) => parseLoggedNumber(n) !== undefined)) {
      this.log.add(this.path, 'the first line looks like data, not a header of metric names', { line });
    }
    this.header = names;
    const step = names.indexOf('step');
    const epoch = names.indexOf('epoch');
    this.xColumn = step >= 0 ? step : epoch;
    this.xName = step >= 0 ? 'step' : epoch >= 0 ? 'epoch' : 'row';
    this.detected = step >= 0 ? 'lightning-csv' : 'keras-csv';
  }
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}


