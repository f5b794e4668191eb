/**
 * Checking a gradient: central finite differences, to hold an analytic gradient (such as
 * Xᵀ(p̂ − y) of `loss.ts`) against.
 *
 * @module
 */

import { checkFinite, checkVector } from "../core/validate.ts";

/**
 * A central finite-difference gradient of `f` at `theta`: (f(θ + h·eⱼ) − f(θ − h·eⱼ)) / 2h for
 * each coordinate j, with `h` scaled to the size of θⱼ (`h·max(1, |θⱼ|)`). Use it to check an
 * analytic gradient; its error is O(h²) plus rounding of order ε·|f|/h.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numericalGradient } from "./numerical_gradient.ts";
 * const g = numericalGradient((t) => t[0] * t[0] + 3 * t[1], [2, 5]);
 * assert.ok(Math.abs(g[0] - 4) < 1e-6 && Math.abs(g[1] - 3) < 1e-6);
 * ```
 */
export function numericalGradient(
  f: (theta: Float64Array) => number,
  theta: ArrayLike<number>,
  { h = 1e-5 }: { h?: number } = {},
): Float64Array {
  checkFinite("h", h, { positive: true });
  checkVector("theta", theta);
  const t = Float64Array.from(theta);
  const g = new Float64Array(t.length);
  for (let j = 0; j < t.length; j++) {
    const step = h * Math.max(1, Math.abs(t[j]));
    const orig = t[j];
    t[j] = orig + step;
    const up = f(t);
    t[j] = orig - step;
    const down = f(t);
    t[j] = orig;
    g[j] = (up - down) / (2 * step);
  }
  return g;
}
