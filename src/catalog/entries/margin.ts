/**
 * Catalog entries of the margin group: KL divergences, hinge and margin losses, ranking,
 * cosine, contrastive and triplet losses across torch, Keras, optax, TensorFlow Addons and
 * pytorch_metric_learning. The entries live in per-framework modules under `margin/`.
 */
import type { FamilyDoc, LossEntry } from '../types.js';
import { families as marginFamilies } from './margin/families.js';
import { entries as keras } from './margin/keras.js';
import { entries as optax } from './margin/optax.js';
import { entries as pml } from './margin/pml.js';
import { entries as tfa } from './margin/tfa.js';
import { entries as torch } from './margin/torch.js';

export const families: FamilyDoc[] = marginFamilies;

export const entries: LossEntry[] = [...torch, ...keras, ...optax, ...tfa, ...pml];
