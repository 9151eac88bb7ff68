/**
 * The `loss-lens eval` contract: JSON lines in, one answer per request, in order, errors as
 * answers, and the same from Node's evaluate() with typed arrays.
 */
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { answerLine, runEval } from '../../src/cli/eval.js';
import { evaluate, isErrorAnswer } from '../../src/kernels/evaluate.js';

const mse = (id: unknown, data: unknown[]) =>
  JSON.stringify({ id, api: 'torch.nn.MSELoss', args: [{ shape: [data.length], dtype: 'float64', data }, { shape: [data.length], dtype: 'float64', data: data.map(() => 0) }] });

describe('loss-lens eval', () => {
  test('answers every line in order; a bad line gets an error and the stream goes on', async () => {
    const input = Readable.from([mse('a', [1, 2]) + '\n', 'not json\n', '\n', mse(7, [3]) + '\n', '{"id":"x","api":"torch.nn.Nope"}\n']);
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (c: Buffer) => chunks.push(c.toString()));
    assert.equal(await runEval(input, output), 0);
    const answers = chunks.join('').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(answers.length, 4);
    assert.deepEqual(answers[0], { id: 'a', shape: [], dtype: 'float64', data: [2.5] });
    assert.equal(answers[1].id, null);
    assert.match(answers[1].error, /line 2: invalid JSON/);
    assert.deepEqual(answers[2], { id: 7, shape: [], dtype: 'float64', data: [9] });
    assert.equal(answers[3].id, 'x');
    assert.match(answers[3].error, /unknown loss API 'torch.nn.Nope'/);
  });

  test('NaN and infinities are written as strings', () => {
    const answer = JSON.parse(answerLine(JSON.stringify({ id: 1, api: 'torch.nn.functional.mse_loss', kwargs: { reduction: 'none' }, args: [
      { shape: [3], dtype: 'float64', data: ['NaN', 'Infinity', 1] },
      { shape: [3], dtype: 'float64', data: [0, 0, '-Infinity'] },
    ] }), 1));
    assert.deepEqual(answer.data, ['NaN', 'Infinity', 'Infinity']);
  });

  test('argument errors use Python wording', () => {
    const ask = (request: object) => JSON.parse(answerLine(JSON.stringify(request), 1)).error as string;
    const t = { shape: [1], dtype: 'float64', data: [1] };
    assert.match(ask({ id: 1, api: 'torch.nn.MSELoss', args: [t] }), /missing required argument: 'target'/);
    assert.match(ask({ id: 1, api: 'torch.nn.MSELoss', args: [t, t, t] }), /takes 2 positional arguments but 3 were given/);
    assert.match(ask({ id: 1, api: 'torch.nn.MSELoss', init: { beta: 1 }, args: [t, t] }), /unexpected keyword argument 'beta'/);
    assert.match(ask({ id: 1, api: 'torch.nn.functional.mse_loss', init: { reduction: 'sum' }, args: [t, t] }), /is a function, not a class/);
    assert.match(ask({ id: 1, api: 'torch.nn.functional.mse_loss', args: [t], kwargs: { input: t, target: t } }), /multiple values for argument 'input'/);
    assert.match(ask({ id: 1, api: 'mse', args: [{ shape: [2], dtype: 'float64', data: [1] }, t] }), /shape \[2\] holds 2 elements but data has 1/);
  });
});

describe('evaluate() from Node', () => {
  test('accepts typed arrays, including int64 as BigInt64Array, without changing them', () => {
    const input = new Float32Array([0.5, 1.5, -1]);
    const answer = evaluate({
      id: 'n',
      api: 'torch.nn.functional.mse_loss',
      args: [{ shape: [3], dtype: 'float32', data: input }, { shape: [3], dtype: 'int64', data: new BigInt64Array([1n, 1n, -1n]) }],
      grad: true,
    });
    assert.ok(!isErrorAnswer(answer));
    assert.ok(answer.data instanceof Float64Array);
    assert.equal(answer.data[0], (0.25 + 0.25 + 0) / 3);
    assert.deepEqual(Array.from(answer.grad!.data), [(2 * -0.5) / 3, (2 * 0.5) / 3, 0]);
    assert.deepEqual(Array.from(input), [0.5, 1.5, -1]);
  });

  test('a wrongly typed buffer is refused with a clear message', () => {
    const answer = evaluate({ api: 'torch.nn.functional.mse_loss', args: [{ shape: [1], dtype: 'float64', data: new Float32Array(1) }, { shape: [1], dtype: 'float64', data: [0] }] });
    assert.ok(isErrorAnswer(answer));
    assert.match(answer.error, /dtype float64 does not match its Float32Array data/);
  });

  test('never throws, whatever it is given', () => {
    for (const bad of [null, 42, 'x', [], { api: 3 }, { api: 'mse', args: 'no' }, { api: 'mse', kwargs: [] }]) {
      const answer = evaluate(bad as never);
      assert.ok(isErrorAnswer(answer), JSON.stringify(bad));
    }
  });
});
