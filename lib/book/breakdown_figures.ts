/**
 * The figures of notebook 06's breakdowns: first- against second-order convergence, complete
 * separation, and a duplicated column. Each takes the rows of `breakdowns.ts` and returns a
 * {@linkcode Figure} with a caption and an alt text computed from the data drawn.
 *
 * @module
 */

import { countAxis, groupBy, lineChart, type Series } from "../view/charts.ts";
import { composeFigure, type Figure } from "../view/figure.ts";
import { PALETTE, powerOfTen, readableNumber as num } from "../view/labels.ts";
import type { CollinearityResult, ConvergenceRow, SeparationResult } from "./breakdowns.ts";
import { checkRows } from "./problem.ts";

const WIDTH = 720;

/**
 * Distance to the optimum per iteration on log–log axes, one labelled line per method (IRLS,
 * Adam, gradient descent). Distances below 1e-16 (rounding level) are drawn at 1e-16.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { convergenceFigure } from "./breakdown_figures.ts";
 * const fig = convergenceFigure([
 *   { method: "IRLS", iteration: 1, distance: 0.1 }, { method: "IRLS", iteration: 2, distance: 1e-4 },
 *   { method: "Adam", iteration: 1, distance: 0.3 }, { method: "Adam", iteration: 10, distance: 0.2 },
 * ]);
 * assert.ok(fig.svg.includes("IRLS") && fig.alt.includes("IRLS"));
 * ```
 */
export function convergenceFigure(rows: readonly ConvergenceRow[]): Figure {
  checkRows("rows", rows);
  const floor = 1e-16;
  const groups = groupBy(rows, (r) => r.method);
  const series: Series[] = [...groups].map(([method, rs], i) => ({
    name: method,
    color: PALETTE[i],
    dots: method === "IRLS",
    points: rs.map((r) => ({ x: r.iteration, y: Math.max(r.distance, floor) })),
  }));
  const reach = (rs: ConvergenceRow[], level: number) => rs.find((r) => r.distance < level);
  const level = 1e-8;
  const facts = [...groups].map(([method, rs]) => {
    const hit = reach(rs, level);
    const unit = method === "IRLS" ? "iteration" : "step";
    return hit
      ? `${method} within ${powerOfTen(level)} after ${unit} ${hit.iteration}`
      : `${method} not within ${powerOfTen(level)} in ${rs[rs.length - 1].iteration} ${unit}s`;
  });
  const panel = lineChart({
    series,
    x: countAxis(
      "iteration (IRLS) or epoch (Adam, gradient descent)",
      rows.map((r) => r.iteration),
    ),
    y: { label: "distance to the optimum", type: "log" },
    width: WIDTH,
    height: 400,
  });
  return composeFigure([panel], {
    caption: "Distance to the optimum after each iteration: Newton's method (IRLS) against two " +
      "first-order methods (both axes logarithmic).",
    alt: `Log–log line chart of the distance to the optimum against the iteration or epoch for ` +
      `${[...groups.keys()].join(", ")}: ${facts.join("; ")}. Distances below ` +
      `${powerOfTen(floor)} are drawn at ${powerOfTen(floor)}.`,
  });
}

/**
 * Complete separation: the norm of the weights (log scale) per glm iteration and per network
 * epoch (log x), one labelled line each — neither settles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { separationFigure } from "./breakdown_figures.ts";
 * const fig = separationFigure({ rows: [
 *   { method: "glm", step: 1, norm: 4 }, { method: "glm", step: 2, norm: 7 },
 *   { method: "network", step: 1, norm: 0.003 }, { method: "network", step: 100, norm: 0.2 },
 * ], warnings: [], converged: false, iterations: 2, glm: [], network: new Float64Array() });
 * assert.ok(fig.svg.includes("network"));
 * ```
 */
