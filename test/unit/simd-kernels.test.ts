/**
 * The WebAssembly SIMD paths (src/kernels/wasm): exp and log against V8's Math.exp / Math.log
 * over the whole float64 range and every special value, and each loss they serve against its
 * JavaScript reference loop (the same call with SIMD turned off) at float64 rounding, across
 * chunk boundaries, odd lengths and both storage dtypes. Inputs the SIMD code leaves to the
 * reference (outside BCE's domain, non-finite logits) must give the reference's exact answer.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { evaluate, isErrorAnswer, type EvalAnswer, type EvalRequest } from '../../src/kernels/evaluate.js';
import { setSimdDisabled, simdAvailable, simdExp, simdLog } from '../../src/kernels/wasm/simd.js';

after(() => setSimdDisabled(false));

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The answer with SIMD on and with it off. */
function bothPaths(request: EvalRequest): [EvalAnswer, EvalAnswer] {
  setSimdDisabled(false);
  const fast = evaluate(request);
  setSimdDisabled(true);
  const reference = evaluate(request);
  setSimdDisabled(false);
  return [fast, reference];
}

function value(a: EvalAnswer): number {
  assert.ok(!isErrorAnswer(a), isErrorAnswer(a) ? a.error : '');
  return a.data[0]!;
}

