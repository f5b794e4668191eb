/**
 * "When does the equivalence break?" — part two, the experiments of notebook 06 beyond agreement:
 * first- versus second-order convergence, complete separation, and collinearity. Each returns
 * plain rows for a table or a figure (see `figures.ts`).
 *
 * @module
 */

import { matrix } from "../core/matrix.ts";
import { distance } from "../core/metrics.ts";
import { checkInteger, checkLabels, checkMatrix } from "../core/validate.ts";
import { generateData } from "../data/dataset.ts";
import { glm } from "../glm/glm.ts";
import type { GlmFit } from "../glm/glm_fit.ts";
import { irlsStart, irlsStepUnchecked } from "../glm/irls_step.ts";
import { gradientDescent } from "../nn/gradient_descent.ts";
import { rRng } from "../r/random.ts";
import { logSpaced, type Problem, trainNetwork } from "./problem.ts";

/** One point of a convergence path. */
export interface ConvergenceRow {
  /** `"IRLS"`, `"Adam"` or `"gradient descent"`. */
  method: string;
  /** Iteration (IRLS) or epoch (Adam, gradient descent; one full-batch step each). */
  iteration: number;
  /** Euclidean distance from the optimum. */
  distance: number;
}

/** The optimum to machine precision: IRLS from R's start until the coefficients stop moving. */
function irlsPath(p: Problem, iterations: number): { path: Float64Array[]; optimum: Float64Array } {
  checkMatrix("p.X", p.X);
  checkLabels("p.y", p.y, p.X.rows);
  let eta = irlsStart(p.y);
  const path: Float64Array[] = [];
  let optimum = new Float64Array(p.X.cols);
  for (let t = 0; t < Math.max(iterations, 30); t++) {
    const step = irlsStepUnchecked(p.X, p.y, eta, 1e-11); // checked once, above
    if (t < iterations) path.push(step.beta);
    const moved = distance(optimum, step.beta);
    optimum = Float64Array.from(step.beta);
    eta = step.nextEta;
    if (t >= iterations && moved === 0) break;
  }
  return { path, optimum };
}

/**
 * First- versus second-order convergence: the distance from the optimum per iteration of IRLS
 * (glm's algorithm, from R's start), per epoch of the network's full-batch Adam (Keras form,
 * α = 0.001) and per step of plain gradient descent on the mean loss (step 1/L). The optimum is
 * IRLS iterated to machine precision. Adam and gradient descent are reported at about 60
 * log-spaced epochs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { convergence } from "./breakdowns.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const rows = convergence(tutorialProblem(), { epochs: 50 });
 * assert.ok(rows.some((r) => r.method === "IRLS" && r.distance < 1e-8));
 * ```
 */
export function convergence(
  p: Problem,
  { irlsIterations = 8, epochs = 5000 }: { irlsIterations?: number; epochs?: number } = {},
): ConvergenceRow[] {
  checkInteger("irlsIterations", irlsIterations);
  checkInteger("epochs", epochs);
  const { path, optimum } = irlsPath(p, irlsIterations);
  const rows: ConvergenceRow[] = path.map((b, t) => ({
    method: "IRLS",
    iteration: t + 1,
    distance: distance(optimum, b),
  }));
  const at = logSpaced(epochs, 60);
  const net = trainNetwork(p.X, p.y, { epochs, recordAt: new Set(at) });
  for (const e of at) {
    rows.push({ method: "Adam", iteration: e, distance: distance(optimum, net.recorded.get(e)!) });
  }
  const gd = gradientDescent(p.X, p.y, { iterations: epochs, trace: true });
  for (const e of at) {
    rows.push({
      method: "gradient descent",
      iteration: e,
      distance: distance(optimum, gd.trace![e - 1]),
    });
  }
  return rows;
}

/** One row of {@linkcode separation}. */
export interface SeparationRow {
  /** `"glm"` (per IRLS iteration) or `"network"` (per epoch). */
  method: string;
  /** The IRLS iteration or the epoch. */
  step: number;
  /** Euclidean norm of the weights. */
  norm: number;
}

/** What {@linkcode separation} returns. */
export interface SeparationResult {
  /** The norm of the weights along the way. */
  rows: SeparationRow[];
  /** glm's warnings (R's texts). */
  warnings: string[];
  /** Whether glm declared convergence. */
  converged: boolean;
  /** glm's iterations. */
  iterations: number;
  /** glm's final coefficients. */
  glm: (number | null)[];
  /** The network's final weights. */
  network: Float64Array;
}

