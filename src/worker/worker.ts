/**
 * The kernel worker: runs loss evaluations off the extension host's thread. Messages are
 * `{id, request}` in and `{id, answer}` out; float64 results travel as transferred buffers.
 */
import { parentPort } from 'node:worker_threads';
import { type EvalAnswer, type EvalRequest, evaluate, isErrorAnswer } from '../kernels/evaluate.js';

export interface WorkerJob {
  id: number;
  request: EvalRequest;
}

export interface WorkerResult {
  id: number;
  answer: EvalAnswer;
}

function transferList(answer: EvalAnswer): ArrayBuffer[] {
  if (isErrorAnswer(answer)) return [];
  const buffers = [answer.data.buffer, answer.grad?.data.buffer, answer.per_sample?.data.buffer];
  // A buffer may back several views (e.g. value and per-sample for unreduced losses): list it once.
  return [...new Set(buffers.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer))];
}

parentPort?.on('message', (job: WorkerJob) => {
  const answer = evaluate(job.request);
  const result: WorkerResult = { id: job.id, answer };
  parentPort!.postMessage(result, transferList(answer));
});
