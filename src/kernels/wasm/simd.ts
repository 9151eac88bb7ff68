/**
 * The WebAssembly SIMD fast paths of the fused reductions (assembly/lossMath.ts): Σ of torch's
 * binary_cross_entropy, soft_margin_loss, kl_div and the class-index softmax cross-entropy,
 * two float64 lanes of exp/log at a time instead of a ~12 ns Math.exp / Math.log call per element.
 *
 * Operands are streamed through the module's fixed regions in chunks of CHUNK elements (the copy
 * stays in cache and the module's memory never grows). Each function returns null when it cannot
 * serve the call (no WebAssembly SIMD in this runtime, an operand that is not a float32/float64
 * typed array, an input the module leaves to the reference loop); the caller then runs its
 * JavaScript reference loop, which therefore decides every error message and special value.
 * Results agree with the reference loops to float64 rounding (the sums are taken in another
 * order, exp/log are within 2 ulp), which the unit tests check.
 */
import type { NumericArray } from '../tensor.js';
import { decodeBase64 } from '../../wasmBytes.js';
import { WASM_BASE64 } from './lossMath.generated.js';

interface LossMathExports {
  memory: WebAssembly.Memory;
  CHUNK: WebAssembly.Global;
  regionA(): number;
  regionB(): number;
  regionLabels(): number;
  regionMask(): number;
  ctcAlphaSteps(S: number, steps: number, parity: number): number;
  wasBad(): number;
  lastCounted(): number;
  bceSum(xKind: number, yKind: number, n: number): number;
  softMarginSum(xKind: number, yKind: number, n: number): number;
  klSum(xKind: number, yKind: number, n: number, logTarget: number): number;
  softmaxIndexSum(xKind: number, rows: number, classes: number, ignore: number): number;
  logInPlace(n: number): void;
  expInPlace(n: number): void;
}

interface Module {
  ex: LossMathExports;
  chunk: number;
  f32A: Float32Array;
  f64A: Float64Array;
  f32B: Float32Array;
  f64B: Float64Array;
  /** Region L as float64: labels for softmax rows, one of the two CTC alpha rows. */
  labels: Float64Array;
  mask: BigInt64Array;
}

let loaded: Module | null | undefined;
let disabled = false;

/** The instantiated module, or null where WebAssembly SIMD is unavailable (then every caller uses JS). */
function module(): Module | null {
  if (disabled) return null;
  if (loaded !== undefined) return loaded;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(WASM_BASE64)), {
      env: { abort: () => undefined },
    });
    const ex = instance.exports as unknown as LossMathExports;
    const chunk = ex.CHUNK.value as number;
    const buf = ex.memory.buffer;
    loaded = {
      ex,
      chunk,
      f32A: new Float32Array(buf, ex.regionA(), chunk),
      f64A: new Float64Array(buf, ex.regionA(), chunk),
      f32B: new Float32Array(buf, ex.regionB(), chunk),
      f64B: new Float64Array(buf, ex.regionB(), chunk),
      labels: new Float64Array(buf, ex.regionLabels(), chunk),
      mask: new BigInt64Array(buf, ex.regionMask(), chunk),
    };
  } catch {
    loaded = null;
  }
  return loaded;
}

/** Turns the SIMD paths off (true) or back on, so tests can compare them with the reference loops. */
export function setSimdDisabled(value: boolean): void {
  disabled = value;
}

/** True when the SIMD paths will serve calls in this runtime. */
export function simdAvailable(): boolean {
  return module() !== null;
}

/** 0 for float32, 1 for float64, −1 for anything the module does not read. */
function kindOf(a: NumericArray): number {
  if (a instanceof Float32Array) return 0;
  if (a instanceof Float64Array) return 1;
  return -1;
}

/** Copies a[from, from + n) into the region views for its kind. */
function stage(a: NumericArray, kind: number, from: number, n: number, f32: Float32Array, f64: Float64Array): void {
  if (kind === 0) f32.set((a as Float32Array).subarray(from, from + n));
  else f64.set((a as Float64Array).subarray(from, from + n));
}

/** Σ of a two-operand elementwise kernel over n elements, chunk by chunk; null if it cannot serve. */
function elementwiseSum(x: NumericArray, y: NumericArray, n: number, run: (m: Module, xk: number, yk: number, count: number) => number): number | null {
  const m = module();
  if (m === null) return null;
  const xk = kindOf(x);
  const yk = kindOf(y);
  if (xk < 0 || yk < 0 || x.length < n || y.length < n) return null;
  let total = 0;
  for (let from = 0; from < n; from += m.chunk) {
    const count = Math.min(m.chunk, n - from);
    stage(x, xk, from, count, m.f32A, m.f64A);
    stage(y, yk, from, count, m.f32B, m.f64B);
    total += run(m, xk, yk, count);
    if (m.ex.wasBad() !== 0) return null;
  }
  return total;
}

/** Σ torch binary_cross_entropy over probabilities x and targets y (null: use the reference loop). */
export function simdBceSum(x: NumericArray, y: NumericArray, n: number): number | null {
  return elementwiseSum(x, y, n, (m, xk, yk, count) => m.ex.bceSum(xk, yk, count));
}

