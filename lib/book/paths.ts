/**
 * The paths the three optimisers take, recorded step by step on a problem small enough to draw:
 * the tutorial's data restricted to two features, so that the log-likelihood is a function of two
 * coefficients and its contour map is the whole landscape the optimisers walk on.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { checkInteger } from "../core/validate.ts";
import { generateData } from "../data/dataset.ts";
import { glm } from "../glm/glm.ts";
import { irlsStep } from "../glm/irls_step.ts";
import { gradientDescent } from "../nn/gradient_descent.ts";
import { trainNetwork } from "./problem.ts";

/** One optimiser's path: the two coefficients after each step, from the start (step 0). */
export interface OptimiserPath {
  /** `"IRLS"`, `"Adam"` or `"gradient descent"`. */
  method: string;
  /** What one step is (`"iteration"` or `"epoch"`). */
  unit: string;
  /** Step numbers, 0 for the start. */
  step: number[];
  /** The two coefficients after each step. */
  theta: [number, number][];
}

/** What {@linkcode optimiserPaths} returns. */
export interface OptimiserPaths {
  /** The two-column feature matrix. */
  X: Matrix;
  /** The labels. */
  y: Float64Array;
  /** The columns' names (e.g. `["X3", "X4"]`). */
  names: [string, string];
  /** glm's coefficients on the two columns (`maxit = 25, epsilon = 1e-10`): the optimum. */
  optimum: [number, number];
  /** The paths of IRLS, Adam and gradient descent, all from (0, 0). */
  paths: OptimiserPath[];
}

/**
 * Records how IRLS, Adam and gradient descent walk to the maximum of the log-likelihood of a
 * two-feature logistic regression (the tutorial's data, columns `columns`, no intercept), all
 * three starting from zero: IRLS as Newton's method from β = 0 (glm itself starts from the fitted
 * values (y + 0.5)/2 instead), the network's Adam (Keras form, α = 0.001, full batch) and
 * gradient descent on the mean loss with the safe step 1/L, one point per iteration or epoch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimiserPaths } from "./paths.ts";
 * const r = optimiserPaths({ epochs: 50 });
 * assert.deepEqual(r.paths.map((p) => p.method), ["IRLS", "Adam", "gradient descent"]);
 * assert.deepEqual(r.paths[1].theta[0], [0, 0]);
 * ```
 */
export function optimiserPaths(
  { columns = [2, 3], epochs = 1000, irlsIterations = 6 }: {
    columns?: [number, number];
    epochs?: number;
    irlsIterations?: number;
  } = {},
): OptimiserPaths {
  checkInteger("epochs", epochs);
  checkInteger("irlsIterations", irlsIterations);
  const data = generateData();
  const k = data.X.cols, n = data.X.rows;
  for (const c of columns) {
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new ArgumentError("columns", `must name two columns between 0 and ${k - 1}, got ${c}`);
    }
  }
  if (columns[0] === columns[1]) {
    throw new ArgumentError("columns", "must name two different columns");
  }
  const X = matrix(n, 2);
  for (let i = 0; i < n; i++) {
    X.data[2 * i] = data.X.data[i * k + columns[0]];
    X.data[2 * i + 1] = data.X.data[i * k + columns[1]];
  }
  const y = Float64Array.from(data.y);
  const fit = glm(X, y, { maxit: 25, epsilon: 1e-10 });
  const optimum = fit.coefficients.map((c) => c ?? NaN) as [number, number];

  const irls: OptimiserPath = { method: "IRLS", unit: "iteration", step: [0], theta: [[0, 0]] };
  let eta: Float64Array = new Float64Array(n); // β = 0
  for (let t = 1; t <= irlsIterations; t++) {
    const s = irlsStep(X, y, eta);
    irls.step.push(t);
    irls.theta.push([s.beta[0], s.beta[1]]);
    eta = s.nextEta;
  }

  const adam: OptimiserPath = { method: "Adam", unit: "epoch", step: [0], theta: [[0, 0]] };
  const { recorded } = trainNetwork(X, y, { epochs, recordAt: "all" });
  for (let e = 1; e <= epochs; e++) {
    const w = recorded.get(e)!;
    adam.step.push(e);
    adam.theta.push([w[0], w[1]]);
  }

  const gd: OptimiserPath = {
    method: "gradient descent",
    unit: "step",
    step: [0],
    theta: [[0, 0]],
  };
  const { trace } = gradientDescent(X, y, { iterations: epochs, trace: true });
  trace!.forEach((w, i) => {
    gd.step.push(i + 1);
    gd.theta.push([w[0], w[1]]);
  });

  const names = columns.map((c) => data.names[c]) as [string, string];
  return { X, y, names, optimum, paths: [irls, adam, gd] };
}
