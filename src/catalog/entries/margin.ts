/** Catalog entries of the margin group (filled in by its owner). */
import type { FamilyDoc, LossEntry } from '../types.js';

export const families: FamilyDoc[] = [];

export const entries: LossEntry[] = [];
