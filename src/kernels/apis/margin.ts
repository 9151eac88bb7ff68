/**
 * Kernel implementations of the margin group (divergences, hinge and margin losses, embedding
 * and metric-learning losses), keyed by catalog id. The math lives in `src/kernels/margin/`.
 */
import type { ApiTable } from '../api.js';
import { kerasImplementations } from '../margin/kerasApis.js';
import { optaxImplementations } from '../margin/optaxApis.js';
import { pmlImplementations } from '../margin/pmlApis.js';
import { tfaImplementations } from '../margin/tfaApis.js';
import { tfaMiningImplementations } from '../margin/tfaMining.js';
import { torchElementwiseImplementations } from '../margin/torchElementwise.js';
import { torchEmbeddingImplementations } from '../margin/torchEmbedding.js';
import { torchMulticlassImplementations } from '../margin/torchMulticlass.js';

export const implementations: ApiTable = {
  ...torchElementwiseImplementations,
  ...torchMulticlassImplementations,
  ...torchEmbeddingImplementations,
  ...kerasImplementations,
  ...optaxImplementations,
  ...tfaImplementations,
  ...tfaMiningImplementations,
  ...pmlImplementations,
};
