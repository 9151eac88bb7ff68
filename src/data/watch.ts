/**
 * Coalesces bursts of file-watcher events. A training job writing its logs fires many
 * change events per second (one per flush, per file); re-reading on each would waste work
 * and flicker the charts. The coalescer collects the keys (file paths) that changed and
 * flushes them together once the burst has been quiet for `quietMs`, but never later than
 * `maxDelayMs` after the first event of a burst, so a job that writes continuously still
 * updates. Flushes never overlap: events arriving during a flush are held for the next one.
 *
 * Plain logic with injectable timers, so it is tested without waiting; the editor adaptor
 * feeds it from `workspace.createFileSystemWatcher`, the CLI could from `fs.watch`.
 */

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface CoalescerOptions {
  /** Flush after this long without new events (default 200 ms). */
  quietMs?: number;
  /** Flush at the latest this long after the first event of a burst (default 1000 ms). */
  maxDelayMs?: number;
  timers?: Timers;
  /** Called when a flush throws or rejects (the coalescer keeps working). */
  onError?: (e: unknown) => void;
}

export class WatchCoalescer<K = string> {
  private pending = new Set<K>();
  private firstAt = 0;
  private timer: unknown;
  private flushing: Promise<void> | undefined;
  private disposed = false;
  private readonly quietMs: number;
  private readonly maxDelayMs: number;
  private readonly timers: Timers;

  constructor(
    private readonly onFlush: (keys: Set<K>) => void | Promise<void>,
    private readonly options: CoalescerOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 200;
    this.maxDelayMs = Math.max(options.maxDelayMs ?? 1000, this.quietMs);
    this.timers = options.timers ?? realTimers;
  }

  /** Number of keys waiting for the next flush. */
  get size(): number {
    return this.pending.size;
  }

  /** Records that `key` changed. */
  notify(key: K): void {
    if (this.disposed) return;
    const now = this.timers.now();
    if (this.pending.size === 0) this.firstAt = now;
    this.pending.add(key);
    if (this.flushing) return; // rescheduled when the running flush ends
    this.schedule(now);
  }

  /** Flushes what is pending now (waits for a running flush first). */
  async flushNow(): Promise<void> {
    this.cancelTimer();
    while (this.flushing) await this.flushing;
    if (this.pending.size > 0) await this.runFlush();
  }

  /** Stops all timers; pending keys are dropped. */
  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
    this.pending.clear();
  }

  private schedule(now: number): void {
    this.cancelTimer();
    const untilDeadline = this.firstAt + this.maxDelayMs - now;
    const wait = Math.max(0, Math.min(this.quietMs, untilDeadline));
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.runFlush();
    }, wait);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private runFlush(): Promise<void> {
    const keys = this.pending;
    this.pending = new Set();
    const run = (async () => {
      try {
        await this.onFlush(keys);
      } catch (e) {
        this.options.onError?.(e);
      }
    })();
    this.flushing = run.finally(() => {
      this.flushing = undefined;
      if (!this.disposed && this.pending.size > 0) this.schedule(this.timers.now());
    });
    return this.flushing;
  }
}