export function separationFigure(result: SeparationResult): Figure {
  checkRows("result.rows", result?.rows);
  const groups = groupBy(result.rows, (r) => r.method);
  const series: Series[] = [...groups].map(([method, rs], i) => ({
    name: method,
    color: PALETTE[i],
    dots: method === "glm",
    points: rs.map((r) => ({ x: r.step, y: r.norm })),
  }));
  const facts = [...groups].map(([method, rs]) => {
    const unit = method === "glm" ? "iteration" : "epoch";
    return `${method}: ${num(rs[0].norm)} after ${unit} ${rs[0].step}, ${
      num(rs[rs.length - 1].norm)
    } after ${unit} ${rs[rs.length - 1].step}`;
  });
  const panel = lineChart({
    series,
    x: countAxis("IRLS iteration (glm) or epoch (network)", result.rows.map((r) => r.step)),
    y: { label: "size of the weights, ‖θ‖", type: "log" },
    width: WIDTH,
    height: 360,
  });
  return composeFigure([panel], {
    caption: "Separated classes: the weights grow with every glm iteration and every epoch, " +
      "without limit (both axes logarithmic).",
    alt: `Log–log line chart of the norm of the weights against the iteration or epoch; both ` +
      `lines keep rising: ${facts.join("; ")}.`,
  });
}

/**
 * Collinearity: the weights of a column and of its exact copy, and their sum, over the epochs
 * (log x), one panel per start (zeros, random); glm's single coefficient as a dashed rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collinearityFigure } from "./breakdown_figures.ts";
 * const fig = collinearityFigure({
 *   rows: [
 *     { init: "zeros", epoch: 1, w1: 0.001, w2: 0.001, sum: 0.002 },
 *     { init: "zeros", epoch: 10, w1: -0.01, w2: -0.01, sum: -0.02 },
 *   ],
 *   glm: [-0.2, null],
 *   glmCoefficient: -0.2,
 *   name: "X4",
 * });
 * assert.ok(fig.svg.includes("sum"));
 * ```
 */
export function collinearityFigure(result: CollinearityResult): Figure {
  checkRows("result.rows", result?.rows);
  const name = result.name ?? "X1";
  const inits = [...groupBy(result.rows, (r) => r.init)];
  const all = result.rows.flatMap((r) => [r.w1, r.w2, r.sum]).concat(result.glmCoefficient);
  const pad = 0.06 * (Math.max(...all) - Math.min(...all));
  const yDomain = [Math.min(...all) - pad, Math.max(...all) + pad] as const;
  const panels = inits.map(([init, rs]) =>
    lineChart({
      series: [
        {
          name: `w (${name})`,
          color: PALETTE[0],
          points: rs.map((r) => ({ x: r.epoch, y: r.w1 })),
        },
        {
          name: `w (its copy)`,
          color: PALETTE[1],
          dash: "6,3",
          points: rs.map((r) => ({ x: r.epoch, y: r.w2 })),
        },
        {
          name: "sum of the two",
          color: PALETTE[2],
          width: 2.5,
          points: rs.map((r) => ({ x: r.epoch, y: r.sum })),
        },
      ],
      x: countAxis("epoch", rs.map((r) => r.epoch)),
      y: { label: "weight", domain: yDomain },
      references: [{ y: result.glmCoefficient, color: "#333" }],
      title: init === "zeros" ? "started from zeros" : `started from a ${init} split`,
      width: WIDTH,
      height: 250,
    })
  );
  const facts = inits.map(([init, rs]) => {
    const l = rs[rs.length - 1];
    return `from ${init}, after ${l.epoch} epochs: ${num(l.w1)} and ${num(l.w2)}, sum ${
      num(l.sum)
    }`;
  });
  return composeFigure(panels, {
    caption: `A duplicated column: the two copies' weights and their sum over the epochs; the ` +
      `dashed line is glm's single coefficient for ${name}, ${num(result.glmCoefficient)}.`,
    alt: `Two line charts, one per start, of the weight of ${name}, the weight of its copy and ` +
      `their sum against the epoch (log scale); the sum approaches glm's coefficient ` +
      `${num(result.glmCoefficient)} in both: ${facts.join("; ")}.`,
  });
}
