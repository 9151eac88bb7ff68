/**
 * The worker: runs loss evaluations and training-log reading outside the extension host, as a
 * child process (see client/workerProcess.ts) or a worker thread; the protocol is the same on
 * both. Two kinds of job share it:
 *   - `{id, request}` evaluates a loss; answers `{id, answer}`, float64 results as transferred
 *     buffers. A running kernel cannot be interrupted; its client terminates the worker.
 *   - `{id, runs}` drives the worker's {@link RunsSession} (scan, files changed, one series);
 *     answers `{id, runs}` or `{id, error}`, with `{id, progress}` messages while reading and
 *     `{cancel: id}` stopping a read between chunks.
 */
import { parentPort } from 'node:worker_threads';
import { type EvalAnswer, type EvalRequest, evaluate, isErrorAnswer } from '../kernels/evaluate.js';
import { RunsSession, type RunsSessionOptions, type RunsSnapshot } from '../data/runs/session.js';
import type { Series } from '../data/logs/series.js';
import { type ArrayInfo, openArrayFile } from '../data/arrays/index.js';

export type RunsCommand =
  | { op: 'open'; options: RunsSessionOptions }
  | { op: 'scan' }
  | { op: 'changed'; paths: string[] }
  | { op: 'series'; run: string; tag: string }
  | { op: 'arrays'; path: string };

/** The arrays of one prediction file (headers only for .npy/.npz/.safetensors). */
export interface ArrayListing {
  file: string;
  arrays: ArrayInfo[];
}

export type RunsResult = RunsSnapshot | Series | ArrayListing | null;

export type WorkerJob = { id: number; request: EvalRequest } | { id: number; runs: RunsCommand } | { cancel: number };

export type WorkerResult =
  | { id: number; answer: EvalAnswer }
  | { id: number; runs: RunsResult }
  | { id: number; error: string }
  | { id: number; progress: [done: number, total: number | undefined] };

function transferList(answer: EvalAnswer): ArrayBuffer[] {
  if (isErrorAnswer(answer)) return [];
  const buffers = [answer.data.buffer, answer.grad?.data.buffer, answer.per_sample?.data.buffer];
  // A buffer may back several views (e.g. value and per-sample for unreduced losses): list it once.
  return [...new Set(buffers.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer))];
}

let session: RunsSession | undefined;
const reads = new Map<number, AbortController>();
// Session commands run one at a time, in order: a scan and a change batch never interleave.
let queue: Promise<void> = Promise.resolve();

async function runCommand(id: number, command: RunsCommand): Promise<WorkerResult> {
  if (command.op === 'open') {
    session = new RunsSession(command.options);
    return { id, runs: null };
  }
  if (command.op === 'arrays') {
    try {
      return { id, runs: await listArrays(command.path) };
    } catch (e) {
      return { id, error: e instanceof Error ? e.message : String(e) };
    }
  }
  if (!session) return { id, error: 'no runs session is open' };
  const controller = new AbortController();
  reads.set(id, controller);
  let lastPost = 0;
  const onProgress = (done: number, total: number | undefined) => {
    const now = Date.now();
    if (now - lastPost < 100 && done !== total) return;
    lastPost = now;
    post({ id, progress: [done, total] });
  };
  try {
    const read = { signal: controller.signal, onProgress };
    switch (command.op) {
      case 'scan':
        return { id, runs: await session.scan(read) };
      case 'changed':
        return { id, runs: (await session.filesChanged(command.paths, read)) ?? null };
      case 'series':
        return { id, runs: session.series(command.run, command.tag) ?? null };
      default:
        return { id, error: `unknown runs command` };
    }
  } catch (e) {
    return { id, error: e instanceof Error ? e.message : String(e) };
  } finally {
    reads.delete(id);
  }
}

async function listArrays(path: string): Promise<ArrayListing> {
  const f = await openArrayFile(path);
  try {
    const arrays: ArrayInfo[] = [];
    for (const name of f.names) arrays.push(await f.info(name));
    return { file: path, arrays };
  } finally {
    await f.close().catch(() => undefined);
  }
}

/** To the client: over the thread port (buffers transferred) or the process channel (copied). */
function post(result: WorkerResult, transfer: ArrayBuffer[] = []): void {
  if (parentPort) parentPort.postMessage(result, transfer);
  else process.send?.(result);
}

function onJob(job: WorkerJob): void {
  if ('cancel' in job) {
    reads.get(job.cancel)?.abort();
    return;
  }
  if ('runs' in job) {
    queue = queue.then(async () => {
      const result = await runCommand(job.id, job.runs);
      const transfer = result && 'runs' in result && result.runs && 'steps' in result.runs ? [result.runs.steps.buffer, result.runs.values.buffer, result.runs.wallTimes.buffer] : [];
      // Series arrays are copies (see below), so transferring them leaves the session intact.
      post(result, transfer as ArrayBuffer[]);
    });
    return;
  }
  const answer = evaluate(job.request);
  post({ id: job.id, answer }, transferList(answer));
}

if (parentPort) parentPort.on('message', onJob);
else if (process.send) {
  process.on('message', (job) => onJob(job as WorkerJob));
  // The extension host went away (or closed the channel): nothing is left to answer.
  process.on('disconnect', () => process.exit(0));
}
