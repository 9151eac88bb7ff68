/**
 * Looking up a group's family docs, and the prose an entry takes from its family. Every group
 * module (regression, margin, segmentation, sequence, ...) needs both; written once here.
 */
import type { FamilyDoc, FamilyId, LossEntry } from './types.js';

/** A lookup of the group's family docs that throws on a missing id, so an entry cannot name a family the group lacks. */
export function familyLookup(docs: readonly FamilyDoc[], group: string): (id: FamilyId) => FamilyDoc {
  const byId = new Map(docs.map((f) => [f.id, f]));
  return (id) => {
    const f = byId.get(id);
    if (f === undefined) throw new Error(`${group} catalog: no family doc for ${id}`);
    return f;
  };
}

/** The family's intuition and when-to-use / when-not prose, for an entry that adds nothing of its own. */
export function familyProse(doc: FamilyDoc): Pick<LossEntry, 'intuition' | 'useWhen' | 'avoidWhen'> {
  return { intuition: doc.intuition, useWhen: doc.useWhen, avoidWhen: doc.avoidWhen };
}
