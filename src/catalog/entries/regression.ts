/**
 * Regression losses: squared and absolute error, Huber / smooth L1, log-cosh, percentage and
 * log errors, Poisson and Gaussian likelihoods, quantile (pinball), across torch, Keras, optax,
 * TensorFlow and TensorFlow Addons. The entries live in per-framework modules under
 * `regression/`.
 */
import type { FamilyDoc, LossEntry } from '../types.js';
import { families as regressionFamilies } from './regression/families.js';
import { entries as keras } from './regression/keras.js';
import { entries as optax } from './regression/optax.js';
import { entries as tf } from './regression/tf.js';
import { entries as torch } from './regression/torch.js';

export const families: FamilyDoc[] = regressionFamilies;

export const entries: LossEntry[] = [...torch, ...keras, ...optax, ...tf];
