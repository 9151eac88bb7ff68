/**
 * Kernel implementations of the classification group, keyed by catalog id. The math lives in
 * `src/kernels/classification/`, one module per framework plus the shared core loops.
 */
import type { ApiTable } from '../api.js';
import { kerasImplementations } from '../classification/kerasApis.js';
import { optaxImplementations } from '../classification/optaxApis.js';
import { smpImplementations } from '../classification/smpApis.js';
import { tfaImplementations } from '../classification/tfaApis.js';
import { tfImplementations } from '../classification/tfApis.js';
import { torchImplementations } from '../classification/torchApis.js';

export const implementations: ApiTable = {
  ...torchImplementations,
  ...kerasImplementations,
  ...tfImplementations,
  ...optaxImplementations,
  ...smpImplementations,
  ...tfaImplementations,
};
