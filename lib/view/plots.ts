/**
 * The figures of notebooks 1–4, drawn with Observable Plot through {@linkcode plot}: the data, the
 * sigmoid, the loss along a coefficient and over two, the training loss, IRLS's convergence.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Matrix } from "../core/matrix.ts";
import { checkXyTheta } from "../core/validate.ts";
import type { Dataset } from "../data/dataset.ts";
import type { GlmFit } from "../glm/glm_fit.ts";
import { crossEntropyOf, sigmoid } from "../nn/loss.ts";
import type { History } from "../nn/train.ts";
import { type Figure, plot } from "./figure.ts";

/**
 * Histograms of every feature of a dataset, one small panel a feature, with the mean marked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { featureHistograms } from "./plots.ts";
 * import { generateData } from "../data/dataset.ts";
 * const fig = featureHistograms(generateData({ n: 50, k: 2 }));
 * assert.ok(fig.svg.includes("X2"));
 * ```
 */
export function featureHistograms(ds: Dataset): Figure {
  const { X, names } = ds;
  const long: { feature: string; value: number }[] = [];
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      long.push({ feature: names[j], value: X.data[i * X.cols + j] });
    }
  }
  const columns = Math.min(5, X.cols);
  const fx = (d: { feature: string }) => names.indexOf(d.feature) % columns;
  const fy = (d: { feature: string }) => Math.floor(names.indexOf(d.feature) / columns);
  return plot({
    width: 760,
    height: 130 * Math.ceil(X.cols / columns) + 40,
    marginLeft: 40,
    fx: { axis: null },
    fy: { axis: null },
    x: { label: "value", grid: true },
    y: { label: "count" },
    marks: [
      Plot.rectY(
        long,
        Plot.binX<Plot.RectYOptions>({ y: "count" }, {
          x: "value",
          fx,
          fy,
          thresholds: 20,
          fill: "steelblue",
        }),
      ),
      Plot.text(names.map((n) => ({ feature: n })), {
        fx,
        fy,
        text: "feature",
        frameAnchor: "top-left",
        dx: 4,
        dy: 4,
        fontWeight: "bold",
      }),
      Plot.ruleY([0]),
    ],
  });
}

/**
 * A bar chart of how many rows have each label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { targetBalance } from "./plots.ts";
 * import { generateData } from "../data/dataset.ts";
 * assert.ok(targetBalance(generateData({ n: 20 })).svg.startsWith("<svg"));
 * ```
 */
export function targetBalance(ds: Dataset): Figure {
  const counts = [0, 0];
  for (const v of ds.y) counts[v]++;
  const data = counts.map((count, label) => ({ label: String(label), count }));
  return plot({
    width: 360,
    height: 220,
    x: { label: ds.target, type: "band" },
    y: { label: "rows", grid: true },
    marks: [
      Plot.barY(data, { x: "label", y: "count", fill: "steelblue" }),
      Plot.text(data, { x: "label", y: "count", text: "count", dy: -8 }),
      Plot.ruleY([0]),
    ],
  });
}

/**
 * How fast IRLS closes in: for each iteration of a `glm` fit, the distance ‖β(i) − β̂‖ of the
 * coefficients to the final ones, on a log scale (the last iteration, at distance 0, is left out).
 * Quadratic convergence shows as a line that bends ever more steeply down.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { irlsConvergence } from "./plots.ts";
 * import { glm } from "../glm/glm.ts";
 * import { generateData } from "../data/dataset.ts";
 * const { X, y } = generateData({ n: 200 });
 * assert.ok(irlsConvergence(glm(X, y)).svg.includes("<path"));
 * ```
 */
export function irlsConvergence(fit: GlmFit): Figure {
  const final = fit.coefficients.map((c) => c ?? 0);
  const points = fit.trace.map((step, i) => ({
    iteration: i + 1,
    distance: Math.hypot(...step.coefficients.map((c, j) => (c ?? 0) - final[j])),
  })).filter((p) => p.distance > 0);
  return plot({
    width: 520,
    height: 260,
    marginLeft: 60,
    x: { label: "IRLS iteration", ticks: points.length, tickFormat: "d" },
    y: { type: "log", label: "‖β(i) − β̂‖", grid: true, tickFormat: ".0e" },
    marks: [
      Plot.line(points, { x: "iteration", y: "distance", stroke: "steelblue" }),
      Plot.dot(points, { x: "iteration", y: "distance", fill: "steelblue", r: 4 }),
      Plot.text(points, {
        x: "iteration",
        y: "distance",
        text: (d: { distance: number }) => d.distance.toExponential(1),
        dx: 8,
        textAnchor: "start",
      }),
    ],
  });
}

