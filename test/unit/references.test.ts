/**
 * Resolving the loss API under the cursor in Python source, through import aliases.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { importAliases, referenceAt } from '../../src/analysis/references.js';

function at(source: string, marker: string): ReturnType<typeof referenceAt> {
  const offset = source.indexOf(marker);
  assert.ok(offset >= 0, `marker ${marker} not in source`);
  return referenceAt(source, offset + Math.floor(marker.length / 2));
}

describe('import aliases', () => {
  test('plain, aliased, from-imports and parenthesised lists', () => {
    const a = importAliases(
      ['import torch', 'import torch.nn as nn', 'from torch.nn import functional as F, MSELoss', 'from keras import (', '    losses,', '    layers as L,', ')', 'import optax  # comment'].join('\n'),
    );
    assert.equal(a.get('torch'), 'torch');
    assert.equal(a.get('nn'), 'torch.nn');
    assert.equal(a.get('F'), 'torch.nn.functional');
    assert.equal(a.get('MSELoss'), 'torch.nn.MSELoss');
    assert.equal(a.get('losses'), 'keras.losses');
    assert.equal(a.get('L'), 'keras.layers');
    assert.equal(a.get('optax'), 'optax');
  });
});

describe('referenceAt', () => {
  const src = [
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    'from keras import losses',
    'import tensorflow as tf',
    'crit = nn.MSELoss(reduction="sum")',
    'l = F.mse_loss(out, y)',
    'k = losses.MeanSquaredError()',
    'm = tf.keras.losses.MeanSquaredError()',
    'model.compile(optimizer="adam", loss="mse")',
    'name = "mse"',
  ].join('\n');

  test('resolves a class through a module alias', () => {
    const r = at(src, 'MSELoss');
    assert.equal(r?.entry.id, 'torch.nn.MSELoss');
    assert.equal(src.slice(r!.start, r!.end), 'nn.MSELoss');
  });

  test('resolves a functional call', () => {
    assert.equal(at(src, 'mse_loss')?.entry.id, 'torch.nn.functional.mse_loss');
  });

  test('resolves keras and tf.keras spellings to the same entry', () => {
    assert.equal(at(src, 'losses.MeanSquaredError')?.entry.id, 'keras.losses.MeanSquaredError');
    assert.equal(at(src, 'tf.keras.losses.MeanSquaredError')?.entry.id, 'keras.losses.MeanSquaredError');
  });

  test('a Keras loss string inside compile(loss=...) resolves; the same string elsewhere does not', () => {
    assert.equal(at(src, '"mse")')?.entry.id, 'mse');
    assert.equal(referenceAt(src, src.lastIndexOf('"mse"') + 2), undefined);
  });

  test('unrelated names give nothing', () => {
    assert.equal(at(src, 'crit'), undefined);
    assert.equal(referenceAt(src, src.indexOf('reduction')), undefined);
  });
});
