/**
 * Kernel implementations of the margin group (divergences, hinge and margin losses, embedding
 * and metric-learning losses), keyed by catalog id. The math lives in `src/kernels/margin/`.
 */
import type { ApiTable } from '../api.js';
import { torchElementwiseImplementations } from '../margin/torchElementwise.js';
import { torchEmbeddingImplementations } from '../margin/torchEmbedding.js';
import { torchMulticlassImplementations } from '../margin/torchMulticlass.js';

export const implementations: ApiTable = {
  ...torchElementwiseImplementations,
  ...torchMulticlassImplementations,
  ...torchEmbeddingImplementations,
};
