/**
 * The figures of notebooks 05 (Adam from scratch) and 06 (when the equivalence breaks), drawn with
 * Observable Plot through {@linkcode plot}. Each takes the plain rows of `experiments.ts` (or a
 * trace of `lib/nn/scratch_adam.ts`) and returns a {@linkcode Figure}. No legends (lines are labelled at
 * their ends) and at most 720 px wide.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { CollinearityResult, ConvergenceRow, SeparationResult } from "./breakdowns.ts";
import type { InitialisationRow, SumMeanRow } from "./experiments.ts";
import type { AgreementRow } from "./problem.ts";
import { type Figure, plot } from "../view/figure.ts";
import { ArgumentError } from "../core/errors.ts";

const WIDTH = 720;

function checkRows(name: string, rows: unknown): void {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new ArgumentError(
      name,
      "must be a non-empty array of rows (from lib/book/experiments.ts)",
    );
  }
}

/** Line marks with a label at the right end of each series. */
function labelledLines<T>(
  data: readonly T[],
  { x, y, z, label }: { x: string; y: string; z: string; label?: string },
): Plot.Markish[] {
  return [
    Plot.line(data, { x, y, z, stroke: z }),
    Plot.text(
      data,
      Plot.selectLast({ x, y, z, text: label ?? z, fill: z, textAnchor: "start", dx: 4 }),
    ),
  ];
}

/**
 * Weights over the epochs converging to glm's coefficients: one line per weight, glm's values as
 * dashed horizontal rules, each line labelled with its name at the right end. The trace is
 * thinned to at most ~300 epochs to keep the SVG small.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightsOverEpochs } from "./figures.ts";
 * const fig = weightsOverEpochs(
 *   { epoch: [1, 2, 3], theta: [[0.1, -0.1], [0.2, -0.15], [0.25, -0.2]] },
 *   [0.3, -0.2],
 * );
 * assert.ok(fig.svg.includes("X2"));
 * ```
 */
export function weightsOverEpochs(
  trace: { epoch: readonly number[]; theta: readonly ArrayLike<number>[] },
  glmCoefficients: ArrayLike<number>,
  { names }: { names?: readonly string[] } = {},
): Figure {
  if (!trace || !Array.isArray(trace.epoch) || trace.epoch.length === 0) {
    throw new ArgumentError("trace", "must hold epoch and theta arrays (scratchAdam with trace)");
  }
  const k = glmCoefficients.length;
  const label = (j: number) => names?.[j] ?? `X${j + 1}`;
  const step = Math.max(1, Math.ceil(trace.epoch.length / 300));
  const rows: { epoch: number; weight: number; name: string }[] = [];
  for (let t = 0; t < trace.epoch.length; t++) {
    if (t % step !== 0 && t !== trace.epoch.length - 1) continue;
    const th = trace.theta[t];
    if (th.length !== k) {
      throw new ArgumentError("trace", `θ has ${th.length} entries, glm has ${k} coefficients`);
    }
    for (let j = 0; j < k; j++) rows.push({ epoch: trace.epoch[t], weight: th[j], name: label(j) });
  }
  const rules = Array.from(
    { length: k },
    (_, j) => ({ name: label(j), value: glmCoefficients[j] }),
  );
  return plot({
    width: WIDTH,
    height: 420,
    marginRight: 50,
    x: { label: "epoch" },
    y: { label: "weight", grid: true },
    color: { legend: false },
    marks: [
      Plot.ruleY(rules, { y: "value", stroke: "name", strokeDasharray: "4,3", strokeOpacity: 0.7 }),
      ...labelledLines(rows, { x: "epoch", y: "weight", z: "name" }),
    ],
  });
}

/**
 * Distance to the optimum per iteration on log–log axes, one labelled line per method (IRLS,
 * Adam, gradient descent). Distances below 1e-16 (rounding level) are drawn at 1e-16.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { convergenceFigure } from "./figures.ts";
 * const fig = convergenceFigure([
 *   { method: "IRLS", iteration: 1, distance: 0.1 }, { method: "IRLS", iteration: 2, distance: 1e-4 },
 *   { method: "Adam", iteration: 1, distance: 0.3 }, { method: "Adam", iteration: 10, distance: 0.2 },
 * ]);
 * assert.ok(fig.svg.includes("IRLS"));
 * ```
 */
