/**
 * The start of the fused passes of `fused_irls.ts` and `fused_parallel.ts`: a new pass state, and
 * η at R's start (etastart, or linkfun(mustart) with mustart = (w·y + ½)/(w + 1)).
 *
 * @module
 */

import type { FusedInput, Pass } from "./fused_types.ts";
import type { LogitRowsKernel } from "./logit_rows_wasm.ts";

/**
 * A pass state over the given rows, before the start pass: no coefficients, the sums at 0, μ's
 * range empty, valid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newPass } from "./fused_start.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const link = { name: "probit", linkfun: (m: number) => m, linkinv: (e: number) => e, muEta: () => 1 };
 * const rows = { y: new Float64Array(1), eta: new Float64Array(1), mu: new Float64Array(1), dev: new Float64Array(1) };
 * const pass = newPass({ X: fromRows([[1]]), intercept: false, link, y: [1], weights: null,
 *   offset: null, maxit: 25, epsilon: 1e-8, nullAtOffset: false }, null, rows, false);
 * assert.ok(pass.beta === null && pass.valid && pass.acc[7] === Infinity);
 * ```
 */
export function newPass(
  inp: FusedInput,
  kernel: LogitRowsKernel | null,
  rows: { y: Float64Array; eta: Float64Array; mu: Float64Array; dev: Float64Array },
  fractional: boolean,
): Pass {
  return {
    inp,
    kernel,
    ...rows,
    fractional,
    xRows: null,
    xFirst: 0,
    beta: null,
    acc: Float64Array.of(0, 0, 0, 0, 0, 0, 0, Infinity, -Infinity),
    scratch: new Float64Array(3),
    valid: true,
  };
}

/** Step 1 of the start pass: η = etastart or linkfun(mustart), mustart = (w·y + ½)/(w + 1). */
export function startChunk(p: Pass, start: number, count: number): void {
  const { inp, y, eta } = p;
  const { weights: w, etastart, mustart, link } = inp;
  const logit = link.name === "logit";
  if (logit && w === null && etastart === undefined && mustart === undefined) {
    return startPlain(y, eta, start, count, p.fractional);
  }
  // The start repeats few values (with w = 1 and y ∈ {0, 1}, mustart is ¼ or ¾): the last two
  // are remembered, so that a repeated one costs no logarithm (the same bits).
  let m1 = NaN, e1 = NaN, m2 = NaN, e2 = NaN;
  for (let r = 0, i = start; r < count; r++, i++) {
    if (etastart !== undefined) {
      eta[i] = etastart[i];
    } else {
      const wi = w === null ? 1 : w[i];
      const ms = mustart !== undefined ? mustart[i] : (wi * y[i] + 0.5) / (wi + 1);
      if (ms === m1) eta[i] = e1;
      else if (ms === m2) eta[i] = e2;
      else {
        const e = logit ? Math.log(ms / (1 - ms)) : link.linkfun(ms);
        eta[i] = e;
        m2 = m1;
        e2 = e1;
        m1 = ms;
        e1 = e;
      }
    }
  }
}

/**
 * The logit's start without weights: mustart = (y + ½)/2, η = log(mustart/(1 − mustart)), with
 * the two values of y ∈ {0, 1} computed once (the same operations, so the same bits) and, where
 * no y is fractional, looked up without a branch (y random: a branch would be mispredicted half
 * of the time).
 */
function startPlain(
  y: Float64Array,
  eta: Float64Array,
  start: number,
  count: number,
  fractional: boolean,
): void {
  const at = (yi: number) => {
    const ms = (1 * yi + 0.5) / (1 + 1);
    return Math.log(ms / (1 - ms));
  };
  const e0 = at(0), e1 = at(1);
  if (!fractional) {
    const table = Float64Array.of(e0, e1);
    for (let i = start; i < start + count; i++) eta[i] = table[y[i] | 0]; // y is 0 or 1
    return;
  }
  for (let i = start; i < start + count; i++) {
    const yi = y[i];
    eta[i] = yi === 0 ? e0 : yi === 1 ? e1 : at(yi);
  }
}
