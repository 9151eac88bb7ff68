/**
 * The loss catalog: every loss API Loss Lens knows, keyed by qualified name, with aliases.
 * The one source of truth read by the kernels (signatures), hovers (prose), the linter
 * (input space, target format, tasks) and the dashboard (what can be computed).
 */
import type { FamilyDoc, FamilyId, LossEntry } from './types.js';
import * as regression from './entries/regression.js';
import * as classification from './entries/classification.js';
import * as margin from './entries/margin.js';
import * as segmentation from './entries/segmentation.js';
import * as sequence from './entries/sequence.js';

const GROUPS = [regression, classification, margin, segmentation, sequence];

export const ENTRIES: readonly LossEntry[] = GROUPS.flatMap((g) => g.entries);
export const FAMILIES: readonly FamilyDoc[] = GROUPS.flatMap((g) => g.families);

const byName = new Map<string, LossEntry>();
for (const entry of ENTRIES) {
  for (const name of [entry.id, ...entry.aliases]) {
    const previous = byName.get(name);
    if (previous !== undefined && previous !== entry) {
      throw new Error(`catalog: '${name}' names both ${previous.id} and ${entry.id}`);
    }
    byName.set(name, entry);
  }
}
const familyById = new Map<FamilyId, FamilyDoc>(FAMILIES.map((f) => [f.id, f]));

/** The entry for a qualified name, alias or Keras string; undefined when unknown. */
export function lookup(name: string): LossEntry | undefined {
  return byName.get(name) ?? byName.get(stripQuotes(name));
}

export function family(id: FamilyId): FamilyDoc | undefined {
  return familyById.get(id);
}

/** Every name (ids and aliases) the catalog answers to. */
export function allNames(): string[] {
  return [...byName.keys()];
}

function stripQuotes(name: string): string {
  const m = /^(['"])(.*)\1$/.exec(name);
  return m ? m[2]! : name;
}

export type * from './types.js';
