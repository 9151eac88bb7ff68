/**
 * `evaluate`: the scriptable contract behind `loss-lens eval` and `require('dist/kernels.js')`.
 *
 * Request: `{id, api, init, args, kwargs}` (plus optional `grad` / `per_sample` flags), with
 * tensors as `{shape, dtype, data}`. Answer: `{id, shape, dtype: 'float64', data}` or
 * `{id, error}`. It never throws: a bad request is an error answer.
 */
import { lookup } from '../catalog/index.js';
import type { LossEntry } from '../catalog/types.js';
import type { KernelResult } from './api.js';
import { bindCall } from './bind.js';
import { IMPLEMENTATIONS } from './apis/index.js';
import { LossError, withScratch } from './tensor.js';

export interface EvalRequest {
  id?: unknown;
  api: string;
  init?: Record<string, unknown> | null;
  args?: unknown[] | null;
  kwargs?: Record<string, unknown> | null;
  /** Also return the gradient of the (summed) loss with respect to the prediction argument. */
  grad?: boolean;
  /** Also return the unreduced per-sample losses. */
  per_sample?: boolean;
  /**
   * Follow the semantics of this framework version where they changed between releases
   * (e.g. "0.3.3" for segmentation_models_pytorch's pre-0.4 Dice). Defaults to the reference
   * versions: torch 1.13, Keras 3, smp ≥ 0.4, current optax.
   */
  version?: string | null;
}

export interface TensorAnswer {
  shape: number[];
  dtype: 'float64';
  data: Float64Array;
}

export interface ValueAnswer extends TensorAnswer {
  id: unknown;
  grad?: TensorAnswer;
  per_sample?: TensorAnswer;
  warnings?: string[];
}

export interface ErrorAnswer {
  id: unknown;
  error: string;
}

export type EvalAnswer = ValueAnswer | ErrorAnswer;

export function isErrorAnswer(a: EvalAnswer): a is ErrorAnswer {
  return 'error' in a;
}

/** Computes one request; never throws. */
export function evaluate(request: EvalRequest): EvalAnswer {
  const id = request !== null && typeof request === 'object' ? (request.id ?? null) : null;
  try {
    return { id, ...withScratch(() => run(request)) };
  } catch (e) {
    if (e instanceof LossError) return { id, error: e.message };
    // A kernel bug must not take the stream down; say plainly that it is ours.
    return { id, error: `internal error in Loss Lens: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function run(request: EvalRequest): Omit<ValueAnswer, 'id'> {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new LossError('a request must be a JSON object');
  }
  if (typeof request.api !== 'string') throw new LossError('request.api must be the qualified name of a loss API');
  const entry = resolveComputable(request.api);
  const impl = IMPLEMENTATIONS[entry.id];
  if (impl === undefined) throw new LossError(`${entry.id}: no kernel is registered for this API`);
  const args = bindCall(entry, request);
  const want = { grad: request.grad === true, perSample: request.per_sample === true };
  const result: KernelResult = impl(args, want);
  if (want.grad && result.grad === undefined) throw new LossError(`${entry.id}: gradients are not available for this API`);
  const answer: Omit<ValueAnswer, 'id'> = { shape: result.value.shape, dtype: 'float64', data: result.value.data };
  if (want.grad && result.grad) answer.grad = { shape: result.grad.shape, dtype: 'float64', data: result.grad.data };
  if (want.perSample && result.perSample) {
    answer.per_sample = { shape: result.perSample.shape, dtype: 'float64', data: result.perSample.data };
  }
  if (result.warnings && result.warnings.length > 0) answer.warnings = result.warnings;
  return answer;
}

/** The catalog entry for a name, if a kernel can compute it; otherwise a clear error. */
export function resolveComputable(api: string): LossEntry {
  const entry = lookup(api);
  if (entry === undefined) throw new LossError(`unknown loss API '${api}' (not in the Loss Lens catalog)`);
  if (!entry.kernel.computed) throw new LossError(`${entry.id} cannot be computed by Loss Lens: ${entry.kernel.reason}`);
  return entry;
}
