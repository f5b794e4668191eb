/**
 * Confidence intervals for a binomial fit's coefficients, two ways, as R gives them:
 *
 * - `"profile"` (the default, what `confint(fit)` gives for a glm in R ≤ 4.3, through MASS):
 *   the deviance is profiled along each coefficient (`profile.ts`, alpha = (1 − level)/4), an
 *   interpolating spline of the coefficient's value as a function of the signed root deviance z
 *   is evaluated on a fine grid, and the interval's ends are where that curve crosses z = Φ⁻¹(a)
 *   and Φ⁻¹(1 − a), a = (1 − level)/2 (MASS's `confint.profile.glm`: `spline`, then `approx`);
 * - `"wald"` (R's `confint.default`): β̂ ± Φ⁻¹(1 − a)·SE(β̂).
 *
 * Profile intervals follow the likelihood rather than its quadratic approximation, so they are
 * not symmetric about β̂, and they stay right where the Wald interval is poor (small samples,
 * estimates near the boundary).
 *
 * @module
 */

import { escapeHtml, jupyterDisplay } from "../core/html.ts";
import { checkOneOf, checkUnitInterval } from "../core/validate.ts";
import { formatNumbers } from "../r/format.ts";
import { qnorm } from "../r/qnorm.ts";
import { approx, spline } from "../r/spline.ts";
import type { GlmFit } from "./glm_fit.ts";
import { type GlmProfile, profile } from "./profile.ts";

/** Options of {@linkcode confint}. */
export interface ConfintOptions {
  /** The confidence level, in (0, 1); default 0.95. */
  level?: number;
  /** `"profile"` (default, R's `confint` on a glm) or `"wald"` (R's `confint.default`). */
  method?: "profile" | "wald";
}

/** Confidence intervals, one per coefficient, as R's `confint` returns them. */
export interface ConfidenceIntervals {
  /** The coefficients' names. */
  names: string[];
  /** The confidence level. */
  level: number;
  /** How they were made. */
  method: "profile" | "wald";
  /** Lower ends (R's "2.5 %" column); `null` where aliased or where the profile did not reach. */
  lower: (number | null)[];
  /** Upper ends (R's "97.5 %" column). */
  upper: (number | null)[];
  /** The profile the intervals were read from (`"profile"` only). */
  profile?: GlmProfile;
  /** The profiling refits' warnings (R's texts, each once). */
  warnings: string[];
  /** R's printed matrix, e.g. `                 2.5 %    97.5 %`. */
  toString(): string;
}

/** R's `format.perc`: "2.5 %", "97.5 %". */
function percent(p: number): string {
  return `${Number((100 * p).toPrecision(3))} %`;
}

/**
 * Confidence intervals for the coefficients of a fitted {@linkcode GlmFit}: by profiling the
 * deviance (default, R's `confint(fit)`, computed as MASS's `profile.glm` and
 * `confint.profile.glm`), or Wald's β̂ ± z·SE (`method: "wald"`, R's `confint.default`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { confint, glm } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[0], [1], [2], [3], [4], [5], [6], [7]]);
 * const fit = glm(X, [0, 0, 1, 0, 1, 0, 1, 1], { intercept: true });
 * const wald = confint(fit, { method: "wald" });
 * const prof = confint(fit);
 * const b = fit.coefficients[1]!;
 * assert.ok(wald.lower[1]! < b && b < wald.upper[1]!);
 * assert.ok(prof.lower[1]! < b && b < prof.upper[1]! && prof.upper[1]! !== wald.upper[1]!);
 * ```
 */
export function confint(fit: GlmFit, options: ConfintOptions = {}): ConfidenceIntervals {
  const { level = 0.95, method = "profile" } = options;
  checkUnitInterval("options.level", level, { open: true });
  checkOneOf("options.method", method, ["profile", "wald"]);
  const a = (1 - level) / 2;
  const probs = [a, 1 - a];
  const cutoff = probs.map(qnorm);
  const p = fit.coefficients.length;
  const lower: (number | null)[] = new Array(p).fill(null);
  const upper: (number | null)[] = new Array(p).fill(null);
  let prof: GlmProfile | undefined;
  if (method === "wald") {
    fit.coefficients.forEach((b, j) => {
      if (b === null) return;
      const se = Math.sqrt(fit.covariance[j * p + j]);
      lower[j] = b + se * cutoff[0];
      upper[j] = b + se * cutoff[1];
    });
  } else {
    prof = profile(fit, { alpha: (1 - level) / 4 });
    prof.profiles.forEach((pro, j) => {
      if (pro === null) return;
      const sp = spline(pro.parVals.map((row) => row[j] as number), pro.z);
      const [lo, hi] = approx(sp.y, sp.x, cutoff);
      lower[j] = Number.isNaN(lo) ? null : lo;
      upper[j] = Number.isNaN(hi) ? null : hi;
    });
  }
  const text = () => {
    const cols = [lower, upper].map((c) => formatNumbers(c, 7));
    const heads = probs.map(percent);
    const nameW = Math.max(0, ...fit.names.map((n) => n.length));
    const w = cols.map((c, k) => Math.max(heads[k].length, ...c.map((s) => s.length)));
    const line = (name: string, cells: string[]) =>
      name.padEnd(nameW) + cells.map((c, k) => " " + c.padStart(w[k])).join("");
    return [line("", heads), ...fit.names.map((n, j) => line(n, [cols[0][j], cols[1][j]]))]
      .join("\n");
  };
  const html = () =>
    `<table><thead><tr><th></th>${probs.map((q) => `<th>${percent(q)}</th>`).join("")}</tr>` +
    `</thead><tbody>${
      fit.names.map((n, j) =>
        `<tr><td>${escapeHtml(n)}</td><td>${lower[j] ?? "NA"}</td><td>${upper[j] ?? "NA"}</td></tr>`
      ).join("")
    }</tbody></table>`;
  return {
    names: fit.names,
    level,
    method,
    lower,
    upper,
    ...(prof === undefined ? {} : { profile: prof }),
    warnings: prof?.warnings ?? [],
    toString: text,
    [jupyterDisplay]: () => ({ "text/plain": text(), "text/html": html() }),
  } as ConfidenceIntervals;
}
