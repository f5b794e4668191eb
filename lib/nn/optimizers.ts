/**
 * First-order optimizers that update a weight vector in place from its gradient: Adam in Keras'
 * form (what `optimizer_adam()` in the tutorial runs), Adam in the paper's form (what the
 * tutorial's from-scratch R loop runs) and plain SGD.
 *
 * The two Adam forms differ only in where ε sits. Keras (keras/src/optimizers/adam.py, and
 * TensorFlow's `ApplyAdam` kernel) folds both bias corrections into the step size,
 *
 *     a = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ);  m += (g − m)(1 − β₁);  v += (g² − v)(1 − β₂);  w −= a·m/(√v + ε)
 *
 * while the paper (Kingma & Ba 2014, Algorithm 1) divides by √v̂ + ε with v̂ = v/(1 − β₂ᵗ):
 *
 *     m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ);  w −= lr·m̂/(√v̂ + ε)
 *
 * so Keras' ε acts as ε·√(1 − β₂ᵗ) in the paper's terms. Both use t = the number of steps taken
 * (Keras counts batches, not epochs).
 *
 * With `dtype: "float32"` every operation is rounded to float32 with `Math.fround`, constants
 * included, as Keras computes with float32 variables.
 *
 * @module
 */

import { ArgumentError, checkFinite } from "../core/validate.ts";

/** The arithmetic of a computation: IEEE double, or float32 with every operation rounded. */
export type Dtype = "float64" | "float32";

/** An optimizer: updates `weights` in place from `grads`, keeping its own state (moments, step count). */
export interface Optimizer {
  /** A short name, e.g. `"adam"`. */
  readonly name: string;
  /** The learning rate. */
  readonly learningRate: number;
  /** The number of steps taken so far (Keras' `optimizer.iterations`). */
  readonly iterations: number;
  /** The arithmetic used by {@linkcode Optimizer.step}. Setting it resets the state. */
  dtype: Dtype;
  /** Takes one step: `weights` is updated in place; `grads` has the same length. */
  step(weights: Float64Array, grads: ArrayLike<number>): void;
  /** Forgets the moments and the step count. */
  reset(): void;
}

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

/** Options of {@linkcode sgd}. */
export interface SgdOptions {
  /** Step size; default 0.01 (Keras). */
  learningRate?: number;
  /** Momentum in [0, 1); default 0 (plain gradient descent). */
  momentum?: number;
  /** `"float64"` (default) or `"float32"`. */
  dtype?: Dtype;
}

function checkDtype(dtype: unknown): Dtype {
  if (dtype !== "float64" && dtype !== "float32") {
    throw new ArgumentError("dtype", `must be "float64" or "float32", got ${String(dtype)}`);
  }
  return dtype;
}

function checkUnit(name: string, value: number, { open = false } = {}): void {
  checkFinite(name, value);
  if (value < 0 || value >= 1 || (open && value === 0)) {
    throw new ArgumentError(name, `must lie in ${open ? "(0, 1)" : "[0, 1)"}, got ${value}`);
  }
}

function checkStep(weights: Float64Array, grads: ArrayLike<number>, size: number): void {
  if (!(weights instanceof Float64Array)) {
    throw new ArgumentError("weights", "must be a Float64Array (it is updated in place)");
  }
  if (grads.length !== weights.length) {
    throw new ArgumentError(
      "grads",
      `has ${grads.length} entries but weights have ${weights.length}`,
    );
  }
  if (size >= 0 && size !== weights.length) {
    throw new ArgumentError(
      "weights",
      `has ${weights.length} entries but this optimizer was stepping ${size}; call reset() first`,
    );
  }
}

const f = Math.fround;

type AdamForm = "keras" | "paper";

class Adam implements Optimizer {
  readonly name: string;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  #dtype: Dtype;
  #t = 0;
  #m = new Float64Array(0);
  #v = new Float64Array(0);
  #size = -1;
  readonly #form: AdamForm;

  constructor(form: AdamForm, options: AdamOptions) {
    const {
      learningRate = 0.001,
      beta1 = 0.9,
      beta2 = 0.999,
      epsilon = 1e-7,
      dtype = "float64",
    } = options;
    checkFinite("learningRate", learningRate, { positive: true });
    checkUnit("beta1", beta1);
    checkUnit("beta2", beta2);
    checkFinite("epsilon", epsilon, { positive: true });
    this.#form = form;
    this.name = form === "keras" ? "adam" : "adam (paper)";
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.#dtype = checkDtype(dtype);
  }

  get iterations(): number {
    return this.#t;
  }
  get dtype(): Dtype {
    return this.#dtype;
  }
  set dtype(d: Dtype) {
    this.#dtype = checkDtype(d);
    this.reset();
  }

  reset(): void {
    this.#t = 0;
    this.#size = -1;
  }

