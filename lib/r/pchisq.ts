/**
 * The upper tail of the χ² distribution with a whole number of degrees of freedom, R's
 * `pchisq(x, df, lower.tail = FALSE)` as an analysis of deviance needs it. For whole df the tail
 * has closed forms, every term positive (no cancellation):
 *
 * - even df = 2m: e^(−x/2) Σ_{j<m} (x/2)^j / j!;
 * - odd df = 2m + 1: 2Φ(−√x) + 2φ(√x) Σ_{j=1..m} x^(j−½) / (1·3·…·(2j − 1)),
 *
 * with the terms summed from their logarithms (scaled by the largest) so that nothing overflows
 * or underflows early. R computes the same quantity by its incomplete-gamma algorithm; the two
 * agree to about 1e-14 relative.
 *
 * @module
 */

import { pnorm } from "./nmath.ts";
import { exp, log } from "../core/math.ts";

/** log(√(2π)). */
const LOG_SQRT_2PI = 0.918938533204672741780329736406;

/** Σ exp(lᵢ), scaled by the largest lᵢ. */
function sumExp(logs: number[]): number {
  const mx = Math.max(...logs);
  if (mx === -Infinity) return 0;
  let s = 0;
  for (const l of logs) s += exp(l - mx);
  return exp(mx) * s;
}

/**
 * P(χ²_df > x) for a whole number df ≥ 1 and x ≥ 0 (R's `pchisq(x, df, lower.tail = FALSE)`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pchisqUpper } from "./pchisq.ts";
 * assert.ok(Math.abs(pchisqUpper(3.841458820694124, 1) - 0.05) < 1e-15);
 * assert.ok(Math.abs(pchisqUpper(2, 2) - Math.exp(-1)) < 1e-16);
 * assert.equal(pchisqUpper(0, 3), 1);
 * ```
 */
export function pchisqUpper(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df)) return NaN;
  if (!(Number.isInteger(df) && df >= 1)) {
    throw new RangeError(`pchisqUpper: df must be a whole number ≥ 1, got ${df}`);
  }
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const logs: number[] = [];
  if (df % 2 === 0) {
    // e^(−x/2) (x/2)^j / j!, j = 0..m−1
    let l = -x / 2;
    const lh = log(x / 2);
    for (let j = 0; j < df / 2; j++) {
      if (j > 0) l += lh - log(j);
      logs.push(l);
    }
    return Math.min(1, sumExp(logs));
  }
  // 2φ(√x) x^(j−½)/(1·3·…·(2j − 1)), j = 1..m, plus 2Φ(−√x)
  const lx = log(x);
  let l = Math.LN2 - x / 2 - LOG_SQRT_2PI + 0.5 * lx; // j = 1
  for (let j = 1; j <= (df - 1) / 2; j++) {
    if (j > 1) l += lx - log(2 * j - 1);
    logs.push(l);
  }
  return Math.min(1, 2 * pnorm(-Math.sqrt(x)) + sumExp(logs));
}
