/**
 * Replays every parity fixture (test/fixtures/parity/*.jsonl, generated from PyTorch 1.13 and
 * NumPy reference formulas by scripts/fixtures) through `evaluate` and compares value,
 * gradient and per-sample losses at rtol 1e-6, or checks that the kernel raises where the
 * framework raised.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ENTRIES } from '../../src/catalog/index.js';
import { evaluate, isErrorAnswer, type EvalRequest } from '../../src/kernels/evaluate.js';
import { type Expected, mismatch } from '../support/close.js';

interface FixtureCase extends EvalRequest {
  id: string;
  source: string;
  expect: Expected | { error: string };
  expect_grad?: Expected;
  expect_per_sample?: Expected;
  reference_error?: string;
  rtol?: number;
}

const DIR = join(__dirname, '..', 'fixtures', 'parity');

export function loadFixtures(): FixtureCase[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(DIR, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as FixtureCase),
    );
}

const cases = loadFixtures();
const byGroup = new Map<string, FixtureCase[]>();
for (const c of cases) {
  const group = c.id.split('/')[0]!;
  byGroup.set(group, [...(byGroup.get(group) ?? []), c]);
}

for (const [group, groupCases] of byGroup) {
  describe(`parity: ${group}`, () => {
    for (const c of groupCases) {
      test(c.id, () => {
        const answer = evaluate(c);
        if ('error' in c.expect) {
          assert.ok(isErrorAnswer(answer), `expected an error like ${c.reference_error ?? c.expect.error}, got a value`);
          assert.ok(
            answer.error.includes(c.expect.error),
            `error "${answer.error}" should contain "${c.expect.error}" (reference: ${c.reference_error ?? '-'})`,
          );
          return;
        }
        assert.ok(!isErrorAnswer(answer), `unexpected error: ${isErrorAnswer(answer) ? answer.error : ''}`);
        const rtol = c.rtol ?? 1e-6;
        const valueMismatch = mismatch(answer, c.expect, rtol);
        assert.equal(valueMismatch, undefined, `value: ${valueMismatch}`);
        if (c.expect_grad) {
          assert.ok(answer.grad, 'gradient missing');
          const m = mismatch(answer.grad, c.expect_grad, rtol);
          assert.equal(m, undefined, `grad: ${m}`);
        }
        if (c.expect_per_sample) {
          assert.ok(answer.per_sample, 'per-sample losses missing');
          const m = mismatch(answer.per_sample, c.expect_per_sample, rtol);
          assert.equal(m, undefined, `per_sample: ${m}`);
        }
      });
    }
  });
}

describe('parity coverage', () => {
  test('every computable catalogued API has at least one fixture that yields a value', () => {
    const covered = new Set(cases.filter((c) => !('error' in c.expect)).map((c) => c.api));
    const missing = ENTRIES.filter((e) => e.kernel.computed && ![e.id, ...e.aliases].some((n) => covered.has(n))).map((e) => e.id);
    assert.deepEqual(missing, []);
  });

  test('every parameter of every computable API is exercised with an explicit value by some fixture', () => {
    const used = new Map<string, Set<string>>();
    for (const c of cases) {
      const id = ENTRIES.find((e) => e.id === c.api || e.aliases.includes(c.api))?.id;
      if (id === undefined) continue;
      const names = used.get(id) ?? new Set<string>();
      for (const k of Object.keys(c.init ?? {})) names.add(k);
      for (const k of Object.keys(c.kwargs ?? {})) names.add(k);
      const entry = ENTRIES.find((e) => e.id === id)!;
      const positional = entry.call.filter((p) => !p.keywordOnly);
      (c.args ?? []).forEach((_, i) => positional[i] && names.add(positional[i]!.name));
      used.set(id, names);
    }
    const missing: string[] = [];
    for (const e of ENTRIES) {
      if (!e.kernel.computed) continue;
      for (const p of [...(e.init ?? []), ...e.call]) {
        if (p.type === 'callable') continue;
        if (!used.get(e.id)?.has(p.name)) missing.push(`${e.id}(${p.name})`);
      }
    }
    assert.deepEqual(missing, []);
  });

  test('every case names a catalogued API', () => {
    const unknown = cases.filter((c) => !ENTRIES.some((e) => e.id === c.api || e.aliases.includes(c.api))).map((c) => c.id);
    assert.deepEqual(unknown, []);
  });
});