/**
 * The sigmoid σ(z) = 1/(1 + e^(−z)) over `[-range, range]`, with its midpoint σ(0) = 1/2 marked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sigmoidCurve } from "./plots.ts";
 * assert.ok(sigmoidCurve().svg.includes("<path"));
 * ```
 */
export function sigmoidCurve(range = 8): Figure {
  const points = Array.from({ length: 201 }, (_, i) => {
    const z = -range + (2 * range * i) / 200;
    return { z, p: sigmoid(z) };
  });
  return plot({
    width: 520,
    height: 240,
    x: { label: "z = xᵀθ", grid: true },
    y: { label: "σ(z)", domain: [0, 1], grid: true },
    marks: [
      Plot.ruleY([0, 1], { stroke: "#999" }),
      Plot.line(points, { x: "z", y: "p", stroke: "steelblue", strokeWidth: 2 }),
      Plot.dot([{ z: 0, p: 0.5 }], { x: "z", y: "p", fill: "steelblue", r: 4 }),
      Plot.text([{ z: 0, p: 0.5 }], {
        x: "z",
        y: "p",
        text: () => "σ(0) = ½",
        dx: 10,
        textAnchor: "start",
      }),
    ],
  });
}

/** Options of {@linkcode lossAlongCoefficient}. */
export interface LossAlongOptions {
  /** The 0-based coefficient to vary. */
  index: number;
  /** Half-width of the range around `theta[index]` (default 1). */
  halfWidth?: number;
  /** The coefficient's name for the axis label (default `θ<index+1>`). */
  name?: string;
}

/**
 * Binary cross-entropy (summed) and the negative log-likelihood as one coefficient varies and the
 * others stay at `theta`: the two curves coincide, and their minimum sits at `theta[index]` when
 * `theta` is the maximum-likelihood estimate (marked).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossAlongCoefficient } from "./plots.ts";
 * import { generateData } from "../data/dataset.ts";
 * const { X, y } = generateData({ n: 100, k: 2 });
 * assert.ok(lossAlongCoefficient(X, y, [0, 0], { index: 1 }).svg.includes("<path"));
 * ```
 */
export function lossAlongCoefficient(
  X: Matrix,
  y: ArrayLike<number>,
  theta: ArrayLike<number>,
  { index, halfWidth = 1, name = `θ${index + 1}` }: LossAlongOptions,
): Figure {
  checkXyTheta(X, y, theta);
  const t = Float64Array.from(theta);
  const centre = t[index];
  const points: { value: number; loss: number; curve: string }[] = [];
  for (let i = 0; i <= 80; i++) {
    t[index] = centre - halfWidth + (2 * halfWidth * i) / 80;
    // −log L is BCE to the bit (bernoulliLogLikelihood is −binaryCrossEntropyLoss): one number,
    // drawn twice to show that the two curves coincide.
    const bce = crossEntropyOf(X, y, t);
    points.push({ value: t[index], loss: bce, curve: "BCE" });
    points.push({ value: t[index], loss: bce, curve: "−log L" });
  }
  t[index] = centre;
  const best = { value: centre, loss: crossEntropyOf(X, y, t) };
  return plot({
    width: 520,
    height: 260,
    marginLeft: 60,
    x: { label: name, grid: true },
    y: { label: "loss", grid: true },
    marks: [
      Plot.line(points.filter((p) => p.curve === "BCE"), {
        x: "value",
        y: "loss",
        stroke: "steelblue",
        strokeWidth: 5,
        strokeOpacity: 0.4,
      }),
      Plot.line(points.filter((p) => p.curve !== "BCE"), {
        x: "value",
        y: "loss",
        stroke: "darkorange",
        strokeDasharray: "4,3",
      }),
      Plot.dot([best], { x: "value", y: "loss", fill: "black", r: 4 }),
      Plot.text([best], {
        x: "value",
        y: "loss",
        text: (d: { value: number }) => `minimum at ${d.value.toFixed(4)}`,
        dy: -12,
      }),
    ],
  });
}

