/**
 * Problems a reader found but read past (a record with a bad checksum, a non-numeric cell):
 * each is a {@link DataError} naming the file and the place. A hostile file could produce
 * millions, so the log keeps the first few per file and counts the rest.
 */
import { DataError, type DataLocation } from '../errors.js';

export const MAX_ISSUES_PER_FILE = 50;

export class IssueLog {
  private readonly list: DataError[] = [];
  private readonly perFile = new Map<string, number>();

  add(file: string, problem: string, location: DataLocation = {}): void {
    const n = (this.perFile.get(file) ?? 0) + 1;
    this.perFile.set(file, n);
    if (n <= MAX_ISSUES_PER_FILE) this.list.push(new DataError(file, problem, location));
  }

  /** The recorded problems, plus one line per file saying how many more were left out. */
  all(): DataError[] {
    const out = [...this.list];
    for (const [file, n] of this.perFile) {
      if (n > MAX_ISSUES_PER_FILE) out.push(new DataError(file, `${n - MAX_ISSUES_PER_FILE} more problems not shown`));
    }
    return out;
  }

  /** Forgets the problems of one file (it is being read again from the start). */
  clearFile(file: string): void {
    this.perFile.delete(file);
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]!.file === file) this.list.splice(i, 1);
  }

  get size(): number {
    let n = 0;
    for (const c of this.perFile.values()) n += c;
    return n;
  }
}
