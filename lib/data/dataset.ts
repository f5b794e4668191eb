/**
 * The tutorial's data: generating it exactly as its R code does, and showing its first rows.
 *
 * The tutorial (section "Setup") runs
 *
 * ```r
 * set.seed(42)
 * X <- matrix(rnorm(10 * 1000, mean = 1, sd = 0.5), ncol = 10)
 * Y <- matrix(rbinom(1000, 1, 0.5))
 * data <- data.frame(X); data$target <- Y
 * ```
 *
 * and {@linkcode generateData} repeats those steps with {@linkcode rRng}, so that
 * `generateData()` equals R's `data` bit for bit. Reading and writing CSV is in `csv.ts`.
 *
 * @module
 */

import { fromColumnMajor, type Matrix } from "../core/matrix.ts";
import { type Rng, rRng, seedrandomRng } from "../r/random.ts";
import { ArgumentError } from "../core/errors.ts";
import { checkFinite, checkInteger } from "../core/validate.ts";

/** A design matrix with a 0/1 target, as in the tutorial's `data.frame`. */
export interface Dataset {
  /** The N×K features, one row per observation. */
  X: Matrix;
  /** The N labels, each 0 or 1. */
  y: Float64Array;
  /** The K feature names (R's `data.frame(X)` names them `X1`…`XK`). */
  names: string[];
  /** The name of the target column, `"target"`. */
  target: string;
}

/** Options of {@linkcode generateData}; every field has the tutorial's value as default. */
export interface GenerateOptions {
  /** Number of rows N (default 1000). */
  n?: number;
  /** Number of features K (default 10). */
  k?: number;
  /** Mean of the normal features (default 1). */
  mean?: number;
  /** Standard deviation of the normal features (default 0.5). */
  sd?: number;
  /** Probability that the target is 1 (default 0.5). */
  prob?: number;
  /** Seed (default 42); an integer for `"r"`, a number or string for `"seedrandom"`. */
  seed?: number | string;
  /** Which generator: R's own stream (default) or npm `seedrandom`. */
  rng?: "r" | "seedrandom";
}

/** A generated {@linkcode Dataset}, with the generator left in its state after generation. */
export interface GeneratedData extends Dataset {
  /**
   * The generator after drawing X and y: further draws continue the same stream, as further
   * calls continue R's stream after the tutorial's data step (its from-scratch Adam calls
   * `sample()` next).
   */
  rng: Rng;
  /** The seed used. */
  seed: number | string;
}

/**
 * Generates the tutorial's data: `X = matrix(rnorm(k*n, mean, sd), ncol = k)` (filled column by
 * column, as R does), then `y = rbinom(n, 1, prob)`. With the defaults and `rng: "r"` this is
 * exactly the data of the tutorial (R's `set.seed(42)`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateData } from "./dataset.ts";
 * const ds = generateData();
 * // The tutorial's head(data) shows X1 = 1.6854792 and target = 1 in the first row.
 * assert.ok(ds.X.rows === 1000 && ds.X.cols === 10);
 * assert.ok(Math.abs(ds.X.data[0] - 1.6854792) < 5e-8 && ds.y[0] === 1);
 * ```
 */
export function generateData(options: GenerateOptions = {}): GeneratedData {
  const {
    n = 1000,
    k = 10,
    mean = 1,
    sd = 0.5,
    prob = 0.5,
    seed = 42,
    rng: kind = "r",
  } = options;
  checkInteger("n", n, 1);
  checkInteger("k", k, 1);
  checkFinite("mean", mean);
  checkFinite("sd", sd);
  if (sd < 0) throw new ArgumentError("sd", `must be ≥ 0, got ${sd}`);
  checkFinite("prob", prob);
  if (prob < 0 || prob > 1) {
    throw new ArgumentError("prob", `must be a probability in [0, 1], got ${prob}`);
  }
  let rng: Rng;
  if (kind === "r") {
    if (typeof seed !== "number") {
      throw new ArgumentError(
        "seed",
        `must be an integer for rng "r", got ${JSON.stringify(seed)}`,
      );
    }
    rng = rRng(seed);
  } else if (kind === "seedrandom") {
    rng = seedrandomRng(seed);
  } else {
    throw new ArgumentError("rng", `must be "r" or "seedrandom", got ${JSON.stringify(kind)}`);
  }
  const X = fromColumnMajor(n, k, rng.rnorm(k * n, mean, sd));
  const y = rng.rbinom(n, 1, prob);
  const names = Array.from({ length: k }, (_, j) => `X${j + 1}`);
  return { X, y, names, target: "target", rng, seed };
}

/**
 * The first `n` rows of a dataset as plain arrays: the features, then the target — the numbers
 * R's `head(data)` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { head } from "./dataset.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const ds = { X: fromRows([[1, 2], [3, 4]]), y: Float64Array.of(0, 1), names: ["a", "b"], target: "target" };
 * assert.ok(JSON.stringify(head(ds, 1)) === "[[1,2,0]]");
 * ```
 */
export function head(ds: Dataset, n = 6): number[][] {
  checkInteger("n", n, 0);
  const rows = Math.min(n, ds.X.rows);
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const r = Array.from(ds.X.data.subarray(i * ds.X.cols, (i + 1) * ds.X.cols));
    r.push(ds.y[i]);
    out.push(r);
  }
  return out;
}

/** How far two datasets agree, value by value: see {@linkcode compareData}. */
export interface DataComparison {
  /** Values (features and labels) that are the very same double in both. */
  identical: number;
  /** Values compared: rows × (features + 1). */
  total: number;
  /** The largest absolute difference between corresponding values (0 when all are identical). */
  maxAbsDifference: number;
}

/**
 * Compares two datasets of the same shape value by value, bit for bit (`Object.is`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareData, generateData } from "./dataset.ts";
 * const c = compareData(generateData({ n: 5 }), generateData({ n: 5 }));
 * assert.ok(c.identical === 55 && c.total === 55);
 * ```
 */
export function compareData(a: Dataset, b: Dataset): DataComparison {
  if (a.X.rows !== b.X.rows || a.X.cols !== b.X.cols) {
    throw new ArgumentError(
      "b",
      `is ${b.X.rows}×${b.X.cols} but \`a\` is ${a.X.rows}×${a.X.cols}; compare datasets of one shape`,
    );
  }
  let identical = 0, maxAbsDifference = 0;
  const pairs: [ArrayLike<number>, ArrayLike<number>][] = [[a.X.data, b.X.data], [a.y, b.y]];
  for (const [u, v] of pairs) {
    for (let i = 0; i < u.length; i++) {
      if (Object.is(u[i], v[i])) identical++;
      else maxAbsDifference = Math.max(maxAbsDifference, Math.abs(u[i] - v[i]));
    }
  }
  return { identical, total: a.X.data.length + a.y.length, maxAbsDifference };
}
