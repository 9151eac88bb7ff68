/**
 * The elementwise regression losses, each written the way its framework writes it.
 *
 * A {@link Fill} runs one tight loop over prediction `x` and target `y` (already broadcast to
 * one shape): it writes ℓ(xᵢ, yᵢ) into `values[i]` and, when `grad` is given, ∂ℓ/∂xᵢ into
 * `grad[i]`. Callers invoke it once per tensor, so there is no per-element call or allocation;
 * the framework modules (torch, Keras, optax, TF, TF Addons) then reduce the values.
 *
 * Formulas that look alike differ in their details (which side is subtracted from which,
 * `<` versus `≤` at a branch point, where an ε is added, what the gradient is at a tie or an
 * infinity), and those details are kept: they decide NaN/Inf placement and boundary gradients.
 */
import type { NumericArray } from '../tensor.js';

/** Writes the loss (and optionally its derivative with respect to x) for every element. */
export type Fill = (x: NumericArray, y: NumericArray, values: Float64Array, grad: Float64Array | null) => void;

const LN2 = Math.LN2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** (x − y)²: torch mse_loss, Keras mean_squared_error, optax squared_error. */
export const squaredError: Fill = (x, y, values, grad) => {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - y[i]!;
    values[i] = d * d;
  }
  if (grad !== null) for (let i = 0; i < n; i++) grad[i] = 2 * (x[i]! - y[i]!);
};

/** ½(x − y)²: optax l2_loss. */
export const halfSquaredError: Fill = (x, y, values, grad) => {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - y[i]!;
    values[i] = 0.5 * d * d;
  }
  if (grad !== null) for (let i = 0; i < n; i++) grad[i] = x[i]! - y[i]!;
};

/**
 * |x − y| with torch's derivative sgn(x − y): 0 at a tie and 0 for NaN (torch's sgn maps NaN
 * to 0, so a NaN prediction gets a zero gradient from l1_loss).
 */
export const absoluteErrorTorch: Fill = (x, y, values, grad) => {
  const n = values.length;
  for (let i = 0; i < n; i++) values[i] = Math.abs(x[i]! - y[i]!);
  if (grad !== null) {
    for (let i = 0; i < n; i++) {
      const d = x[i]! - y[i]!;
      grad[i] = d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
};

/** |y_true − y_pred| with the derivative sign(y_pred − y_true) (NaN for NaN): Keras mean_absolute_error. */
export const absoluteErrorKeras: Fill = (x, y, values, grad) => {
  const n = values.length;
  for (let i = 0; i < n; i++) values[i] = Math.abs(y[i]! - x[i]!);
  if (grad !== null) for (let i = 0; i < n; i++) grad[i] = Math.sign(x[i]! - y[i]!);
};

/**
 * torch huber_loss: z = |x − y|, ℓ = z < δ ? ½z² : δ(z − ½δ). Its backward clips x − y to
 * [−δ, δ] with `≤ −δ` / `≥ δ` tests, so a NaN difference passes through as NaN.
 */
export function huberTorch(delta: number): Fill {
  return (x, y, values, grad) => {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const z = Math.abs(x[i]! - y[i]!);
      values[i] = z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
    }
    if (grad !== null) {
      for (let i = 0; i < n; i++) {
        const d = x[i]! - y[i]!;
        grad[i] = d <= -delta ? -delta : d >= delta ? delta : d;
      }
    }
  };
}

/**
 * Keras huber: e = y_pred − y_true, ℓ = |e| ≤ δ ? ½e² : δ|e| − ½δ². The `where` is
 * differentiated through both branches, so an infinite error gets a NaN gradient (0·∞ from
 * the quadratic branch that was not taken), as TensorFlow, JAX and torch all give.
 */
export function huberKeras(delta: number): Fill {
  const halfDeltaSquared = 0.5 * delta * delta;
  return (x, y, values, grad) => {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const e = x[i]! - y[i]!;
      const a = Math.abs(e);
      values[i] = a <= delta ? 0.5 * e * e : delta * a - halfDeltaSquared;
    }
    if (grad !== null) {
      for (let i = 0; i < n; i++) {
        const e = x[i]! - y[i]!;
        if (Math.abs(e) <= delta) grad[i] = e;
        else grad[i] = e === Infinity || e === -Infinity ? NaN : delta * Math.sign(e);
      }
    }
  };
}

/**
 * optax huber_loss: q = min(|e|, δ), ℓ = ½q² + δ(|e| − q). The derivative is e clipped to
 * [−δ, δ] (JAX splits the min's gradient at the tie, which gives δ there as well).
 */
