/**
 * Weights & Biases offline runs (`wandb/offline-run-<date>-<id>/`).
 *
 * Modern clients keep the history only in `run-<id>.wandb`: a LevelDB-style log. After a
 * 7-byte file header (":W&B", uint16 magic 0xBEE1, uint8 version 0) the file is a sequence of
 * 32 KiB blocks holding records `uint32 crc | uint16 length | uint8 type | data`, where type
 * is FULL (1) or a FIRST (2), MIDDLE (3)*, LAST (4) chain for payloads that cross blocks,
 * crc is zlib's CRC-32 of the type byte and the data, and fewer than 7 bytes left in a block
 * are padding. Each payload is a `wandb_internal.Record` protobuf; `history` records carry
 * items {key, nested_key, value_json} and a step. A bad checksum loses the rest of its block
 * only: reading resumes at the next block, as LevelDB's reader does.
 *
 * Legacy clients (0.9 and older) wrote `wandb-history.jsonl`, one JSON object per log call
 * with `_step`, `_timestamp` and the metrics; it is read when there is no `.wandb` file.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataError } from '../errors.js';
import { FileTail, ioError } from '../tail.js';
import { crc32 } from './crc.js';
import { IssueLog } from './issues.js';
import { parsePythonJson, JsonSyntaxError } from './json.js';
import { LineSplitter } from './lines.js';
import { ProtoError, ProtoReader } from './protobuf.js';
import { TagTable, type LogRun } from './series.js';
import type { LogSource, PendingTail, UpdateOptions } from './source.js';

const BLOCK = 32768;
const RECORD_HEADER = 7;
const FILE_HEADER = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;
/** Largest payload assembled from FIRST/MIDDLE/LAST fragments (bounded memory on hostile input). */
const MAX_PAYLOAD = 64 * 1024 * 1024;

/** Incremental reader of the `.wandb` block/record framing; hands each complete payload on. */
export class WandbRecordReader {
  private block = new Uint8Array(BLOCK);
  private blockFill = 0; // bytes of the current block received
  private blockPos = 0; // bytes of the current block consumed
  private blockStart = 0; // file offset of the current block
  private headerChecked = false;
  private fragments: Uint8Array[] = [];
  private fragmentBytes = 0;
  private fragmentOffset = 0;
  stopped = false;

  constructor(
    readonly file: string,
    private readonly issues: IssueLog,
    private readonly onPayload: (payload: Uint8Array, offset: number) => void,
  ) {}

  /** Bytes received but not yet part of a complete record. */
  get pendingBytes(): number {
    return Math.max(0, this.blockFill - this.blockPos) + this.fragmentBytes;
  }

  get pendingOffset(): number {
    return this.fragmentBytes > 0 ? this.fragmentOffset : this.blockStart + this.blockPos;
  }

