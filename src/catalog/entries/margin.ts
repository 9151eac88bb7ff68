/**
 * Catalog entries of the margin group: KL divergences, hinge and margin losses, ranking,
 * cosine, contrastive and triplet losses across torch, Keras, optax, TensorFlow Addons and
 * pytorch_metric_learning. The entries live in per-framework modules under `margin/`.
 */
import type { FamilyDoc, LossEntry } from '../types.js';
import { families as marginFamilies } from './margin/families.js';
import { entries as torch } from './margin/torch.js';

export const families: FamilyDoc[] = marginFamilies;

export const entries: LossEntry[] = [...torch];
