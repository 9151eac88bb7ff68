/**
 * The buffer-free and branch-free JavaScript loops the benchmarks asked for must give the very same bits
 * as the straightforward forms they replace: cross-entropy / NLL mean and sum without a
 * per-row buffer, BCE and BCE-with-logits sums, Keras binary cross-entropy per-sample means
 * without an element buffer, Keras categorical cross-entropy skipping zero targets, and int64
 * labels read as two 32-bit words. Each is compared with a reference computed the plain way
 * (or through the unfused path of the same API), with NaN, infinities, ties, ignored labels
 * and float32 / float64 storage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { evaluate, isErrorAnswer, type EvalAnswer, type EvalRequest } from '../../src/kernels/evaluate.js';
import { kerasProbabilityBce, keras2ProbabilityBce, KERAS_EPSILON } from '../../src/kernels/classification/kerasBinary.js';
import { LossError, toTensor } from '../../src/kernels/tensor.js';
import { setSimdDisabled } from '../../src/kernels/wasm/simd.js';

// These are bit-for-bit claims about the JavaScript loops; the WebAssembly SIMD paths sum in
// another order and are checked to float64 rounding in simd-kernels.test.ts.
before(() => setSimdDisabled(true));
after(() => setSimdDisabled(false));

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function ok(a: EvalAnswer): Float64Array {
  assert.ok(!isErrorAnswer(a), isErrorAnswer(a) ? a.error : '');
  return a.data;
}

/** Same number to the last bit (NaN equals NaN). */
function same(actual: number, expected: number, what: string): void {
  assert.ok(Object.is(actual, expected) || (actual === 0 && expected === 0), `${what}: ${actual} is not ${expected}`);
}

/** The reduced value through the fused path and through the buffered one (per_sample forces it). */
function fusedAndBuffered(request: EvalRequest): [number, number] {
  const fused = ok(evaluate(request))[0]!;
  const buffered = ok(evaluate({ ...request, per_sample: true }))[0]!;
  return [fused, buffered];
}

function floats(n: number, seed: number, scale: number, float32: boolean): Float32Array | Float64Array {
  const next = lcg(seed);
  const a = float32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (next() - 0.5) * scale;
  return a;
}

describe('cross-entropy and NLL: mean and sum without a per-row buffer', () => {
  for (const float32 of [false, true]) {
    for (const reduction of ['mean', 'sum']) {
      test(`cross_entropy ${float32 ? 'float32' : 'float64'} ${reduction}, with ignored rows`, () => {
        const rows = 257;
        const C = 7;
        const x = floats(rows * C, 11, 8, float32);
        x[3] = 1e4;
        x[C + 2] = -1e4;
        const next = lcg(5);
        const labels = BigInt64Array.from({ length: rows }, (_, r) => BigInt(r % 9 === 0 ? -100 : Math.floor(next() * C)));
        const request: EvalRequest = {
          api: 'torch.nn.functional.cross_entropy',
          args: [
            { shape: [rows, C], dtype: float32 ? 'float32' : 'float64', data: x },
            { shape: [rows], dtype: 'int64', data: labels },
          ],
          kwargs: { reduction },
        };
        const [fused, buffered] = fusedAndBuffered(request);
        same(fused, buffered, 'cross_entropy');
      });
    }
  }

  test('cross_entropy with every row ignored is NaN for mean, 0 for sum, on both paths', () => {
    for (const reduction of ['mean', 'sum']) {
      const [fused, buffered] = fusedAndBuffered({
        api: 'torch.nn.functional.cross_entropy',
        args: [{ shape: [2, 3], dtype: 'float64', data: [1, 2, 3, 4, 5, 6] }, { shape: [2], dtype: 'int64', data: [-100, -100] }],
        kwargs: { reduction },
      });
      same(fused, buffered, reduction);
      same(fused, reduction === 'mean' ? NaN : 0, reduction);
    }
  });

  test('cross_entropy with non-finite logits agrees (NaN from +inf, inf from −inf on the target)', () => {
    const data = [Infinity, 0, 1, -Infinity, 0, 1, NaN, 1, 2];
    const [fused, buffered] = fusedAndBuffered({
      api: 'torch.nn.functional.cross_entropy',
      args: [{ shape: [3, 3], dtype: 'float64', data }, { shape: [3], dtype: 'int64', data: [1, 0, 2] }],
    });
    same(fused, buffered, 'non-finite');
    const [f2, b2] = fusedAndBuffered({
      api: 'torch.nn.functional.cross_entropy',
      args: [{ shape: [1, 3], dtype: 'float64', data: [-Infinity, 0, 1] }, { shape: [1], dtype: 'int64', data: [0] }],
    });
    same(f2, b2, '−inf target');
    same(f2, Infinity, '−inf target');
  });

  test('nll_loss, 2-D and spatial, with weights and ignored positions', () => {
    const next = lcg(9);
    for (const [shape, labelShape] of [
      [[65, 5], [65]],
      [[3, 5, 4, 2], [3, 4, 2]],
    ] as const) {
      const size = shape.reduce((a, b) => a * b, 1);
      const positions = labelShape.reduce((a, b) => a * b, 1);
      const x = floats(size, 3, 6, true);
      const labels = Array.from({ length: positions }, (_, i) => (i % 7 === 0 ? 2 : Math.floor(next() * 5)));
      for (const weight of [null, { shape: [5], dtype: 'float32', data: Float32Array.of(0.5, 2, 1, 0, 3) }]) {
        for (const reduction of ['mean', 'sum']) {
          const [fused, buffered] = fusedAndBuffered({
            api: 'torch.nn.functional.nll_loss',
            args: [
              { shape: [...shape], dtype: 'float32', data: x },
              { shape: [...labelShape], dtype: 'int64', data: labels },
            ],
            kwargs: { weight, ignore_index: 2, reduction },
          });
          same(fused, buffered, `nll ${shape.join('×')} ${weight ? 'weighted' : ''} ${reduction}`);
        }
      }
    }
  });
});