  feed(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.stopped) {
      const take = Math.min(BLOCK - this.blockFill, chunk.length - at);
      this.block.set(chunk.subarray(at, at + take), this.blockFill);
      this.blockFill += take;
      at += take;
      this.parseBlock();
      // A full block whose records are consumed (what is left is padding): move on.
      if (this.blockFill === BLOCK && BLOCK - this.blockPos < RECORD_HEADER) this.nextBlock();
    }
  }

  private nextBlock(): void {
    this.blockStart += BLOCK;
    this.blockFill = 0;
    this.blockPos = 0;
  }

  private parseBlock(): void {
    const b = this.block;
    if (!this.headerChecked) {
      if (this.blockFill < FILE_HEADER) return;
      const magicOk = b[0] === 0x3a && b[1] === 0x57 && b[2] === 0x26 && b[3] === 0x42 && b[4] === 0xe1 && b[5] === 0xbe;
      if (!magicOk) {
        this.issues.add(this.file, "not a W&B record log: it does not start with ':W&B' and the magic 0xBEE1", { offset: 0 });
        this.stopped = true;
        return;
      }
      if (b[6] !== 0) {
        this.issues.add(this.file, `W&B record log version ${b[6]} is not supported (only version 0)`, { offset: 6 });
        this.stopped = true;
        return;
      }
      this.headerChecked = true;
      this.blockPos = FILE_HEADER;
    }
    for (;;) {
      if (BLOCK - this.blockPos < RECORD_HEADER) {
        // Padding to the end of the block.
        if (this.blockFill === BLOCK) this.blockPos = BLOCK;
        return;
      }
      if (this.blockFill - this.blockPos < RECORD_HEADER) return;
      const p = this.blockPos;
      const stored = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
      const length = b[p + 4]! | (b[p + 5]! << 8);
      const type = b[p + 6]!;
      const offset = this.blockStart + p;
      if (type === 0 && length === 0 && stored === 0) {
        // Zero bytes: a preallocated or padded tail. Nothing more in this block.
        if (this.blockFill === BLOCK) this.blockPos = BLOCK;
        return;
      }
      if (p + RECORD_HEADER + length > BLOCK) {
        this.corrupt(`record of ${length} bytes runs past the end of its 32 KiB block`, offset);
        return;
      }
      if (this.blockFill < p + RECORD_HEADER + length) return; // wait for the rest
      const dataStart = p + RECORD_HEADER;
      const dataEnd = dataStart + length;
      const actual = crc32(b, dataStart, dataEnd, crc32(b, p + 6, p + 7));
      this.blockPos = dataEnd;
      if (actual !== stored) {
        this.corrupt(`record checksum 0x${stored.toString(16).padStart(8, '0')} does not match 0x${actual.toString(16).padStart(8, '0')}`, offset);
        return;
      }
      this.fragment(type, b.subarray(dataStart, dataEnd), offset);
    }
  }

  /** Drops the rest of the current block, as LevelDB's reader does after a corruption. */
  private corrupt(problem: string, offset: number): void {
    this.issues.add(this.file, `${problem}; the rest of this block is skipped`, { offset });
    this.fragments = [];
    this.fragmentBytes = 0;
    // The block's remaining bytes are ignored as they arrive; the next block starts afresh.
    this.blockPos = BLOCK;
    // Continuations of a record whose start was lost are a consequence, not news.
    this.afterCorruption = true;
  }

  private afterCorruption = false;

  private fragment(type: number, data: Uint8Array, offset: number): void {
    switch (type) {
      case FULL:
        this.afterCorruption = false;
        if (this.fragmentBytes > 0) this.issues.add(this.file, 'a multi-block record was never finished; its fragments are dropped', { offset: this.fragmentOffset });
        this.fragments = [];
        this.fragmentBytes = 0;
        this.onPayload(data, offset);
        return;
      case FIRST:
        this.afterCorruption = false;
        if (this.fragmentBytes > 0) this.issues.add(this.file, 'a multi-block record was never finished; its fragments are dropped', { offset: this.fragmentOffset });
        this.fragments = [data.slice()];
        this.fragmentBytes = data.length;
        this.fragmentOffset = offset;
        return;
      case MIDDLE:
      case LAST: {
        if (this.fragmentBytes === 0 && this.fragments.length === 0) {
          if (this.afterCorruption) return;
          this.issues.add(this.file, `record fragment (type ${type === MIDDLE ? 'MIDDLE' : 'LAST'}) without its FIRST; skipped`, { offset });
          return;
        }
        if (this.fragmentBytes + data.length > MAX_PAYLOAD) {
          this.issues.add(this.file, `record larger than ${MAX_PAYLOAD} bytes; skipped`, { offset: this.fragmentOffset });
          this.fragments = [];
          this.fragmentBytes = 0;
          return;
        }
        this.fragments.push(data.slice());
        this.fragmentBytes += data.length;
        if (type === LAST) {
          const whole = new Uint8Array(this.fragmentBytes);
          let at = 0;
          for (const f of this.fragments) {
            whole.set(f, at);
            at += f.length;
          }
          const start = this.fragmentOffset;
          this.fragments = [];
          this.fragmentBytes = 0;
          this.onPayload(whole, start);
        }
        return;
      }
      default:
        this.issues.add(this.file, `unknown record type ${type}; skipped`, { offset });
    }
  }
}

