/**
 * The loss landscape: the loss along one coefficient, and the log-likelihood over two as filled
 * contours with a colour key (also the background of the optimisers' paths in the book).
 *
 * @module
 */

import { log10 } from "../core/math.ts";
import * as Plot from "@observablehq/plot";
import type { Matrix } from "../core/matrix.ts";
import { checkXyTheta } from "../core/validate.ts";
import { crossEntropyOf } from "../nn/loss.ts";
import { lineChart } from "./charts.ts";
import { composeFigure, type Figure, type Panel, renderPanel } from "./figure.ts";
import { PALETTE } from "./labels.ts";

/** Rounds for prose: `digits` significant digits, without trailing zeros. */
const short = (v: number, digits = 3) => String(Number(v.toPrecision(digits)));

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
 * import { lossAlongCoefficient } from "./surface.ts";
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
  const t = Float64Array.from(theta);
  const centre = t[index];
  checkXyTheta(X, y, theta);
  const bce: { x: number; y: number }[] = [], nll: { x: number; y: number }[] = [];
  for (let i = 0; i <= 80; i++) {
    t[index] = centre - halfWidth + (2 * halfWidth * i) / 80;
    // −log L is BCE to the bit (bernoulliLogLikelihood is −binaryCrossEntropyLoss): one number,
    // drawn twice to show that the two curves coincide.
    const loss = crossEntropyOf(X, y, t);
    bce.push({ x: t[index], y: loss });
    nll.push({ x: t[index], y: loss });
  }
  t[index] = centre;
  const best = { value: centre, loss: crossEntropyOf(X, y, t) };
  const panel = lineChart({
    series: [
      {
        name: "binary cross-entropy (sum)",
        points: bce,
        color: PALETTE[0],
        width: 6,
        opacity: 0.35,
      },
      { name: "−log-likelihood", points: nll, color: PALETTE[1], dash: "5,4", width: 1.5 },
    ],
    x: { label: name, grid: true },
    y: { label: "loss" },
    width: 600,
    height: 280,
    marks: [
      Plot.dot([best], { x: "value", y: "loss", fill: "#222", r: 4 }),
      Plot.text([best], {
        x: "value",
        y: "loss",
        text: (d: { value: number }) => `minimum at ${d.value.toFixed(4).replace("-", "−")}`,
        dy: -12,
        fill: "#222",
        stroke: "white",
        strokeWidth: 3,
      }),
    ],
  });
  return composeFigure([panel], {
    caption: `The two losses as ${name} varies, the other coefficients held fixed: one curve.`,
    alt:
      `Two U-shaped curves, binary cross-entropy and the negative log-likelihood, drawn on top ` +
      `of each other (they are the same function) as ${name} runs from ` +
      `${short(centre - halfWidth)} to ${short(centre + halfWidth)}; their lowest point, ` +
      `${short(best.loss, 6)}, is at ${centre.toFixed(4)}.`,
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

/** A grid of log-likelihood values over two coefficients, the others held at `theta`. */
export interface SurfaceGrid {
  /** Grid values, row by row from the top (largest second coefficient) down. */
  values: Float64Array;
  /** Points per axis. */
  resolution: number;
  /** Extent of the first coefficient (cell edges). */
  x: [number, number];
  /** Extent of the second coefficient (cell edges). */
  y: [number, number];
}

/** The log-likelihood on a grid around `theta` (see {@linkcode logLikelihoodSurface}). */
export function surfaceGrid(
  X: Matrix,
  y: ArrayLike<number>,
  theta: ArrayLike<number>,
  [a, b]: readonly [number, number],
  { halfWidth = 0.6, resolution = 61 }: { halfWidth?: number; resolution?: number } = {},
): SurfaceGrid {
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
  return {
    values,
    resolution,
    x: [ca - halfWidth - d, ca + halfWidth + d],
    y: [cb - halfWidth - d, cb + halfWidth + d],
  };
}

/**
 * The filled contours of a surface (its values as the colour, white lines between the bands), at
 * `thresholds` ({@linkcode contourKey}'s): the mark of {@linkcode logLikelihoodSurface} and of the
 * optimisers' paths of the book.
 */
export function surfaceContour(
  grid: SurfaceGrid,
  thresholds: number[],
  style: { strokeOpacity: number; fillOpacity?: number },
): Plot.Markish {
  return Plot.contour(Array.from(grid.values), {
    width: grid.resolution,
    height: grid.resolution,
    x1: grid.x[0],
    x2: grid.x[1],
    y1: grid.y[1],
    y2: grid.y[0],
    fill: Plot.identity,
    ...(style.fillOpacity === undefined ? {} : { fillOpacity: style.fillOpacity }),
    stroke: "white",
    strokeOpacity: style.strokeOpacity,
    thresholds,
  });
}

/** Round step sizes for contour levels: 1, 2 or 5 times a power of ten. */
function niceStep(span: number, count: number): number {
  const raw = span / count, p = 10 ** Math.floor(log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
}

/**
 * The contour levels of a surface and a colour for each band, with a colour key: a strip of the
 * bands with the level values as ticks. Shared by {@linkcode logLikelihoodSurface} and the
 * optimisers' paths of the book.
 */
export function contourKey(
  grid: SurfaceGrid,
  { levels = 20, width = 300, label = "log-likelihood" }: {
    levels?: number;
    width?: number;
    label?: string;
  } = {},
): {
  thresholds: number[];
  color: (v: number) => string;
  colorScale: Plot.ScaleOptions;
  key: Panel;
} {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of grid.values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const step = niceStep(hi - lo, levels);
  const thresholds: number[] = [];
  for (let v = Math.floor(lo / step) * step; v < hi; v += step) {
    thresholds.push(Number(v.toPrecision(12)));
  }
  const colorScale: Plot.ScaleOptions = {
    type: "linear",
    scheme: "viridis",
    domain: [thresholds[0], hi],
  };
  const scale = Plot.scale({ color: colorScale });
  const color = (v: number) => String(scale.apply(v));
  const bands = thresholds.map((t, i) => ({ x1: t, x2: thresholds[i + 1] ?? hi, fill: color(t) }));
  const every = Math.ceil(thresholds.length / 6);
  const key = renderPanel({
    width,
    height: 62,
    marginLeft: 12,
    marginRight: 16,
    marginTop: 22,
    marginBottom: 22,
    x: {
      domain: [thresholds[0], hi],
      label,
      labelAnchor: "left",
      labelOffset: -30,
      ticks: thresholds.filter((_, i) => i % every === 0),
      tickFormat: (v: number) => short(v, 4).replace("-", "−"),
    },
    y: { axis: null, domain: [0, 1] },
    marks: [Plot.rect(bands, { x1: "x1", x2: "x2", y1: 0, y2: 1, fill: "fill" })],
  });
  return { thresholds, color, colorScale, key };
}

/**
 * The log-likelihood over a grid of two coefficients (the others held at `theta`), as filled
 * contours with a colour key below, `theta` marked: a single smooth hill, the picture of a
 * concave function.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logLikelihoodSurface } from "./surface.ts";
 * import { generateData } from "../data/dataset.ts";
 * const { X, y } = generateData({ n: 100, k: 2 });
 * const fig = logLikelihoodSurface(X, y, [0, 0], { indices: [0, 1], resolution: 11 });
 * assert.ok(fig.svg.includes("<path") && fig.alt.includes("log-likelihood"));
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
  const grid = surfaceGrid(X, y, theta, [a, b], { halfWidth, resolution });
  const { thresholds, colorScale, key } = contourKey(grid);
  const [ca, cb] = [theta[a], theta[b]];
  const top = -crossEntropyOf(X, y, theta);
  const main = renderPanel({
    width: 460,
    height: 420,
    marginLeft: 55,
    marginTop: 28,
    x: { label: names[0], domain: grid.x },
    y: { label: names[1], domain: grid.y },
    color: colorScale,
    marks: [
      surfaceContour(grid, thresholds, { strokeOpacity: 0.5 }),
      Plot.dot([{ x: ca, y: cb }], { x: "x", y: "y", fill: "white", stroke: "black", r: 5 }),
      Plot.text([{ x: ca, y: cb }], {
        x: "x",
        y: "y",
        text: () => "maximum",
        dy: -13,
        fill: "#111",
        stroke: "white",
        strokeWidth: 3,
        fontWeight: "bold",
      }),
    ],
  });
  let lo = Infinity;
  for (const v of grid.values) lo = Math.min(lo, v);
  return composeFigure([main, key], {
    caption: `The log-likelihood over ${names[0]} and ${names[1]}, the other coefficients held ` +
      `at glm's estimate: one hill, its top at the estimate.`,
    alt: `Filled contour map of the log-likelihood over ${names[0]} (horizontal) and ` +
      `${names[1]} (vertical), coloured from dark purple (${short(lo, 4)}) to yellow ` +
      `(${short(top, 6)}); the contours are nested ovals around a single maximum at ` +
      `(${ca.toFixed(3)}, ${cb.toFixed(3)}), marked.`,
    at: [[0, 0], [55, 420]],
  });
}
