/**
 * The options of `glm` beyond the plain logit fit — `y` as proportions, prior `weights`, an
 * `offset`, the `link` — checked, with errors that name the argument: what `binomial_fit.ts`
 * fits with.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import type { Link } from "./glm_fit.ts";
import { LINKS } from "./links.ts";

/** The checked family options: what `binomialFit` needs besides the settings of every fit. */
export interface FamilySettings {
  /** The link. */
  link: Link;
  /** The response as given (proportions in [0, 1] where the weight is positive); not copied. */
  y: ArrayLike<number>;
  /** Prior weights, or null for all 1. */
  weights: Float64Array | null;
  /** Offset, or null for none. */
  offset: Float64Array | null;
  /** Whether `weights` or `offset` may be the caller's own arrays: the fit keeps copies. */
  shared?: boolean;
  /** A starting linear predictor (R's `etastart`), instead of the family's start. */
  etastart?: Float64Array;
  /** Starting fitted values (R's `mustart`), instead of the family's start. */
  mustart?: Float64Array;
  /** Whether to compute the null deviance (with its refit); default true. */
  nullDeviance?: boolean;
  /** Whether X is known to be finite (else it is checked, or certified by the first XᵀWX). */
  xChecked?: boolean;
}

/**
 * `v` as doubles, checked: n numbers, finite, and for weights non-negative and not all 0. A
 * Float64Array is checked and returned as it is (the fit copies it before keeping it); anything
 * else is copied in the same pass.
 */
function checkedVector(
  name: string,
  v: ArrayLike<number>,
  n: number,
  weights: boolean,
): Float64Array {
  const what = weights ? "non-negative weights" : "finite numbers";
  if (v === null || typeof v !== "object" || typeof v.length !== "number") {
    throw new ArgumentError(name, `must be an array of ${what}, one per row of X`);
  }
  if (v.length !== n) throw new ArgumentError(name, `has ${v.length} entries but X has ${n} rows`);
  if (v instanceof Float64Array && allFinite(v, weights)) return v;
  const out = v instanceof Float64Array ? v : new Float64Array(n);
  let positive = false;
  for (let i = 0; i < n; i++) {
    const x = +v[i];
    if (!(Number.isFinite(x) && (!weights || x >= 0))) {
      const must = weights
        ? "weights must be finite and non-negative"
        : "every entry must be finite";
      throw new ArgumentError(name, `holds ${v[i]} at position ${i + 1}; ${must}`);
    }
    if (x > 0) positive = true;
    if (out !== v) out[i] = x;
  }
  if (weights && !positive) {
    throw new ArgumentError(name, "are all 0: at least one row needs a positive weight");
  }
  return out;
}

/**
 * The fast test for a checked Float64Array: every entry finite (x · 0 is 0 exactly then) and, for
 * weights, non-negative and not all 0 — no branch a row. When it fails, the caller's loop finds
 * the entry to name.
 */
function allFinite(v: Float64Array, weights: boolean): boolean {
  const s = Float64Array.of(0, Infinity, -Infinity); // Σ x·0, min, max
  for (let i = 0; i < v.length; i += BLOCK) finiteBlock(v, i, Math.min(v.length, i + BLOCK), s);
  return s[0] === 0 && (!weights || (s[1] >= 0 && s[2] > 0));
}

/**
 * The once-a-fit loops over the rows go in blocks: a small function called for every block is
 * optimised after a few blocks, where one long loop in a function called once a fit would run
 * unoptimised code for its first fits.
 */
const BLOCK = 8192;

/** {@linkcode allFinite} on rows from..to−1, into s = [Σ x·0, min, max]. */
function finiteBlock(v: Float64Array, from: number, to: number, s: Float64Array): void {
  let zero = s[0], min = s[1], max = s[2];
  for (let i = from; i < to; i++) {
    const x = v[i];
    zero += x * 0;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  s[0] = zero;
  s[1] = min;
  s[2] = max;
}

/** The first row from..to−1 with y outside [0, 1] and a positive (or no) weight, else −1. */
function badResponse(
  y: ArrayLike<number>,
  weights: Float64Array | null,
  from: number,
  to: number,
): number {
  for (let i = from; i < to; i++) {
    const v = y[i];
    if (!(v >= 0 && v <= 1) && (weights === null || weights[i] !== 0)) return i;
  }
  return -1;
}

/** y in [0, 1] wherever the weight is positive (R: anything goes where the weight is 0). */
function checkResponse(y: ArrayLike<number>, n: number, weights: Float64Array | null): void {
  if (y === null || typeof y !== "object" || typeof y.length !== "number") {
    throw new ArgumentError("y", "must be an array of 0/1 labels or proportions in [0, 1]");
  }
  if (y.length !== n) throw new ArgumentError("y", `has ${y.length} labels but X has ${n} rows`);
  for (let from = 0; from < n; from += BLOCK) {
    const i = badResponse(y, weights, from, Math.min(n, from + BLOCK));
    if (i >= 0) {
      throw new ArgumentError(
        "y",
        `holds ${y[i]} at position ${i + 1}; y must be 0/1 labels or proportions in [0, 1]`,
      );
    }
  }
}

/**
 * Checks the options that go beyond the plain logit fit — `y` as proportions, `weights`,
 * `offset`, `link` — and returns them (weights and offset as Float64Arrays, the caller's own when
 * they were given as such: `shared`). Errors name the argument.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateFamilyOptions } from "./family_options.ts";
 * const s = validateFamilyOptions(2, [0.5, 1], { weights: [2, 1], link: "probit" });
 * assert.ok(s.link === "probit" && s.weights![0] === 2 && s.offset === null);
 * assert.throws(() => validateFamilyOptions(2, [0, 1], { weights: [1, -1] }), /`options.weights`/);
 * ```
 */
export function validateFamilyOptions(
  n: number,
  y: ArrayLike<number>,
  options: { weights?: ArrayLike<number>; offset?: ArrayLike<number>; link?: Link },
): FamilySettings {
  const link = options.link ?? "logit";
  if (!(LINKS as readonly string[]).includes(link)) {
    throw new ArgumentError(
      "options.link",
      `must be one of ${LINKS.map((l) => `"${l}"`).join(", ")}, got ${String(link)}`,
    );
  }
  const weights = options.weights === undefined
    ? null
    : checkedVector("options.weights", options.weights, n, true);
  checkResponse(y, n, weights);
  const offset = options.offset === undefined
    ? null
    : checkedVector("options.offset", options.offset, n, false);
  const shared = options.weights instanceof Float64Array || options.offset instanceof Float64Array;
  return { link, y, weights, offset, shared };
}
