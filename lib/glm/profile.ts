/**
 * The profile of a binomial fit's deviance along each coefficient, as MASS's `profile.glm`
 * computes it (MASS 7.3-58, the version R 4.2's `confint` hands over to): for coefficient j the
 * coefficient is fixed at β̂ⱼ ± s·δ·SE(β̂ⱼ) for steps s = 1, 2, … (δ = zmax/5, at most 9 steps each
 * way, until |z| reaches zmax = √χ²₁(1 − alpha)), the other coefficients are refitted with column
 * j moved into the offset — each refit starting from the previous linear predictor, with the
 * fit's own `maxit` and `epsilon` — and the signed root z = ±√(deviance − deviance at β̂) is
 * recorded with every coefficient's value. `confint.ts` reads the intervals off these points.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import { ArgumentError } from "../core/errors.ts";
import { checkUnitInterval } from "../core/validate.ts";
import { qnorm } from "../r/qnorm.ts";
import { binomialFit } from "./binomial_fit.ts";
import type { GlmFit } from "./glm_fit.ts";
import { nullDevianceAt } from "./null_deviance.ts";

/** One coefficient's profile. */
export interface CoefficientProfile {
  /** The coefficient's name. */
  name: string;
  /** Signed root deviance differences, increasing; 0 at the fit. */
  z: number[];
  /** Every coefficient at each z (one row per z, `null` in aliased columns). */
  parVals: (number | null)[][];
}

/** A fit's profile: one entry per coefficient, `null` where the coefficient is aliased. */
export interface GlmProfile {
  /** The `alpha` the profile was made for: it reaches |z| ≥ √χ²₁(1 − alpha) where it can. */
  alpha: number;
  /** One profile per coefficient, in the fit's order; `null` where aliased. */
  profiles: (CoefficientProfile | null)[];
  /** The refits' warnings, each text once (R's), in the order they first occurred. */
  warnings: string[];
}

/** Options of {@linkcode profile}. */
export interface ProfileOptions {
  /** How far to profile: to |z| = √χ²₁(1 − alpha); default 0.01 (MASS's default). */
  alpha?: number;
  /** One more than the largest number of steps each way; default 10 (MASS's `maxsteps`). */
  maxsteps?: number;
}

/** Column j of the full design (the intercept's ones first when the fit has one). */
function designColumn(fit: GlmFit, j: number): Float64Array {
  const X = fit.X, n = X.rows, k = X.cols, off = fit.intercept ? 1 : 0;
  if (fit.intercept && j === 0) return new Float64Array(n).fill(1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = X.data[i * k + j - off];
  return out;
}

/** The design without column j and without the aliased columns, and whether it keeps the ones. */
function reducedDesign(fit: GlmFit, j: number): { X: Matrix; intercept: boolean; keep: number[] } {
  const off = fit.intercept ? 1 : 0, k = fit.X.cols, n = fit.X.rows;
  const keep = fit.coefficients.map((b, l) => (b === null || l === j ? -1 : l)).filter((l) =>
    l >= 0
  );
  const intercept = fit.intercept && keep[0] === 0;
  const cols = keep.filter((l) => l >= off).map((l) => l - off);
  const data = new Float64Array(n * cols.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < cols.length; c++) data[i * cols.length + c] = fit.X.data[i * k + cols[c]];
  }
  return { X: { rows: n, cols: cols.length, data }, intercept, keep };
}

/**
 * MASS's `profile.glm` for one coefficient j: the points (z, coefficients) down and up from the
 * fit, sorted by z.
 */
