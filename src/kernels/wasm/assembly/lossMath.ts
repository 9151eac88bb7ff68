// AssemblyScript (compiled to WebAssembly with 128-bit SIMD by scripts/build-wasm.mjs; not part
// of the TypeScript program). The transcendental inner loops of the kernels' fused
// reductions: Math.exp / Math.log cost ~12 ns per call in V8, and these loops evaluate two
// lanes of float64 exp/log per instruction sequence without a call.
//
// Contract with src/kernels/wasm/simd.ts: the caller copies a chunk of at most CHUNK elements of
// each operand into regions A, B (and labels into L) in the operand's own dtype (kind 0 =
// float32, 1 = float64), calls a kernel, and reads the float64 result. A kernel meets an input
// it does not handle exactly as its JavaScript reference does (outside the loss' domain, a
// non-finite row maximum, ...) by setting `bad`; the caller then reruns the whole call on the
// reference path, so every error message and every special value stays the reference's.
//
// exp and log are float64 to within 1-2 ulp (fdlibm's log reduction and polynomial; exp with
// a Cody–Waite reduction and a degree-13 Taylor polynomial in Estrin's form). Lanes outside the fast range
// (zero, negative, subnormal, infinite, NaN; |x| > 708 for exp) are recomputed by the scalar
// functions below, which follow IEEE/C99 for every special value.

export const CHUNK: i32 = 4096;
const REGION: i32 = CHUNK * 8;
const A: usize = memory.data(REGION, 16);
const B: usize = memory.data(REGION, 16);
const L: usize = memory.data(REGION, 16);
const M: usize = memory.data(REGION, 16);

export function regionA(): usize {
  return A;
}
export function regionB(): usize {
  return B;
}
export function regionLabels(): usize {
  return L;
}
export function regionMask(): usize {
  return M;
}

let bad: i32 = 0;
let counted: f64 = 0;

/** 1 when the last kernel call met an input it leaves to the reference path. */
export function wasBad(): i32 {
  return bad;
}
/** Rows counted (not ignored) by the last softmax-index call. */
export function lastCounted(): f64 {
  return counted;
}

// ---- log ------------------------------------------------------------------------------------

const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LG1: f64 = 6.666666666666735130e-1;
const LG2: f64 = 3.999999999940941908e-1;
const LG3: f64 = 2.857142874366239149e-1;
const LG4: f64 = 2.222219843214978396e-1;
const LG5: f64 = 1.818357216161805012e-1;
const LG6: f64 = 1.531383769920937332e-1;
const LG7: f64 = 1.479819860511658591e-1;
const SQRT_HALF_BITS: i64 = 0x3fe6a09e667f3bcd;
const MIN_NORMAL_BITS: i64 = 0x0010000000000000;
const INF_BITS: i64 = 0x7ff0000000000000;

/** log of lanes that are positive, normal and finite (fdlibm e_log.c's reduction and polynomial). */
@inline
function logCore(x: v128): v128 {
  // x = 2^k · m with m in [√½, √2): subtract k from the exponent field.
  const t = i64x2.sub(x, i64x2.splat(SQRT_HALF_BITS));
  const k = i64x2.shr_s(t, 52);
  const m = i64x2.sub(x, i64x2.shl(k, 52));
  const kf = f64x2.convert_low_i32x4_s(i32x4.shuffle(k, k, 0, 2, 0, 2));
  const f = f64x2.sub(m, f64x2.splat(1.0));
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(LG2), f64x2.mul(w, f64x2.add(f64x2.splat(LG4), f64x2.mul(w, f64x2.splat(LG6))))));
  const t2 = f64x2.mul(
    z,
    f64x2.add(f64x2.splat(LG1), f64x2.mul(w, f64x2.add(f64x2.splat(LG3), f64x2.mul(w, f64x2.add(f64x2.splat(LG5), f64x2.mul(w, f64x2.splat(LG7))))))),
  );
  const r = f64x2.add(t2, t1);
  const hfsq = f64x2.mul(f64x2.splat(0.5), f64x2.mul(f, f));
  const inner = f64x2.sub(hfsq, f64x2.add(f64x2.mul(s, f64x2.add(hfsq, r)), f64x2.mul(kf, f64x2.splat(LN2_LO))));
  return f64x2.sub(f64x2.mul(kf, f64x2.splat(LN2_HI)), f64x2.sub(inner, f));
}