  step(weights: Float64Array, grads: ArrayLike<number>): void {
    checkStep(weights, grads, this.#size);
    const n = weights.length;
    if (this.#size < 0) {
      this.#m = new Float64Array(n);
      this.#v = new Float64Array(n);
      this.#size = n;
    }
    const t = ++this.#t;
    const m = this.#m, v = this.#v;
    if (this.#dtype === "float64") {
      const lr = this.learningRate, b1 = this.beta1, b2 = this.beta2, eps = this.epsilon;
      const b1p = Math.pow(b1, t), b2p = Math.pow(b2, t);
      if (this.#form === "keras") {
        const a = lr * Math.sqrt(1 - b2p) / (1 - b1p);
        const c1 = 1 - b1, c2 = 1 - b2;
        for (let j = 0; j < n; j++) {
          const g = grads[j];
          m[j] += (g - m[j]) * c1;
          v[j] += (g * g - v[j]) * c2;
          weights[j] -= (m[j] * a) / (Math.sqrt(v[j]) + eps);
        }
      } else {
        for (let j = 0; j < n; j++) {
          const g = grads[j];
          m[j] = b1 * m[j] + (1 - b1) * g;
          v[j] = b2 * v[j] + (1 - b2) * g * g;
          const mHat = m[j] / (1 - b1p), vHat = v[j] / (1 - b2p);
          weights[j] -= lr * (mHat / (Math.sqrt(vHat) + eps));
        }
      }
      return;
    }
    // float32: every constant and every intermediate rounded to float32.
    const lr = f(this.learningRate), b1 = f(this.beta1), b2 = f(this.beta2), eps = f(this.epsilon);
    const b1p = f(Math.pow(b1, t)), b2p = f(Math.pow(b2, t));
    const c1 = f(1 - b1), c2 = f(1 - b2);
    if (this.#form === "keras") {
      const a = f(f(lr * f(Math.sqrt(f(1 - b2p)))) / f(1 - b1p));
      for (let j = 0; j < n; j++) {
        const g = f(grads[j]);
        m[j] = f(m[j] + f(f(g - m[j]) * c1));
        v[j] = f(v[j] + f(f(f(g * g) - v[j]) * c2));
        weights[j] = f(f(weights[j]) - f(f(m[j] * a) / f(f(Math.sqrt(v[j])) + eps)));
      }
    } else {
      const d1 = f(1 - b1p), d2 = f(1 - b2p);
      for (let j = 0; j < n; j++) {
        const g = f(grads[j]);
        m[j] = f(f(b1 * m[j]) + f(c1 * g));
        v[j] = f(f(b2 * v[j]) + f(f(c2 * g) * g));
        const mHat = f(m[j] / d1), vHat = f(v[j] / d2);
        weights[j] = f(f(weights[j]) - f(lr * f(mHat / f(f(Math.sqrt(vHat)) + eps))));
      }
    }
  }
}

/**
 * Adam in Keras' form (ε outside the bias correction), with Keras' defaults
 * (lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7). This is `optimizer_adam()` in the tutorial.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adam } from "./optimizers.ts";
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
 * import { adamPaper } from "./optimizers.ts";
 * const w = new Float64Array([0]);
 * adamPaper().step(w, [2]); // m̂ = 2, v̂ = 4: w = −0.001·2/(2 + 1e-7)
 * assert.ok(Math.abs(w[0] + 0.001) < 1e-9);
 * ```
 */
export function adamPaper(options: AdamOptions = {}): Optimizer {
  return new Adam("paper", options);
}

class Sgd implements Optimizer {
  readonly name = "sgd";
  readonly learningRate: number;
  readonly momentum: number;
  #dtype: Dtype;
  #t = 0;
  #velocity = new Float64Array(0);
  #size = -1;

  constructor({ learningRate = 0.01, momentum = 0, dtype = "float64" }: SgdOptions) {
    checkFinite("learningRate", learningRate, { positive: true });
    checkUnit("momentum", momentum);
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.#dtype = checkDtype(dtype);
  }
  get iterations(): number {
    return this.#t;
  }
  get dtype(): Dtype {
    return this.#dtype;
  }
  set dtype(d: Dtype) {
    this.#dtype = checkDtype(d);
    this.reset();
  }
  reset(): void {
    this.#t = 0;
    this.#size = -1;
  }
  step(weights: Float64Array, grads: ArrayLike<number>): void {
    checkStep(weights, grads, this.#size);
    const n = weights.length;
    if (this.#size < 0) {
      this.#velocity = new Float64Array(n);
      this.#size = n;
    }
    this.#t++;
    const r = this.#dtype === "float32" ? f : (x: number) => x;
    const lr = r(this.learningRate), mu = r(this.momentum), vel = this.#velocity;
    for (let j = 0; j < n; j++) {
      if (mu === 0) {
        weights[j] = r(weights[j] - r(lr * r(grads[j])));
      } else {
        vel[j] = r(r(mu * vel[j]) - r(lr * r(grads[j])));
        weights[j] = r(weights[j] + vel[j]);
      }
    }
  }
}

/**
 * Stochastic gradient descent in Keras' form: `w −= lr·g`, or with momentum μ
 * `u = μu − lr·g; w += u`. Default learning rate 0.01.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sgd } from "./optimizers.ts";
 * const w = new Float64Array([1]);
 * sgd({ learningRate: 0.1 }).step(w, [2]);
 * assert.ok(Math.abs(w[0] - 0.8) < 1e-15);
 * ```
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  return new Sgd(options);
}

/** The optimizer names {@linkcode getOptimizer} understands. */
export type OptimizerName = "adam" | "sgd";

/**
 * Turns a name (`"adam"`, `"sgd"`, with their defaults) or an optimizer into an optimizer, as
 * Keras' `compile(optimizer = "adam")` does. Unknown names throw an `ArgumentError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getOptimizer } from "./optimizers.ts";
 * assert.ok(getOptimizer("adam").learningRate === 0.001);
 * ```
 */
export function getOptimizer(optimizer: OptimizerName | Optimizer): Optimizer {
  if (optimizer === "adam") return adam();
  if (optimizer === "sgd") return sgd();
  if (
    optimizer !== null && typeof optimizer === "object" &&
    typeof (optimizer as Optimizer).step === "function"
  ) {
    return optimizer;
  }
  throw new ArgumentError(
    "optimizer",
    `must be "adam", "sgd" or an optimizer such as adam(), got ${JSON.stringify(optimizer)}`,
  );
}
