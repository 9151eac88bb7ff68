/**
 * The extension host's handle on the kernel worker: started on first use, one request at a
 * time per id, cancellable (a cancelled job's worker is terminated and restarted lazily, since
 * a running kernel cannot be interrupted from outside).
 */
import type { ChildProcess } from 'node:child_process';
import type { EvalAnswer, EvalRequest } from '../kernels/evaluate.js';
import type { WorkerJob, WorkerResult } from '../worker/worker.js';
import { sendTo, startWorkerProcess } from './workerProcess.js';

export class KernelWorker {
  private worker: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (a: EvalAnswer) => void; reject: (e: Error) => void }>();

  constructor(private readonly scriptPath: string) {}

  evaluate(request: EvalRequest, signal?: AbortSignal): Promise<EvalAnswer> {
    if (signal?.aborted) return Promise.reject(new Error('cancelled'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<EvalAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      signal?.addEventListener('abort', () => this.restart(new Error('cancelled')), { once: true });
      const job: WorkerJob = { id, request };
      sendTo(worker, job);
    });
  }

  dispose(): void {
    this.restart(new Error('kernel worker disposed'));
  }

  private ensureWorker(): ChildProcess {
    if (this.worker) return this.worker;
    const worker = startWorkerProcess(this.scriptPath);
    worker.on('message', (result: WorkerResult) => {
      if (!('answer' in result)) return;
      const p = this.pending.get(result.id);
      this.pending.delete(result.id);
      p?.resolve(result.answer);
    });
    worker.on('error', (e) => this.restart(e));
    worker.on('exit', () => {
      if (this.worker === worker) this.restart(new Error('kernel worker exited'));
    });
    this.worker = worker;
    return worker;
  }

  /** Stops the worker and fails everything in flight; the next request starts a fresh one. */
  private restart(reason: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    worker?.kill();
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
  }
}
