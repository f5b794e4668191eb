/**
 * How the live figures are drawn: Observable Plot options made from the results of `live.ts`,
 * the same options whether Plot renders them on a server-side DOM (a {@linkcode Figure}, through
 * `view/figure.ts`) or on the page's own `document` (the book's live figures). Fixed scales
 * (colours by name, domains from the data) so that a redraw changes only what the controls change.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { PlotOptions } from "@observablehq/plot";
import { lineChartPlot } from "../view/charts.ts";
import { type Figure, plot } from "../view/figure.ts";
import { PALETTE, readableNumber as num } from "../view/labels.ts";
import { weightsOverEpochsChart } from "./figures.ts";
import type {
  LikelihoodGrid,
  StartedPath,
  TrainingOutcome,
  TwoFeatureProblem,
  WeightPaths,
} from "./live.ts";

/** The colours of the three optimisers, as notebook 6's static map of their paths has them. */
export const METHOD_COLOURS: Readonly<Record<string, string>> = Object.freeze({
  IRLS: PALETTE[3],
  Adam: PALETTE[0],
  "gradient descent": PALETTE[1],
});

/**
 * The ten weights' paths over the epochs run, glm's coefficients as dashed rules of the same
 * colours, each path labelled at its end: notebook 5's figure (`weightsOverEpochs`, drawn by the
 * same chart), for any number of epochs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightPathsPlot } from "./live_plots.ts";
 * import { weightPaths } from "./live.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const options = weightPathsPlot(weightPaths(tutorialProblem(), 20));
 * assert.ok((options.marks?.length ?? 0) > 10);
 * ```
 */
export function weightPathsPlot(
  w: WeightPaths,
  { width = 720 }: { width?: number } = {},
): PlotOptions {
  return lineChartPlot(weightsOverEpochsChart(w.trace, w.glm, { width }).chart);
}

/**
 * The trained weights (filled) beside glm's coefficients (rings), one row per weight, joined by
 * a line that is as long as they are apart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightsBesidePlot } from "./live_plots.ts";
 * import { train, TUTORIAL_SETTINGS } from "./live.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const p = tutorialProblem();
 * const options = weightsBesidePlot(train(p, { ...TUTORIAL_SETTINGS, epochs: 10 }), p.glm);
 * assert.equal(options.marks?.length, 4);
 * ```
 */
export function weightsBesidePlot(
  outcome: TrainingOutcome,
  glm: ArrayLike<number>,
  { width = 720 }: { width?: number } = {},
): PlotOptions {
  const rows = Array.from(
    glm,
    (g, j) => ({ name: `X${j + 1}`, glm: g, trained: outcome.theta[j] }),
  );
  const values = rows.flatMap((r) => [r.glm, r.trained]);
  const lo = Math.min(-0.25, ...values), hi = Math.max(0.25, ...values);
  return {
    width,
    height: 36 + 26 * rows.length,
    marginLeft: 40,
    x: { label: "weight", grid: true, domain: [lo, hi], nice: true },
    y: { label: null, domain: rows.map((r) => r.name) },
    marks: [
      Plot.ruleX([0], { stroke: "#999" }),
      Plot.link(rows, { x1: "glm", x2: "trained", y1: "name", y2: "name", stroke: "#888" }),
      Plot.dot(rows, { x: "glm", y: "name", r: 6, stroke: "black", strokeWidth: 1.5 }),
      Plot.dot(rows, { x: "trained", y: "name", r: 3.5, fill: METHOD_COLOURS.Adam }),
    ],
  };
}

/**
 * Contour levels below the top of a hill, closer together near the top (quadratically spaced,
 * as a concave log-likelihood falls): evenly spaced ellipses around the optimum.
 */
function levels(values: readonly number[], n: number): number[] {
  const top = Math.max(...values), low = Math.min(...values);
  return Array.from({ length: n }, (_, k) => top - (top - low) * ((n - k) / n) ** 2);
}

/** The order the paths are drawn in, bottom first. */
const order = (method: string) => ["gradient descent", "Adam", "IRLS"].indexOf(method);

/** An accessor of a pair's first or second entry. */
const at = (i: 0 | 1) => (d: readonly [number, number]) => d[i];

