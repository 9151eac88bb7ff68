/**
 * Kernel implementations of the sequence group (CTC, sequence losses), keyed by catalog id.
 * The math lives in `src/kernels/sequence/`: the shared CTC recursion, optax's own recursion,
 * and TF Addons' token-level sequence loss.
 */
import type { ApiTable } from '../api.js';
import { kerasCtcBatchCost } from '../sequence/kerasBackendCtc.js';
import { kerasCtc, kerasCtcClass, tfCtcLoss } from '../sequence/logitsCtc.js';
import { optaxCtcLoss } from '../sequence/optaxCtc.js';
import { tfaSequenceLoss, tfaSequenceLossClass } from '../sequence/tfaSequence.js';
import { torchCtcLoss } from '../sequence/torchCtc.js';

export const implementations: ApiTable = {
  'torch.nn.CTCLoss': torchCtcLoss,
  'torch.nn.functional.ctc_loss': torchCtcLoss,
  'keras.losses.CTC': kerasCtcClass,
  'keras.losses.ctc': kerasCtc,
  ctc: kerasCtcClass,
  'tf.keras.backend.ctc_batch_cost': kerasCtcBatchCost,
  'tf.nn.ctc_loss': tfCtcLoss,
  'optax.losses.ctc_loss': optaxCtcLoss,
  'optax.losses.ctc_loss_with_forward_probs': optaxCtcLoss,
  'tfa.seq2seq.sequence_loss': tfaSequenceLoss,
  'tfa.seq2seq.SequenceLoss': tfaSequenceLossClass,
};
