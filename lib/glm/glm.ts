/**
 * Logistic regression as R fits it: `glm(..., family = binomial(link = "logit"))` by iteratively
 * reweighted least squares (Fisher scoring), following R's `glm.fit` step by step — its start
 * (`mustart = (y + 0.5) / 2`), its family functions (with the C code's clamping of η at ±30), its
 * weighted least-squares solve (LINPACK `dqrdc2`/`dqrsl`, `lib/r/qr.ts`), its convergence test
 * `|dev − devold| / (|dev| + 0.1) < epsilon`, its step-halving cases, its warnings and its handling
 * of aliased columns (coefficient `null`, R's `NA`). The pieces: the family (`family.ts`, with R's
 * C code in `lib/r/logit.ts`), one step for reading (`irls_step.ts`), the loop (`irls_loop.ts`),
 * the weighted least-squares solvers (`wls.ts`, `cholesky.ts`, `normal_equations.ts`) and the door
 * to the fast kernels (`engine.ts`).
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import type { Matrix } from "../core/matrix.ts";
import {
  checkBoolean,
  checkFinite,
  checkInteger,
  checkLabels,
  checkMatrix,
  checkOneOf,
} from "../core/validate.ts";
import { choleskySolver, MAX_AUTO_CONDITION } from "./cholesky.ts";
import { normalEquationsFor, rowUpdate } from "./engine.ts";
import type { GlmFit } from "./glm_fit.ts";
import { irls } from "./irls_loop.ts";
import { qrSolver } from "./wls.ts";
import { binomialFit, type GlmSettings, validateFamilyOptions } from "./binomial_fit.ts";
import type { Link } from "./glm_fit.ts";

/** Options of {@linkcode glm}. */
export interface GlmOptions {
  /** Prepend a column of ones named `(Intercept)` (R: `y ~ x`); default `false` (`y ~ x - 1`). */
  intercept?: boolean;
  /** Maximum number of Fisher-scoring iterations (R's `control$maxit`), default 25. */
  maxit?: number;
  /** Convergence tolerance on the relative deviance change (R's `control$epsilon`), default 1e-8. */
  epsilon?: number;
  /** Names of the K columns of X (default `X1`..`XK`, as R prints `Y ~ X - 1` for a matrix `X`). */
  names?: string[];
  /**
   * How each IRLS step's weighted least-squares problem is solved (default `"auto"`):
   * - `"qr"`: R's own way, a Householder QR of √W X (LINPACK `dqrdc2`, `lib/r/qr.ts`) — the same
   *   arithmetic as R, to the last bit or two; O(N p²) with a large constant.
   * - `"cholesky"`: the normal equations XᵀWX β = XᵀWz, accumulated in one pass over X (a
   *   WebAssembly SIMD kernel; see `engine`) and solved by Cholesky; several times faster.
   *   Falls back to `"qr"` for the whole fit if a relative pivot of the factorisation drops below
   *   1e-10, i.e. wherever R's QR might find a column aliased, so R's `NA`s stay R's. The
   *   deviance of each iteration (for the convergence test and the trace) is summed with one
   *   logarithm per four rows (of the product of their terms' arguments), equal to R's sum to a
   *   few ε; the final deviance and residuals are computed row by row, as R does.
   * - `"auto"`: `"cholesky"` when N ≥ 20 p and N p ≥ 100 000 and, at every iteration, the
   *   condition number of the equilibrated XᵀWX is at most 1e6, and the fit ends without a
   *   warning (no convergence, fitted probabilities 0 or 1); otherwise `"qr"` (from the start).
   * The method actually used is reported in {@linkcode GlmFit.method}.
   */
  method?: "auto" | "qr" | "cholesky";
  /**
   * Which code computes the two fast parts of an iteration (default `"fast"`): the normal
   * equations XᵀWX, XᵀWz (a WebAssembly SIMD kernel, `lib/_kernels/crossprod.ts`) and the update
   * of η, μ and the deviance after each solve (one fused pass, `lib/_kernels/glm_rows.ts`).
   * `"reference"` computes both by their readable definitions (`lib/glm/normal_equations.ts`,
   * `lib/glm/family.ts`): the code to read, and what the fast one is tested against. Both
   * reproduce R's fit to its tolerance; they differ by rounding only.
   */
  engine?: "fast" | "reference";
  /**
   * Prior weights, one per row (R's `weights =`), non-negative and finite; default all 1. Rows of
   * weight 0 drop out of the fit and of the degrees of freedom, as in R (their `y` is set to 0).
   * With `y` a proportion of successes, the weights are the numbers of trials (grouped data).
   */
  weights?: ArrayLike<number>;
  /** A known term added to the linear predictor, one per row (R's `offset =`); default none. */
  offset?: ArrayLike<number>;
  /** The link of R's `binomial(link = …)`: `"logit"` (default), `"probit"`, `"cloglog"`, `"cauchit"`. */
  link?: Link;
}