/** Accumulates history rows (from records or JSONL lines) into series. */
class HistoryTable {
  readonly table = new TagTable();
  private fallbackStep = 0;

  /** Adds one logged row: `_step` (or `step`) and `_timestamp` give x and time; other numeric keys are series. */
  addRow(values: Map<string, unknown>, explicitStep: number | undefined): number {
    const stepValue = explicitStep ?? values.get('_step');
    const step = typeof stepValue === 'number' && Number.isFinite(stepValue) ? stepValue : this.fallbackStep;
    this.fallbackStep = step + 1;
    const ts = values.get('_timestamp');
    const wallTime = typeof ts === 'number' ? ts : NaN;
    for (const [key, value] of values) {
      if (key.startsWith('_') || typeof value !== 'number') continue;
      this.table.get(key).push(step, value, wallTime);
    }
    return this.table.refusedTags;
  }

  clear(): void {
    this.table.clear();
    this.fallbackStep = 0;
  }
}

/** One offline run directory: its `.wandb` file, or failing that its legacy `wandb-history.jsonl`. */
export class WandbRunSource implements LogSource {
  readonly format = 'wandb' as const;
  private readonly log = new IssueLog();
  private readonly history = new HistoryTable();
  private file: string | undefined;
  private tail: FileTail | undefined;
  private records: WandbRecordReader | undefined;
  private lines: LineSplitter | undefined;
  private displayName: string | undefined;

  constructor(
    readonly path: string,
    readonly runName: string,
  ) {}

  async update(options: UpdateOptions = {}): Promise<boolean> {
    const file = await this.findLog();
    if (file === undefined) return false;
    if (file !== this.file) this.start(file);
    const tail = this.tail!;
    const check = await tail.check();
    if (check.change === 'unchanged' || check.change === 'missing') return false;
    if (check.change !== 'appended') this.start(file);
    await this.tail!.readAppended((chunk) => (this.records ? this.records.feed(chunk) : this.lines!.feed(chunk)), options);
    if (options.final) this.lines?.flush();
    return true;
  }

  runs(): LogRun[] {
    const run: LogRun = { name: this.runName, format: this.format, path: this.path, series: this.history.table.snapshot(this.runName) };
    if (this.displayName) run.title = this.displayName;
    return [run];
  }

  issues(): DataError[] {
    return this.log.all();
  }

  pending(): PendingTail[] {
    if (this.file === undefined) return [];
    const bytes = this.records?.pendingBytes ?? this.lines?.heldBytes ?? 0;
    const offset = this.records?.pendingOffset ?? this.lines?.heldOffset ?? 0;
    return bytes > 0 ? [{ file: this.file, offset, bytes }] : [];
  }

  files(): string[] {
    return this.file ? [this.file] : [];
  }

  private start(file: string): void {
    if (this.file) this.log.clearFile(this.file);
    this.file = file;
    this.tail = new FileTail(file);
    this.history.clear();
    this.reportedTagLimit = false;
    this.displayName = undefined;
    if (file.endsWith('.wandb')) {
      this.records = new WandbRecordReader(file, this.log, (payload, offset) => this.onRecord(file, payload, offset));
      this.lines = undefined;
    } else {
      this.records = undefined;
      this.lines = new LineSplitter((line, lineNumber) => this.onJsonLine(file, line, lineNumber));
    }
  }

  private async findLog(): Promise<string | undefined> {
    let names: string[];
    try {
      names = await readdir(this.path);
    } catch (e) {
      throw ioError(this.path, e);
    }
    const wandb = names.filter((n) => n.endsWith('.wandb')).sort();
    if (wandb.length > 0) return join(this.path, wandb[wandb.length - 1]!);
    if (names.includes('wandb-history.jsonl')) return join(this.path, 'wandb-history.jsonl');
    if (names.includes('files')) {
      try {
        const inner = await readdir(join(this.path, 'files'));
        if (inner.includes('wandb-history.jsonl')) return join(this.path, 'files', 'wandb-history.jsonl');
      } catch {
        // 'files' is not a readable directory: no legacy history there.
      }
    }
    return undefined;
  }

