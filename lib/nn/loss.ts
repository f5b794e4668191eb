/**
 * The loss side of "logistic regression is a neural network": the sigmoid, binary cross-entropy
 * (BCE), the Bernoulli log-likelihood and their gradients with respect to the weights θ.
 *
 * Everything is computed from the logits z = Xθ rather than from probabilities, so that no
 * probability that has rounded to exactly 0 or 1 ever reaches a `log`:
 *
 * - `log σ(z) = −softplus(−z)` and `log(1 − σ(z)) = −softplus(z)`, with
 *   `softplus(z) = max(z, 0) + log1p(exp(−|z|))`, which is finite for every finite z;
 * - per observation, `BCE = softplus(z) − y·z = −[y log p̂ + (1 − y) log(1 − p̂)]`;
 * - `∂ BCE_sum / ∂θ = Xᵀ(p̂ − y)` (the tutorial's Σ(p̂ − y)x), and the log-likelihood's gradient is
 *   its negative.
 *
 * **Keras' clipped form.** When Keras' `binary_crossentropy` is handed probabilities it first clips
 * them to `[ε, 1 − ε]` with `ε = 1e-7` (`keras.backend.epsilon()`), so a single observation can
 * never cost more than `−log(1e-7) ≈ 16.1`. {@linkcode binaryCrossEntropy} reproduces that form.
 * The logit form ({@linkcode binaryCrossEntropyWithLogits}) does not clip: the two agree to about
 * 1e-7 while every p̂ lies inside `[ε, 1 − ε]`, i.e. while |z| < 16.1, and differ beyond (the logit
 * form keeps growing linearly in |z|, the clipped one stops). For a sigmoid output Keras itself
 * differentiates through the logits, so the gradient is `(p̂ − y)x` in both cases; the network
 * (`dense_unit.ts`) uses the logit form for loss and gradient.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import { ArgumentError } from "../core/errors.ts";
import {
  checkFinite,
  checkLabels,
  checkMatrix,
  checkOneOf,
  checkVector,
  checkXyTheta,
} from "../core/validate.ts";

/** How per-observation losses are combined: their sum (the tutorial's formula) or their mean (Keras). */
export type Reduction = "sum" | "mean";

/**
 * The logistic sigmoid σ(z) = 1 / (1 + e^−z), computed without overflow: for z < 0 it uses
 * e^z / (1 + e^z), so it never overflows and is never NaN. The result lies strictly inside (0, 1)
 * for −745 < z < 36.7; above z ≈ 36.74 it rounds to exactly 1 (e^−z is then below half an ulp
 * of 1) and below z ≈ −745 it underflows to exactly 0. That is why losses are computed from the
 * logits ({@linkcode logSigmoid}, {@linkcode softplus}) and never as `log(sigmoid(z))`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sigmoid } from "./loss.ts";
 * assert.ok(sigmoid(0) === 0.5);
 * assert.ok(sigmoid(-1000) === 0 && sigmoid(1000) === 1); // finite, never NaN
 * ```
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * softplus(z) = log(1 + e^z), computed as max(z, 0) + log1p(e^−|z|): finite for every finite z.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { softplus } from "./loss.ts";
 * assert.ok(softplus(0) === Math.LN2);
 * assert.ok(softplus(1e4) === 1e4);
 * ```
 */
export function softplus(z: number): number {
  return (z > 0 ? z : 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/**
 * log σ(z) = −softplus(−z), finite for every finite z (about z for very negative z, about −e^−z
 * for large z), where `Math.log(sigmoid(z))` would give −Infinity from z ≈ −745 on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logSigmoid } from "./loss.ts";
 * assert.ok(logSigmoid(-1e4) === -1e4);
 * assert.ok(Math.abs(logSigmoid(0) + Math.LN2) < 1e-16);
 * ```
 */
export function logSigmoid(z: number): number {
  return -softplus(-z);
}

function checkReduction(reduction: Reduction): void {
  checkOneOf("reduction", reduction, ["sum", "mean"]);
}

/**
 * The linear predictor (the logits) z = Xθ, one entry per row of X.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linearPredictor } from "./loss.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const z = linearPredictor(fromRows([[1, 2], [3, 4]]), [1, -1]);
 * assert.ok(z[0] === -1 && z[1] === -1);
 * ```
 */
export function linearPredictor(X: Matrix, theta: ArrayLike<number>): Float64Array {
  checkMatrix("X", X);
  checkVector("theta", theta, X.cols);
  return logitsOf(X, theta);
}

/**
 * z = Xθ without checking the arguments (for callers that checked them once already).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logitsOf } from "./loss.ts";
 * import { fromRows } from "../core/matrix.ts";
 * assert.deepEqual(Array.from(logitsOf(fromRows([[1, 2]]), [3, 4])), [11]);
 * ```
 */
export function logitsOf(X: Matrix, theta: ArrayLike<number>): Float64Array {
  const { rows, cols, data } = X;
  const z = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) s += data[o + j] * theta[j];
    z[i] = s;
  }
  return z;
}