/** Scalar log with every special value: NaN, negative → NaN; ±0 → −∞; +∞ → +∞; subnormals scaled. */
function logScalar(x: f64): f64 {
  if (x != x || x < 0) return NaN;
  if (x == 0) return -Infinity;
  if (x == Infinity) return Infinity;
  if (reinterpret<i64>(x) < MIN_NORMAL_BITS) {
    return f64x2.extract_lane(logCore(f64x2.splat(x * 18014398509481984.0)), 0) - 54 * 6.93147180559945309417e-1;
  }
  return f64x2.extract_lane(logCore(f64x2.splat(x)), 0);
}

/** log of two lanes. */
@inline
function vlog(x: v128): v128 {
  const normal = v128.and(i64x2.ge_s(x, i64x2.splat(MIN_NORMAL_BITS)), i64x2.lt_s(x, i64x2.splat(INF_BITS)));
  if (i64x2.all_true(normal)) return logCore(x);
  // ±0 (log-space recursions meet it often) → −∞ without the scalar path.
  const zero = f64x2.eq(x, f64x2.splat(0));
  if (i64x2.all_true(v128.or(normal, zero))) return v128.bitselect(f64x2.splat(-Infinity), logCore(x), zero);
  return f64x2.replace_lane(f64x2.splat(logScalar(f64x2.extract_lane(x, 0))), 1, logScalar(f64x2.extract_lane(x, 1)));
}

// ---- exp ------------------------------------------------------------------------------------

const INV_LN2: f64 = 1.44269504088896338700e0;
const E2: f64 = 1.0 / 2.0;
const E3: f64 = 1.0 / 6.0;
const E4: f64 = 1.0 / 24.0;
const E5: f64 = 1.0 / 120.0;
const E6: f64 = 1.0 / 720.0;
const E7: f64 = 1.0 / 5040.0;
const E8: f64 = 1.0 / 40320.0;
const E9: f64 = 1.0 / 362880.0;
const E10: f64 = 1.0 / 3628800.0;
const E11: f64 = 1.0 / 39916800.0;
const E12: f64 = 1.0 / 479001600.0;
const E13: f64 = 1.0 / 6227020800.0;

/** e^r · 2^0 for |r| ≤ ln2/2 plus the integer k with x = k·ln2 + r, as lanes. */
@inline
function expPoly(x: v128, kf: v128): v128 {
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kf, f64x2.splat(LN2_HI))), f64x2.mul(kf, f64x2.splat(LN2_LO)));
  // Estrin's scheme: the same degree-13 polynomial with a dependency chain of 4 multiply-adds
  // instead of Horner's 13, so consecutive lanes overlap in the pipeline.
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const p01 = f64x2.add(f64x2.splat(1.0), r);
  const p23 = f64x2.add(f64x2.splat(E2), f64x2.mul(r, f64x2.splat(E3)));
  const p45 = f64x2.add(f64x2.splat(E4), f64x2.mul(r, f64x2.splat(E5)));
  const p67 = f64x2.add(f64x2.splat(E6), f64x2.mul(r, f64x2.splat(E7)));
  const p89 = f64x2.add(f64x2.splat(E8), f64x2.mul(r, f64x2.splat(E9)));
  const p1011 = f64x2.add(f64x2.splat(E10), f64x2.mul(r, f64x2.splat(E11)));
  const p1213 = f64x2.add(f64x2.splat(E12), f64x2.mul(r, f64x2.splat(E13)));
  const q0 = f64x2.add(p01, f64x2.mul(r2, p23));
  const q1 = f64x2.add(p45, f64x2.mul(r2, p67));
  const q2 = f64x2.add(p89, f64x2.mul(r2, p1011));
  const s0 = f64x2.add(q0, f64x2.mul(r4, q1));
  const s1 = f64x2.add(q2, f64x2.mul(r4, p1213));
  return f64x2.add(s0, f64x2.mul(r8, s1));
}

/** 2^k for integer-valued lanes k in [−1022, 1023]. */
@inline
function pow2(kf: v128): v128 {
  const k = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kf));
  return i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52);
}

/** Scalar exp with every special value; results below 2^−1022 are scaled in two steps. */
function expScalar(x: f64): f64 {
  if (x != x) return x;
  if (x > 709.782712893383973096) return Infinity;
  if (x < -745.2) return 0;
  const kf = Math.round(x * INV_LN2);
  const p = f64x2.extract_lane(expPoly(f64x2.splat(x), f64x2.splat(kf)), 0);
  const k = <i64>kf;
  const k1 = k >> 1;
  const k2 = k - k1;
  return p * reinterpret<f64>((k1 + 1023) << 52) * reinterpret<f64>((k2 + 1023) << 52);
}

