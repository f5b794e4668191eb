/**
 * The paths of IRLS, Adam and gradient descent drawn over the contours of the log-likelihood they
 * climb (notebook 06).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { composeFigure, type Figure, renderPanel } from "../view/figure.ts";
import { PALETTE, readableNumber as num } from "../view/labels.ts";
import { contourKey, surfaceContour, surfaceGrid } from "../view/surface.ts";
import type { OptimiserPaths } from "./paths.ts";
import { checkRows } from "./problem.ts";

/** Steps at which the paths are marked with a dot. */
const PATH_MARKS = [1, 10, 100, 1000];

/**
 * The paths of IRLS, Adam and gradient descent on the contour map of a two-coefficient
 * log-likelihood (from {@linkcode optimiserPaths}): filled contours with a colour key, each path
 * a line from the common start (0, 0) to the maximum, with dots after 1, 10, 100 and 1000 steps,
 * and a key naming the three paths.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimiserPathsFigure } from "./paths_figure.ts";
 * import { optimiserPaths } from "./paths.ts";
 * const fig = optimiserPathsFigure(optimiserPaths({ epochs: 30 }), { resolution: 11 });
 * assert.ok(fig.svg.includes("gradient descent") && fig.alt.includes("IRLS"));
 * ```
 */
export function optimiserPathsFigure(
  result: OptimiserPaths,
  { resolution = 61 }: { resolution?: number } = {},
): Figure {
  checkRows("result.paths", result?.paths);
  const [n1, n2] = result.names;
  const pts = result.paths.flatMap((p) => p.theta).concat([result.optimum]);
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  const centre = [
    (Math.min(...xs) + Math.max(...xs)) / 2,
    (Math.min(...ys) + Math.max(...ys)) / 2,
  ];
  const half = 0.62 *
    Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const grid = surfaceGrid(result.X, result.y, centre, [0, 1], { halfWidth: half, resolution });
  const { thresholds, colorScale, key } = contourKey(grid, { label: "log-likelihood" });
  const size = 520;
  const lines = result.paths.map((p, i) => ({
    method: p.method,
    color: [PALETTE[3], PALETTE[0], PALETTE[1]][i % 3],
    points: p.theta.map(([a, b], t) => ({ a, b, step: p.step[t] })),
  }));
  const keyRows = lines.map((l, i) => ({ ...l, row: i }));
  const main = renderPanel({
    width: size,
    height: size,
    marginLeft: 60,
    marginTop: 28,
    marginRight: 20,
    marginBottom: 42,
    x: { label: `θ for ${n1}`, domain: grid.x },
    y: { label: `θ for ${n2}`, domain: grid.y },
    color: colorScale,
    marks: [
      surfaceContour(grid, thresholds, { fillOpacity: 0.55, strokeOpacity: 0.7 }),
      ...lines.map((l) =>
        Plot.line(l.points, { x: "a", y: "b", stroke: l.color, strokeWidth: 2.25 })
      ),
      ...lines.map((l) =>
        Plot.dot(l.points.filter((p) => PATH_MARKS.includes(p.step)), {
          x: "a",
          y: "b",
          fill: l.color,
          stroke: "white",
          r: 3.5,
        })
      ),
      Plot.dot([{ a: 0, b: 0 }], { x: "a", y: "b", fill: "#111", r: 4 }),
      Plot.text([{ a: 0, b: 0 }], {
        x: "a",
        y: "b",
        text: () => "start",
        dx: -8,
        textAnchor: "end",
        fill: "#111",
        stroke: "white",
        strokeWidth: 3,
        fontWeight: 600,
      }),
      Plot.dot([{ a: result.optimum[0], b: result.optimum[1] }], {
        x: "a",
        y: "b",
        symbol: "star",
        fill: "#111",
        stroke: "white",
        r: 7,
      }),
      Plot.text([{ a: result.optimum[0], b: result.optimum[1] }], {
        x: "a",
        y: "b",
        text: () => "maximum",
        dy: 16,
        fill: "#111",
        stroke: "white",
        strokeWidth: 3,
        fontWeight: 600,
      }),
      // The key: a short line and the name of each path, top right, on a white card.
      Plot.rect([0], {
        x1: () => grid.x[1] - 0.36 * (grid.x[1] - grid.x[0]),
        x2: () => grid.x[1],
        y1: () => grid.y[1],
        y2: () => grid.y[1] - 0.2 * (grid.y[1] - grid.y[0]),
        fill: "white",
        fillOpacity: 0.9,
      }),
      Plot.link(keyRows, {
        x1: () => grid.x[1] - 0.34 * (grid.x[1] - grid.x[0]),
        x2: () => grid.x[1] - 0.27 * (grid.x[1] - grid.x[0]),
        y1: (r: { row: number }) => grid.y[1] - (0.04 + 0.045 * r.row) * (grid.y[1] - grid.y[0]),
        y2: (r: { row: number }) => grid.y[1] - (0.04 + 0.045 * r.row) * (grid.y[1] - grid.y[0]),
        stroke: "color",
        strokeWidth: 2.25,
      }),
      Plot.text(keyRows, {
        x: () => grid.x[1] - 0.25 * (grid.x[1] - grid.x[0]),
        y: (r: { row: number }) => grid.y[1] - (0.04 + 0.045 * r.row) * (grid.y[1] - grid.y[0]),
        text: "method",
        fill: "color",
        textAnchor: "start",
        fontWeight: 600,
      }),
      Plot.text([0], {
        x: () => grid.x[1] - 0.34 * (grid.x[1] - grid.x[0]),
        y: () => grid.y[1] - (0.04 + 0.045 * keyRows.length) * (grid.y[1] - grid.y[0]),
        text: () => "dots after 1, 10, 100, 1000 steps",
        textAnchor: "start",
        fill: "#333",
      }),
    ],
  });
  const facts = result.paths.map((p) => {
    const reached = p.theta.findIndex((t) =>
      Math.hypot(t[0] - result.optimum[0], t[1] - result.optimum[1]) < 1e-3
    );
    return reached < 0
      ? `${p.method} is not within 0.001 of it after ${p.step[p.step.length - 1]} ${p.unit}s`
      : `${p.method} is within 0.001 of it after ${p.step[reached]} ${p.unit}${
        p.step[reached] === 1 ? "" : "s"
      }`;
  });
  return composeFigure([main, key], {
    caption:
      `Three ways up the same hill: the paths of IRLS, Adam and gradient descent from zero ` +
      `to the maximum of the log-likelihood of a model with ${n1} and ${n2} only.`,
    alt: `Contour map of the log-likelihood over the coefficients of ${n1} and ${n2}, a single ` +
      `hill with its maximum at (${num(result.optimum[0])}, ${num(result.optimum[1])}); three ` +
      `paths start at (0, 0): ${facts.join("; ")}.`,
    at: [[0, 0], [60, size]],
  });
}