  private onJsonLine(file: string, line: string, lineNumber: number): void {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = parsePythonJson(line);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      this.log.add(file, `${e.message}; line skipped`, { line: lineNumber, ...(e.column !== undefined ? { column: e.column } : {}) });
      return;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      this.log.add(file, 'history line is not a JSON object; line skipped', { line: lineNumber });
      return;
    }
    this.addRow(file, new Map(Object.entries(row)), undefined, { line: lineNumber });
  }

  private addRow(file: string, values: Map<string, unknown>, step: number | undefined, location: { line?: number; offset?: number }): void {
    if (this.history.addRow(values, step) > 0 && !this.reportedTagLimit) {
      this.reportedTagLimit = true;
      this.log.add(file, `more than ${this.history.table.maxTags} metric keys in this run; values of further new keys are ignored`, location);
    }
  }

  private reportedTagLimit = false;

  private onRecord(file: string, payload: Uint8Array, offset: number): void {
    try {
      const r = new ProtoReader(payload, 0, payload.length);
      while (!r.atEnd()) {
        const key = r.key();
        if (key === 0x12) {
          const s = r.bytes();
          this.onHistory(file, payload, s, r.pos, offset);
        } else if (key === 138) {
          // field 17 (key (17 << 3) | 2), RunRecord: display_name (8), else run_id (1)
          const s = r.bytes();
          this.onRunRecord(payload, s, r.pos);
        } else r.skip(key & 7);
      }
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
      this.log.add(file, `malformed W&B Record protobuf: ${e.message}; record skipped`, { offset });
    }
  }

  private onRunRecord(buf: Uint8Array, start: number, end: number): void {
    const r = new ProtoReader(buf, start, end);
    let runId = '';
    let display = '';
    while (!r.atEnd()) {
      const key = r.key();
      if (key === 0x0a) runId = r.string();
      else if (key === 0x42) display = r.string();
      else r.skip(key & 7);
    }
    this.displayName = display || runId || this.displayName;
  }

  private onHistory(file: string, buf: Uint8Array, start: number, end: number, offset: number): void {
    const r = new ProtoReader(buf, start, end);
    const values = new Map<string, unknown>();
    let step: number | undefined;
    while (!r.atEnd()) {
      const key = r.key();
      if (key === 0x0a) {
        const s = r.bytes();
        const item = readHistoryItem(buf, s, r.pos);
        if (item.key === '') continue;
        try {
          values.set(item.key, parsePythonJson(item.valueJson));
        } catch (e) {
          if (!(e instanceof JsonSyntaxError)) throw e;
          this.log.add(file, `history item '${item.key}': ${e.message}; item skipped`, { offset });
        }
      } else if (key === 0x12) {
        const s = r.bytes();
        const sr = new ProtoReader(buf, s, r.pos);
        step = 0; // a present HistoryStep with num omitted means step 0
        while (!sr.atEnd()) {
          const k = sr.key();
          if (k === 0x08) step = sr.int64();
          else sr.skip(k & 7);
        }
      } else r.skip(key & 7);
    }
    this.addRow(file, values, step, { offset });
  }
}

function readHistoryItem(buf: Uint8Array, start: number, end: number): { key: string; valueJson: string } {
  const r = new ProtoReader(buf, start, end);
  let key = '';
  const nested: string[] = [];
  let valueJson = '';
  while (!r.atEnd()) {
    const k = r.key();
    if (k === 0x0a) key = r.string();
    else if (k === 0x12) nested.push(r.string());
    else if (k === 130) valueJson = r.string(); // value_json: field 16, wire type 2
    else r.skip(k & 7);
  }
  return { key: key || nested.join('.'), valueJson };
}
