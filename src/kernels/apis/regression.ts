/**
 * Kernel implementations of the regression group, keyed by catalog id. The math lives in
 * `src/kernels/regression/`: the elementwise losses, torch's fused loops, the per-sample and
 * Keras 2 machinery, and one module per framework.
 */
import type { ApiTable } from '../api.js';
import { kerasImplementations } from '../regression/kerasApis.js';
import { optaxImplementations } from '../regression/optaxApis.js';
import { tfaImplementations } from '../regression/tfaApis.js';
import { tfImplementations } from '../regression/tfApis.js';
import { torchImplementations } from '../regression/torchApis.js';

export const implementations: ApiTable = {
  ...torchImplementations,
  ...kerasImplementations,
  ...optaxImplementations,
  ...tfImplementations,
  ...tfaImplementations,
};
