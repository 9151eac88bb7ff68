/**
 * Loss curves of a catalog entry computed in the kernel worker, off the extension host's thread.
 */
import type { LossEntry } from '../catalog/types.js';
import type { KernelWorker } from '../client/kernelWorker.js';
import { type CurvePlot, type LossCurve, curveFromAnswer, curveJobs } from '../kernels/curves.js';

export async function lossCurvePlot(worker: KernelWorker, entry: LossEntry): Promise<CurvePlot | undefined> {
  const plan = curveJobs(entry);
  if (plan === undefined) return undefined;
  const curves: LossCurve[] = [];
  for (const job of plan.jobs) {
    const curve = curveFromAnswer(job, await worker.evaluate(job.request));
    if (curve === undefined) return undefined;
    curves.push(curve);
  }
  return { xLabel: plan.xLabel, curves };
}
