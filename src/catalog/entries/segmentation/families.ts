/**
 * Family prose for the segmentation group: the overlap losses (Dice, IoU/Jaccard, Tversky),
 * the Lovász losses that optimise IoU directly, and the Matthews-correlation loss. Entries
 * reuse these texts and add their framework's specifics (where the sums run, smoothing, the
 * empty-mask policy).
 */
import type { FamilyDoc } from '../../types.js';
import { familyLookup } from '../../familyDocs.js';

export const families: FamilyDoc[] = [
  {
    id: 'dice',
    title: 'Soft Dice loss',
    formula: 'Dice = 2·|P ∩ T| / (|P| + |T|),  soft: 2·Σ p·t / (Σ p + Σ t);  ℓ = 1 − Dice  (often (2Σpt + s)/(Σp + Σt + s))',
    intuition:
      'Scores the overlap between the predicted mask and the true mask relative to their combined size, so a small object ' +
      'that is half found costs as much as a large one that is half found: the loss is insensitive to how much background ' +
      'the image holds. Replacing the hard masks by probabilities makes it differentiable; the gradient at a pixel depends ' +
      'on the totals of the whole region, so it is a global, not a per-pixel, loss. Equal to the F1 score of the soft ' +
      'prediction.',
    useWhen:
      'Segmentation with strong foreground/background imbalance (lesions, vessels, small objects), where pixel-wise ' +
      'cross-entropy is dominated by the background; usually combined with a cross-entropy or focal term for stable early ' +
      'training and calibrated probabilities.',
    avoidWhen:
      'You need calibrated per-pixel probabilities, masks are routinely empty (the empty-mask policy then decides the loss), ' +
      'or batches are tiny and noisy (the ratio of sums has high variance); plain classification is better served by ' +
      'cross-entropy.',
  },
  {
    id: 'iou',
    title: 'Soft IoU (Jaccard) loss',
    formula: 'IoU = |P ∩ T| / |P ∪ T|,  soft: Σ p·t / (Σ p + Σ t − Σ p·t);  ℓ = 1 − IoU;  IoU = Dice / (2 − Dice)',
    intuition:
      'The intersection over the union of prediction and target, the metric segmentation benchmarks report (mIoU). It ranks ' +
      'predictions like Dice but penalises partial overlaps more (IoU ≤ Dice), so its gradients push harder on mediocre masks. ' +
      'The soft version replaces set sizes by sums of probabilities.',
    useWhen:
      'You evaluate with IoU/mIoU and want the training objective to match it, under the same class-imbalance conditions ' +
      'where Dice helps; combine with a pixel-wise loss.',
    avoidWhen:
      'You need per-pixel probabilities, masks are often empty, or you want the exact IoU surrogate rather than a soft ' +
      'relaxation (the Lovász losses optimise the Jaccard index more faithfully).',
  },
  {
    id: 'tversky',
    title: 'Tversky loss',
    formula: 'TI = TP / (TP + α·FP + β·FN),  TP = Σ p·t, FP = Σ p·(1 − t), FN = Σ (1 − p)·t;  ℓ = 1 − TI (focal Tversky: (1 − TI)^γ)',
    intuition:
      'A Dice/IoU generalisation with separate prices for false positives (α) and false negatives (β): α = β = ½ is Dice, ' +
      'α = β = 1 is IoU, and β > α buys recall at the cost of precision, which is what small lesions usually need. The focal ' +
      'variant raises the loss to a power to focus on poorly segmented regions.',
    useWhen:
      'Highly imbalanced segmentation where missing foreground is worse than over-segmenting it (medical lesions, thin ' +
      'structures), or whenever you want to trade precision against recall explicitly.',
    avoidWhen:
      'Errors of both kinds cost the same (Dice is simpler), or you cannot validate α/β (they shift the precision/recall ' +
      'operating point and must be tuned).',
  },
  {
    id: 'lovasz',
    title: 'Lovász hinge and Lovász-softmax',
    formula:
      'ℓ = Σᵢ g(m)ᵢ·m₍ᵢ₎,  errors m sorted in decreasing order, g = gradient of the Lovász extension of the Jaccard loss ' +
      '(Δ_J(i) − Δ_J(i − 1) at the sorted ground truth);  hinge: m = max(0, 1 − x·(2y − 1)),  softmax: m = |fg − p_c|',
    intuition:
      'The Lovász extension turns the Jaccard loss, a set function of the mispredicted pixels, into a convex piecewise-linear ' +
      'function of continuous errors, so the network optimises the IoU itself rather than a proxy. Each pixel\'s weight is the ' +
      'IoU it would cost at its rank among the errors: the worst errors carry the most weight.',
    useWhen:
      'Fine-tuning a segmentation model for the IoU it is evaluated on, usually after pre-training with cross-entropy; the ' +
      'per-image variant matches per-image mIoU, the batch variant the dataset IoU.',
    avoidWhen:
      'Training from scratch (its gradient is sparse and piecewise constant), or you need probabilities; sorting makes it ' +
      'slower than Dice on large images.',
  },
  {
    id: 'matthews',
    title: 'Matthews correlation coefficient loss',
    formula: 'MCC = (TP·TN − FP·FN) / √((TP + FP)(TP + FN)(TN + FP)(TN + FN)),  soft counts from probabilities;  ℓ = 1 − MCC',
    intuition:
      'The correlation between predicted and true binary masks, which uses all four cells of the confusion matrix: unlike ' +
      'Dice it also rewards correctly predicted background, and it stays informative when the classes are very unbalanced. ' +
      'It ranges over [−1, 1], so the loss lies in [0, 2].',
    useWhen:
      'Binary segmentation (e.g. skin lesions) where both false positives and false negatives matter and the foreground share ' +
      'varies widely between images.',
    avoidWhen:
      'Multi-class segmentation (it is defined for one binary mask), or predictions that are logits (it expects ' +
      'probabilities).',
  },
];

/** The family doc for an id of this group (throws on a missing one). */
export const family = familyLookup(families, 'segmentation');
