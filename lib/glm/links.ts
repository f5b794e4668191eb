/**
 * The four links of R's `binomial(link = …)` family — logit, probit, complementary log-log and
 * cauchit — as R 4.2 computes them: `make.link()` in src/library/stats/R/family.R and, for the
 * logit, the C code in src/library/stats/src/family.c. Each link's inverse is clamped as R clamps
 * it, so that μ stays strictly inside (0, 1) and dμ/dη never falls below ε; this is what keeps
 * R's `validmu` and `valideta` (always true for these links) satisfied without step-halving.
 *
 * The normal and Cauchy distribution functions they need are ports of R's nmath (dnorm.c,
 * pcauchy.c, qcauchy.c, dcauchy.c, cospi.c); the normal CDF and quantile are the ports in
 * `glm.ts` (`pnorm`) and `random.ts` (`qnorm`).
 *
 * @module
 */

import { qnorm } from "../r/random.ts";
import { pnorm } from "./glm.ts";

const DBL_EPSILON = 2.220446049250313e-16;
const THRESH = 30;
const MTHRESH = -30;
const INVEPS = 1 / DBL_EPSILON;
/** 1/√(2π), R's M_1_SQRT_2PI. */
const M_1_SQRT_2PI = 0.398942280401432677939946059934;
/** sqrt(−2 log(2) (DBL_MIN_EXP + 1 − DBL_MANT_DIG)): beyond it dnorm underflows to 0. */
const DNORM_UNDERFLOW = Math.sqrt(-2 * Math.LN2 * (-1021 + 1 - 53));

/** The links of R's binomial family that {@linkcode glm} fits. */
export type Link = "logit" | "probit" | "cloglog" | "cauchit";

/** Every {@linkcode Link}, in R's order of `binomial()`'s documentation. */
export const LINKS: readonly Link[] = ["logit", "probit", "cloglog", "cauchit"];

/** A link of the binomial family: the functions R's `family` object carries. */
export interface BinomialLink {
  /** The link's name, as R's `family$link`. */
  readonly name: Link;
  /** η = g(μ) (R's `linkfun`), for μ in (0, 1). */
  linkfun(mu: number): number;
  /** μ = g⁻¹(η) (R's `linkinv`), clamped as R clamps it. */
  linkinv(eta: number): number;
  /** dμ/dη (R's `mu.eta`), never below ε. */
  muEta(eta: number): number;
}

/**
 * The standard normal density, a port of R's `dnorm(x)` (nmath/dnorm.c, R 4.2): exp(−x²/2)/√(2π),
 * with x split into a 16-bit head and a tail for |x| ≥ 5 so that x² loses nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dnorm } from "./links.ts";
 * assert.ok(Math.abs(dnorm(0) - 0.3989422804014327) < 1e-16 && dnorm(40) === 0);
 * ```
 */
export function dnorm(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return 0;
  x = Math.abs(x);
  if (x >= 2 * Math.sqrt(Number.MAX_VALUE)) return 0;
  if (x < 5) return M_1_SQRT_2PI * Math.exp(-0.5 * x * x);
  if (x > DNORM_UNDERFLOW) return 0;
  const x1 = roundHalfEven(x * 65536) / 65536;
  const x2 = x - x1;
  return M_1_SQRT_2PI * (Math.exp(-0.5 * x1 * x1) * Math.exp((-0.5 * x2 - x1) * x2));
}

/**
 * C's `nearbyint` in the default rounding mode (R's `R_forceint` and `round(x)`): to the nearest
 * integer, halves to the even one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roundHalfEven } from "./links.ts";
 * assert.deepEqual([0.5, 1.5, 2.5, -2.5, 2.6].map(roundHalfEven), [0, 2, 2, -2, 3]);
 * ```
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x); // halves go up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** R's `Rtanpi` (nmath/cospi.c): tan(πx), exact at the quarter points. */
function tanpi(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return NaN;
  x = x % 1; // C's fmod: keeps the sign of x
  if (x <= -0.5) x++;
  else if (x > 0.5) x--;
  return x === 0 ? 0 : x === 0.5 ? NaN : x === 0.25 ? 1 : x === -0.25 ? -1 : Math.tan(Math.PI * x);
}

/** R's `pcauchy(x)` (nmath/pcauchy.c without atanpi, as on glibc). */
function pcauchy(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return x < 0 ? 0 : 1;
  if (Math.abs(x) > 1) {
    const y = Math.atan(1 / x) / Math.PI;
    return x > 0 ? 0.5 - y + 0.5 : -y;
  }
  return 0.5 + Math.atan(x) / Math.PI;
}

