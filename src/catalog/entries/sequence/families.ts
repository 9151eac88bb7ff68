/**
 * Family prose for the sequence group: CTC (alignment-free sequence labelling) and token-level
 * sequence cross-entropy over padded batches. Entries reuse these texts and add their
 * framework's specifics (layout, blank index, padding convention, reduction).
 */
import type { FamilyDoc } from '../../types.js';
import { familyLookup } from '../../familyDocs.js';

export const families: FamilyDoc[] = [
  {
    id: 'ctc',
    title: 'Connectionist temporal classification (CTC)',
    formula:
      'ℓ = −log Σ_{π ∈ B⁻¹(y)} Πₜ p(πₜ | x),  B collapses repeats then drops blanks;  computed over l′ = (∅, y₁, ∅, y₂, …, ∅) by ' +
      'αₜ(s) = (αₜ₋₁(s) + αₜ₋₁(s−1) + [l′ₛ ≠ l′ₛ₋₂]·αₜ₋₁(s−2))·pₜ(l′ₛ),  ℓ = −log(α_{T−1}(S′−1) + α_{T−1}(S′−2))',
    intuition:
      'The model emits one distribution per frame over the labels plus a blank, and the target is a shorter label sequence with ' +
      'no frame-level alignment. CTC sums the probability of every frame path that reads as the target once repeated symbols ' +
      'are merged and blanks removed, so the network learns where each label sits on its own. A blank must separate two equal ' +
      'consecutive labels ("ll" in "hello"), which is why a target needs at least as many frames as labels plus repeats; with ' +
      'fewer frames no path exists and the loss is +∞. The gradient with respect to the logits is softmax minus the posterior ' +
      'occupancy of each class at each frame.',
    useWhen:
      'Speech recognition, handwriting and scene-text OCR, keyword spotting, any monotonic sequence transduction where the output ' +
      'is much shorter than the input and frame-level labels do not exist.',
    avoidWhen:
      'The output is not monotonically aligned with the input (translation), output length can exceed the number of frames, or ' +
      'you need a conditional language model between outputs (CTC assumes frames independent given the input; use RNN-T or ' +
      'attention encoder–decoders).',
  },
  {
    id: 'sequence',
    title: 'Token-level sequence cross-entropy',
    formula: 'ℓ = Σ_{b,t} w_{bt}·CE(logits_{bt}, y_{bt}) / Σ_{b,t} w_{bt}  (or per sequence / per timestep, or / count_nonzero(w))',
    intuition:
      'Teacher-forced sequence generation scores every output position as its own classification and averages over the real ' +
      'tokens, with a weight (or mask) of 0 on padding. Whether the average is over all tokens of the batch, per sequence then ' +
      'over sequences, or per timestep changes how much long sequences weigh relative to short ones.',
    useWhen:
      'Training seq2seq decoders, language models and taggers with padded batches, where each position has exactly one target ' +
      'token and padding must not contribute.',
    avoidWhen:
      'Input and output are not position-aligned (use CTC or an alignment-free loss), or you need sequence-level objectives ' +
      '(minimum-risk training, BLEU/WER optimisation).',
  },
];

/** The family doc for an id of this group (throws on a missing one). */
export const family = familyLookup(families, 'sequence');
