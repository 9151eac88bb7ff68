/**
 * What a loss API implementation looks like. Implementations live in `apis/<group>.ts`, keyed
 * by the catalog id they compute; a class and its functional form share one implementation
 * when their parameter names agree, because the binder merges constructor and call arguments.
 */
import type { Args } from './args.js';
import type { Out } from './tensor.js';

export interface Want {
  /** Also return ∂(Σ value)/∂prediction, shaped like the prediction argument. */
  grad: boolean;
  /** Also return the unreduced per-sample (or per-element) losses. */
  perSample: boolean;
}

export interface KernelResult {
  value: Out;
  grad?: Out;
  perSample?: Out;
  /** Warnings the framework would print (e.g. torch's broadcasting UserWarning). */
  warnings?: string[];
}

export type ApiImpl = (args: Args, want: Want) => KernelResult;

export type ApiTable = Readonly<Record<string, ApiImpl>>;
