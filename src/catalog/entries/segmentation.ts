/**
 * Catalog entries of the segmentation group: overlap losses (Dice, IoU/Jaccard, Tversky),
 * Lovász and Matthews-correlation losses. The entries live in per-framework modules under
 * `segmentation/`; smp's focal and BCE/CE losses are catalogued with the classification group.
 */
import type { FamilyDoc, LossEntry } from '../types.js';
import { families as segmentationFamilies } from './segmentation/families.js';
import { entries as keras } from './segmentation/keras.js';
import { entries as optax } from './segmentation/optax.js';
import { entries as smp } from './segmentation/smp.js';

export const families: FamilyDoc[] = segmentationFamilies;

export const entries: LossEntry[] = [...smp, ...keras, ...optax];