export function huberOptax(delta: number): Fill {
  return (x, y, values, grad) => {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(x[i]! - y[i]!);
      // Math.min would turn a NaN error into NaN as jnp.minimum does; keep that.
      const q = Math.min(a, delta);
      values[i] = 0.5 * q * q + delta * (a - q);
    }
    if (grad !== null) {
      for (let i = 0; i < n; i++) {
        const e = x[i]! - y[i]!;
        grad[i] = Math.abs(e) <= delta ? e : delta * Math.sign(e);
      }
    }
  };
}

/**
 * torch smooth_l1_loss: z = |x − y|, ℓ = z < β ? ½z²/β : z − ½β (β = 0 is plain L1). Its
 * backward tests `≤ −β` first, so with β = 0 a zero difference gets −1, as torch 1.13 gives.
 */
export function smoothL1Torch(beta: number): Fill {
  return (x, y, values, grad) => {
    const n = values.length;
    if (beta === 0) {
      for (let i = 0; i < n; i++) values[i] = Math.abs(x[i]! - y[i]!);
    } else {
      const halfOverBeta = 0.5 / beta;
      const halfBeta = 0.5 * beta;
      for (let i = 0; i < n; i++) {
        const z = Math.abs(x[i]! - y[i]!);
        values[i] = z < beta ? z * z * halfOverBeta : z - halfBeta;
      }
    }
    if (grad !== null) {
      for (let i = 0; i < n; i++) {
        const d = x[i]! - y[i]!;
        grad[i] = d <= -beta ? -1 : d >= beta ? 1 : d / beta;
      }
    }
  };
}

/**
 * TensorFlow's softplus: log1p(eˣ), returning x itself above −threshold and eˣ below threshold,
 * where threshold = log(float64 ε) + 2.
 */
const SOFTPLUS_THRESHOLD = Math.log(Number.EPSILON) + 2;
function softplusTf(t: number): number {
  if (t > -SOFTPLUS_THRESHOLD) return t;
  const e = Math.exp(t);
  return t < SOFTPLUS_THRESHOLD ? e : Math.log1p(e);
}

/**
 * Keras log_cosh: e + softplus(−2e) − log 2 with e = y_pred − y_true. At e = −∞ this is
 * −∞ + ∞ = NaN (the gradient, 1 − 2σ(−2e), is still −1); large finite errors give |e| − log 2.
 */
export const logCoshKeras: Fill = (x, y, values, grad) => {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const e = x[i]! - y[i]!;
    values[i] = e + softplusTf(-2 * e) - LN2;
  }
  if (grad !== null) {
    for (let i = 0; i < n; i++) {
      const e = x[i]! - y[i]!;
      grad[i] = 1 - 2 / (1 + Math.exp(2 * e));
    }
  }
};

/**
 * optax log_cosh: logaddexp(e, −e) − log 2 = |e| + log1p(e^(−2|e|)) − log 2, so ±∞ give ∞;
 * the derivative is tanh(e).
 */
export const logCoshOptax: Fill = (x, y, values, grad) => {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(x[i]! - y[i]!);
    values[i] = a + Math.log1p(Math.exp(-2 * a)) - LN2;
  }
  if (grad !== null) for (let i = 0; i < n; i++) grad[i] = Math.tanh(x[i]! - y[i]!);
};

/**
 * Keras mean_absolute_percentage_error, per element: 100·|(y_true − y_pred) / max(|y_true|, ε)|
 * (Keras multiplies the mean by 100; the factor is applied per element here, which is the same
 * number). A zero target divides by ε, so the loss is huge rather than infinite.
 */
export function absolutePercentageKeras(epsilon: number): Fill {
  return (x, y, values, grad) => {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const t = y[i]!;
      values[i] = 100 * Math.abs((t - x[i]!) / Math.max(Math.abs(t), epsilon));
    }
    if (grad !== null) {
      for (let i = 0; i < n; i++) {
        const t = y[i]!;
        grad[i] = (100 * Math.sign(x[i]! - t)) / Math.max(Math.abs(t), epsilon);
      }
    }
  };
}

/**
 * Keras mean_squared_logarithmic_error, per element: (log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))².
 * Predictions below ε are clamped, so they get no gradient (TensorFlow's maximum sends the
 * gradient to y_pred at a tie).
 */