function profileOne(
  fit: GlmFit,
  j: number,
  zmax: number,
  maxsteps: number,
  warnings: Set<string>,
): CoefficientProfile {
  const n = fit.X.rows, se = fit.standardErrors[j]!, b0 = fit.coefficients[j]!;
  const del = zmax / 5;
  const xj = designColumn(fit, j);
  const reduced = reducedDesign(fit, j);
  const o0 = fit.offset ?? new Float64Array(n);
  const pv0 = fit.coefficients.slice();
  const zs = [0], rows = [pv0];
  for (const sgn of [-1, 1]) {
    let lp: Float64Array = Float64Array.from(fit.linearPredictors); // X[, nonA] β̂[nonA] + O
    let z = 0;
    for (let step = 1; step < maxsteps && Math.abs(z) < zmax; step++) {
      const bi = b0 + sgn * step * del * se;
      const o = Float64Array.from(o0, (v, i) => v + xj[i] * bi);
      const refit = refitWithOffset(fit, reduced, o, lp, warnings);
      lp = refit.linearPredictors;
      const row = pv0.slice();
      reduced.keep.forEach((l, c) => (row[l] = refit.coefficients[c]));
      row[j] = bi;
      rows.push(row);
      let zz = refit.deviance - fit.deviance; // dispersion 1
      if (!(zz > -1e-3)) {
        throw new RangeError(
          "profile: profiling has found a better solution, so original fit had not converged",
        );
      }
      zz = Math.max(zz, 0);
      z = sgn * Math.sqrt(zz);
      zs.push(z);
    }
  }
  const order = zs.map((_, i) => i).sort((a, b) => zs[a] - zs[b] || a - b);
  return {
    name: fit.names[j],
    z: order.map((i) => zs[i]),
    parVals: order.map((i) => rows[i]),
  };
}

/**
 * R's `glm.fit(x = Xi, y, weights, etastart = LP, offset = o, control = fit$control)`: the
 * coefficients, deviance and linear predictor of the fit with column j in the offset. With no
 * column left (R's empty model) the deviance is that of η = o.
 */
function refitWithOffset(
  fit: GlmFit,
  reduced: { X: Matrix; intercept: boolean; keep: number[] },
  o: Float64Array,
  lp: Float64Array,
  warnings: Set<string>,
): { coefficients: (number | null)[]; deviance: number; linearPredictors: Float64Array } {
  if (reduced.keep.length === 0) {
    const deviance = nullDevianceAt(fit.y, fit.priorWeights, o, false, fit.link);
    return { coefficients: [], deviance, linearPredictors: o };
  }
  const p = reduced.keep.length;
  const names = Array.from({ length: p }, (_, c) => `b${c}`);
  const refit = binomialFit(reduced.X, {
    intercept: reduced.intercept,
    maxit: fit.control.maxit,
    epsilon: fit.control.epsilon,
    names,
    method: "auto",
    engine: "fast",
  }, {
    link: fit.link,
    y: fit.y,
    weights: fit.priorWeights,
    offset: o,
    etastart: lp,
    nullDeviance: false,
    xChecked: true,
  });
  for (const w of refit.warnings) warnings.add(w);
  return refit;
}

/**
 * MASS's `profile.glm` for a binomial fit: each estimated coefficient profiled down and up until
 * the signed root deviance difference |z| reaches √χ²₁(1 − alpha) (or 9 steps). The base of
 * R's profile confidence intervals ({@linkcode confint}, which profiles with alpha = (1 − level)/4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm, profile } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[0], [1], [2], [3], [4], [5]]);
 * const fit = glm(X, [0, 0, 1, 0, 1, 1], { intercept: true });
 * const { profiles } = profile(fit, { alpha: 0.0125 });
 * const slope = profiles[1]!;
 * assert.ok(slope.z[0] < -2.4 && slope.z[slope.z.length - 1] > 2.4); // past √χ²₁(0.9875) ≈ 2.50… or 9 steps
 * assert.ok(slope.z.includes(0) && slope.parVals.length === slope.z.length);
 * ```
 */
export function profile(fit: GlmFit, options: ProfileOptions = {}): GlmProfile {
  const { alpha = 0.01, maxsteps = 10 } = options;
  checkUnitInterval("options.alpha", alpha, { open: true });
  if (!(Number.isInteger(maxsteps) && maxsteps >= 2)) {
    throw new ArgumentError("options.maxsteps", `must be an integer ≥ 2, got ${String(maxsteps)}`);
  }
  // √χ²₁(1 − alpha) = Φ⁻¹(1 − alpha/2), from the lower tail for accuracy.
  const zmax = -qnorm(alpha / 2);
  const warnings = new Set<string>();
  const profiles = fit.coefficients.map((b, j) =>
    b === null ? null : profileOne(fit, j, zmax, maxsteps, warnings)
  );
  return { alpha, profiles, warnings: [...warnings] };
}