describe('binary cross-entropy sums', () => {
  // The fused sums add in element order with one accumulator (the unreduced path sums its buffer
  // with four), so they are checked against the literal formula summed the same way.
  function literalBce(p: ArrayLike<number>, y: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < p.length; i++) {
      const t = y[i]!;
      const x = p[i]!;
      if (t === 0 || t === 1) total -= Math.max(Math.log(t === 1 ? x : 1 - x), -100);
      else total += (t - 1) * Math.max(Math.log(1 - x), -100) - t * Math.max(Math.log(x), -100);
    }
    return total;
  }

  function literalBceWithLogits(x: ArrayLike<number>, y: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      total += (1 - y[i]!) * v + (v < 0 ? -v : 0) + Math.log(1 + Math.exp(-Math.abs(v)));
    }
    return total;
  }

  test('BCE on probabilities: hard labels through the branch-free choice, soft labels, 0 and 1 exactly', () => {
    const n = 1001;
    const next = lcg(21);
    const p = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      p[i] = i % 50 === 0 ? 0 : i % 51 === 0 ? 1 : next();
      y[i] = i % 3 === 0 ? next() : next() < 0.5 ? 0 : 1;
    }
    const request = (reduction: string): EvalRequest => ({
      api: 'torch.nn.functional.binary_cross_entropy',
      args: [{ shape: [n], dtype: 'float32', data: p }, { shape: [n], dtype: 'float32', data: y }],
      kwargs: { reduction },
    });
    same(ok(evaluate(request('sum')))[0]!, literalBce(p, y), 'bce sum');
    same(ok(evaluate(request('mean')))[0]!, literalBce(p, y) / n, 'bce mean');
    const [fused, buffered] = fusedAndBuffered(request('mean'));
    assert.ok(Math.abs(fused - buffered) <= 1e-14 * Math.abs(buffered), `${fused} vs ${buffered}`);
  });

  test('BCE with logits: finite logits on the fast form, infinities and NaN through the literal one', () => {
    const finite = floats(999, 4, 40, true);
    const labels = Float32Array.from(finite, (_, i) => (i % 4 === 0 ? 0.25 : i % 2));
    const cases: [ArrayLike<number>, ArrayLike<number>][] = [
      [finite, labels],
      [[Infinity, -Infinity, 3, -2], [0, 1, 1, 0]],
      [[Infinity, 1], [1, 0]],
      [[-Infinity, 1], [0, 1]],
      [[NaN, 1], [0, 1]],
      [[1e300, -1e300, 0], [0, 1, 1]],
    ];
    for (const [x, y] of cases) {
      const got = ok(
        evaluate({
          api: 'torch.nn.functional.binary_cross_entropy_with_logits',
          args: [{ shape: [x.length], dtype: 'float64', data: Float64Array.from(x) }, { shape: [y.length], dtype: 'float64', data: Float64Array.from(y) }],
          kwargs: { reduction: 'sum' },
        }),
      )[0]!;
      same(got, literalBceWithLogits(x, y), `bce with logits [${Array.from(x).slice(0, 4).join(', ')}]`);
    }
  });
});

