/**
 * The extension host's handle on the training-runs session in the worker process (dist/worker.js):
 * discovery and log parsing happen there, so a 10 GB event file never blocks the editor. Each
 * call can report progress and be cancelled (the worker stops between chunks and keeps what
 * it had read). A worker that dies is restarted, and its session reopened, on the next call.
 */
import type { ChildProcess } from 'node:child_process';
import type { Series } from '../data/logs/series.js';
import type { RunsSessionOptions, RunsSnapshot } from '../data/runs/session.js';
import type { ArrayListing, RunsCommand, RunsResult, WorkerJob, WorkerResult } from '../worker/worker.js';
import { sendTo, startWorkerProcess } from './workerProcess.js';

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number | undefined) => void;
}

interface Pending {
  resolve: (r: RunsResult) => void;
  reject: (e: Error) => void;
  onProgress?: CallOptions['onProgress'];
}

export class RunsWorker {
  private worker: ChildProcess | undefined;
  private nextId = 1;
  private options: RunsSessionOptions | undefined;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly scriptPath: string) {}

  /** Starts a new session over `options.roots` (forgetting what the previous one read). */
  async open(options: RunsSessionOptions): Promise<void> {
    this.options = options;
    await this.call({ op: 'open', options });
  }

  /** Walks the roots and reads every log. */
  async scan(options: CallOptions = {}): Promise<RunsSnapshot> {
    return (await this.call({ op: 'scan' }, options)) as RunsSnapshot;
  }

  /** Reads what changed in `paths`; undefined when nothing visible changed. */
  async changed(paths: string[], options: CallOptions = {}): Promise<RunsSnapshot | undefined> {
    return ((await this.call({ op: 'changed', paths }, options)) as RunsSnapshot | null) ?? undefined;
  }

  /** The arrays of one prediction file: names, shapes and dtypes (rejects with the reader's message). */
  async arrays(path: string): Promise<ArrayListing> {
    return (await this.call({ op: 'arrays', path })) as ArrayListing;
  }

  async series(run: string, tag: string): Promise<Series | undefined> {
    return ((await this.call({ op: 'series', run, tag })) as Series | null) ?? undefined;
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    worker?.kill();
    this.failAll(new Error('runs worker disposed'));
  }

  private call(command: RunsCommand, options: CallOptions = {}): Promise<RunsResult> {
    if (options.signal?.aborted) return Promise.reject(new Error('cancelled'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<RunsResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress: options.onProgress });
      options.signal?.addEventListener('abort', () => sendTo(worker, { cancel: id } satisfies WorkerJob), { once: true });
      sendTo(worker, { id, runs: command } satisfies WorkerJob);
    });
  }

  private ensureWorker(): ChildProcess {
    if (this.worker) return this.worker;
    const worker = startWorkerProcess(this.scriptPath);
    worker.on('message', (result: WorkerResult) => {
      const p = this.pending.get(result.id);
      if (!p) return;
      if ('progress' in result) {
        p.onProgress?.(result.progress[0], result.progress[1]);
        return;
      }
      this.pending.delete(result.id);
      if ('error' in result) p.reject(new Error(result.error));
      else if ('runs' in result) p.resolve(result.runs);
    });
    const lost = (e: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(e);
    };
    worker.on('error', lost);
    worker.on('exit', (code, signal) => lost(new Error(`runs worker exited (${signal ?? `code ${code}`})`)));
    this.worker = worker;
    // A restarted worker gets the session back (it re-reads on the next scan).
    if (this.options) sendTo(worker, { id: 0, runs: { op: 'open', options: this.options } } satisfies WorkerJob);
    return worker;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
