/**
 * Figures drawn with Observable Plot on a server-side DOM (linkedom), as standalone SVG that shows
 * in JupyterLab, in the exported HTML book and as an image file.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { PlotOptions } from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { type DisplayBundle, jupyterDisplay } from "./display.ts";
import type { Dataset } from "./data.ts";
import type { GlmFit } from "./glm.ts";

/** A rendered figure: SVG text that Jupyter displays as an image. */
export class Figure {
  /** The figure as a standalone `<svg>` document fragment. */
  readonly svg: string;
  /** Makes a figure from SVG text. */
  constructor(svg: string) {
    this.svg = svg;
  }
  /** The MIME bundle Deno's Jupyter kernel displays. */
  [jupyterDisplay](): DisplayBundle {
    return { "text/plain": "[figure]", "image/svg+xml": this.svg };
  }
}

/**
 * Renders Observable Plot options to a {@linkcode Figure}. Legends and titles are not supported
 * (they wrap the SVG in HTML); say those in the surrounding text instead.
 *
 * @example
 * ```ts
 * import * as Plot from "@observablehq/plot";
import type { PlotOptions } from "@observablehq/plot";
 * import { plot } from "./plots.ts";
 * const fig = plot({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
 * console.assert(fig.svg.startsWith("<svg"));
 * ```
 */
export function plot(options: PlotOptions): Figure {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  // deno-lint-ignore no-explicit-any -- linkedom's Document stands in for the browser's
  const el = Plot.plot({ ...options, document: document as any }) as unknown as Element;
  if (el.tagName.toLowerCase() !== "svg") {
    throw new Error("plot: the options produced a <figure> (title, caption or legend); drop those");
  }
  el.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return new Figure(el.outerHTML);
}

/**
 * Histograms of every feature of a dataset, one small panel a feature, with the mean marked.
 *
 * @example
 * ```ts
 * import { featureHistograms } from "./plots.ts";
 * import { generateData } from "./data.ts";
 * const fig = featureHistograms(generateData({ n: 50, k: 2 }));
 * console.assert(fig.svg.includes("X2"));
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
 * import { targetBalance } from "./plots.ts";
 * import { generateData } from "./data.ts";
 * console.assert(targetBalance(generateData({ n: 20 })).svg.startsWith("<svg"));
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
 * import { irlsConvergence } from "./plots.ts";
 * import { glm } from "./glm.ts";
 * import { generateData } from "./data.ts";
 * const { X, y } = generateData({ n: 200 });
 * console.assert(irlsConvergence(glm(X, y)).svg.includes("<path"));
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
