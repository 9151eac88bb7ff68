/**
 * Framework reductions and the gradient scale they hand back to kernels.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkKerasReduction, checkTorchReduction, reduceKeras, reduceTorch, scaleAt } from '../../src/kernels/reduce.js';
import { tensor } from '../../src/kernels/tensor.js';

const v = (...xs: number[]) => Float64Array.from(xs);

describe('torch reductions', () => {
  test('mean, sum and none, with the mean scale 1/n', () => {
    const mean = reduceTorch(v(1, 2, 3, 6), [2, 2], 'mean');
    assert.deepEqual([mean.value.shape, mean.value.data[0], mean.scale], [[], 3, 0.25]);
    assert.equal(reduceTorch(v(1, 2, 3, 6), [2, 2], 'sum').value.data[0], 12);
    assert.deepEqual(reduceTorch(v(1, 2), [2], 'none').value.shape, [2]);
  });

  test('the mean of nothing is NaN, the sum 0', () => {
    assert.ok(Number.isNaN(reduceTorch(v(), [0], 'mean').value.data[0]));
    assert.equal(reduceTorch(v(), [0, 3], 'sum').value.data[0], 0);
  });

  test('invalid names use torch wording', () => {
    assert.throws(() => checkTorchReduction('avg'), /avg is not a valid value for reduction/);
  });
});

describe('Keras reductions', () => {
  test('sum_over_batch_size divides by the element count; empty gives 0 (divide_no_nan)', () => {
    assert.equal(reduceKeras(v(1, 2, 3), [3], 'sum_over_batch_size').value.data[0], 2);
    assert.equal(reduceKeras(v(), [2, 0], 'sum_over_batch_size').value.data[0], 0);
  });

  test('scalar and (0,) per-sample losses skip the reduction', () => {
    assert.deepEqual(reduceKeras(v(5), [], 'sum').value.shape, []);
    assert.deepEqual(reduceKeras(v(), [0], 'sum_over_batch_size').value.shape, [0]);
  });

  test('sample weights multiply before reduction; mean_with_sample_weight divides by their sum', () => {
    const sw = tensor([1, 0, 3]);
    assert.equal(reduceKeras(v(2, 5, 1), [3], 'sum_over_batch_size', sw).value.data[0], (2 + 0 + 3) / 3);
    const r = reduceKeras(v(2, 5, 1), [3], 'mean_with_sample_weight', sw);
    assert.equal(r.value.data[0], 5 / 4);
    assert.deepEqual([scaleAt(r, 0), scaleAt(r, 1), scaleAt(r, 2)], [0.25, 0, 0.75]);
  });

  test('a (N, 1) sample weight lines up with (N,) losses', () => {
    const sw = tensor([2, 0], [2, 1]);
    assert.equal(reduceKeras(v(3, 4), [2], 'sum', sw).value.data[0], 6);
    assert.deepEqual(reduceKeras(v(3, 4), [2], 'none', sw).value.shape, [2, 1]);
  });

  test('a mask averages over valid entries only, and all-masked gives 0', () => {
    const r = reduceKeras(v(1, 100, 3), [3], 'sum_over_batch_size', null, Uint8Array.of(1, 0, 1));
    assert.equal(r.value.data[0], 2);
    assert.deepEqual([scaleAt(r, 0), scaleAt(r, 1)], [0.5, 0]);
    assert.equal(reduceKeras(v(1, 2), [2], 'sum_over_batch_size', null, Uint8Array.of(0, 0)).value.data[0], 0);
    assert.equal(reduceKeras(v(1, 100, 3), [3], 'sum', null, Uint8Array.of(1, 0, 1)).value.data[0], 4);
  });

  test('mean_with_sample_weight with only a mask divides by the number of valid entries', () => {
    const r = reduceKeras(v(1, 100, 3), [3], 'mean_with_sample_weight', null, Uint8Array.of(1, 0, 1));
    assert.equal(r.value.data[0], 2);
  });

  test('a mask and sample weights combine', () => {
    const r = reduceKeras(v(1, 100, 3), [3], 'sum_over_batch_size', tensor([2, 2, 1]), Uint8Array.of(1, 0, 1));
    assert.equal(r.value.data[0], (1 * 2 + 3 * 1) / 2);
  });

  test('incompatible sample weights are refused, and bad names use Keras wording', () => {
    assert.throws(() => reduceKeras(v(1, 2), [2], 'sum', tensor([1, 2, 3])), /must match|cannot be applied/);
    assert.throws(() => checkKerasReduction('avg'), /Invalid value for argument `reduction`/);
    assert.equal(checkKerasReduction(null), null);
  });
});
