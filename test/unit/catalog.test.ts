/**
 * The catalog is the one source of truth, so its shape is checked: unique names, complete
 * prose, documented parameters, a kernel for every entry that claims one and none extra.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENTRIES, FAMILIES, allNames, family, lookup } from '../../src/catalog/index.js';
import { IMPLEMENTATIONS } from '../../src/kernels/apis/index.js';

describe('catalog', () => {
  test('names are unique and every alias resolves to its entry', () => {
    for (const e of ENTRIES) {
      assert.equal(lookup(e.id), e, e.id);
      for (const a of e.aliases) assert.equal(lookup(a), e, `${a} -> ${e.id}`);
    }
    assert.equal(new Set(allNames()).size, allNames().length);
  });

  test('quoted Keras strings resolve like bare ones', () => {
    const strings = ENTRIES.filter((e) => e.kind === 'string');
    assert.ok(strings.length > 0);
    for (const e of strings) assert.equal(lookup(`"${e.id}"`), e);
  });

  test('every entry is complete', () => {
    for (const e of ENTRIES) {
      for (const field of ['summary', 'formula', 'intuition', 'useWhen', 'avoidWhen', 'docs'] as const) {
        assert.ok(e[field].trim().length > 0, `${e.id}: ${field} is empty`);
      }
      assert.ok(e.tasks.length > 0, `${e.id}: no tasks`);
      assert.ok(e.target.length > 0, `${e.id}: no target format`);
      assert.ok(e.pitfalls.length > 0, `${e.id}: no pitfalls`);
      assert.ok(e.equivalents.length > 0 || e.framework === 'pml', `${e.id}: no equivalents`);
      assert.match(e.docs, /^https:\/\//, `${e.id}: docs must be a https link`);
      assert.ok(family(e.family), `${e.id}: family ${e.family} has no doc`);
      assert.equal(e.kind === 'class', e.init !== undefined, `${e.id}: init is for classes only`);
      for (const p of [...(e.init ?? []), ...e.call]) assert.ok(p.doc.trim().length > 0, `${e.id}(${p.name}) is undocumented`);
      const names = [...(e.init ?? []), ...e.call].map((p) => p.name);
      assert.equal(new Set(names).size, names.length, `${e.id}: duplicate parameter names`);
      if (e.inputSwitch) assert.ok(names.includes(e.inputSwitch.param), `${e.id}: inputSwitch names an unknown parameter`);
    }
  });

  test('equivalents point at catalogued APIs', () => {
    for (const e of ENTRIES) for (const q of e.equivalents) assert.ok(lookup(q.api), `${e.id} -> ${q.api} is not catalogued`);
  });

  test('a kernel is registered exactly for the computable entries', () => {
    for (const e of ENTRIES) {
      assert.equal(IMPLEMENTATIONS[e.id] !== undefined, e.kernel.computed, `${e.id}: kernel registration disagrees with kernel.computed`);
      if (!e.kernel.computed) assert.ok(e.kernel.reason.length > 0);
    }
    for (const id of Object.keys(IMPLEMENTATIONS)) assert.ok(ENTRIES.some((e) => e.id === id), `kernel for unknown API ${id}`);
  });

  test('family docs are unique and used', () => {
    const ids = FAMILIES.map((f) => f.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const f of FAMILIES) assert.ok(ENTRIES.some((e) => e.family === f.id), `family ${f.id} has no entry`);
  });

  test('every prediction argument is marked, once', () => {
    for (const e of ENTRIES) {
      const preds = e.call.filter((p) => p.role === 'prediction');
      assert.ok(preds.length <= 1, `${e.id}: several prediction arguments`);
    }
  });
});
