/**
 * Adam's update in its two forms: Keras' (what `optimizer_adam()` in the tutorial runs) and the
 * paper's (what the tutorial's from-scratch R loop runs). They differ only in where ε sits.
 * Keras (keras/src/optimizers/adam.py, and TensorFlow's `ApplyAdam` kernel) folds both bias
 * corrections into the step size,
 *
 *     a = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ);  m += (g − m)(1 − β₁);  v += (g² − v)(1 − β₂);  w −= a·m/(√v + ε)
 *
 * while the paper (Kingma & Ba 2014, Algorithm 1) divides by √v̂ + ε with v̂ = v/(1 − β₂ᵗ):
 *
 *     m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ);  w −= lr·m̂/(√v̂ + ε)
 *
 * so Keras' ε acts as ε·√(1 − β₂ᵗ) in the paper's terms. Both use t = the number of steps taken
 * (Keras counts batches, not epochs). With `dtype: "float32"` every operation is rounded to float32
 * with `Math.fround`, constants included, as Keras computes with float32 variables.
 *
 * @module
 */

import { checkFinite, checkUnitInterval } from "../core/validate.ts";
import { checkStep, type Dtype, type Optimizer, OptimizerBase } from "./optimizer.ts";

/** Options of {@linkcode adam} and {@linkcode adamPaper}; defaults are Keras' (and the paper's, except ε). */
export interface AdamOptions {
  /** Step size; default 0.001. */
  learningRate?: number;
  /** Decay of the first moment; default 0.9. */
  beta1?: number;
  /** Decay of the second moment; default 0.999. */
  beta2?: number;
  /** Added to √v; default 1e-7 (Keras; the paper uses 1e-8). */
  epsilon?: number;
  /** `"float64"` (default) or `"float32"`. */
  dtype?: Dtype;
}

/** Adam's hyper-parameters. */
interface Hyper {
  lr: number;
  b1: number;
  b2: number;
  eps: number;
}

/** Adam's state: the moments m and v, and the step number t (from 1). */
interface Moments {
  m: Float64Array;
  v: Float64Array;
  t: number;
}

/** One step of Keras' Adam, in float64. */
function kerasStep(w: Float64Array, g: ArrayLike<number>, { m, v, t }: Moments, h: Hyper): void {
  const a = h.lr * Math.sqrt(1 - Math.pow(h.b2, t)) / (1 - Math.pow(h.b1, t));
  const c1 = 1 - h.b1, c2 = 1 - h.b2;
  for (let j = 0; j < w.length; j++) {
    m[j] += (g[j] - m[j]) * c1;
    v[j] += (g[j] * g[j] - v[j]) * c2;
    w[j] -= (m[j] * a) / (Math.sqrt(v[j]) + h.eps);
  }
}

/** One step of the paper's Adam, in float64. */
function paperStep(w: Float64Array, g: ArrayLike<number>, { m, v, t }: Moments, h: Hyper): void {
  const d1 = 1 - Math.pow(h.b1, t), d2 = 1 - Math.pow(h.b2, t);
  for (let j = 0; j < w.length; j++) {
    m[j] = h.b1 * m[j] + (1 - h.b1) * g[j];
    v[j] = h.b2 * v[j] + (1 - h.b2) * g[j] * g[j];
    const mHat = m[j] / d1, vHat = v[j] / d2;
    w[j] -= h.lr * (mHat / (Math.sqrt(vHat) + h.eps));
  }
}

const f = Math.fround;

/** One step of Keras' Adam, every constant and operation rounded to float32. */
function kerasStepFloat32(w: Float64Array, g: ArrayLike<number>, s: Moments, h: Hyper): void {
  const { m, v, t } = s;
  const lr = f(h.lr), b1 = f(h.b1), b2 = f(h.b2), eps = f(h.eps);
  const b1p = f(Math.pow(b1, t)), b2p = f(Math.pow(b2, t));
  const c1 = f(1 - b1), c2 = f(1 - b2);
  const a = f(f(lr * f(Math.sqrt(f(1 - b2p)))) / f(1 - b1p));
  for (let j = 0; j < w.length; j++) {
    const gj = f(g[j]);
    m[j] = f(m[j] + f(f(gj - m[j]) * c1));
    v[j] = f(v[j] + f(f(f(gj * gj) - v[j]) * c2));
    w[j] = f(f(w[j]) - f(f(m[j] * a) / f(f(Math.sqrt(v[j])) + eps)));
  }
}

