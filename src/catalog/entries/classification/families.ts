/**
 * Family documents of the classification group: the idea behind each loss family, shared by
 * every framework's version of it.
 */
import type { FamilyDoc } from '../../types.js';

export const families: FamilyDoc[] = [
  {
    id: 'binary-cross-entropy',
    title: 'Binary cross-entropy (log loss)',
    formula: 'ℓ = −[y·log p + (1 − y)·log(1 − p)],  p = σ(x) when the model outputs logits',
    intuition:
      'Each output is an independent yes/no probability and the loss is the negative log-likelihood of the observed label under a ' +
      'Bernoulli distribution. It punishes confident mistakes without bound (−log p → ∞ as p → 0), which is what makes predicted ' +
      'probabilities calibrated. On logits the gradient is simply σ(x) − y.',
    useWhen:
      'Binary classification with one output, multi-label classification (several independent yes/no outputs, e.g. tags), binary ' +
      'segmentation masks, and soft targets such as label-smoothed or distilled probabilities in [0, 1].',
    avoidWhen:
      'Classes are mutually exclusive (use softmax cross-entropy so probabilities compete and sum to 1), positives are extremely rare ' +
      'and easy negatives dominate (consider focal loss or pos_weight), or the model already applies a sigmoid and you pick a logits API.',
  },
  {
    id: 'categorical-cross-entropy',
    title: 'Categorical (softmax) cross-entropy',
    formula: 'ℓ = −Σ_c y_c·log softmax(x)_c = logsumexp(x) − Σ_c y_c·x_c   (Σ_c y_c = 1)',
    intuition:
      'The model spreads one unit of probability over C mutually exclusive classes with a softmax, and the loss is the negative ' +
      'log-probability of the true class (or the expected one under a soft target). Raising one logit lowers every other probability, ' +
      'and the gradient on the logits is softmax(x) − y.',
    useWhen:
      'Single-label multi-class classification: image classes, token prediction, per-pixel classes in segmentation, distillation toward ' +
      'a teacher\'s probabilities, label-smoothed targets.',
    avoidWhen:
      'Several classes can be true at once (use binary cross-entropy per class), labels are heavily noisy (consider label smoothing or ' +
      'a robust loss), or the model output already went through a softmax and the API expects logits.',
  },
  {
    id: 'sparse-categorical-cross-entropy',
    title: 'Sparse categorical cross-entropy (integer labels)',
    formula: 'ℓ = −log softmax(x)_y = logsumexp(x) − x_y,  y ∈ {0, …, C − 1}',
    intuition:
      'The same softmax cross-entropy with the target given as a class index instead of a one-hot vector: it picks the log-probability ' +
      'of the true class directly, which saves memory and time when C is large (vocabularies, many segmentation classes).',
    useWhen:
      'Single-label multi-class problems whose labels are stored as integers: classification datasets, language-model tokens, ' +
      'segmentation masks of class ids (optionally with a void label to ignore).',
    avoidWhen:
      'Targets are soft or multi-hot (use the categorical form with probability targets, or binary cross-entropy), or labels can fall ' +
      'outside [0, C) — most frameworks raise, some silently return NaN.',
  },
  {
    id: 'negative-log-likelihood',
    title: 'Negative log-likelihood on log-probabilities',
    formula: 'ℓ = −w_y·z_y  where z = log-probabilities (e.g. log_softmax(x)); mean = Σ ℓ / Σ w_y',
    intuition:
      'Picks the entry of the target class from an input that is assumed to already hold log-probabilities and negates it. Composed with ' +
      'log_softmax it is exactly softmax cross-entropy; on anything else it is just a (possibly negative, unbounded) linear function of ' +
      'the input.',
    useWhen:
      'The model ends in log_softmax (or another log-probability layer such as an adaptive softmax or a CRF), or you need the ' +
      'per-position log-likelihood of sequences with ignored padding.',
    avoidWhen:
      'The model outputs raw logits or probabilities: NLL does not normalise or take a log for you, so the loss is meaningless (and can ' +
      'go negative). Use cross-entropy on logits instead.',
  },
  {
    id: 'focal',
    title: 'Focal loss',
    formula: 'ℓ = −α_t·(1 − p_t)^γ·log p_t,  p_t = probability of the true label',
    intuition:
      'Cross-entropy scaled down for examples the model already gets right: with γ = 2 an example predicted at p_t = 0.9 weighs 100× ' +
      'less than in plain cross-entropy, so the many easy negatives of a dense detector stop drowning the few hard ones. α_t re-balances ' +
      'positives against negatives.',
    useWhen:
      'Extreme foreground/background imbalance: dense object detection (RetinaNet), small-object or thin-structure segmentation, ' +
      'rare-event classification where easy negatives dominate the gradient.',
    avoidWhen:
      'Classes are roughly balanced or labels are noisy (focal loss concentrates on hard examples, which are often the mislabelled ones), ' +
      'or calibrated probabilities matter: the down-weighting pushes predictions toward under-confidence.',
  },
  {
    id: 'sparsemax',
    title: 'Sparsemax loss',
    formula: 'ℓ = ⟨p, θ⟩ − θ_y + ½·(1 − ‖p‖²),  p = sparsemax(θ) (Euclidean projection onto the simplex)',
    intuition:
      'The Fenchel–Young loss of sparsemax: like softmax cross-entropy, but the implied distribution can put exactly zero probability on ' +
      'classes, and the loss is exactly 0 once the true class wins by a margin. Its gradient p − e_y is sparse.',
    useWhen:
      'You want sparse, interpretable class distributions (attention, multi-label rankings) or a margin-like loss that stops pushing ' +
      'correctly classified examples.',
    avoidWhen:
      'You need dense, calibrated probabilities or log-likelihoods (use softmax cross-entropy), or you rely on every class receiving ' +
      'gradient.',
  },
];
