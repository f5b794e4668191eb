/**
 * The figure of notebook 4's last section: a coefficient's deviance profile, from which the
 * profile confidence interval is read, beside the straight line of the Wald interval.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { ArgumentError } from "../core/errors.ts";
import { qnorm } from "../r/qnorm.ts";
import { spline } from "../r/spline.ts";
import type { ConfidenceIntervals } from "../glm/confint.ts";
import type { GlmFit } from "../glm/glm_fit.ts";
import { type Figure, plot } from "./figure.ts";
import { PALETTE } from "./labels.ts";

/**
 * One coefficient's profile: the signed root deviance z against the coefficient's value (the
 * profile's points and R's spline through them), the Wald approximation z = (β − β̂)/SE as a dashed
 * line, the cut-offs ±Φ⁻¹(1 − a) and the two intervals' ends where the curves cross them. Takes
 * the intervals of `confint(fit)` (profile, the default method).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { confint, glm, profilePlot } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[0], [1], [2], [3], [4], [5], [6], [7]]);
 * const fit = glm(X, [0, 0, 1, 0, 1, 0, 1, 1], { intercept: true, names: ["dose"] });
 * const fig = profilePlot(fit, confint(fit), "dose");
 * assert.ok(fig.svg.includes("profile") && fig.svg.includes("Wald"));
 * ```
 */
export function profilePlot(fit: GlmFit, ci: ConfidenceIntervals, coefficient: string): Figure {
  const j = fit.names.indexOf(coefficient);
  if (j < 0) {
    throw new ArgumentError(
      "coefficient",
      `must be one of the fit's coefficients (${fit.names.join(", ")}), got ${coefficient}`,
    );
  }
  const pro = ci.profile?.profiles[j];
  if (pro === undefined || pro === null) {
    throw new ArgumentError(
      "ci",
      `holds no profile of ${coefficient}: pass confint(fit) (method "profile"), and a coefficient that is not aliased`,
    );
  }
  const b = fit.coefficients[j]!, se = fit.standardErrors[j]!;
  const zc = -qnorm((1 - ci.level) / 2);
  const points = pro.z.map((z, i) => ({ beta: pro.parVals[i][j]!, z }));
  const sp = spline(points.map((p) => p.beta), points.map((p) => p.z));
  const curve = sp.x.map((beta, i) => ({ beta, z: sp.y[i] }));
  const [lo, hi] = [points[0].beta, points[points.length - 1].beta];
  const wald = [lo, hi].map((beta) => ({ beta, z: (beta - b) / se }));
  const ends = [
    { beta: ci.lower[j], kind: "profile" },
    { beta: ci.upper[j], kind: "profile" },
    { beta: b - zc * se, kind: "Wald" },
    { beta: b + zc * se, kind: "Wald" },
  ].filter((e): e is { beta: number; kind: string } => e.beta !== null);
  const color = (kind: string) => (kind === "profile" ? PALETTE[0] : PALETTE[1]);
  const at = (x: number | null) => (x === null ? "none" : x.toPrecision(3));
  const pct = `${Math.round(ci.level * 100)} %`;
  const text = {
    caption: `The profile of ${coefficient}: the signed root of the deviance's rise as ` +
      `${coefficient} is held at each value (solid), against the Wald line (dashed).`,
    alt: `The profile of ${coefficient} (solid, with the refitted points) and the straight Wald ` +
      `line (dashed), both against ${coefficient}, with the ${pct} limits of each marked: profile ` +
      `${at(ci.lower[j])} to ${at(ci.upper[j])}, Wald ${at(b - zc * se)} to ${at(b + zc * se)}.`,
  };
  return plot({
    width: 560,
    height: 320,
    marginLeft: 50,
    x: { label: coefficient, grid: true },
    y: { label: "signed root deviance z", grid: true },
    marks: [
      Plot.ruleY([-zc, zc], { stroke: "gray", strokeDasharray: "2,3" }),
      Plot.line(wald, { x: "beta", y: "z", stroke: color("Wald"), strokeDasharray: "6,4" }),
      Plot.line(curve, { x: "beta", y: "z", stroke: color("profile"), strokeWidth: 2 }),
      Plot.dot(points, { x: "beta", y: "z", fill: color("profile"), r: 3 }),
      Plot.ruleX(ends, {
        x: "beta",
        stroke: (e: { kind: string }) => color(e.kind),
        y1: -zc,
        y2: zc,
      }),
      Plot.text([{ beta: lo, z: (lo - b) / se, label: "Wald" }], {
        x: "beta",
        y: "z",
        text: "label",
        fill: color("Wald"),
        textAnchor: "start",
        dx: 6,
        dy: -10,
      }),
      Plot.text([{ ...curve[curve.length - 1], label: "profile" }], {
        x: "beta",
        y: "z",
        text: "label",
        fill: color("profile"),
        textAnchor: "end",
        dx: -6,
        dy: -10,
      }),
    ],
  }, text);
}