/** Options of {@linkcode logLikelihoodSurface}. */
export interface SurfaceOptions {
  /** The two 0-based coefficients that span the surface. */
  indices: [number, number];
  /** Half-width of the grid around `theta` in each direction (default 0.6). */
  halfWidth?: number;
  /** Grid points per axis (default 61). */
  resolution?: number;
  /** Axis names (default `θi`, `θj`). */
  names?: [string, string];
}

/**
 * The log-likelihood over a grid of two coefficients (the others held at `theta`), as filled
 * contours, with `theta` marked: a single smooth hill, the picture of a concave function.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logLikelihoodSurface } from "./plots.ts";
 * import { generateData } from "../data/dataset.ts";
 * const { X, y } = generateData({ n: 100, k: 2 });
 * const fig = logLikelihoodSurface(X, y, [0, 0], { indices: [0, 1], resolution: 11 });
 * assert.ok(fig.svg.includes("<path"));
 * ```
 */
export function logLikelihoodSurface(
  X: Matrix,
  y: ArrayLike<number>,
  theta: ArrayLike<number>,
  {
    indices: [a, b],
    halfWidth = 0.6,
    resolution = 61,
    names = [`θ${a + 1}`, `θ${b + 1}`],
  }: SurfaceOptions,
): Figure {
  checkXyTheta(X, y, theta); // once, not at each of the resolution² points
  const t = Float64Array.from(theta);
  const [ca, cb] = [t[a], t[b]];
  const values = new Float64Array(resolution * resolution);
  for (let r = 0; r < resolution; r++) {
    t[b] = cb + halfWidth - (2 * halfWidth * r) / (resolution - 1); // top row = largest
    for (let c = 0; c < resolution; c++) {
      t[a] = ca - halfWidth + (2 * halfWidth * c) / (resolution - 1);
      values[r * resolution + c] = -crossEntropyOf(X, y, t); // the log-likelihood
    }
  }
  const d = 2 * halfWidth / (resolution - 1) / 2;
  return plot({
    width: 460,
    height: 420,
    marginLeft: 55,
    x: { label: names[0], domain: [ca - halfWidth - d, ca + halfWidth + d] },
    y: { label: names[1], domain: [cb - halfWidth - d, cb + halfWidth + d] },
    color: { type: "linear", scheme: "viridis" },
    marks: [
      Plot.contour(Array.from(values), {
        width: resolution,
        height: resolution,
        x1: ca - halfWidth - d,
        x2: ca + halfWidth + d,
        y1: cb + halfWidth + d,
        y2: cb - halfWidth - d,
        fill: Plot.identity,
        stroke: "white",
        strokeOpacity: 0.5,
        thresholds: 15,
      }),
      Plot.dot([{ x: ca, y: cb }], { x: "x", y: "y", fill: "white", stroke: "black", r: 5 }),
      Plot.text([{ x: ca, y: cb }], {
        x: "x",
        y: "y",
        text: () => "maximum",
        dy: -12,
        fill: "white",
        fontWeight: "bold",
      }),
    ],
  });
}

/**
 * The training loss per epoch from a network's {@linkcode History}, on a linear or log scale.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossCurve } from "./plots.ts";
 * const fig = lossCurve({ epoch: [0, 1, 2], history: { loss: [0.69, 0.68, 0.675] } });
 * assert.ok(fig.svg.includes("<path"));
 * ```
 */
export function lossCurve(
  history: Pick<History, "epoch" | "history">,
  { log = false }: { log?: boolean } = {},
): Figure {
  const points = history.epoch.map((e, i) => ({ epoch: e + 1, loss: history.history.loss[i] }));
  return plot({
    width: 560,
    height: 260,
    marginLeft: 60,
    x: { label: "epoch", grid: true },
    y: { label: "loss (mean BCE)", grid: true, ...(log ? { type: "log" as const } : {}) },
    marks: [Plot.line(points, { x: "epoch", y: "loss", stroke: "steelblue", strokeWidth: 2 })],
  });
}
