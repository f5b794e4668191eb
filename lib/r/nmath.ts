/**
 * Ports of R's src/nmath used by `glm` and its summary: the normal distribution function `pnorm`
 * (two-sided p values). The binomial log density behind the AIC is `dbinom.ts`'s.
 *
 * @module
 */

import { exp } from "../core/math.ts";

/**
 * The standard normal distribution function Φ(x), a port of R's `pnorm` (W. J. Cody's rational
 * Chebyshev approximations, nmath/pnorm.c), accurate far into the tails where `1 − Φ` would
 * underflow: `pnorm(-10)` is 7.6e-24, as in R.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pnorm } from "./nmath.ts";
 * assert.ok(Math.abs(pnorm(1.959963984540054) - 0.975) < 1e-15);
 * ```
 */
export function pnorm(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  const y = Math.abs(x);
  let cum: number;
  if (y <= 0.66291) cum = 0.5 + pnormCentre(x, y);
  else {
    // Φ(−|x|), and Φ(x) = 1 − Φ(−|x|) for x > 0.
    const lower = y <= 5.656854249492380195206754896838
      ? pnormMiddle(y)
      : -37.5193 < x && x < 8.2924
      ? pnormTail(x, y)
      : 0;
    cum = x > 0 ? 1 - lower : lower;
  }
  if (cum < 2.2250738585072014e-308) cum = 0;
  return cum;
}

/** Φ(x) − 1/2 for |x| ≤ 0.66291. */
function pnormCentre(x: number, y: number): number {
  const xsq = y > Number.EPSILON * 0.5 ? x * x : 0;
  let xnum = 0.065682337918207449113 * xsq, xden = xsq;
  const a = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582];
  const b = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205];
  for (let i = 0; i < 3; i++) {
    xnum = (xnum + a[i]) * xsq;
    xden = (xden + b[i]) * xsq;
  }
  return x * (xnum + 18154.981253343561249) / (xden + 45507.789335026729956);
}

/** Φ(−y) for 0.66291 < y ≤ √32. */
function pnormMiddle(y: number): number {
  const c = [
    0.39894151208813466764,
    8.8831497943883759412,
    93.506656132177855979,
    597.27027639480026226,
    2494.5375852903726711,
    6848.1904505362823326,
    11602.651437647350124,
  ];
  const d = [
    22.266688044328115691,
    235.38790178262499861,
    1519.377599407554805,
    6485.558298266760755,
    18615.571640885098091,
    34900.952721145977266,
    38912.003286093271411,
  ];
  let xnum = 1.0765576773720192317e-8 * y, xden = y;
  for (let i = 0; i < 7; i++) {
    xnum = (xnum + c[i]) * y;
    xden = (xden + d[i]) * y;
  }
  const temp = (xnum + 9842.7148383839780218) / (xden + 19685.429676859990727);
  const xsq = Math.trunc(y * 1.6) / 1.6;
  const del = (y - xsq) * (y + xsq);
  return exp(-xsq * xsq * 0.5) * exp(-del * 0.5) * temp;
}

/** Φ(−|x|) for √32 < |x| and −37.5193 < x < 8.2924 (beyond, it is 0 in double precision). */
function pnormTail(x: number, y: number): number {
  const p = [
    0.21589853405795699,
    0.1274011611602473639,
    0.022235277870649807,
    0.001421619193227893466,
    2.9112874951168792e-5,
  ];
  const q = [
    1.28426009614491121,
    0.468238212480865118,
    0.0659881378689285515,
    0.00378239633202758244,
    7.29751555083966205e-5,
  ];
  const xsq0 = 1 / (x * x);
  let xnum = 0.02307344176494017303 * xsq0, xden = xsq0;
  for (let i = 0; i < 4; i++) {
    xnum = (xnum + p[i]) * xsq0;
    xden = (xden + q[i]) * xsq0;
  }
  let temp = xsq0 * (xnum + p[4]) / (xden + q[4]);
  temp = (0.398942280401432677939946059934 - temp) / y;
  const xsq = Math.trunc(x * 1.6) / 1.6;
  const del = (x - xsq) * (x + xsq);
  return exp(-xsq * xsq * 0.5) * exp(-del * 0.5) * temp;
}
