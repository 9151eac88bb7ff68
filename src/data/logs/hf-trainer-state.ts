/**
 * Hugging Face `trainer_state.json` (written by TrainerState.save_to_json in every
 * checkpoint-N/ and by trainer.save_state()). Its `log_history` is a list of dicts, each the
 * logged values plus `step` (global step) and a fractional `epoch`: training entries carry
 * `loss`, `grad_norm`, `learning_rate`; evaluation entries `eval_loss`, `eval_<metric>`; the
 * final entry `train_loss`, `train_runtime`, ... Every numeric key becomes a series over
 * `step`. The file is rewritten whole at each save, so any change re-reads it; Python's
 * json.dumps writes NaN/Infinity bare, which is accepted.
 */
import type { DataError } from '../errors.js';
import { FileTail, readWholeFile } from '../tail.js';
import { IssueLog } from './issues.js';
import { JsonSyntaxError, parsePythonJson } from './json.js';
import { TagTable, type LogRun } from './series.js';
import type { LogSource, PendingTail, UpdateOptions } from './source.js';

/** trainer_state.json files beyond this are refused (they are read whole). */
export const MAX_TRAINER_STATE_BYTES = 512 * 1024 * 1024;

export class TrainerStateSource implements LogSource {
  readonly format = 'hf-trainer-state' as const;
  private readonly log = new IssueLog();
  private readonly table = new TagTable();
  private readonly tail: FileTail;

  constructor(
    readonly path: string,
    readonly runName: string,
  ) {
    this.tail = new FileTail(path);
  }

  async update(options: UpdateOptions = {}): Promise<boolean> {
    const check = await this.tail.check();
    if (check.change === 'unchanged' || check.change === 'missing') return false;
    // Rewritten whole on each save: any change means read it all again.
    const bytes = await readWholeFile(this.path, MAX_TRAINER_STATE_BYTES, options, this.tail);
    this.table.clear();
    this.log.clearFile(this.path);
    this.parse(new TextDecoder().decode(bytes));
    return true;
  }

  runs(): LogRun[] {
    return [{ name: this.runName, format: this.format, path: this.path, series: this.table.snapshot(this.runName) }];
  }

  issues(): DataError[] {
    return this.log.all();
  }

  pending(): PendingTail[] {
    return [];
  }

  files(): string[] {
    return [this.path];
  }

  private parse(text: string): void {
    let state: unknown;
    try {
      state = parsePythonJson(text);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      this.log.add(this.path, e.message, e.line !== undefined ? { line: e.line, column: e.column } : {});
      return;
    }
    const history = typeof state === 'object' && state !== null ? (state as { log_history?: unknown }).log_history : undefined;
    if (!Array.isArray(history)) {
      this.log.add(this.path, "no 'log_history' list: not a Hugging Face trainer_state.json");
      return;
    }
    for (const [i, entry] of history.entries()) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        this.log.add(this.path, `log_history[${i}] is not an object; entry skipped`);
        continue;
      }
      const record = entry as Record<string, unknown>;
      const step = record['step'];
      if (typeof step !== 'number' || !Number.isFinite(step)) {
        this.log.add(this.path, `log_history[${i}] has no numeric 'step'; entry skipped`);
        continue;
      }
      for (const [key, value] of Object.entries(record)) {
        if (key === 'step' || typeof value !== 'number') continue;
        this.table.get(key).push(step, value, NaN);
      }
    }
  }
}