/**
 * Binary cross-entropy from logits z (no clipping): Σ softplus(zᵢ) − yᵢzᵢ, or its mean.
 * Finite for every finite z.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binaryCrossEntropyWithLogits } from "./loss.ts";
 * // one observation with p̂ = 0.5 costs log 2, whatever its label
 * assert.ok(binaryCrossEntropyWithLogits([1, 0], [0, 0], { reduction: "mean" }) === Math.LN2);
 * assert.ok(binaryCrossEntropyWithLogits([1], [-1e4]) === 1e4); // finite far out
 * ```
 */
export function binaryCrossEntropyWithLogits(
  y: ArrayLike<number>,
  z: ArrayLike<number>,
  { reduction = "sum" }: { reduction?: Reduction } = {},
): number {
  checkReduction(reduction);
  checkVector("z", z);
  checkLabels("y", y, z.length);
  const s = crossEntropySum(y, z);
  return reduction === "mean" ? s / z.length : s;
}

/** Σ softplus(zᵢ) − yᵢzᵢ, unchecked. */
function crossEntropySum(y: ArrayLike<number>, z: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) s += softplus(z[i]) - y[i] * z[i];
  return s;
}

/**
 * The summed binary cross-entropy of θ on (X, y), without checking the arguments: the core of
 * {@linkcode binaryCrossEntropyLoss} and {@linkcode bernoulliLogLikelihood} (= its negative), for
 * callers that evaluate it many times on arguments they checked once (a loss surface, a trace).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crossEntropyOf } from "./loss.ts";
 * import { fromRows } from "../core/matrix.ts";
 * assert.equal(crossEntropyOf(fromRows([[1], [2]]), [1, 0], [0]), 2 * Math.LN2);
 * ```
 */
export function crossEntropyOf(X: Matrix, y: ArrayLike<number>, theta: ArrayLike<number>): number {
  return crossEntropySum(y, logitsOf(X, theta));
}

/**
 * Binary cross-entropy from probabilities p̂, clipped like Keras to `[epsilon, 1 − epsilon]`
 * (default `1e-7`, Keras' `backend.epsilon()`) so that no log ever sees 0:
 * −Σ yᵢ log p̂ᵢ + (1 − yᵢ) log(1 − p̂ᵢ), or its mean.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binaryCrossEntropy } from "./loss.ts";
 * assert.ok(binaryCrossEntropy([1, 0], [0.5, 0.5]) === 2 * Math.LN2);
 * // p̂ = 0 for a positive label is clipped to 1e-7: a large but finite cost
 * assert.ok(Math.abs(binaryCrossEntropy([1], [0]) + Math.log(1e-7)) < 1e-12);
 * ```
 */
export function binaryCrossEntropy(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  { reduction = "sum", epsilon = 1e-7 }: { reduction?: Reduction; epsilon?: number } = {},
): number {
  checkReduction(reduction);
  checkFinite("epsilon", epsilon, { positive: true });
  if (epsilon >= 0.5) throw new ArgumentError("epsilon", `must be below 0.5, got ${epsilon}`);
  checkVector("p", p);
  checkLabels("y", y, p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] < 0 || p[i] > 1) {
      throw new ArgumentError(
        "p",
        `holds ${p[i]} at position ${i + 1}; probabilities lie in [0, 1]`,
      );
    }
    const q = Math.min(Math.max(p[i], epsilon), 1 - epsilon);
    s -= y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
  }
  return reduction === "mean" ? s / p.length : s;
}

/**
 * Binary cross-entropy of the weights θ on data (X, y): BCE(y, σ(Xθ)) in the stable logit form,
 * summed (the tutorial's formula, default) or averaged (Keras).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binaryCrossEntropyLoss } from "./loss.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1], [2]]);
 * assert.ok(binaryCrossEntropyLoss(X, [1, 0], [0]) === 2 * Math.LN2);
 * ```
 */
export function binaryCrossEntropyLoss(
  X: Matrix,
  y: ArrayLike<number>,
  theta: ArrayLike<number>,
  { reduction = "sum" }: { reduction?: Reduction } = {},
): number {
  checkReduction(reduction);
  checkXyTheta(X, y, theta);
  const sum = crossEntropyOf(X, y, theta);
  return reduction === "mean" ? sum / X.rows : sum;
}