/** The options, checked, with their defaults and the coefficients' names. */
function validateOptions(k: number, options: GlmOptions): GlmSettings {
  const {
    intercept = false,
    maxit = 25,
    epsilon = 1e-8,
    names,
    method = "auto",
    engine = "fast",
  } = options;
  checkBoolean("options.intercept", intercept);
  checkInteger("options.maxit", maxit, 1);
  checkFinite("options.epsilon", epsilon, { positive: true });
  checkOneOf("options.method", method, ["auto", "qr", "cholesky"]);
  checkOneOf("options.engine", engine, ["fast", "reference"]);
  let colNames: string[];
  if (names === undefined) {
    colNames = Array.from({ length: k }, (_, j) => `X${j + 1}`);
  } else {
    if (!Array.isArray(names) || names.length !== k) {
      throw new ArgumentError(
        "options.names",
        `must hold one name per column of X (${k}), got ${
          Array.isArray(names) ? names.length : String(names)
        }`,
      );
    }
    colNames = names.map(String);
  }
  const coefNames = intercept ? ["(Intercept)", ...colNames] : colNames;
  return { intercept, maxit, epsilon, names: coefNames, method, engine };
}

/** Whether X is a well-formed, non-empty Matrix (its entries are not looked at). */
function isShaped(X: Matrix): boolean {
  return X !== null && typeof X === "object" && X.data instanceof Float64Array &&
    X.rows > 0 && X.cols > 0 && X.data.length === X.rows * X.cols;
}

/**
 * Fits a logistic regression (binomial family, logit link) by IRLS exactly as R's `glm.fit` does.
 *
 * `X` is the N × K design without the intercept column; `intercept: true` prepends one (named
 * `(Intercept)`). Aliased columns (exact collinearity, a constant column next to the intercept,
 * columns beyond N when K > N) get `null` coefficients, like R's `NA`. Non-convergence and
 * fitted probabilities of 0 or 1 are reported in `warnings` with R's texts, not thrown.
 *
 * Each iteration's weighted least-squares problem is solved either by R's own QR or, for large
 * well-conditioned problems, by the normal equations (several times faster; see
 * {@linkcode GlmOptions.method}). Normal equations are safe here because the conditioning is
 * checked at every iteration: cond(XᵀWX) = cond(√W X)², harmless while it is far from 1/ε
 * (≈ 4.5e15); `"auto"` demands ≤ 1e6 for the equilibrated matrix, and any sign of rank
 * deficiency, a condition number above that, or a fit ending with a warning sends the fit back to
 * the QR path from the start, so aliasing (`null` coefficients) and R's exact behaviour stay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm } from "./glm.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1], [2], [3], [4], [5], [6]]);
 * const fit = glm(X, [0, 0, 1, 0, 1, 1], { intercept: true });
 * assert.ok(fit.converged && fit.names[0] === "(Intercept)" && fit.iterations >= 3);
 * const readable = glm(X, [0, 0, 1, 0, 1, 1], { intercept: true, engine: "reference" });
 * assert.ok(Math.abs(readable.deviance - fit.deviance) < 1e-12);
 * const fast = glm(X, [0, 0, 1, 0, 1, 1], { intercept: true, method: "cholesky" });
 * assert.ok(fast.method === "cholesky" && Math.abs(fast.deviance - fit.deviance) < 1e-12);
 * ```
 */
