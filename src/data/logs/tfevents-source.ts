/**
 * A TensorBoard run: one directory, every file in it whose name contains "tfevents", read in
 * name order (the writers put a timestamp in the name, so this is creation order) through one
 * accumulator, as TensorBoard does. Growing files are tailed; a file that is rewritten,
 * truncated, replaced or removed makes the run be read again from scratch, since restarts
 * and purges depend on everything read before.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkCancelled, type DataError } from '../errors.js';
import { FileTail, ioError } from '../tail.js';
import { IssueLog } from './issues.js';
import type { LogRun } from './series.js';
import type { LogSource, PendingTail, UpdateOptions } from './source.js';
import { TfEventsAccumulator, type Purge } from './tfevents.js';
import { TfRecordReader } from './tfrecord.js';
import { tfrecordScanner } from './tfrecord-wasm.js';

/** True for names TensorBoard treats as event files. */
export function isEventFileName(name: string): boolean {
  return name.includes('tfevents');
}

interface EventFile {
  tail: FileTail;
  records: TfRecordReader;
  /** Bytes of the run's earlier files: where this file starts in the reading's progress. */
  base: number;
}

export class TfEventsRunSource implements LogSource {
  readonly format = 'tfevents' as const;
  private readonly log = new IssueLog();
  private readonly acc = new TfEventsAccumulator(this.log);
  private eventFiles = new Map<string, EventFile>();

  constructor(
    readonly path: string,
    readonly runName: string,
  ) {}

  async update(options: UpdateOptions = {}): Promise<boolean> {
    const names = await this.listEventFiles();
    let changed = false;
    // A rewrite anywhere restarts the read; the second pass only sees appends.
    for (let attempt = 0; attempt < 2; attempt++) {
      const checks = [];
      for (const name of names) {
        const file = join(this.path, name);
        const ef = this.eventFiles.get(file) ?? this.addFile(file);
        checks.push({ ef, check: await ef.tail.check() });
      }
      const vanished = [...this.eventFiles.keys()].filter((f) => !names.includes(f.slice(this.path.length + 1)));
      const mustRestart = vanished.length > 0 || checks.some(({ check }) => check.change !== 'unchanged' && check.change !== 'appended');
      if (mustRestart && attempt === 0) {
        this.restart(names);
        changed = true;
        continue;
      }
      const total = checks.reduce((sum, { ef, check }) => sum + Math.max(0, check.size - ef.tail.offset), 0);
      // Series project their final length from how far through the run's bytes the reading is.
      const progress = this.acc.table.progress;
      progress.total = 0;
      for (const { ef, check } of checks) {
        ef.base = progress.total;
        progress.total += check.size;
      }
      let base = 0;
      // Files are read straight into the TFRecord scanner's memory when it is free.
      const scanner = tfrecordScanner();
      const buffers = scanner?.leaseReadBuffers();
      try {
        for (const { ef, check } of checks) {
          if (check.change !== 'appended') continue;
          checkCancelled(this.path, options.signal);
          const before = base;
          base += await ef.tail.readAppended((chunk) => ef.records.feed(chunk), {
            ...options,
            buffers,
            onProgress: options.onProgress ? (done) => options.onProgress!(before + done, total) : undefined,
          });
          changed = true;
        }
      } finally {
        if (buffers) scanner!.releaseReadBuffers();
      }
      progress.total = 0;
      this.acc.table.trim();
      break;
    }
    return changed;
  }

  runs(): LogRun[] {
    return [{ name: this.runName, format: this.format, path: this.path, series: this.acc.snapshot(this.runName) }];
  }

  issues(): DataError[] {
    return this.log.all();
  }

  pending(): PendingTail[] {
    const out: PendingTail[] = [];
    for (const [file, ef] of this.eventFiles) {
      if (ef.records.pendingBytes > 0) out.push({ file, offset: ef.records.offset, bytes: ef.records.pendingBytes });
    }
    return out;
  }

  files(): string[] {
    return [...this.eventFiles.keys()];
  }

  /** Points dropped because the job restarted or steps went backwards. */
  purges(): readonly Purge[] {
    return this.acc.purges;
  }

  private addFile(file: string): EventFile {
    const progress = this.acc.table.progress;
    const ef: EventFile = {
      tail: new FileTail(file),
      records: new TfRecordReader(
        file,
        this.log,
        (buf, start, end, offset) => {
          progress.done = ef.base + offset;
          this.acc.addEvent(buf, start, end, file, offset);
        },
        undefined,
        (batch) => this.acc.addScalars(batch, file, ef.base),
      ),
      base: 0,
    };
    this.eventFiles.set(file, ef);
    return ef;
  }

  private restart(names: string[]): void {
    this.acc.reset();
    for (const file of this.eventFiles.keys()) this.log.clearFile(file);
    this.eventFiles = new Map();
    for (const name of names) this.addFile(join(this.path, name));
  }

  private async listEventFiles(): Promise<string[]> {
    try {
      const entries = await readdir(this.path, { withFileTypes: true });
      return entries
        .filter((e) => (e.isFile() || e.isSymbolicLink()) && isEventFileName(e.name))
        .map((e) => e.name)
        .sort();
    } catch (e) {
      throw ioError(this.path, e);
    }
  }
}