/** e^x of two lanes. */
@inline
function vexp(x: v128): v128 {
  const inRange = f64x2.le(f64x2.abs(x), f64x2.splat(708.0));
  if (i64x2.all_true(inRange)) {
    const kf = f64x2.nearest(f64x2.mul(x, f64x2.splat(INV_LN2)));
    return f64x2.mul(expPoly(x, kf), pow2(kf));
  }
  // Below −746 (−∞ included: log-space recursions meet it often) e^x rounds to +0.
  const underflow = f64x2.lt(x, f64x2.splat(-746.0));
  if (i64x2.all_true(v128.or(inRange, underflow))) {
    const xc = f64x2.max(x, f64x2.splat(-708.0));
    const kf = f64x2.nearest(f64x2.mul(xc, f64x2.splat(INV_LN2)));
    return v128.bitselect(f64x2.splat(0), f64x2.mul(expPoly(xc, kf), pow2(kf)), underflow);
  }
  return f64x2.replace_lane(f64x2.splat(expScalar(f64x2.extract_lane(x, 0))), 1, expScalar(f64x2.extract_lane(x, 1)));
}

// ---- loads ----------------------------------------------------------------------------------

/** Two consecutive elements of a float32 (kind 0) or float64 (kind 1) region, as float64 lanes. */
@inline
function pair<T>(base: usize, i: i32): v128 {
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(v128.load64_zero(base + (<usize>i << 2)));
  return v128.load(base + (<usize>i << 3));
}

@inline
function single<T>(base: usize, i: i32): f64 {
  if (sizeof<T>() == 4) return <f64>load<f32>(base + (<usize>i << 2));
  return load<f64>(base + (<usize>i << 3));
}

@inline
function sumLanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// ---- torch binary_cross_entropy -------------------------------------------------------------

const LOG_FLOOR: f64 = -100;

/** One pair of torch BCE terms: −[y·max(log p, −100) + (1 − y)·max(log(1 − p), −100)]. */
@inline
function bcePair(p: v128, y: v128): v128 {
  const one = f64x2.splat(1.0);
  const q = f64x2.sub(one, p);
  const hard = v128.or(f64x2.eq(y, f64x2.splat(0)), f64x2.eq(y, one));
  if (i64x2.all_true(hard)) {
    // One log per element: the probability given to the true label, exactly p or 1 − p.
    const l = vlog(f64x2.add(f64x2.mul(y, p), f64x2.mul(f64x2.sub(one, y), q)));
    return f64x2.neg(f64x2.max(l, f64x2.splat(LOG_FLOOR)));
  }
  const lp = f64x2.max(vlog(p), f64x2.splat(LOG_FLOOR));
  const lq = f64x2.max(vlog(q), f64x2.splat(LOG_FLOOR));
  return f64x2.sub(f64x2.mul(f64x2.sub(y, one), lq), f64x2.mul(y, lp));
}

function bceSumT<X, Y>(n: i32): f64 {
  let acc = f64x2.splat(0);
  let outside = f64x2.splat(0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const p = pair<X>(A, i);
    // NaN or outside [0, 1]: torch raises; the reference path words the error.
    outside = v128.or(outside, v128.not(v128.and(f64x2.ge(p, f64x2.splat(0)), f64x2.le(p, f64x2.splat(1.0)))));
    acc = f64x2.add(acc, bcePair(p, pair<Y>(B, i)));
  }
  if (i < n) {
    const p = f64x2.replace_lane(f64x2.splat(0.5), 0, single<X>(A, i));
    const y = f64x2.replace_lane(f64x2.splat(0), 0, single<Y>(B, i));
    outside = v128.or(outside, v128.not(v128.and(f64x2.ge(p, f64x2.splat(0)), f64x2.le(p, f64x2.splat(1.0)))));
    acc = f64x2.add(acc, f64x2.replace_lane(bcePair(p, y), 1, 0));
  }
  if (v128.any_true(outside)) bad = 1;
  return sumLanes(acc);
}

/** Σ torch BCE over n elements of A (probabilities) and B (targets). */
export function bceSum(xKind: i32, yKind: i32, n: i32): f64 {
  bad = 0;
  if (xKind == 0) return yKind == 0 ? bceSumT<f32, f32>(n) : bceSumT<f32, f64>(n);
  return yKind == 0 ? bceSumT<f64, f32>(n) : bceSumT<f64, f64>(n);
}

// ---- torch soft_margin_loss -----------------------------------------------------------------

