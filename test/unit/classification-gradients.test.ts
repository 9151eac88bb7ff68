/**
 * Gradients and per-sample values of every classification API, checked against the kernels'
 * own values: ∂(Σ value)/∂prediction must match a central difference of the value, and every
 * API must return its unreduced losses when asked. Inputs are the first smooth parity case of
 * each API (its own fixture also checks the gradient against the framework).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ENTRIES } from '../../src/catalog/index.js';
import { entries as classification } from '../../src/catalog/entries/classification.js';
import { evaluate, isErrorAnswer, type EvalRequest } from '../../src/kernels/evaluate.js';

type Wire = { shape: number[]; dtype: string; data: (number | string)[] };

type Fixture = EvalRequest & { id: string; expect: { error?: string }; expect_grad?: unknown; version?: string };

function loadFixtures(): Fixture[] {
  return readFileSync(join(__dirname, '..', 'fixtures', 'parity', 'classification.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Fixture);
}

const ids = new Set(classification.map((e) => e.id));
const byApi = new Map<string, Fixture>();
for (const c of loadFixtures()) {
  const entry = ENTRIES.find((e) => e.id === c.api || e.aliases.includes(c.api));
  if (entry === undefined || !ids.has(entry.id) || byApi.has(entry.id)) continue;
  if ('error' in c.expect || !c.expect_grad || c.version) continue;
  // Smooth cases only: finite inputs and gradients.
  const data = JSON.stringify([c.expect_grad, c.args, c.kwargs]);
  if (data.includes('NaN') || data.includes('Infinity')) continue;
  byApi.set(entry.id, c);
}

/** The wire tensor holding the prediction argument of a request, and a setter for it. */
function predictionSlot(req: EvalRequest): { get: () => Wire; set: (w: Wire) => void } {
  const entry = ENTRIES.find((e) => e.id === req.api || e.aliases.includes(req.api))!;
  const pred = entry.call.find((p) => p.role === 'prediction')!;
  const positional = entry.call.filter((p) => !p.keywordOnly);
  const index = positional.findIndex((p) => p.name === pred.name);
  if (req.args && index >= 0 && index < req.args.length) {
    return { get: () => req.args![index] as Wire, set: (w) => (req.args![index] = w) };
  }
  return { get: () => req.kwargs![pred.name] as Wire, set: (w) => (req.kwargs![pred.name] = w) };
}

function total(req: EvalRequest): number {
  const a = evaluate(req);
  assert.ok(!isErrorAnswer(a), isErrorAnswer(a) ? a.error : '');
  let s = 0;
  for (const v of a.data) s += v;
  return s;
}

describe('classification gradients', () => {
  test('every computable classification API has a smooth case to check', () => {
    const missing = classification.filter((e) => e.kernel.computed && !byApi.has(e.id)).map((e) => e.id);
    assert.deepEqual(missing, []);
  });

  for (const [id, fixture] of byApi) {
    test(`${id}: gradient matches a central difference of the value`, () => {
      const req = structuredClone({ ...fixture, grad: true }) as EvalRequest;
      const answer = evaluate(req);
      assert.ok(!isErrorAnswer(answer) && answer.grad, 'gradient missing');
      const slot = predictionSlot(req);
      const base = slot.get();
      const values = base.data.map(Number);
      for (let i = 0; i < values.length; i++) {
        const h = 1e-6 * Math.max(Math.abs(values[i]!), 1e-2);
        const at = (d: number) => {
          const copy = structuredClone(req);
          const s = predictionSlot(copy);
          const data = [...values];
          data[i]! += d;
          s.set({ ...base, dtype: 'float64', data });
          return total(copy);
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        const analytic = answer.grad.data[i]!;
        assert.ok(
          Math.abs(numeric - analytic) <= 1e-4 * Math.max(1, Math.abs(analytic)),
          `element ${i}: analytic ${analytic} vs numeric ${numeric}`,
        );
      }
    });
  }
});

describe('classification per-sample losses', () => {
  for (const [id, fixture] of byApi) {
    test(`${id}: returns its unreduced losses`, () => {
      const answer = evaluate({ ...structuredClone(fixture), per_sample: true, grad: false });
      assert.ok(!isErrorAnswer(answer), isErrorAnswer(answer) ? answer.error : '');
      assert.ok(answer.per_sample, 'per_sample missing');
      assert.ok(answer.per_sample.data.length > 0);
    });
  }
});
