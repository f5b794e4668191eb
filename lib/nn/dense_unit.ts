/**
 * One dense unit with a sigmoid, forward and backward, over a batch of rows: the whole network of
 * the tutorial, written for reading. For a row x with label y and weights w (and a bias b):
 *
 * ```text
 * forward    z = x·w + b                  the logit
 *            p̂ = σ(z) = 1/(1 + e^−z)      the predicted probability
 *            loss = softplus(z) − y·z     binary cross-entropy −[y log p̂ + (1 − y) log(1 − p̂)]
 * backward   ∂loss/∂w = (p̂ − y)·x         the tutorial's gradient, row by row
 *            ∂loss/∂b = p̂ − y
 * ```
 *
 * {@linkcode forwardBackward} is that in float64, with `sigmoid` and `softplus` of `loss.ts`;
 * {@linkcode forwardBackwardFloat32} is the same in Keras' float32 arithmetic, every operation
 * rounded to float32 and the residual scaled by 1/(batch size) before it meets x, as Keras'
 * automatic differentiation of a *mean* loss does. The fast kernels of `_kernels/` compute the
 * same (tested against these).
 *
 * @module
 */

import { sigmoid, softplus } from "./loss.ts";

/** The unit's shape: K inputs, and whether it has a bias (stored after the K weights). */
export interface Unit {
  /** Number of inputs K. */
  readonly k: number;
  /** Whether `w[k]` is a bias. */
  readonly useBias: boolean;
}

/** A batch: rows [start, end) of the row-major `X` (K columns) and their labels `y`. */
export interface Batch {
  /** N × K features, row-major. */
  readonly X: Float64Array;
  /** N labels, 0 or 1. */
  readonly y: Float64Array;
  /** First row. */
  readonly start: number;
  /** One past the last row. */
  readonly end: number;
}

/** What a pass over a batch returns (its gradient goes into the caller's array). */
export interface PassResult {
  /** The summed loss of the batch's rows. */
  lossSum: number;
  /** How many rows the unit classifies right: (p̂ > 1/2) = y. */
  hits: number;
}

/**
 * The logit z = x·w + b of row `i` (the products added in feature order, then the bias).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logit } from "./dense_unit.ts";
 * assert.equal(logit({ k: 2, useBias: true }, Float64Array.of(1, 2), 0, Float64Array.of(3, 4, 5)), 16);
 * ```
 */
export function logit(unit: Unit, X: Float64Array, i: number, w: Float64Array): number {
  const { k, useBias } = unit;
  let z = 0;
  for (let j = 0; j < k; j++) z += X[i * k + j] * w[j];
  return useBias ? z + w[k] : z;
}

/**
 * The logit of row `i` in float32: X and `w` hold float32 values and every sum and product is
 * rounded to float32, the bias added last.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logitFloat32 } from "./dense_unit.ts";
 * const z = logitFloat32({ k: 1, useBias: false }, Float64Array.of(3), 0, Float64Array.of(0.1));
 * assert.equal(z, Math.fround(3 * 0.1));
 * ```
 */
export function logitFloat32(unit: Unit, X: Float64Array, i: number, w: Float64Array): number {
  const f = Math.fround;
  const { k, useBias } = unit;
  let z = 0;
  for (let j = 0; j < k; j++) z = f(z + f(X[i * k + j] * w[j]));
  return useBias ? f(z + f(w[k])) : z;
}

/**
 * The forward and backward pass of a batch in float64: returns the summed loss and the hits, and
 * writes the *summed* gradient Σ(p̂ − y)[x, 1] into `g` (K entries, then the bias's).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forwardBackward } from "./dense_unit.ts";
 * const batch = { X: Float64Array.of(1, 0, 0, 1, 1, 1), y: Float64Array.of(1, 0, 1), start: 0, end: 3 };
 * const g = new Float64Array(2);
 * const { lossSum } = forwardBackward({ k: 2, useBias: false }, batch, new Float64Array(2), g);
 * assert.ok(Math.abs(lossSum - 3 * Math.LN2) < 1e-15); // p̂ = 1/2 for every row at w = 0
 * assert.deepEqual(Array.from(g), [-1, 0]); // Σ(1/2 − y)x
 * ```
 */
export function forwardBackward(
  unit: Unit,
  { X, y, start, end }: Batch,
  w: Float64Array,
  g: Float64Array,
): PassResult {
  const { k, useBias } = unit;
  g.fill(0);
  let lossSum = 0, hits = 0;
  for (let i = start; i < end; i++) {
    const z = logit(unit, X, i, w); //                forward
    const p = sigmoid(z);
    lossSum += softplus(z) - y[i] * z;
    if ((p > 0.5 ? 1 : 0) === y[i]) hits++;
    const r = p - y[i]; //                            backward
    for (let j = 0; j < k; j++) g[j] += r * X[i * k + j];
    if (useBias) g[k] += r;
  }
  return { lossSum, hits };
}

/**
 * The same pass in float32, as Keras computes it: X and `w` hold float32 values, every operation
 * is rounded to float32 (`Math.fround`), σ is formed from e = exp(−|z|) without overflow, and the
 * residual is scaled by 1/(end − start) before it meets x, so `g` receives the gradient of the
 * batch's *mean* loss. The summed loss is returned as in float64.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forwardBackwardFloat32 } from "./dense_unit.ts";
 * const batch = { X: Float64Array.of(1, 3), y: Float64Array.of(0, 1), start: 0, end: 2 };
 * const g = new Float64Array(1);
 * forwardBackwardFloat32({ k: 1, useBias: false }, batch, Float64Array.of(0), g);
 * assert.equal(g[0], -0.5); // mean of (1/2 − y)x = (0.5 − 1.5)/2
 * ```
 */
export function forwardBackwardFloat32(
  unit: Unit,
  { X, y, start, end }: Batch,
  w: Float64Array,
  g: Float64Array,
): PassResult {
  const f = Math.fround;
  const { k, useBias } = unit;
  g.fill(0);
  const scale = f(1 / (end - start)); // ∂ mean / ∂ lossᵢ
  let lossSum = 0, hits = 0;
  for (let i = start; i < end; i++) {
    const z = logitFloat32(unit, X, i, w); //                          forward
    const e = f(Math.exp(f(-Math.abs(z))));
    const q = f(1 / f(1 + e));
    const p = z >= 0 ? q : f(e * q); //                              σ(z), either side of 0
    lossSum = f(lossSum + f(f((z > 0 ? z : 0) - f(z * y[i])) + f(Math.log1p(e))));
    if ((p > 0.5 ? 1 : 0) === y[i]) hits++;
    const r = f(f(p - y[i]) * scale); //                              backward
    for (let j = 0; j < k; j++) g[j] = f(g[j] + f(r * X[i * k + j]));
    if (useBias) g[k] = f(g[k] + r);
  }
  return { lossSum, hits };
}