function softMarginSumT<X, Y>(n: i32): f64 {
  let acc = f64x2.splat(0);
  const one = f64x2.splat(1.0);
  let i = 0;
  let acc2 = f64x2.splat(0);
  // Two independent pairs per iteration: their exp/log chains overlap in the pipeline.
  for (; i + 3 < n; i += 4) {
    const z0 = f64x2.neg(f64x2.mul(pair<X>(A, i), pair<Y>(B, i)));
    const z1 = f64x2.neg(f64x2.mul(pair<X>(A, i + 2), pair<Y>(B, i + 2)));
    const e0 = vexp(z0);
    const e1 = vexp(z1);
    acc = f64x2.add(acc, vlog(f64x2.add(one, e0)));
    acc2 = f64x2.add(acc2, vlog(f64x2.add(one, e1)));
  }
  for (; i + 1 < n; i += 2) {
    const z = f64x2.neg(f64x2.mul(pair<X>(A, i), pair<Y>(B, i)));
    acc = f64x2.add(acc, vlog(f64x2.add(one, vexp(z))));
  }
  let s = sumLanes(f64x2.add(acc, acc2));
  if (i < n) {
    const z = f64x2.splat(-(single<X>(A, i) * single<Y>(B, i)));
    s += f64x2.extract_lane(vlog(f64x2.add(one, vexp(z))), 0);
  }
  return s;
}

/** Σ log(1 + exp(−x·y)) over n elements of A (input) and B (target), literally as torch. */
export function softMarginSum(xKind: i32, yKind: i32, n: i32): f64 {
  bad = 0;
  if (xKind == 0) return yKind == 0 ? softMarginSumT<f32, f32>(n) : softMarginSumT<f32, f64>(n);
  return yKind == 0 ? softMarginSumT<f64, f32>(n) : softMarginSumT<f64, f64>(n);
}

// ---- torch kl_div ---------------------------------------------------------------------------

@inline
function klPair(x: v128, t: v128, logTarget: bool): v128 {
  if (logTarget) return f64x2.mul(vexp(t), f64x2.sub(t, x));
  // xlogy(t, t) is 0 at t = 0 (and NaN for negative or NaN t, which vlog gives).
  const tlogt = v128.bitselect(f64x2.splat(0), f64x2.mul(t, vlog(t)), f64x2.eq(t, f64x2.splat(0)));
  return f64x2.sub(tlogt, f64x2.mul(t, x));
}

function klSumT<X, Y>(n: i32, logTarget: bool): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 1 < n; i += 2) acc = f64x2.add(acc, klPair(pair<X>(A, i), pair<Y>(B, i), logTarget));
  let s = sumLanes(acc);
  if (i < n) s += f64x2.extract_lane(klPair(f64x2.splat(single<X>(A, i)), f64x2.splat(single<Y>(B, i)), logTarget), 0);
  return s;
}

/** Σ of torch kl_div's pointwise term over n elements of A (log-probabilities) and B (target). */
export function klSum(xKind: i32, yKind: i32, n: i32, logTarget: i32): f64 {
  bad = 0;
  const lt = logTarget != 0;
  if (xKind == 0) return yKind == 0 ? klSumT<f32, f32>(n, lt) : klSumT<f32, f64>(n, lt);
  return yKind == 0 ? klSumT<f64, f32>(n, lt) : klSumT<f64, f64>(n, lt);
}

// ---- softmax cross-entropy with class indices -------------------------------------------------

function softmaxIndexSumT<X>(rows: i32, C: i32, ignore: f64): f64 {
  let total: f64 = 0;
  let kept: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const y = load<f64>(L + (<usize>r << 3));
    if (y == ignore) continue;
    kept += 1;
    const base = r * C;
    let m = single<X>(A, base);
    for (let c = 1; c < C; c++) {
      const v = single<X>(A, base + c);
      if (v > m) m = v;
    }
    // A non-finite maximum (or a NaN logit) is left to the reference loop's special values.
    if (!(m - m == 0)) {
      bad = 1;
      return 0;
    }
    const mv = f64x2.splat(m);
    let acc = f64x2.splat(0);
    let c = 0;
    for (; c + 1 < C; c += 2) acc = f64x2.add(acc, vexp(f64x2.sub(pair<X>(A, base + c), mv)));
    let s = sumLanes(acc);
    if (c < C) s += f64x2.extract_lane(vexp(f64x2.splat(single<X>(A, base + c) - m)), 0);
    if (!(s - s == 0)) {
      bad = 1;
      return 0;
    }
    total += logScalarFast(s) - (single<X>(A, base + <i32>y) - m);
  }
  counted = kept;
  return total;
}