/** Σ log(1 + exp(−x·y)), torch's soft_margin_loss terms, for same-length x and y. */
export function simdSoftMarginSum(x: NumericArray, y: NumericArray, n: number): number | null {
  return elementwiseSum(x, y, n, (m, xk, yk, count) => m.ex.softMarginSum(xk, yk, count));
}

/** Σ of torch kl_div's pointwise terms (xlogy(t, t) − t·x, or exp(t)·(t − x) with log_target). */
export function simdKlSum(x: NumericArray, t: NumericArray, n: number, logTarget: boolean): number | null {
  return elementwiseSum(x, t, n, (m, xk, yk, count) => m.ex.klSum(xk, yk, count, logTarget ? 1 : 0));
}

/**
 * Σ over rows of log Σ_c exp(x_c − max) − (x_y − max) and the number of rows whose label is not
 * `ignore` (null ignores nothing). Labels must already be valid class indices or the ignore value.
 */
export function simdSoftmaxIndexSum(
  x: NumericArray,
  labels: NumericArray,
  rows: number,
  classes: number,
  ignore: number | null,
): { total: number; weight: number } | null {
  const m = module();
  if (m === null) return null;
  const xk = kindOf(x);
  if (xk < 0 || classes < 1 || classes > m.chunk || x.length < rows * classes) return null;
  const rowsPerChunk = Math.floor(m.chunk / classes);
  const ignoreValue = ignore ?? NaN;
  let total = 0;
  let weight = 0;
  for (let r = 0; r < rows; r += rowsPerChunk) {
    const count = Math.min(rowsPerChunk, rows - r);
    stage(x, xk, r * classes, count * classes, m.f32A, m.f64A);
    const lab = m.labels;
    for (let i = 0; i < count; i++) lab[i] = labels[r + i]!;
    total += m.ex.softmaxIndexSum(xk, count, classes, ignoreValue);
    if (m.ex.wasBad() !== 0) return null;
    weight += m.ex.lastCounted();
  }
  return { total, weight };
}

/**
 * The CTC alpha recursion of one sequence (see ctc.ts) over `frames` frames of log-probabilities
 * lp[base + t·timeStride + c], for the target `labels` (L of them, blank-extended to S = 2L + 1)
 * with class `blank`. Returns the last frame's α(S − 1) and α(S − 2) (−∞ when L = 0), or null
 * when the module cannot serve (no SIMD, a target too long for its buffers).
 */
export function simdCtcAlphaEnd(
  lp: ArrayLike<number>,
  base: number,
  timeStride: number,
  frames: number,
  labels: ArrayLike<number>,
  labelOffset: number,
  L: number,
  blank: number,
): [number, number] | null {
  const m = module();
  const S = 2 * L + 1;
  if (m === null || S + 4 > m.chunk || frames < 1) return null;
  // The two alpha rows live in regions B and L (the module alternates between them).
  const { f64B: alphaB, labels: alphaL, mask, f64A } = m;
  alphaB.fill(-Infinity, 0, S + 4);
  alphaL.fill(-Infinity, 0, S + 4);
  // The skip s − 2 → s is allowed onto a label that differs from the previous label.
  mask.fill(0n, 0, S + 2);
  for (let j = 1; j < L; j++) if (labels[labelOffset + j] !== labels[labelOffset + j - 1]) mask[2 * j + 1] = -1n;
  // The first frame: only the leading blank and the first label are reachable.
  alphaB[2] = lp[base + blank]!;
  if (L > 0) alphaB[3] = lp[base + labels[labelOffset]!]!;
  // Each frame's emissions: the blank's, each label's, and a −∞ for the lane past the row.
  const width = L + 2;
  const framesPerCall = Math.floor(m.chunk / width);
  let parity = 0;
  for (let t = 1; t < frames; t += framesPerCall) {
    const steps = Math.min(framesPerCall, frames - t);
    for (let k = 0; k < steps; k++) {
      const at = base + (t + k) * timeStride;
      const row = k * width;
      f64A[row] = lp[at + blank]!;
      for (let j = 0; j < L; j++) f64A[row + 1 + j] = lp[at + labels[labelOffset + j]!]!;
      f64A[row + L + 1] = -Infinity;
    }
    parity = m.ex.ctcAlphaSteps(S, steps, parity);
  }
  const last = parity === 0 ? alphaB : alphaL;
  return [last[S + 1]!, L > 0 ? last[S]! : -Infinity];
}

/** log of every element (float64), through the module: for the accuracy tests. */
export function simdLog(values: Float64Array): Float64Array | null {
  return mapInPlace(values, (m, n) => m.ex.logInPlace(n));
}

/** exp of every element (float64), through the module: for the accuracy tests. */
export function simdExp(values: Float64Array): Float64Array | null {
  return mapInPlace(values, (m, n) => m.ex.expInPlace(n));
}

function mapInPlace(values: Float64Array, run: (m: Module, n: number) => void): Float64Array | null {
  const m = module();
  if (m === null) return null;
  const result = new Float64Array(values.length);
  for (let from = 0; from < values.length; from += m.chunk) {
    const count = Math.min(m.chunk, values.length - from);
    m.f64A.set(values.subarray(from, from + count));
    run(m, count);
    result.set(m.f64A.subarray(0, count), from);
  }
  return result;
}