export function convergenceFigure(rows: readonly ConvergenceRow[]): Figure {
  checkRows("rows", rows);
  const data = rows.map((r) => ({ ...r, distance: Math.max(r.distance, 1e-16) }));
  return plot({
    width: WIDTH,
    height: 400,
    marginRight: 110,
    x: { type: "log", label: "iteration (IRLS) or epoch (Adam, gradient descent)" },
    y: { type: "log", label: "distance to the optimum", grid: true },
    color: { legend: false },
    marks: [
      ...labelledLines(data, { x: "iteration", y: "distance", z: "method" }),
      Plot.dot(data.filter((r) => r.method === "IRLS"), {
        x: "iteration",
        y: "distance",
        fill: "method",
        r: 3,
      }),
    ],
  });
}

/**
 * Agreement with glm (MAPE, log scale) against a setting (log scale by default), one labelled line
 * with dots per method.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreementFigure } from "./figures.ts";
 * const fig = agreementFigure([
 *   { method: "network", value: 10, mape: 100, maxAbsDiff: 0.1 },
 *   { method: "network", value: 100, mape: 1, maxAbsDiff: 0.01 },
 * ], { label: "epochs" });
 * assert.ok(fig.svg.includes("epochs"));
 * ```
 */
export function agreementFigure(
  rows: readonly AgreementRow[],
  { label = "setting", logX = true }: { label?: string; logX?: boolean } = {},
): Figure {
  checkRows("rows", rows);
  const data = rows.map((r) => ({ ...r, mape: Math.max(r.mape, 1e-13) }));
  return plot({
    width: WIDTH,
    height: 360,
    marginRight: 100,
    x: { type: logX ? "log" : "linear", label },
    y: { type: "log", label: "mean absolute percentage error vs glm (%)", grid: true },
    color: { legend: false },
    marks: [
      ...labelledLines(data, { x: "value", y: "mape", z: "method" }),
      Plot.dot(data, { x: "value", y: "mape", fill: "method", r: 3 }),
    ],
  });
}

/**
 * Agreement after a fixed number of epochs against how far the start was from glm: one dot per
 * start (zeros, Glorot uniform, normal), coloured by initialiser and labelled, for one method.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialisationFigure } from "./figures.ts";
 * const fig = initialisationFigure([
 *   { method: "network", value: 0, mape: 1e-3, maxAbsDiff: 1e-6, init: "zeros", seed: 0, startDistance: 0.3 },
 *   { method: "network", value: 1, mape: 50, maxAbsDiff: 0.1, init: "normal(0, 1)", seed: 1, startDistance: 2 },
 * ]);
 * assert.ok(fig.svg.includes("zeros"));
 * ```
 */
export function initialisationFigure(
  rows: readonly InitialisationRow[],
  { method = "network" }: { method?: string } = {},
): Figure {
  checkRows("rows", rows);
  const data = rows.filter((r) => r.method === method);
  if (data.length === 0) throw new ArgumentError("method", `matches no row: ${method}`);
  return plot({
    width: WIDTH,
    height: 340,
    marginRight: 100,
    x: { label: "distance of the starting weights from glm's coefficients", grid: true },
    y: { type: "log", label: "MAPE vs glm after training (%)", grid: true },
    color: { legend: false },
    marks: [
      Plot.dot(data, { x: "startDistance", y: "mape", fill: "init", r: 4 }),
      Plot.text(data, {
        x: "startDistance",
        y: "mape",
        text: "init",
        fill: "init",
        dx: 8,
        textAnchor: "start",
      }),
    ],
  });
}

/**
 * Sum versus mean loss: MAPE against glm as a function of Adam's ε (both log scales), one
 * labelled line for the summed and one for the mean gradient, at the given number of epochs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sumMeanFigure } from "./figures.ts";
 * const fig = sumMeanFigure([
 *   { eps: 1e-7, epochs: 1000, mapeSum: 3e-4, mapeMean: 3e-4, maxAbsDiff: 1e-10 },
 *   { eps: 1e-2, epochs: 1000, mapeSum: 3e-4, mapeMean: 7, maxAbsDiff: 1e-2 },
 * ]);
 * assert.ok(fig.svg.includes("mean"));
 * ```
 */