/**
 * Complete separation: the labels are y = 1 exactly when x₁ > x₂ on the tutorial's features, so
 * a weight vector along (1, −1, 0, …) classifies every row and the likelihood has no maximum.
 * glm warns and its coefficients grow with every iteration (until its deviance test stops it);
 * the network's weights keep growing with the epochs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { separation } from "./breakdowns.ts";
 * const s = separation({ n: 200, epochs: 100 });
 * assert.ok(s.warnings.length > 0);
 * ```
 */
export function separation(
  { n = 1000, epochs = 5000 }: { n?: number; epochs?: number } = {},
): SeparationResult {
  checkInteger("n", n, 2);
  checkInteger("epochs", epochs);
  const { X } = generateData({ n });
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = X.data[i * X.cols] > X.data[i * X.cols + 1] ? 1 : 0;
  const fit: GlmFit = glm(X, y, { maxit: 25, epsilon: 1e-10 });
  const rows: SeparationRow[] = fit.trace.map((s, t) => ({
    method: "glm",
    step: t + 1,
    norm: Math.hypot(...s.coefficients.map((c) => c ?? 0)),
  }));
  const at = logSpaced(epochs, 60);
  const net = trainNetwork(X, y, { epochs, recordAt: new Set(at) });
  for (const e of at) {
    rows.push({ method: "network", step: e, norm: Math.hypot(...net.recorded.get(e)!) });
  }
  return {
    rows,
    warnings: fit.warnings,
    converged: fit.converged,
    iterations: fit.iterations,
    glm: fit.coefficients,
    network: net.weights,
  };
}

/** One row of {@linkcode collinearitySplit}: the two copies' weights after an epoch. */
export interface CollinearityRow {
  /** `"zeros"` or `"random"` start. */
  init: string;
  /** Epoch. */
  epoch: number;
  /** Weight of column 1. */
  w1: number;
  /** Weight of its copy (the last column). */
  w2: number;
  /** Their sum, which plays the role of glm's single coefficient. */
  sum: number;
}

/** What {@linkcode collinearitySplit} returns. */
export interface CollinearityResult {
  /** The two weights per recorded epoch, for each start. */
  rows: CollinearityRow[];
  /** glm's coefficients on the widened data: the copy is `null` (R's NA, aliased). */
  glm: (number | null)[];
  /** glm's coefficient of column 1 (which stands for both copies). */
  glmCoefficient: number;
}

/**
 * Collinearity: the tutorial's data with column 1 appended again as an 11th column. glm detects
 * the exact linear dependence and reports the copy as aliased (NA); the network cannot tell the
 * copies apart — both get the same gradient, so from zeros they share the weight equally, and from
 * a random start of the pair (normal, sd 0.5) their difference never changes — while their sum approaches glm's coefficient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collinearitySplit } from "./breakdowns.ts";
 * const c = collinearitySplit({ epochs: 20 });
 * assert.ok(c.glm[10] === null);
 * ```
 */
export function collinearitySplit(
  { epochs = 2000, seed = 1 }: { epochs?: number; seed?: number } = {},
): CollinearityResult {
  checkInteger("epochs", epochs);
  const { X, y } = generateData();
  const k = X.cols, n = X.rows;
  const wide = matrix(n, k + 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) wide.data[i * (k + 1) + j] = X.data[i * k + j];
    wide.data[i * (k + 1) + k] = X.data[i * k];
  }
  const fit = glm(wide, y, { maxit: 25, epsilon: 1e-10 });
  const at = logSpaced(epochs, 60);
  const rows: CollinearityRow[] = [];
  const starts: [string, Float64Array | undefined][] = [
    ["zeros", undefined],
    // A random split of the pair only (the other weights start at zero, as in the tutorial).
    [
      "random",
      (() => {
        const w = new Float64Array(k + 1), r = rRng(seed).rnorm(2, 0, 0.5);
        w[0] = r[0];
        w[k] = r[1];
        return w;
      })(),
    ],
  ];
  for (const [init, w0] of starts) {
    const net = trainNetwork(wide, y, { epochs, init: w0, recordAt: new Set(at) });
    for (const e of at) {
      const w = net.recorded.get(e)!;
      rows.push({ init, epoch: e, w1: w[0], w2: w[k], sum: w[0] + w[k] });
    }
  }
  return { rows, glm: fit.coefficients, glmCoefficient: fit.coefficients[0] as number };
}