export function glm(X: Matrix, y: ArrayLike<number>, options: GlmOptions = {}): GlmFit {
  if (
    options !== null && typeof options === "object" &&
    (options.weights !== undefined || options.offset !== undefined ||
      (options.link !== undefined && options.link !== "logit"))
  ) {
    // Weights, an offset or another link: R's glm.fit for the binomial family in full.
    if (!isShaped(X)) checkMatrix("X", X);
    try {
      const settings = validateOptions(X.cols, options);
      return binomialFit(X, settings, validateFamilyOptions(X.rows, y, options));
    } catch (e) {
      if (!(e instanceof ArgumentError) || e.argument !== "X") checkMatrix("X", X); // X first
      throw e;
    }
  }
  // X's entries are checked for finiteness by checkMatrix, a full pass over X — except on the
  // normal-equations path, where the first XᵀWX certifies them for free: its diagonal holds
  // Σᵢ wᵢ xᵢⱼ² with every wᵢ > 0, finite exactly when column j is (or else the solver gives up and
  // checkMatrix runs after all, throwing its usual error). Only the shape is checked up front.
  if (!isShaped(X)) checkMatrix("X", X);
  let settings: GlmSettings;
  try {
    checkLabels("y", y, X.rows);
    settings = validateOptions(X.cols, options);
  } catch (e) {
    checkMatrix("X", X); // a bad X is reported first, as R's model frame would
    throw e;
  }
  const { intercept, method, engine, epsilon } = settings;
  const n = X.rows, p = X.cols + (intercept ? 1 : 0);
  const tol = Math.min(1e-7, epsilon / 1000);
  const useCholesky = method === "cholesky" ||
    (method === "auto" && n >= 20 * p && n * p >= 100_000);
  let checked = false;
  if (useCholesky && method === "auto" && engine === "fast" && X.cols > 0) {
    // The fused passes of the binomial fit (binomial_fit.ts): η, μ, the deviance and the next
    // XᵀWX in one pass over X, the normal equations on all cores; R's IRLS as below, faster. Its
    // exp and log are within an ulp, not R's own, which drifting iterates (no convergence,
    // separation) amplify: "auto" redoes such fits by QR, and "cholesky" runs the loop below.
    return binomialFit(X, settings, validateFamilyOptions(n, y, {}));
  }
  if (useCholesky) {
    const maxCond = method === "auto" ? MAX_AUTO_CONDITION : Infinity;
    const solver = choleskySolver(normalEquationsFor(X, intercept, engine), p, maxCond);
    const fit = irls(X, y, settings, solver, rowUpdate(X, intercept, engine, true), "cholesky");
    // A fit at all means every XᵀWX had a finite diagonal: X is finite.
    checked = fit !== null;
    // "auto" also redoes by QR any fit that ends with a warning (no convergence, separation):
    // there the iterates drift without converging and amplify rounding differences, so only R's
    // own arithmetic reproduces R's numbers.
    if (fit !== null && (method === "cholesky" || fit.warnings.length === 0)) return fit;
  }
  if (!checked) checkMatrix("X", X);
  const update = rowUpdate(X, intercept, engine, false);
  return irls(X, y, settings, qrSolver(X, intercept, tol), update, "qr")!;
}

// predict() lives in predict.ts (with offsets and standard errors); re-exported here, where it
// used to be defined.
export { predict, type Prediction, type PredictOptions } from "./predict.ts";