export function sumMeanFigure(
  rows: readonly SumMeanRow[],
  { epochs }: { epochs?: number } = {},
): Figure {
  checkRows("rows", rows);
  const at = epochs ?? Math.min(...rows.map((r) => r.epochs));
  const picked = rows.filter((r) => r.epochs === at);
  if (picked.length === 0) throw new ArgumentError("epochs", `matches no row: ${at}`);
  const data = picked.flatMap((r) => [
    { eps: r.eps, mape: Math.max(r.mapeSum, 1e-13), gradient: "sum (tutorial)" },
    { eps: r.eps, mape: Math.max(r.mapeMean, 1e-13), gradient: "mean (Keras' scale)" },
  ]);
  return plot({
    width: WIDTH,
    height: 340,
    marginRight: 140,
    x: { type: "log", label: `Adam's ε (${at} epochs, full batch)` },
    y: { type: "log", label: "MAPE vs glm (%)", grid: true },
    color: { legend: false },
    marks: [
      ...labelledLines(data, { x: "eps", y: "mape", z: "gradient" }),
      Plot.dot(data, { x: "eps", y: "mape", fill: "gradient", r: 3 }),
    ],
  });
}

/**
 * Complete separation: the norm of the weights (log scale) per glm iteration and per network
 * epoch (log x), one labelled line each — neither settles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { separationFigure } from "./figures.ts";
 * const fig = separationFigure({ rows: [
 *   { method: "glm", step: 1, norm: 4 }, { method: "glm", step: 2, norm: 7 },
 *   { method: "network", step: 1, norm: 0.003 }, { method: "network", step: 100, norm: 0.2 },
 * ], warnings: [], converged: false, iterations: 2, glm: [], network: new Float64Array() });
 * assert.ok(fig.svg.includes("network"));
 * ```
 */
export function separationFigure(result: SeparationResult): Figure {
  checkRows("result.rows", result?.rows);
  return plot({
    width: WIDTH,
    height: 360,
    marginRight: 80,
    x: { type: "log", label: "IRLS iteration (glm) or epoch (network)" },
    y: { type: "log", label: "norm of the weights", grid: true },
    color: { legend: false },
    marks: [
      ...labelledLines(result.rows, { x: "step", y: "norm", z: "method" }),
      Plot.dot(result.rows.filter((r) => r.method === "glm"), {
        x: "step",
        y: "norm",
        fill: "method",
        r: 2.5,
      }),
    ],
  });
}

/**
 * Collinearity: the weights of a column and of its exact copy, and their sum, over the epochs
 * (log x), one panel per start (zeros, random); glm's single coefficient as a dashed rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collinearityFigure } from "./figures.ts";
 * const fig = collinearityFigure({
 *   rows: [
 *     { init: "zeros", epoch: 1, w1: 0.001, w2: 0.001, sum: 0.002 },
 *     { init: "zeros", epoch: 10, w1: -0.001, w2: -0.001, sum: -0.002 },
 *   ],
 *   glm: [-0.003, null],
 *   glmCoefficient: -0.003,
 * });
 * assert.ok(fig.svg.includes("sum"));
 * ```
 */
export function collinearityFigure(result: CollinearityResult): Figure {
  checkRows("result.rows", result?.rows);
  const long = result.rows.flatMap((r) => [
    { init: r.init, epoch: r.epoch, weight: r.w1, series: "w₁ (X1)" },
    { init: r.init, epoch: r.epoch, weight: r.w2, series: "w₂ (copy)" },
    { init: r.init, epoch: r.epoch, weight: r.sum, series: "sum" },
  ]);
  const inits = [...new Set(result.rows.map((r) => r.init))];
  return plot({
    width: WIDTH,
    height: 200 * inits.length + 40,
    marginRight: 90,
    x: { type: "log", label: "epoch" },
    y: { label: "weight", grid: true },
    fy: { label: "start" },
    color: { legend: false },
    marks: [
      Plot.ruleY(inits.map((init) => ({ init, value: result.glmCoefficient })), {
        y: "value",
        fy: "init",
        strokeDasharray: "4,3",
      }),
      Plot.line(long, { x: "epoch", y: "weight", z: "series", stroke: "series", fy: "init" }),
      Plot.text(
        long,
        Plot.selectLast({
          x: "epoch",
          y: "weight",
          z: (d: { init: string; series: string }) => `${d.init} ${d.series}`,
          text: "series",
          fill: "series",
          fy: "init",
          textAnchor: "start",
          dx: 4,
        }),
      ),
    ],
  });
}
