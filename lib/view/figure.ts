/**
 * A figure as standalone SVG text that Jupyter shows as an image, and Observable Plot rendered to
 * one on a server-side DOM (linkedom): what shows in JupyterLab, in the exported HTML book and as
 * an image file.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { PlotOptions } from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { type DisplayBundle, jupyterDisplay } from "../core/html.ts";

/**
 * A rendered figure: SVG text that Jupyter displays as an image.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Figure } from "./figure.ts";
 * import { jupyterDisplay } from "../core/html.ts";
 * const fig = new Figure('<svg xmlns="http://www.w3.org/2000/svg"></svg>');
 * assert.ok(fig[jupyterDisplay]()["image/svg+xml"] === fig.svg);
 * ```
 */
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
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "./figure.ts";
 * const fig = plot({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
 * assert.ok(fig.svg.startsWith("<svg"));
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
