/**
 * How the classification kernels take their inputs and report problems: typed arrays straight
 * from Node callers (no copies needed, int64 as BigInt64Array), the fused mean/sum paths agreeing
 * with the unreduced ones, framework warnings, pinned versions, and bad requests answered with
 * errors rather than exceptions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { entries as classification } from '../../src/catalog/entries/classification.js';
import { evaluate, isErrorAnswer, type EvalAnswer, type EvalRequest } from '../../src/kernels/evaluate.js';

function value(a: EvalAnswer): number[] {
  assert.ok(!isErrorAnswer(a), isErrorAnswer(a) ? a.error : '');
  return Array.from(a.data);
}

function close(a: number[], b: number[], rtol = 1e-12): void {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= rtol * Math.max(1, Math.abs(b[i]!)), `element ${i}: ${x} vs ${b[i]}`));
}

const LOGITS = [0.5, -1.2, 2.0, 0.1, 3.3, -0.7];
const PROBS = [0.2, 0.9, 0.5, 0.01, 0.99, 0.3];
const BINARY = [0, 1, 1, 0, 1, 0];

describe('typed-array inputs', () => {
  test('Float32Array logits with BigInt64Array labels match the JSON wire form (torch cross_entropy)', () => {
    const wire = evaluate({
      api: 'torch.nn.functional.cross_entropy',
      args: [{ shape: [2, 3], dtype: 'float32', data: LOGITS }, { shape: [2], dtype: 'int64', data: [2, 0] }],
    });
    const typed = evaluate({
      api: 'torch.nn.functional.cross_entropy',
      args: [
        { shape: [2, 3], dtype: 'float32', data: Float32Array.from(LOGITS) },
        { shape: [2], dtype: 'int64', data: BigInt64Array.from([2n, 0n]) },
      ],
    });
    close(value(typed), value(wire));
  });

  test('Int32Array labels reach optax and TensorFlow unchanged', () => {
    const logits = { shape: [2, 3], dtype: 'float64', data: Float64Array.from(LOGITS) };
    const labels = { shape: [2], dtype: 'int32', data: Int32Array.from([2, 0]) };
    const optax = value(evaluate({ api: 'optax.losses.softmax_cross_entropy_with_integer_labels', args: [logits, labels] }));
    const tf = value(evaluate({ api: 'tf.nn.sparse_softmax_cross_entropy_with_logits', args: [labels, logits] }));
    close(optax, tf);
  });

  test('torch rejects int32 class indices with its own message', () => {
    const a = evaluate({
      api: 'torch.nn.functional.nll_loss',
      args: [{ shape: [2, 3], dtype: 'float64', data: LOGITS }, { shape: [2], dtype: 'int32', data: Int32Array.from([2, 0]) }],
    });
    assert.ok(isErrorAnswer(a) && a.error.includes('expected scalar type Long but found Int'));
  });
});

describe('fused reductions', () => {
  for (const api of ['torch.nn.functional.binary_cross_entropy', 'torch.nn.functional.binary_cross_entropy_with_logits']) {
    test(`${api}: the fused mean and sum equal the reduced per-element losses`, () => {
      const input = api.endsWith('logits') ? LOGITS : PROBS;
      const args = [
        { shape: [2, 3], dtype: 'float64', data: input },
        { shape: [2, 3], dtype: 'float64', data: BINARY },
      ];
      const none = value(evaluate({ api, args, kwargs: { reduction: 'none' } }));
      const sum = none.reduce((p, x) => p + x, 0);
      close(value(evaluate({ api, args, kwargs: { reduction: 'sum' } })), [sum]);
      close(value(evaluate({ api, args })), [sum / none.length]);
      // The unfused path (asked for a gradient) gives the same number.
      close(value(evaluate({ api, args, grad: true })), [sum / none.length]);
    });
  }
});

describe('warnings and versions', () => {
  test('NLLLoss2d warns that it is deprecated', () => {
    const a = evaluate({
      api: 'torch.nn.NLLLoss2d',
      args: [{ shape: [1, 2, 1, 1], dtype: 'float64', data: [-0.1, -2.3] }, { shape: [1, 1, 1], dtype: 'int64', data: [0] }],
    });
    assert.ok(!isErrorAnswer(a) && a.warnings?.some((w) => w.includes('NLLLoss2d has been deprecated')));
  });

  test('categorical cross-entropy with one class warns like Keras', () => {
    const a = evaluate({
      api: 'keras.losses.CategoricalCrossentropy',
      args: [{ shape: [2, 1], dtype: 'float64', data: [1, 1] }, { shape: [2, 1], dtype: 'float64', data: [0.3, 0.9] }],
    });
    assert.ok(!isErrorAnswer(a) && a.warnings?.some((w) => w.includes("Consider using 'binary_crossentropy'")));
  });

  test('a Keras 2 version pin changes the probability clamp (log(p + 1e-7))', () => {
    const req: EvalRequest = {
      api: 'keras.losses.binary_crossentropy',
      args: [{ shape: [1], dtype: 'float64', data: [1] }, { shape: [1], dtype: 'float64', data: [0] }],
    };
    close(value(evaluate(req)), [-Math.log(1e-7)]);
    close(value(evaluate({ ...req, version: '2.15' })), [-Math.log(2e-7)]);
  });

  test('an unreadable version is a clear error', () => {
    const a = evaluate({
      api: 'keras.losses.binary_crossentropy',
      version: 'latest',
      args: [{ shape: [1], dtype: 'float64', data: [1] }, { shape: [1], dtype: 'float64', data: [0.5] }],
    });
    assert.ok(isErrorAnswer(a) && a.error.includes('release number'));
  });
});

describe('bad requests', () => {
  const garbage: unknown[][] = [
    [],
    [{ shape: [2], dtype: 'float64', data: [1, 2] }],
    ['not a tensor', 'neither'],
    [{ shape: [2, 2], dtype: 'float64', data: [1, 2, 3] }, { shape: [2], dtype: 'int64', data: [0, 1] }],
    [{ shape: [0, 3], dtype: 'float64', data: [] }, { shape: [5], dtype: 'int64', data: [0, 1, 2, 0, 1] }],
    [{ shape: [], dtype: 'float64', data: [1] }, { shape: [], dtype: 'float64', data: [0] }],
  ];
  for (const e of classification) {
    test(`${e.id}: malformed calls are answered with errors, never exceptions`, () => {
      for (const args of garbage) {
        const init = e.id === 'segmentation_models_pytorch.losses.FocalLoss' ? { mode: 'binary' } : undefined;
        let answer: EvalAnswer | undefined;
        assert.doesNotThrow(() => {
          answer = evaluate({ api: e.id, args, init } as EvalRequest);
        });
        if (answer !== undefined && isErrorAnswer(answer)) assert.ok(!answer.error.startsWith('internal error'), answer.error);
      }
    });
  }
});