/** Options of {@linkcode optimiserPathsPlot}. */
export interface PathsPlotOptions {
  /** `"map"`: the contours and the axes only; `"paths"`: the paths only, on a transparent
   * background with the same scales (to lay over the map); `"both"` (default). */
  layer?: "map" | "paths" | "both";
  /** Width in pixels (default 560); the height is the same. */
  size?: number;
}

/**
 * The log-likelihood's contour map of a two-feature problem with the optimisers' paths from a
 * start: filled contours, glm's optimum (a white dot), the start (a black ring) and one coloured
 * path per method. Drawn as two layers with identical scales, so that the map is drawn once and
 * only the paths are redrawn when the start moves.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimiserPathsPlot } from "./live_plots.ts";
 * import { likelihoodGrid, pathsFrom, twoFeatureProblem } from "./live.ts";
 * const p = twoFeatureProblem();
 * const grid = likelihoodGrid(p, { resolution: 9 });
 * const paths = pathsFrom(p, [0, 0], { epochs: 10 });
 * assert.ok(optimiserPathsPlot(p, grid, paths, [0, 0], { layer: "paths" }).x?.axis === null);
 * ```
 */
export function optimiserPathsPlot(
  p: TwoFeatureProblem,
  grid: LikelihoodGrid,
  paths: readonly StartedPath[],
  start: readonly [number, number],
  { layer = "both", size = 560 }: PathsPlotOptions = {},
): PlotOptions {
  const map = layer !== "paths", drawPaths = layer !== "map";
  const n = grid.resolution, dx = (grid.x[1] - grid.x[0]) / (n - 1) / 2;
  const dy = (grid.y[1] - grid.y[0]) / (n - 1) / 2;
  return {
    width: size,
    height: size,
    // the same margins in both layers, whether or not they draw axes
    marginTop: 24,
    marginRight: 24,
    marginBottom: 40,
    marginLeft: 55,
    x: { label: `θ for ${p.names[0]}`, domain: grid.x, ...(map ? {} : { axis: null }) },
    y: { label: `θ for ${p.names[1]}`, domain: grid.y, ...(map ? {} : { axis: null }) },
    color: { type: "linear", scheme: "viridis" },
    style: map ? {} : { background: "transparent" },
    marks: [
      ...(map
        ? [
          Plot.contour(grid.values, {
            width: n,
            height: n,
            x1: grid.x[0] - dx,
            x2: grid.x[1] + dx,
            y1: grid.y[1] + dy,
            y2: grid.y[0] - dy,
            fill: Plot.identity,
            fillOpacity: 0.55, // as notebook 6's static map: the paths stand out
            stroke: "white",
            strokeOpacity: 0.7,
            thresholds: levels(grid.values, 14),
          }),
          Plot.dot([p.optimum], { x: at(0), y: at(1), fill: "white", stroke: "black", r: 5 }),
        ]
        : []),
      ...(drawPaths
        ? [
          // gradient descent widest and below, then Adam, then IRLS with a dot per iteration;
          // each path's end marked, so that a path hidden under another still shows where it stops
          ...[...paths].sort((u, v) => order(u.method) - order(v.method)).flatMap((path) => [
            Plot.line(path.points, {
              x: "a",
              y: "b",
              stroke: METHOD_COLOURS[path.method] ?? "black",
              strokeWidth: path.method === "gradient descent"
                ? 5
                : path.method === "Adam"
                ? 3
                : 1.5,
              clip: true,
            }),
            Plot.dot(path.method === "IRLS" ? path.points : path.points.slice(-1), {
              x: "a",
              y: "b",
              r: path.method === "IRLS" ? 3 : 4.5,
              fill: METHOD_COLOURS[path.method] ?? "black",
              stroke: "white",
              clip: true,
            }),
          ]),
          Plot.dot([start], { x: at(0), y: at(1), r: 7, stroke: "black", strokeWidth: 2 }),
        ]
        : []),
    ],
  };
}

/**
 * {@linkcode weightPathsPlot} as a static figure (SVG), for a notebook or a page without script.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightPathsFigure } from "./live_plots.ts";
 * import { weightPaths } from "./live.ts";
 * import { tutorialProblem } from "./problem.ts";
 * assert.ok(weightPathsFigure(weightPaths(tutorialProblem(), 5)).svg.startsWith("<svg"));
 * ```
 */
