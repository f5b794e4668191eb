/**
 * Plain (full-batch) gradient descent on the mean binary cross-entropy of logistic regression:
 * the simplest first-order method, against which Adam and IRLS are compared.
 *
 * @module
 */

import { EigenvalueDecomposition, Matrix as MlMatrix } from "ml-matrix";
import type { Matrix } from "../core/matrix.ts";
import { tutorialGradientInto } from "./loss.ts";
import { ArgumentError } from "../core/errors.ts";
import {
  checkFinite,
  checkInteger,
  checkLabels,
  checkMatrix,
  startingWeights,
} from "../core/validate.ts";

/** Options of {@linkcode gradientDescent}. */
export interface GradientDescentOptions {
  /** Number of steps; default 1000. */
  iterations?: number;
  /**
   * The fixed step size η, or `"lipschitz"` (default) for η = 1/L with L = λ_max(XᵀX)/(4N), the
   * largest curvature the mean loss can have (σ′ ≤ 1/4): the textbook safe step.
   */
  learningRate?: number | "lipschitz";
  /** Starting weights (length K); default zeros. */
  init?: ArrayLike<number>;
  /** Record θ after every step; default false. */
  trace?: boolean;
}

/** The result of {@linkcode gradientDescent}. */
export interface GradientDescentResult {
  /** The final weights. */
  theta: Float64Array;
  /** The step size used. */
  learningRate: number;
  /** θ after each step (when `trace: true`). */
  trace?: Float64Array[];
}

/**
 * The safe step 1/L of gradient descent on the mean logistic loss, L = λ_max(XᵀX)/(4N): the
 * curvature of the mean loss is at most that, since σ′ ≤ 1/4. λ_max comes from ml-matrix's
 * symmetric eigenvalue decomposition of the K×K matrix XᵀX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lipschitzStep } from "./gradient_descent.ts";
 * import { fromRows } from "../core/matrix.ts";
 * // XᵀX = diag(2, 8) for these rows, N = 2: L = 8/(4·2) = 1, the step is 1.
 * const eta = lipschitzStep(fromRows([[1, 2], [1, -2]]));
 * assert.ok(Math.abs(eta - 1) < 1e-12);
 * ```
 */
export function lipschitzStep(X: Matrix): number {
  checkMatrix("X", X);
  return safeStep(X);
}

/** {@linkcode lipschitzStep} for an X checked already. */
function safeStep(X: Matrix): number {
  const { rows: n, cols: k, data } = X;
  const g = new MlMatrix(k, k); // XᵀX
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[i * k + a] * data[i * k + b];
      g.set(a, b, s);
      g.set(b, a, s);
    }
  }
  const lambda = Math.max(
    ...new EigenvalueDecomposition(g, { assumeSymmetric: true }).realEigenvalues,
  );
  if (!(lambda > 0)) throw new ArgumentError("X", "is all zeros; there is no curvature to step by");
  return (4 * n) / lambda;
}

/**
 * Gradient descent θ ← θ − η ∇ℓ(θ) with ℓ the mean binary cross-entropy (Keras' loss, without
 * Adam): ∇ℓ = Xᵀ(σ(Xθ) − y)/N. Deterministic, no minibatches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradientDescent } from "./gradient_descent.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1, 0.5], [1, -1], [1, 2], [1, 0]]);
 * const { theta } = gradientDescent(X, [1, 0, 1, 0], { iterations: 2000 });
 * assert.ok(theta[1] > 0); // larger x₂ goes with y = 1
 * ```
 */
export function gradientDescent(
  X: Matrix,
  y: ArrayLike<number>,
  options: GradientDescentOptions = {},
): GradientDescentResult {
  const { iterations = 1000, learningRate = "lipschitz", trace = false } = options;
  checkMatrix("X", X);
  const { rows: n, cols: k, data } = X;
  checkLabels("y", y, n);
  checkInteger("iterations", iterations);
  let eta: number;
  if (learningRate === "lipschitz") eta = safeStep(X);
  else {
    checkFinite("learningRate", learningRate, { positive: true });
    eta = learningRate;
  }
  const theta = startingWeights(options.init, k);
  const labels = Float64Array.from(y), g = new Float64Array(k);
  const path: Float64Array[] | undefined = trace ? [] : undefined;
  for (let t = 0; t < iterations; t++) {
    tutorialGradientInto(data, labels, k, theta, g, undefined, 0, n); // Σ (σ(xᵢθ) − yᵢ) xᵢ
    for (let j = 0; j < k; j++) theta[j] -= eta * (g[j] / n);
    path?.push(theta.slice());
  }
  return path ? { theta, learningRate: eta, trace: path } : { theta, learningRate: eta };
}