describe('Keras cross-entropies on probabilities', () => {
  test('elementwise binary cross-entropy with one logarithm for hard labels equals the two-term formula', () => {
    const ps = [0, 1, 1e-9, KERAS_EPSILON, 1 - KERAS_EPSILON, 0.5, 0.999999, 1e-3, NaN, -0.5, 1.5];
    for (const p of ps) {
      for (const y of [0, 1, 0.3, NaN]) {
        const c = p < KERAS_EPSILON ? KERAS_EPSILON : p > 1 - KERAS_EPSILON ? 1 - KERAS_EPSILON : p;
        same(kerasProbabilityBce(y, p), -(y * Math.log(c) + (1 - y) * Math.log(1 - c)), `keras3 y=${y} p=${p}`);
        same(
          keras2ProbabilityBce(y, p),
          -(y * Math.log(c + KERAS_EPSILON) + (1 - y) * Math.log(1 - c + KERAS_EPSILON)),
          `keras2 y=${y} p=${p}`,
        );
      }
    }
  });

  test('binary_crossentropy per-sample means without an element buffer equal those of the gradient path', () => {
    const rows = 33;
    const C = 6;
    const next = lcg(8);
    const p = Float32Array.from({ length: rows * C }, (_, i) => (i % 17 === 0 ? 0 : i % 19 === 0 ? 1 : next()));
    const y = Float32Array.from({ length: rows * C }, (_, i) => (i % 5 === 0 ? next() : i % 2));
    for (const [fromLogits, version, axis] of [
      [false, null, -1],
      [false, '2.15', -1],
      [true, null, -1],
      [false, null, 0],
    ] as const) {
      const request: EvalRequest = {
        api: 'keras.losses.binary_crossentropy',
        args: [{ shape: [rows, C], dtype: 'float32', data: y }, { shape: [rows, C], dtype: 'float32', data: p }],
        kwargs: { from_logits: fromLogits, axis },
        version,
      };
      const fused = ok(evaluate(request));
      const withGrad = ok(evaluate({ ...request, grad: true }));
      assert.equal(fused.length, withGrad.length);
      fused.forEach((v, i) => same(v, withGrad[i]!, `from_logits=${fromLogits} version=${version} axis=${axis} [${i}]`));
    }
  });

  test('categorical_crossentropy skipping zero targets equals −Σ y·log clip(p / Σp), NaN included', () => {
    const rows = 40;
    const C = 5;
    const next = lcg(12);
    const z = Array.from({ length: rows * C }, () => next());
    z[7] = NaN;
    z[12] = 0;
    const y = Array.from({ length: rows * C }, (_, i) => (i % C === Math.floor(i / C) % C ? 1 : i % 11 === 0 ? 0.2 : 0));
    // Row 3 has no target mass at all and a NaN probability: 0·log(NaN) must still be NaN.
    for (let c = 0; c < C; c++) y[3 * C + c] = 0;
    z[3 * C + 1] = NaN;
    const answer = ok(
      evaluate({
        api: 'keras.losses.categorical_crossentropy',
        args: [{ shape: [rows, C], dtype: 'float64', data: y }, { shape: [rows, C], dtype: 'float64', data: z }],
      }),
    );
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += z[r * C + c]!;
      let loss = 0;
      for (let c = 0; c < C; c++) {
        const q = z[r * C + c]! / s;
        const clipped = q < KERAS_EPSILON ? KERAS_EPSILON : q > 1 - KERAS_EPSILON ? 1 - KERAS_EPSILON : q;
        loss -= y[r * C + c]! * Math.log(clipped);
      }
      same(answer[r]!, loss, `row ${r}`);
    }
    assert.ok(Number.isNaN(answer[1]!), 'the row holding a NaN probability is NaN');
    assert.ok(Number.isNaN(answer[3]!), 'a NaN probability under all-zero targets is NaN too');
  });
});

describe('int64 labels from BigInt64Array', () => {
  test('every value up to ±(2^53 − 1) converts exactly', () => {
    const values = [0n, 1n, -1n, 2n ** 31n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n) - 1n, 2n ** 53n - 1n, -(2n ** 53n - 1n), 123456789012345n];
    const t = toTensor({ shape: [values.length], dtype: 'int64', data: BigInt64Array.from(values) });
    assert.deepEqual(Array.from(t.data as Float64Array), values.map(Number));
  });

  test('values beyond ±2^53 raise with the value and its index', () => {
    for (const [v, i] of [
      [2n ** 53n, 1],
      [-(2n ** 53n), 2],
      [2n ** 63n - 1n, 0],
      [-(2n ** 63n), 3],
    ] as const) {
      const data = BigInt64Array.from([5n, 6n, 7n, 8n]);
      data[i] = v;
      assert.throws(
        () => toTensor({ shape: [4], dtype: 'int64', data }, 'target'),
        (e: unknown) => e instanceof LossError && e.message === `target: int64 value ${v} at index ${i} is beyond ±2^53 and cannot be used as a label`,
      );
    }
  });

  test('a BigInt64Array view at an offset into a larger buffer reads its own elements', () => {
    const whole = BigInt64Array.from([9n, -3n, 4n, 2n ** 40n]);
    const view = whole.subarray(1, 4);
    const t = toTensor({ shape: [3], dtype: 'int64', data: view });
    assert.deepEqual(Array.from(t.data as Float64Array), [-3, 4, 2 ** 40]);
  });
});