export function weightPathsFigure(w: WeightPaths): Figure {
  const { caption, alt } = weightsOverEpochsChart(w.trace, w.glm);
  return plot(weightPathsPlot(w), { caption, alt });
}

/**
 * {@linkcode weightsBesidePlot} as a static figure (SVG).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainingFigure } from "./live_plots.ts";
 * import { train, TUTORIAL_SETTINGS } from "./live.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const p = tutorialProblem();
 * assert.ok(trainingFigure(train(p, { ...TUTORIAL_SETTINGS, epochs: 5 }), p.glm).svg.length > 0);
 * ```
 */
export function trainingFigure(outcome: TrainingOutcome, glm: ArrayLike<number>): Figure {
  return plot(weightsBesidePlot(outcome, glm), trainingText(outcome, glm));
}

/**
 * The caption and alt text of {@linkcode weightsBesidePlot}'s figure, from the run drawn.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainingText } from "./live_plots.ts";
 * import { train, TUTORIAL_SETTINGS } from "./live.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const p = tutorialProblem();
 * assert.ok(trainingText(train(p, TUTORIAL_SETTINGS), p.glm).caption.includes("matches glm"));
 * ```
 */
export function trainingText(
  outcome: TrainingOutcome,
  glm: ArrayLike<number>,
): { caption: string; alt: string } {
  const { learningRate, batchSize, epochs, init, gradient } = outcome.settings;
  return {
    caption: `The weights after ${epochs} epochs of Adam (α ${learningRate}, batches of ` +
      `${batchSize}, from ${init}, ${gradient} gradient) beside glm's coefficients: ` +
      `${outcome.verdict}.`,
    alt: `Dot chart of ${glm.length} weights, one row each: a filled dot for the trained weight, ` +
      `a ring for glm's coefficient; the largest gap between the two vectors is ` +
      `${num(Math.max(...Array.from(glm, (g, j) => Math.abs(g - outcome.theta[j]))))}.`,
  };
}

/**
 * {@linkcode optimiserPathsPlot} as a static figure (SVG), map and paths together, from any start
 * (notebook 6's `optimiserPathsFigure` draws the paths from zero with their key).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathsFromFigure } from "./live_plots.ts";
 * import { likelihoodGrid, pathsFrom, twoFeatureProblem } from "./live.ts";
 * const p = twoFeatureProblem();
 * const fig = pathsFromFigure(
 *   p, likelihoodGrid(p, { resolution: 9 }), pathsFrom(p, [0, 0], { epochs: 5 }), [0, 0],
 * );
 * assert.ok(fig.svg.includes("<path"));
 * ```
 */
export function pathsFromFigure(
  p: TwoFeatureProblem,
  grid: LikelihoodGrid,
  paths: readonly StartedPath[],
  start: readonly [number, number],
): Figure {
  return plot(optimiserPathsPlot(p, grid, paths, start), pathsText(p, paths, start));
}

/**
 * The caption and alt text of {@linkcode optimiserPathsPlot}'s figure, from the paths drawn.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathsText } from "./live_plots.ts";
 * import { pathsFrom, twoFeatureProblem } from "./live.ts";
 * const p = twoFeatureProblem();
 * assert.ok(pathsText(p, pathsFrom(p, [0, 0], { epochs: 5 }), [0, 0]).alt.includes("IRLS"));
 * ```
 */
export function pathsText(
  p: TwoFeatureProblem,
  paths: readonly StartedPath[],
  start: readonly [number, number],
): { caption: string; alt: string } {
  const said = paths.map((q) =>
    `${q.method} ends ${num(q.distance)} from the maximum after ${q.steps} ` +
    (q.method === "IRLS" ? "iterations" : "epochs")
  ).join("; ");
  return {
    caption: `IRLS, Adam and gradient descent from (${num(start[0])}, ${num(start[1])}) on the ` +
      `log-likelihood's map of the coefficients of ${p.names[0]} and ${p.names[1]}.`,
    alt: `Contour map of the log-likelihood with its maximum at (${num(p.optimum[0])}, ` +
      `${num(p.optimum[1])}) and three paths from the start: ${said}.`,
  };
}
