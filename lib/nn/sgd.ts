/**
 * Stochastic gradient descent in Keras' form, with optional momentum.
 *
 * @module
 */

import { checkFinite, checkUnitInterval } from "../core/validate.ts";
import { checkStep, type Dtype, type Optimizer, OptimizerBase } from "./optimizer.ts";

const f = Math.fround;

/** Options of {@linkcode sgd}. */
export interface SgdOptions {
  /** Step size; default 0.01 (Keras). */
  learningRate?: number;
  /** Momentum in [0, 1); default 0 (plain gradient descent). */
  momentum?: number;
  /** `"float64"` (default) or `"float32"`. */
  dtype?: Dtype;
}

class Sgd extends OptimizerBase {
  readonly name = "sgd";
  readonly learningRate: number;
  readonly momentum: number;
  #t = 0;
  #velocity = new Float64Array(0);
  #size = -1;

  constructor({ learningRate = 0.01, momentum = 0, dtype = "float64" }: SgdOptions) {
    super(dtype);
    checkFinite("learningRate", learningRate, { positive: true });
    checkUnitInterval("momentum", momentum);
    this.learningRate = learningRate;
    this.momentum = momentum;
  }
  get iterations(): number {
    return this.#t;
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
    const r = this.dtype === "float32" ? f : (x: number) => x;
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
 * import { sgd } from "./sgd.ts";
 * const w = new Float64Array([1]);
 * sgd({ learningRate: 0.1 }).step(w, [2]);
 * assert.ok(Math.abs(w[0] - 0.8) < 1e-15);
 * ```
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  return new Sgd(options);
}