/**
 * The Bernoulli log-likelihood of θ: Σ yᵢ log p̂ᵢ + (1 − yᵢ) log(1 − p̂ᵢ) with p̂ = σ(Xθ), computed
 * as Σ yᵢzᵢ − softplus(zᵢ). It is exactly −{@linkcode binaryCrossEntropyLoss} (sum).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bernoulliLogLikelihood, binaryCrossEntropyLoss } from "./loss.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1, 0.5], [2, -1], [0.3, 0.3]]), y = [1, 0, 1], theta = [0.2, -0.4];
 * assert.ok(bernoulliLogLikelihood(X, y, theta) === -binaryCrossEntropyLoss(X, y, theta));
 * ```
 */
export function bernoulliLogLikelihood(
  X: Matrix,
  y: ArrayLike<number>,
  theta: ArrayLike<number>,
): number {
  checkXyTheta(X, y, theta);
  return -crossEntropyOf(X, y, theta);
}

/**
 * The gradient of binary cross-entropy with respect to θ: Xᵀ(p̂ − y) for the sum (the tutorial's
 * Σ(p̂ − y)x), divided by N for the mean. p̂ comes from the stable {@linkcode sigmoid}, so the
 * gradient is finite for every finite Xθ.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binaryCrossEntropyGradient } from "./loss.ts";
 * import { fromRows } from "../core/matrix.ts";
 * // at θ = 0 every p̂ is 1/2: gradient = Σ (1/2 − y) x = (0.5·1) + (−0.5·3) = −1
 * const g = binaryCrossEntropyGradient(fromRows([[1], [3]]), [0, 1], [0]);
 * assert.ok(g[0] === -1);
 * ```
 */
export function binaryCrossEntropyGradient(
  X: Matrix,
  y: ArrayLike<number>,
  theta: ArrayLike<number>,
  { reduction = "sum" }: { reduction?: Reduction } = {},
): Float64Array {
  checkReduction(reduction);
  checkXyTheta(X, y, theta);
  const z = logitsOf(X, theta);
  const { rows, cols, data } = X;
  const g = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const r = sigmoid(z[i]) - y[i];
    const o = i * cols;
    for (let j = 0; j < cols; j++) g[j] += r * data[o + j];
  }
  if (reduction === "mean") { for (let j = 0; j < cols; j++) g[j] /= rows; }
  return g;
}

/**
 * The tutorial's gradient of the summed loss, Σ (σ(xᵢθ) − yᵢ) xᵢ over the rows `order[start..end)`
 * (rows start..end−1 when `order` is undefined), written into `g`, unchecked. It is computed as
 * the tutorial's R loop computes it: z = Σⱼ θⱼ xᵢⱼ in column order, `sigmoid_function(z)` =
 * 1/(1 + exp(−z)), and g accumulated row by row in batch order, as R's BLAS (dgemv) does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tutorialGradientInto } from "./loss.ts";
 * const g = new Float64Array(1);
 * tutorialGradientInto(Float64Array.of(1, 3), Float64Array.of(0, 1), 1, Float64Array.of(0), g, undefined, 0, 2);
 * assert.equal(g[0], -1); // (1/2 − 0)·1 + (1/2 − 1)·3
 * ```
 */
export function tutorialGradientInto(
  data: Float64Array,
  labels: Float64Array,
  k: number,
  theta: Float64Array,
  g: Float64Array,
  order: Int32Array | undefined,
  start: number,
  end: number,
): void {
  g.fill(0);
  for (let b = start; b < end; b++) {
    const i = order === undefined ? b : order[b], o = i * k;
    let z = 0;
    for (let j = 0; j < k; j++) z += theta[j] * data[o + j];
    const r = 1 / (1 + Math.exp(-z)) - labels[i];
    for (let j = 0; j < k; j++) g[j] += r * data[o + j];
  }
}

/**
 * The gradient of the Bernoulli log-likelihood with respect to θ: Xᵀ(y − p̂), the negative of
 * {@linkcode binaryCrossEntropyGradient} (sum). This is what the tutorial's from-scratch loop
 * ascends.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bernoulliLogLikelihoodGradient } from "./loss.ts";
 * import { fromRows } from "../core/matrix.ts";
 * assert.ok(bernoulliLogLikelihoodGradient(fromRows([[1], [3]]), [0, 1], [0])[0] === 1);
 * ```
 */
export function bernoulliLogLikelihoodGradient(
  X: Matrix,
  y: ArrayLike<number>,
  theta: ArrayLike<number>,
): Float64Array {
  const g = binaryCrossEntropyGradient(X, y, theta, { reduction: "sum" });
  for (let j = 0; j < g.length; j++) g[j] = -g[j];
  return g;
}