/** Within `rel` of each other, or the very same special value. */
function close(actual: number, expected: number, rel: number, what: string): void {
  if (Object.is(actual, expected)) return;
  assert.ok(Number.isFinite(expected) && Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  const view = new Float64Array([a, b]);
  const bits = new BigInt64Array(view.buffer);
  return Number(bits[0]! > bits[1]! ? bits[0]! - bits[1]! : bits[1]! - bits[0]!);
}

test('SIMD is available under Node 20', () => {
  assert.equal(simdAvailable(), true);
});

describe('exp and log', () => {
  const specials = [0, -0, -1, -Infinity, Infinity, NaN, 5e-324, 1e-310, 2.2250738585072014e-308, 1, 2, 0.5, Number.MAX_VALUE, 1 - 2 ** -53, 1 + 2 ** -52];

  test('log: every special value as Math.log, at most 1 ulp off elsewhere (subnormals to 2^1074 included)', () => {
    const next = lcg(3);
    const values = new Float64Array(200_001);
    values.set(specials);
    for (let i = specials.length; i < values.length; i++) values[i] = Math.exp((next() - 0.5) * 1480);
    // Values near 1, where log is small and cancellation would show.
    for (let i = 0; i < 1000; i++) values[specials.length + i] = 1 + (next() - 0.5) * 1e-6;
    const logs = simdLog(values)!;
    let worst = 0;
    for (let i = 0; i < values.length; i++) {
      const expected = Math.log(values[i]!);
      if (!Number.isFinite(expected) || expected === 0) {
        assert.ok(Object.is(logs[i], expected), `log(${values[i]}) = ${logs[i]}, Math.log gives ${expected}`);
        continue;
      }
      worst = Math.max(worst, ulps(logs[i]!, expected));
    }
    assert.ok(worst <= 1, `worst log error ${worst} ulp`);
  });

  test('exp: overflow, underflow and NaN as Math.exp, at most 2 ulp off for normal results', () => {
    const next = lcg(4);
    const edges = [709.78, 709.7827128933840, 709.79, -708.39, -708.4, -745.1, -745.2, -746, 708, -708, 1e-20, -1e-20];
    const values = new Float64Array(200_001);
    values.set([...specials, ...edges]);
    for (let i = specials.length + edges.length; i < values.length; i++) values[i] = (next() - 0.5) * 1500;
    const exps = simdExp(values)!;
    let worst = 0;
    for (let i = 0; i < values.length; i++) {
      const expected = Math.exp(values[i]!);
      if (!Number.isFinite(expected) || expected === 0) {
        assert.ok(Object.is(exps[i], expected), `exp(${values[i]}) = ${exps[i]}, Math.exp gives ${expected}`);
      } else if (expected < 2.2250738585072014e-308) {
        // Subnormal results carry fewer bits; they must still be the nearest few.
        assert.ok(Math.abs(exps[i]! - expected) <= 4 * 5e-324, `exp(${values[i]}) = ${exps[i]} vs ${expected}`);
      } else {
        worst = Math.max(worst, ulps(exps[i]!, expected));
      }
    }
    assert.ok(worst <= 2, `worst exp error ${worst} ulp`);
  });
});

describe('losses served by SIMD agree with their reference loops', () => {
  // Chunk boundaries (4096 elements) and odd tails.
  const sizes = [1, 2, 3, 4095, 4096, 4097, 10_001];

  function floats(n: number, seed: number, make: (u: number) => number, float32: boolean): Float32Array | Float64Array {
    const next = lcg(seed);
    const a = float32 ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = make(next());
    return a;
  }

  for (const float32 of [true, false]) {
    const dtype = float32 ? 'float32' : 'float64';
    for (const reduction of ['mean', 'sum']) {
      test(`binary_cross_entropy ${dtype} ${reduction}: hard, soft, 0 and 1 probabilities`, () => {
        for (const n of sizes) {
          const p = floats(n, n, (u) => u, float32);
          if (n > 10) p.set([0, 1, 0, 1], 5);
          const hard = floats(n, n + 1, (u) => (u < 0.5 ? 0 : 1), float32);
          const soft = floats(n, n + 2, (u) => (u < 0.3 ? u : u < 0.6 ? 0 : 1), float32);
          for (const y of [hard, soft]) {
            const [fast, ref] = bothPaths({
              api: 'torch.nn.functional.binary_cross_entropy',
              args: [{ shape: [n], dtype, data: p }, { shape: [n], dtype, data: y }],
              kwargs: { reduction },
            });
            close(value(fast), value(ref), 1e-13, `n=${n}`);
          }
        }
      });

      test(`cross_entropy ${dtype} ${reduction}: rows across chunks, ignored rows, confident logits`, () => {
        for (const [rows, C] of [[1, 1], [3, 2], [1000, 10], [333, 13], [2, 4096], [1, 4097]] as const) {
          const x = floats(rows * C, rows + C, (u) => (u - 0.5) * 20, float32);
          if (x.length > 3) x[2] = 1e4;
          const next = lcg(rows);
          const labels = BigInt64Array.from({ length: rows }, (_, r) => BigInt(r % 7 === 3 ? -100 : Math.floor(next() * C)));
          const [fast, ref] = bothPaths({
            api: 'torch.nn.functional.cross_entropy',
            args: [{ shape: [rows, C], dtype, data: x }, { shape: [rows], dtype: 'int64', data: labels }],
            kwargs: { reduction },
          });
          close(value(fast), value(ref), 1e-13, `${rows}×${C}`);
        }
      });

      test(`soft_margin_loss ${dtype} ${reduction}, with overflowing margins`, () => {
        for (const n of sizes) {
          const x = floats(n, n + 3, (u) => (u - 0.5) * 16, float32);
          const y = floats(n, n + 4, (u) => (u < 0.5 ? -1 : 1), float32);
          const [fast, ref] = bothPaths({
            api: 'torch.nn.functional.soft_margin_loss',
            args: [{ shape: [n], dtype, data: x }, { shape: [n], dtype, data: y }],
            kwargs: { reduction },
          });
          close(value(fast), value(ref), 1e-13, `n=${n}`);
        }
        // −y·x beyond ~709 overflows exp to +inf in torch, and so the loss.
        const [fast, ref] = bothPaths({
          api: 'torch.nn.functional.soft_margin_loss',
          args: [{ shape: [3], dtype: 'float64', data: [-800, 1, 2] }, { shape: [3], dtype: 'float64', data: [1, 1, -1] }],
          kwargs: { reduction },
        });
        assert.equal(value(fast), Infinity);
        assert.equal(value(ref), Infinity);
      });

      for (const logTarget of [false, true]) {
        test(`kl_div ${dtype} ${reduction}${logTarget ? ' log_target' : ''}: zero, tiny and NaN targets`, () => {
          for (const n of sizes) {
            const x = floats(n, n + 5, (u) => Math.log(u + 1e-9), float32);
            const t = floats(n, n + 6, (u) => (logTarget ? Math.log(u + 1e-12) : u < 0.1 ? 0 : u < 0.2 ? u * 1e-30 : u), float32);
            const [fast, ref] = bothPaths({
              api: 'torch.nn.functional.kl_div',
              args: [{ shape: [n], dtype, data: x }, { shape: [n], dtype, data: t }],
              kwargs: { reduction, log_target: logTarget },
            });
            close(value(fast), value(ref), 1e-13, `n=${n}`);
          }
          const [fast, ref] = bothPaths({
            api: 'torch.nn.functional.kl_div',
            args: [{ shape: [3], dtype: 'float64', data: [-1, -2, -3] }, { shape: [3], dtype: 'float64', data: [0.5, NaN, -1] }],
            kwargs: { reduction, log_target: logTarget },
          });
          assert.ok(Number.isNaN(value(fast)) && Number.isNaN(value(ref)));
        });
      }
    }
  }

  test('ctc_loss forward: repeated labels, empty targets, one frame, impossible alignments, −∞ log-probs', () => {
    const next = lcg(17);
    const cases: { T: number; N: number; C: number; lengths: number[]; frames: number[]; repeat: boolean; negInf: boolean }[] = [
      { T: 30, N: 4, C: 6, lengths: [5, 0, 12, 3], frames: [30, 10, 30, 1], repeat: false, negInf: false },
      { T: 25, N: 3, C: 3, lengths: [8, 8, 2], frames: [25, 16, 25], repeat: true, negInf: false },
      // Target longer than the frames allow: +∞ (or 0 with zero_infinity).
      { T: 6, N: 2, C: 5, lengths: [6, 4], frames: [6, 3], repeat: true, negInf: false },
      { T: 40, N: 2, C: 8, lengths: [10, 15], frames: [40, 40], repeat: false, negInf: true },
      // A target long enough to need several calls per sequence (frames per call = 4096 / (L + 2)).
      { T: 300, N: 1, C: 50, lengths: [100], frames: [300], repeat: false, negInf: false },
    ];
    for (const { T, N, C, lengths, frames, repeat, negInf } of cases) {
      const lp = new Float64Array(T * N * C);
      for (let r = 0; r < T * N; r++) {
        let total = 0;
        for (let c = 0; c < C; c++) total += Math.exp((lp[r * C + c] = (next() - 0.5) * 6));
        for (let c = 0; c < C; c++) lp[r * C + c]! -= Math.log(total);
        if (negInf && r % 3 === 0) lp[r * C + 1 + (r % (C - 1))] = -Infinity;
      }
      const S = Math.max(...lengths);
      const targets = new BigInt64Array(N * S);
      for (let i = 0; i < targets.length; i++) targets[i] = BigInt(repeat && i % 2 === 1 ? targets[i - 1]! : 1n + BigInt(Math.floor(next() * (C - 1))));
      for (const reduction of ['none', 'sum', 'mean']) {
        for (const zero_infinity of [false, true]) {
          const [fast, ref] = bothPaths({
            api: 'torch.nn.functional.ctc_loss',
            args: [{ shape: [T, N, C], dtype: 'float64', data: lp }, { shape: [N, S], dtype: 'int64', data: targets }, frames, lengths],
            kwargs: { reduction, zero_infinity },
          });
          assert.ok(!isErrorAnswer(fast) && !isErrorAnswer(ref), JSON.stringify([fast, ref]));
          assert.equal(fast.data.length, ref.data.length);
          for (let i = 0; i < ref.data.length; i++) close(fast.data[i]!, ref.data[i]!, 1e-13, `T=${T} ${reduction} ${zero_infinity} [${i}]`);
        }
      }
    }
  });

  test('inputs the SIMD code leaves to the reference give the reference answer exactly', () => {
    const outside = bothPaths({
      api: 'torch.nn.functional.binary_cross_entropy',
      args: [{ shape: [3], dtype: 'float32', data: new Float32Array([0.5, 1.5, 0.2]) }, { shape: [3], dtype: 'float32', data: new Float32Array([1, 0, 1]) }],
    });
    assert.deepEqual(outside[0], outside[1]);
    assert.ok(isErrorAnswer(outside[0]) && outside[0].error === 'all elements of input should be between 0 and 1');
    const nan = bothPaths({
      api: 'torch.nn.functional.binary_cross_entropy',
      args: [{ shape: [2], dtype: 'float64', data: new Float64Array([NaN, 0.5]) }, { shape: [2], dtype: 'float64', data: new Float64Array([1, 0]) }],
    });
    assert.deepEqual(nan[0], nan[1]);
    for (const data of [
      [Infinity, 0, 1, 0, 1, 2],
      [-Infinity, -Infinity, -Infinity, 0, 1, 2],
      [NaN, 0, 1, 0, 1, 2],
      [-Infinity, 0, 1, 0, 1, 2],
    ]) {
      const [fast, ref] = bothPaths({
        api: 'torch.nn.functional.cross_entropy',
        args: [{ shape: [2, 3], dtype: 'float64', data: new Float64Array(data) }, { shape: [2], dtype: 'int64', data: [0, 2] }],
      });
      assert.ok(Object.is(value(fast), value(ref)), `${data}: ${value(fast)} vs ${value(ref)}`);
    }
  });

  test('int64 labels beyond int32 still work (through float64), and beyond 2^53 are refused', () => {
    const x = { shape: [2, 3], dtype: 'float64' as const, data: new Float64Array([0, 1, 2, 3, 4, 5]) };
    const big = evaluate({
      api: 'torch.nn.functional.cross_entropy',
      args: [x, { shape: [2], dtype: 'int64', data: new BigInt64Array([1n, 2n ** 40n]) }],
      kwargs: { ignore_index: 2 ** 40 },
    });
    assert.ok(!isErrorAnswer(big), isErrorAnswer(big) ? big.error : '');
    const huge = evaluate({
      api: 'torch.nn.functional.cross_entropy',
      args: [x, { shape: [2], dtype: 'int64', data: new BigInt64Array([1n, 2n ** 60n]) }],
    });
    assert.ok(isErrorAnswer(huge) && /beyond ±2\^53/.test(huge.error), JSON.stringify(huge));
  });

  test('pooled label buffers do not leak between calls', () => {
    const request = (labels: bigint[]): EvalRequest => ({
      api: 'torch.nn.functional.nll_loss',
      args: [
        { shape: [labels.length, 3], dtype: 'float64', data: Float64Array.from({ length: labels.length * 3 }, (_, i) => -i) },
        { shape: [labels.length], dtype: 'int64', data: BigInt64Array.from(labels) },
      ],
      kwargs: { reduction: 'none' },
    });
    const first = evaluate(request([0n, 1n, 2n, 0n]));
    const second = evaluate(request([2n, 2n]));
    const third = evaluate(request([0n, 1n, 2n, 0n]));
    assert.deepEqual(Array.from((second as { data: Float64Array }).data), [2, 5]);
    assert.deepEqual(first, third);
  });
});
