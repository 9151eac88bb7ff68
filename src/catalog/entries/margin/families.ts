/**
 * Family prose for the margin group: divergences between distributions, hinge and margin
 * losses, ranking losses, cosine losses and the metric-learning families (contrastive and
 * triplet). Entries reuse these texts and add their framework's specifics.
 */
import type { FamilyDoc } from '../../types.js';
import { familyLookup } from '../../familyDocs.js';

export const families: FamilyDoc[] = [
  {
    id: 'kl-divergence',
    title: 'Kullback–Leibler divergence',
    formula: 'KL(p ‖ q) = Σᵢ pᵢ·log(pᵢ / qᵢ) = Σᵢ pᵢ·log pᵢ − Σᵢ pᵢ·log qᵢ',
    intuition:
      'How many extra nats it costs to describe samples from the target distribution p with a code built for the predicted ' +
      'distribution q. It is zero only when q matches p wherever p has mass, and it is not symmetric: predicting near-zero ' +
      'probability where the target has mass is punished without bound, while putting mass where the target has none is cheap. ' +
      'Its gradient with respect to log q is −p, the same as cross-entropy against soft targets; the two differ only by the ' +
      'entropy of p, a constant when p is fixed.',
    useWhen:
      'Matching a whole distribution rather than one label: knowledge distillation (student against the teacher\'s softened ' +
      'probabilities), label-smoothed or soft targets, the regulariser of a VAE or a policy-update constraint, aligning predicted ' +
      'histograms with observed ones.',
    avoidWhen:
      'Targets are hard class labels (cross-entropy is the same optimum and cheaper), the prediction is not a normalised ' +
      'distribution (KL of unnormalised vectors is not a divergence), or you need a symmetric or bounded measure (Jensen–Shannon).',
  },
  {
    id: 'hinge',
    title: 'Hinge and margin losses',
    formula: 'ℓ = max(0, m − y·f(x))  (binary, y ∈ {−1, +1});  multi-class: Σ_{j≠y} max(0, m − f_y + f_j) or max_j(…)',
    intuition:
      'Zero once the correct score beats the decision threshold (or every wrong class) by the margin m, and linear in the ' +
      'shortfall otherwise: confidently correct examples stop contributing, so training concentrates on the examples near or on ' +
      'the wrong side of the boundary (the support vectors). Squaring the hinge makes it smooth at the margin and punishes large ' +
      'violations harder; the perceptron loss is the hinge with m = 0.',
    useWhen:
      'Maximum-margin classifiers (linear SVMs, SVM heads on learned features), ranking and retrieval scores where only the ' +
      'order matters, and problems where you do not need calibrated probabilities.',
    avoidWhen:
      'You need probabilities or calibrated confidence (use a cross-entropy), or labels are 0/1 and the API expects ±1 (a 0 ' +
      'label silently changes the loss in most frameworks).',
  },
  {
    id: 'margin-ranking',
    title: 'Ranking losses (pairwise margin and listwise softmax)',
    formula: 'pairwise: ℓ = max(0, −y·(s₁ − s₂) + m),  y = +1 when item 1 should rank higher;  listwise: −Σᵢ yᵢ·log softmax(s)ᵢ',
    intuition:
      'Scores are judged only relative to each other. The pairwise margin loss is zero once the preferred item outscores the ' +
      'other by the margin; the listwise softmax loss treats the list as one softmax and rewards putting probability on the ' +
      'relevant items. Adding a constant to every score changes nothing.',
    useWhen:
      'Learning to rank (search, recommendation), preference learning from pairwise comparisons, reward models trained on ' +
      'chosen/rejected pairs, and any task where only the ordering of scores matters.',
    avoidWhen:
      'The absolute value of the score matters (regression, calibrated probabilities), or you have a single label per example ' +
      'rather than comparisons or graded relevance.',
  },
  {
    id: 'cosine',
    title: 'Cosine similarity and cosine losses',
    formula: 'cos(a, b) = Σ aᵢbᵢ / (‖a‖·‖b‖);  losses: −cos, 1 − cos, or max(0, cos − m) for dissimilar pairs',
    intuition:
      'Compares directions and ignores lengths: scaling either vector leaves the loss unchanged, so the model cannot lower it ' +
      'by shrinking or inflating its outputs. The gradient is orthogonal to the vector itself, and it grows as the norm ' +
      'shrinks, which is why every framework guards the norm with a small ε.',
    useWhen:
      'Embeddings compared by angle (sentence and image embeddings, retrieval, face verification), regression of directions or ' +
      'normalised features, and distillation of feature vectors where scale is arbitrary.',
    avoidWhen:
      'Magnitudes carry information (use a squared or absolute error), vectors can be near zero (the direction is undefined ' +
      'and the loss jumps), or the target is a class label.',
  },
  {
    id: 'contrastive',
    title: 'Contrastive and pair-based metric-learning losses',
    formula:
      'pairs: ℓ = y·d² + (1 − y)·max(0, m − d)²  (y = 1 similar);  InfoNCE / NT-Xent: −log(e^{s⁺/τ} / (e^{s⁺/τ} + Σ e^{s⁻/τ}))',
    intuition:
      'Pulls embeddings of matching items together and pushes non-matching ones apart until they are at least a margin away ' +
      '(pair losses) or until the matching pair wins a softmax over all candidates in the batch (InfoNCE, NT-Xent, N-pairs, ' +
      'Circle). The batch supplies the negatives, so batch size and composition change the loss as much as the model does.',
    useWhen:
      'Learning embeddings for retrieval, verification, clustering or self-supervised pre-training (SimCLR-style augmented views), ' +
      'when you have pairs or classes but not a fixed label set at test time.',
    avoidWhen:
      'A fixed label set and plain classification suffice (cross-entropy is simpler), batches are tiny or contain a single ' +
      'class (no negatives or no positives: many of these losses return 0 or NaN), or label conventions are unclear (some APIs ' +
      'use 1 for similar, others 0).',
  },
  {
    id: 'triplet',
    title: 'Triplet losses',
    formula: 'ℓ = max(0, d(a, p) − d(a, n) + m)',
    intuition:
      'For an anchor, a positive of the same identity must be closer than a negative by at least the margin; satisfied triplets ' +
      'contribute nothing. Which triplets you form matters more than the formula: random triplets are mostly already satisfied, ' +
      'so batch-hard and semi-hard mining pick the informative ones, and all-triplet variants average only the non-zero ones.',
    useWhen:
      'Face recognition, person re-identification, image and product retrieval: embeddings where relative distances between ' +
      'identities matter and classes at test time may be unseen.',
    avoidWhen:
      'You cannot form valid triplets in a batch (fewer than two samples per class), or a classification-style metric loss ' +
      '(ArcFace, proxy losses) trains faster for your data; hard mining on noisy labels can collapse the embedding.',
  },
];

/** The family doc for an id of this group (throws on a missing one). */
export const family = familyLookup(families, 'margin');
