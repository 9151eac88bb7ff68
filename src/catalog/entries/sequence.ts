/**
 * Catalog entries of the sequence group: CTC (torch, Keras 3, tf.nn, optax) and the token-level
 * sequence loss of TF Addons. The entries live in per-framework modules under `sequence/`.
 */
import type { FamilyDoc, LossEntry } from '../types.js';
import { families as sequenceFamilies } from './sequence/families.js';
import { entries as keras } from './sequence/keras.js';
import { entries as optax } from './sequence/optax.js';
import { entries as tensorflow } from './sequence/tensorflow.js';
import { entries as tfa } from './sequence/tfa.js';
import { entries as torch } from './sequence/torch.js';

export const families: FamilyDoc[] = sequenceFamilies;

export const entries: LossEntry[] = [...torch, ...keras, ...tensorflow, ...optax, ...tfa];