/** One step of the paper's Adam, every constant and operation rounded to float32. */
function paperStepFloat32(w: Float64Array, g: ArrayLike<number>, s: Moments, h: Hyper): void {
  const { m, v, t } = s;
  const lr = f(h.lr), b1 = f(h.b1), b2 = f(h.b2), eps = f(h.eps);
  const d1 = f(1 - f(Math.pow(b1, t))), d2 = f(1 - f(Math.pow(b2, t)));
  const c1 = f(1 - b1), c2 = f(1 - b2);
  for (let j = 0; j < w.length; j++) {
    const gj = f(g[j]);
    m[j] = f(f(b1 * m[j]) + f(c1 * gj));
    v[j] = f(f(b2 * v[j]) + f(f(c2 * gj) * gj));
    const mHat = f(m[j] / d1), vHat = f(v[j] / d2);
    w[j] = f(f(w[j]) - f(lr * f(mHat / f(f(Math.sqrt(vHat)) + eps))));
  }
}

const STEPS = {
  keras: { float64: kerasStep, float32: kerasStepFloat32 },
  paper: { float64: paperStep, float32: paperStepFloat32 },
};

class Adam extends OptimizerBase {
  readonly name: string;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly #form: "keras" | "paper";
  readonly #hyper: Hyper;
  #state: Moments | undefined;

  constructor(form: "keras" | "paper", options: AdamOptions) {
    const {
      learningRate = 0.001,
      beta1 = 0.9,
      beta2 = 0.999,
      epsilon = 1e-7,
      dtype = "float64",
    } = options;
    super(dtype);
    checkFinite("learningRate", learningRate, { positive: true });
    checkUnitInterval("beta1", beta1);
    checkUnitInterval("beta2", beta2);
    checkFinite("epsilon", epsilon, { positive: true });
    this.#form = form;
    this.name = form === "keras" ? "adam" : "adam (paper)";
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.#hyper = { lr: learningRate, b1: beta1, b2: beta2, eps: epsilon };
  }

  get iterations(): number {
    return this.#state?.t ?? 0;
  }
  reset(): void {
    this.#state = undefined;
  }

  step(weights: Float64Array, grads: ArrayLike<number>): void {
    checkStep(weights, grads, this.#state?.m.length ?? -1);
    const n = weights.length;
    const s = this.#state ??= { m: new Float64Array(n), v: new Float64Array(n), t: 0 };
    s.t++;
    STEPS[this.#form][this.dtype](weights, grads, s, this.#hyper);
  }
}

/**
 * Adam in Keras' form (ε outside the bias correction), with Keras' defaults
 * (lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7). This is `optimizer_adam()` in the tutorial.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adam } from "./adam.ts";
 * const opt = adam();
 * const w = new Float64Array([0]);
 * opt.step(w, [2]); // first step: m = 0.2, v = 0.004, a = 0.001·√0.001/0.1, w = −a·m/(√v + ε)
 * assert.ok(Math.abs(w[0] + 0.001) < 1e-8 && opt.iterations === 1);
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer {
  return new Adam("keras", options);
}

/**
 * Adam as in the paper (Kingma & Ba 2014, Algorithm 1), with bias-corrected m̂, v̂ and ε added to
 * √v̂; the form of the tutorial's from-scratch R loop. Defaults as {@linkcode adam}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adamPaper } from "./adam.ts";
 * const w = new Float64Array([0]);
 * adamPaper().step(w, [2]); // m̂ = 2, v̂ = 4: w = −0.001·2/(2 + 1e-7)
 * assert.ok(Math.abs(w[0] + 0.001) < 1e-9);
 * ```
 */
export function adamPaper(options: AdamOptions = {}): Optimizer {
  return new Adam("paper", options);
}
