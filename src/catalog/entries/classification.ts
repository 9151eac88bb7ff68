/**
 * Catalog entries of the classification group: binary, categorical and sparse categorical
 * cross-entropy, negative log-likelihood, focal and sparsemax losses across torch,
 * torchvision, Keras, TensorFlow, optax, segmentation_models_pytorch and TensorFlow Addons.
 * The entries live in per-framework modules under `classification/`.
 */
import type { FamilyDoc, LossEntry } from '../types.js';
import { families as classificationFamilies } from './classification/families.js';
import { entries as keras } from './classification/keras.js';
import { entries as optax } from './classification/optax.js';
import { entries as smpTfa } from './classification/smpTfa.js';
import { entries as tf } from './classification/tf.js';
import { entries as torch } from './classification/torch.js';

export const families: FamilyDoc[] = classificationFamilies;

export const entries: LossEntry[] = [...torch, ...keras, ...tf, ...optax, ...smpTfa];
