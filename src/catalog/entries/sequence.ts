/** Catalog entries of the sequence group: CTC and token-level sequence losses (filled in by its owner). */
import type { FamilyDoc, LossEntry } from '../types.js';

export const families: FamilyDoc[] = [];

export const entries: LossEntry[] = [];
