/**
 * The four links of R's `binomial(link = …)` family — logit, probit, complementary log-log and
 * cauchit — as R 4.2 computes them: `make.link()` in src/library/stats/R/family.R and, for the
 * logit, the C code in src/library/stats/src/family.c. Each link's inverse is clamped as R clamps
 * it, so that μ stays strictly inside (0, 1) and dμ/dη never falls below ε (the logit's are R's C
 * code in `lib/r/logit.ts`); this is what keeps
 * R's `validmu` and `valideta` (always true for these links) satisfied without step-halving.
 *
 * The normal and Cauchy distribution functions they need are the ports of R's nmath in
 * `lib/r/` (`nmath.ts`, `qnorm.ts`, `distributions.ts`).
 *
 * @module
 */

import { dcauchy, dnorm, pcauchy, qcauchy } from "../r/distributions.ts";
import { pnorm } from "../r/nmath.ts";
import { qnorm } from "../r/qnorm.ts";
import { clampedExp, linkinv as logitLinkinv, muEta as logitMuEta } from "../r/logit.ts";
import type { Link } from "./glm_fit.ts";
import { exp, expm1, log } from "../core/math.ts";

const DBL_EPSILON = 2.220446049250313e-16;

export type { Link };

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

/** R's `x_d_omx` check in `logit_link`: μ must lie in [0, 1]. */
function logitLinkfun(mu: number): number {
  if (mu < 0 || mu > 1) throw new RangeError(`Value ${mu} out of range (0, 1)`);
  return log(mu / (1 - mu));
}

const PROBIT_THRESH = -qnorm(DBL_EPSILON);
const CAUCHIT_THRESH = -qcauchy(DBL_EPSILON);

const logit: BinomialLink = {
  name: "logit",
  linkfun: logitLinkfun,
  linkinv: logitLinkinv,
  muEta: (eta) => logitMuEta(eta, clampedExp(eta)),
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
  linkfun: (mu) => log(-log(1 - mu)),
  linkinv: (eta) => Math.max(Math.min(-expm1(-exp(eta)), 1 - DBL_EPSILON), DBL_EPSILON),
  muEta(eta) {
    const e = Math.min(eta, 700);
    return Math.max(exp(e) * exp(-exp(e)), DBL_EPSILON);
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
  return y !== 0 ? y * log(y / mu) : 0;
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
