/**
 * Kernel implementations of the segmentation group, keyed by catalog id. The math lives in
 * `src/kernels/segmentation/`.
 */
import type { ApiTable } from '../api.js';
import { kerasOverlapImplementations } from '../segmentation/kerasApis.js';
import { optaxSegmentationImplementations } from '../segmentation/optaxApis.js';
import { diceLoss, jaccardLoss, tverskyLoss } from '../segmentation/smpOverlap.js';
import { lovaszLoss, mccLoss } from '../segmentation/smpLovasz.js';

export const implementations: ApiTable = {
  'segmentation_models_pytorch.losses.DiceLoss': diceLoss,
  'segmentation_models_pytorch.losses.JaccardLoss': jaccardLoss,
  'segmentation_models_pytorch.losses.TverskyLoss': tverskyLoss,
  'segmentation_models_pytorch.losses.LovaszLoss': lovaszLoss,
  'segmentation_models_pytorch.losses.MCCLoss': mccLoss,
  ...kerasOverlapImplementations(),
  ...optaxSegmentationImplementations,
};
