/**
 * The logit link and the binomial deviance as R's C code computes them
 * (src/library/stats/src/family.c): η is clamped at ±30 before `exp`, so that μ stays strictly
 * inside (0, 1) and dμ/dη never underflows to 0.
 *
 * @module
 */

/** R's `THRESH`: beyond η = 30, exp(η) is replaced by 1/ε. */
export const THRESH = 30;
/** R's `MTHRESH`: below η = −30, exp(η) is replaced by ε. */
export const MTHRESH = -30;
/** R's `INVEPS` = 1/`DBL_EPSILON` (`Number.EPSILON` is C's `DBL_EPSILON`). */
export const INVEPS = 1 / Number.EPSILON;

/**
 * exp(η) clamped as R's `logit_linkinv` clamps it: ε below −30, 1/ε above 30.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clampedExp } from "./logit.ts";
 * assert.ok(clampedExp(1) === Math.exp(1) && clampedExp(-40) === Number.EPSILON);
 * ```
 */
export function clampedExp(eta: number): number {
  return eta < MTHRESH ? Number.EPSILON : eta > THRESH ? INVEPS : Math.exp(eta);
}

/**
 * Logistic function as R's C `logit_linkinv` computes it (η clamped at ±30).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linkinv } from "./logit.ts";
 * assert.ok(linkinv(0) === 0.5 && linkinv(1000) < 1);
 * ```
 */
export function linkinv(eta: number): number {
  const tmp = clampedExp(eta);
  return tmp / (1 + tmp);
}

/**
 * dμ/dη as R's C `logit_mu_eta`: e/(1 + e)² with e = exp(η) (the clamped exp of
 * {@linkcode clampedExp}, passed in: the IRLS loop keeps it from linkinv), and ε outside ±30.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clampedExp, muEta } from "./logit.ts";
 * assert.ok(muEta(0, clampedExp(0)) === 0.25 && muEta(31, clampedExp(31)) === Number.EPSILON);
 * ```
 */
export function muEta(eta: number, e: number): number {
  return eta > THRESH || eta < MTHRESH ? Number.EPSILON : e / ((1 + e) * (1 + e));
}

/** R's `y_log_y`: y·log(y/μ), 0 for y = 0. */
function yLogY(y: number, mu: number): number {
  return y !== 0 ? y * Math.log(y / mu) : 0;
}

/**
 * Binomial unit deviance, R's C `binomial_dev_resids` with weight 1:
 * 2·(y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { devResid } from "./logit.ts";
 * assert.ok(devResid(1, 0.5) === 2 * Math.LN2 && devResid(0, 0.5) === 2 * Math.LN2);
 * ```
 */
export function devResid(y: number, mu: number): number {
  return 2 * (yLogY(y, mu) + yLogY(1 - y, 1 - mu));
}
