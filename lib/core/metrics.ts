/**
 * How far apart two weight vectors are: the tutorial's mean absolute percentage error, the
 * largest absolute difference and the Euclidean distance.
 *
 * @module
 */

import { ArgumentError } from "./errors.ts";

function checkPair(
  reference: ArrayLike<number | null>,
  estimate: ArrayLike<number | null>,
): void {
  for (const [name, v] of [["reference", reference], ["estimate", estimate]] as const) {
    if (v === null || typeof v !== "object" || typeof v.length !== "number") {
      throw new ArgumentError(name, "must be an array of numbers");
    }
  }
  if (reference.length !== estimate.length) {
    throw new ArgumentError(
      "estimate",
      `has ${estimate.length} entries but \`reference\` has ${reference.length}; compare vectors of equal length`,
    );
  }
  if (reference.length === 0) {
    throw new ArgumentError("reference", "is empty; there is nothing to compare");
  }
  for (const [name, v] of [["reference", reference], ["estimate", estimate]] as const) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x === null) {
        throw new ArgumentError(
          name,
          `holds null (R's NA, an aliased coefficient) at position ${
            i + 1
          }; drop that entry from both vectors first`,
        );
      }
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new ArgumentError(name, `holds ${x} at position ${i + 1}; entries must be finite`);
      }
    }
  }
}

/**
 * The tutorial's mean absolute percentage error `100 * mean(abs((reference - estimate) /
 * reference))`, in percent. R would return `Inf` or `NaN` where a reference entry is 0 and `NA`
 * where it is `NA`; this function throws an {@linkcode ArgumentError} instead, saying which entry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanAbsolutePercentageError } from "./metrics.ts";
 * // |(2 − 1.9)/2| = 5 %, |(−4 − (−4.4))/(−4)| = 10 %: the mean is 7.5 %
 * const e = meanAbsolutePercentageError([2, -4], [1.9, -4.4]);
 * assert.ok(Math.abs(e - 7.5) < 1e-12);
 * ```
 */
export function meanAbsolutePercentageError(
  reference: ArrayLike<number | null>,
  estimate: ArrayLike<number | null>,
): number {
  checkPair(reference, estimate);
  let s = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] as number, e = estimate[i] as number;
    if (r === 0) {
      throw new ArgumentError(
        "reference",
        `is 0 at position ${
          i + 1
        }, where a percentage error is undefined (R gives Inf or NaN); use maxAbsDifference instead`,
      );
    }
    s += Math.abs((r - e) / r);
  }
  return 100 * (s / reference.length);
}

/**
 * The largest absolute difference `max |reference − estimate|` between two vectors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maxAbsDifference } from "./metrics.ts";
 * assert.ok(maxAbsDifference([1, 2, 3], [1, 2.5, 2]) === 1);
 * ```
 */
export function maxAbsDifference(
  reference: ArrayLike<number | null>,
  estimate: ArrayLike<number | null>,
): number {
  checkPair(reference, estimate);
  let m = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs((reference[i] as number) - (estimate[i] as number));
    if (d > m) m = d;
  }
  return m;
}

/**
 * The Euclidean distance `‖reference − estimate‖₂`, computed without overflow or underflow.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { distance } from "./metrics.ts";
 * assert.ok(distance([0, 0], [3, 4]) === 5);
 * ```
 */
export function distance(
  reference: ArrayLike<number | null>,
  estimate: ArrayLike<number | null>,
): number {
  checkPair(reference, estimate);
  // Scaled sum of squares (as LAPACK's dnrm2): ‖d‖ = scale·√ssq.
  let scale = 0, ssq = 1;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs((reference[i] as number) - (estimate[i] as number));
    if (d === 0) continue;
    if (scale < d) {
      ssq = 1 + ssq * (scale / d) ** 2;
      scale = d;
    } else {
      ssq += (d / scale) ** 2;
    }
  }
  return scale * Math.sqrt(ssq);
}
