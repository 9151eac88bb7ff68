/**
 * The Loss Lens kernel library: every catalogued loss computed as its framework computes it.
 * Plain TypeScript with no editor dependency; bundled as `dist/kernels.js` for Node users.
 */
export { evaluate, isErrorAnswer, resolveComputable } from './evaluate.js';
export type { EvalRequest, EvalAnswer, ValueAnswer, ErrorAnswer, TensorAnswer } from './evaluate.js';
export { LossError, tensor, toTensor } from './tensor.js';
export type { DType, Tensor, TensorLike, TensorData, Out } from './tensor.js';
export { IMPLEMENTATIONS } from './apis/index.js';
export { ENTRIES, FAMILIES, lookup, family, allNames } from '../catalog/index.js';