/** R's `qcauchy(p)` (nmath/qcauchy.c), lower tail, not on the log scale. */
function qcauchy(p: number): number {
  if (Number.isNaN(p)) return p;
  if (p < 0 || p > 1) return NaN;
  let lower = true;
  if (p > 0.5) {
    if (p === 1) return Infinity;
    p = 1 - p;
    lower = false;
  }
  if (p === 0.5) return 0;
  if (p === 0) return lower ? -Infinity : Infinity;
  return (lower ? -1 : 1) / tanpi(p);
}

/** R's `dcauchy(x)`. */
function dcauchy(x: number): number {
  return 1 / (Math.PI * (1 + x * x));
}

/** R's `x_d_omx` check in `logit_link`: μ must lie in [0, 1]. */
function logitLinkfun(mu: number): number {
  if (mu < 0 || mu > 1) throw new RangeError(`Value ${mu} out of range (0, 1)`);
  return Math.log(mu / (1 - mu));
}

const PROBIT_THRESH = -qnorm(DBL_EPSILON);
const CAUCHIT_THRESH = -qcauchy(DBL_EPSILON);

const logit: BinomialLink = {
  name: "logit",
  linkfun: logitLinkfun,
  linkinv(eta) {
    const tmp = eta < MTHRESH ? DBL_EPSILON : eta > THRESH ? INVEPS : Math.exp(eta);
    return tmp / (1 + tmp);
  },
  muEta(eta) {
    const opexp = 1 + Math.exp(eta);
    return eta > THRESH || eta < MTHRESH ? DBL_EPSILON : Math.exp(eta) / (opexp * opexp);
  },
};

const probit: BinomialLink = {
  name: "probit",
  linkfun: (mu) => qnorm(mu),
  linkinv(eta) {
    // pmin(pmax(eta, -thresh), thresh): NaN stays NaN.
    const e = eta < -PROBIT_THRESH ? -PROBIT_THRESH : eta > PROBIT_THRESH ? PROBIT_THRESH : eta;
    return pnorm(e);
  },
  muEta: (eta) => Math.max(dnorm(eta), DBL_EPSILON),
};

const cloglog: BinomialLink = {
  name: "cloglog",
  linkfun: (mu) => Math.log(-Math.log(1 - mu)),
  linkinv: (eta) => Math.max(Math.min(-Math.expm1(-Math.exp(eta)), 1 - DBL_EPSILON), DBL_EPSILON),
  muEta(eta) {
    const e = Math.min(eta, 700);
    return Math.max(Math.exp(e) * Math.exp(-Math.exp(e)), DBL_EPSILON);
  },
};

const cauchit: BinomialLink = {
  name: "cauchit",
  linkfun: (mu) => qcauchy(mu),
  linkinv(eta) {
    const e = eta < -CAUCHIT_THRESH ? -CAUCHIT_THRESH : eta > CAUCHIT_THRESH ? CAUCHIT_THRESH : eta;
    return pcauchy(e);
  },
  muEta: (eta) => Math.max(dcauchy(eta), DBL_EPSILON),
};

const BY_NAME: Record<Link, BinomialLink> = { logit, probit, cloglog, cauchit };

/**
 * The functions of R's `binomial(link = name)`: `linkfun`, `linkinv` and `mu.eta`, computed as R
 * computes them (clamps included). Throws for a name R's binomial family does not accept here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binomialLink } from "./links.ts";
 * const probit = binomialLink("probit");
 * assert.ok(Math.abs(probit.linkinv(1.959963984540054) - 0.975) < 1e-15);
 * assert.ok(binomialLink("cloglog").linkinv(50) === 1 - Number.EPSILON);
 * assert.ok(binomialLink("logit").muEta(0) === 0.25);
 * ```
 */
export function binomialLink(name: Link): BinomialLink {
  const link = Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined;
  if (link === undefined) {
    throw new RangeError(
      `link must be one of ${LINKS.map((l) => `"${l}"`).join(", ")}, got ${String(name)}`,
    );
  }
  return link;
}

/**
 * R's `binomial()$variance`: μ(1 − μ).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binomialVariance } from "./links.ts";
 * assert.ok(binomialVariance(0.5) === 0.25);
 * ```
 */
export function binomialVariance(mu: number): number {
  return mu * (1 - mu);
}

/** R's `y_log_y`: y log(y/μ), 0 for y = 0. */
function yLogY(y: number, mu: number): number {
  return y !== 0 ? y * Math.log(y / mu) : 0;
}

/**
 * R's `binomial()$dev.resids` for one row (C `binomial_dev_resids`):
 * 2 w (y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binomialDevResid } from "./links.ts";
 * assert.ok(Math.abs(binomialDevResid(1, 0.5, 2) - 4 * Math.LN2) < 1e-15);
 * ```
 */
export function binomialDevResid(y: number, mu: number, w: number): number {
  return 2 * w * (yLogY(y, mu) + yLogY(1 - y, 1 - mu));
}