/** log of a value known to be in [1, C]: positive, normal, finite. */
@inline
function logScalarFast(x: f64): f64 {
  return f64x2.extract_lane(logCore(f64x2.splat(x)), 0);
}

/**
 * Σ over `rows` rows of C logits in A (row-major) of log Σ exp(x − max) − (x_y − max), labels as
 * float64 in L; rows whose label equals `ignore` are skipped (NaN ignores nothing).
 */
export function softmaxIndexSum(xKind: i32, rows: i32, C: i32, ignore: f64): f64 {
  bad = 0;
  counted = 0;
  return xKind == 0 ? softmaxIndexSumT<f32>(rows, C, ignore) : softmaxIndexSumT<f64>(rows, C, ignore);
}

// ---- CTC forward (alpha) recursion ------------------------------------------------------------

/**
 * `steps` frames of torch's CTC alpha recursion over the blank-extended target l' (length
 * S = 2L + 1, blanks at even s):
 *   αₜ(s) = log(e^(a₁−m) + e^(a₂−m) + e^(a₃−m)) + m + lp[t, l'ₛ],  m = max(a₁, a₂, a₃) (0 if −∞),
 * with a₁ = αₜ₋₁(s), a₂ = αₜ₋₁(s − 1), a₃ = αₜ₋₁(s − 2) where the skip is allowed (else −∞).
 * The term equal to m contributes e⁰ = 1 (the sum is formed as 1 + e^(mid−m) + e^(min−m), two
 * exps instead of three), unless every term is −∞, where the sum is 0 and αₜ(s) = −∞.
 *
 * The previous row lives in B (parity 0) or L (parity 1) from element 2 on, elements 0 and 1
 * being −∞ so that s − 1 and s − 2 read −∞ at the start; the skip mask (all-ones lanes where
 * allowed) is in M. A holds, frame after frame, L + 2 emissions: lp[t, blank], then lp[t, lᵢ]
 * for each label, then −∞, so the pair (2j, 2j + 1) emits (blank, lⱼ). Returns the parity of the
 * buffer holding the last row.
 */
export function ctcAlphaSteps(S: i32, steps: i32, parity: i32): i32 {
  const negInf = f64x2.splat(-Infinity);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1.0);
  const width = (S + 3) >> 1; // L + 2
  let prev = parity == 0 ? B : L;
  let next = parity == 0 ? L : B;
  for (let t = 0; t < steps; t++) {
    const emit = A + (<usize>(t * width) << 3);
    const blankEmit = f64x2.splat(load<f64>(emit));
    for (let s = 0, j = 1; s < S; s += 2, j++) {
      const at = prev + (<usize>(s + 2) << 3);
      const a1 = v128.load(at);
      const a2 = v128.load(at - 8);
      const a3 = v128.bitselect(v128.load(at - 16), negInf, v128.load(M + (<usize>s << 3)));
      const hi12 = f64x2.max(a1, a2);
      const lo12 = f64x2.min(a1, a2);
      const top = f64x2.max(hi12, a3);
      const mid = f64x2.max(lo12, f64x2.min(hi12, a3));
      const low = f64x2.min(lo12, a3);
      const allNegInf = f64x2.eq(top, negInf);
      const m = v128.bitselect(zero, top, allNegInf);
      const sum = f64x2.add(f64x2.add(v128.bitselect(zero, one, allNegInf), vexp(f64x2.sub(mid, m))), vexp(f64x2.sub(low, m)));
      const e = f64x2.replace_lane(blankEmit, 1, load<f64>(emit + (<usize>j << 3)));
      v128.store(next + (<usize>(s + 2) << 3), f64x2.add(f64x2.add(vlog(sum), m), e));
    }
    // S is odd, so the last pair computed one lane past the row: keep that lane −∞.
    store<f64>(next + (<usize>(S + 2) << 3), -Infinity);
    const swap = prev;
    prev = next;
    next = swap;
  }
  return prev == B ? 0 : 1;
}

// ---- exposed for the accuracy tests -----------------------------------------------------------

/** A[i] ← log(A[i]) over n float64 elements. */
export function logInPlace(n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(A + (<usize>i << 3), vlog(v128.load(A + (<usize>i << 3))));
  if (i < n) store<f64>(A + (<usize>i << 3), logScalar(load<f64>(A + (<usize>i << 3))));
}

/** A[i] ← exp(A[i]) over n float64 elements. */
export function expInPlace(n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(A + (<usize>i << 3), vexp(v128.load(A + (<usize>i << 3))));
  if (i < n) store<f64>(A + (<usize>i << 3), expScalar(load<f64>(A + (<usize>i << 3))));
}