export function squaredLogKeras(epsilon: number): Fill {
  return (x, y, values, grad) => {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const d = Math.log(Math.max(x[i]!, epsilon) + 1) - Math.log(Math.max(y[i]!, epsilon) + 1);
      values[i] = d * d;
    }
    if (grad !== null) {
      for (let i = 0; i < n; i++) {
        const p = x[i]!;
        // NaN stays NaN: Math.max(NaN, ε) is NaN, as tf.maximum(NaN, ε) is.
        const clamped = Math.max(p, epsilon);
        const d = Math.log(clamped + 1) - Math.log(Math.max(y[i]!, epsilon) + 1);
        grad[i] = 2 * d * (p >= epsilon ? 1 / (clamped + 1) : 0);
      }
    }
  };
}

/** Keras poisson, per element: y_pred − y_true·log(y_pred + ε). */
export function poissonKeras(epsilon: number): Fill {
  return (x, y, values, grad) => {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const p = x[i]!;
      values[i] = p - y[i]! * Math.log(p + epsilon);
    }
    if (grad !== null) for (let i = 0; i < n; i++) grad[i] = 1 - y[i]! / (x[i]! + epsilon);
  };
}

/** Stirling's approximation of log(y!): y·log y − y + ½·log(2πy). */
function stirling(t: number): number {
  return t * Math.log(t) - t + 0.5 * Math.log(2 * Math.PI * t);
}

/**
 * torch poisson_nll_loss: exp(x) − y·x on log-rates (log_input=True), else x − y·log(x + eps);
 * `full` adds Stirling's term only where the target exceeds 1 (masked to 0 for y ≤ 1, negative
 * targets included).
 */
export function poissonTorch(logInput: boolean, full: boolean, eps: number): Fill {
  return (x, y, values, grad) => {
    const n = values.length;
    if (logInput) {
      for (let i = 0; i < n; i++) {
        const c = x[i]!;
        values[i] = Math.exp(c) - y[i]! * c;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const r = x[i]!;
        values[i] = r - y[i]! * Math.log(r + eps);
      }
    }
    if (full) {
      for (let i = 0; i < n; i++) {
        const t = y[i]!;
        if (t > 1) values[i]! += stirling(t);
      }
    }
    if (grad !== null) {
      if (logInput) for (let i = 0; i < n; i++) grad[i] = Math.exp(x[i]!) - y[i]!;
      else for (let i = 0; i < n; i++) grad[i] = 1 - y[i]! / (x[i]! + eps);
    }
  };
}

/**
 * tf.nn.log_poisson_loss: exp(c) − c·z; with compute_full_loss, Stirling's term is added
 * except where 0 ≤ z ≤ 1 (a negative target therefore gives NaN, unlike torch).
 */
export function logPoissonTf(full: boolean): Fill {
  return (x, y, values, grad) => {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const c = x[i]!;
      const z = y[i]!;
      let v = Math.exp(c) - c * z;
      if (full && !(z >= 0 && z <= 1)) v += stirling(z);
      values[i] = v;
    }
    if (grad !== null) for (let i = 0; i < n; i++) grad[i] = Math.exp(x[i]!) - y[i]!;
  };
}

/**
 * torch gaussian_nll_loss with the variance already broadcast: v = max(var, eps) (a clamp made
 * without gradient), ℓ = ½(log v + (x − y)²/v), plus ½·log 2π when `full`.
 */
export function gaussianTorch(variance: NumericArray, eps: number, full: boolean): Fill {
  const constant = full ? HALF_LOG_2PI : 0;
  return (x, y, values, grad) => {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      // Math.max keeps a NaN variance NaN, as torch's clamp does.
      const v = Math.max(variance[i]!, eps);
      const d = x[i]! - y[i]!;
      values[i] = 0.5 * (Math.log(v) + (d * d) / v) + constant;
    }
    if (grad !== null) for (let i = 0; i < n; i++) grad[i] = (x[i]! - y[i]!) / Math.max(variance[i]!, eps);
  };
}

/**
 * TF Addons pinball: d = y_true − y_pred, ℓ = max(τ·d, (τ − 1)·d) with τ broadcast per element.
 * Under-prediction (d > 0) costs τ per unit, over-prediction 1 − τ. The derivative follows
 * TensorFlow's maximum, which credits the first operand at a tie: −τ when τ·d ≥ (τ − 1)·d,
 * else 1 − τ.
 */
export function pinballTfa(tau: NumericArray): Fill {
  return (x, y, values, grad) => {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const t = tau[i]!;
      const d = y[i]! - x[i]!;
      const under = t * d;
      const over = (t - 1) * d;
      values[i] = Number.isNaN(under) || Number.isNaN(over) ? NaN : under >= over ? under : over;
    }
    if (grad !== null) {
      for (let i = 0; i < n; i++) {
        const t = tau[i]!;
        const d = y[i]! - x[i]!;
        grad[i] = t * d >= (t - 1) * d ? -t : 1 - t;
      }
    }
  };
}
