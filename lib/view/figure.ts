/**
 * A figure as standalone SVG text that Jupyter shows as an image, with its caption and alt text,
 * and Observable Plot rendered to one on a server-side DOM (linkedom): what shows in JupyterLab, in
 * the exported HTML book and as an image file.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { PlotOptions } from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { ArgumentError } from "../core/errors.ts";
import { type DisplayBundle, jupyterDisplay } from "../core/html.ts";
import { wrapText } from "./labels.ts";

/** Font size of a figure's caption. */
export const CAPTION_SIZE = 13;

/**
 * A rendered figure: standalone SVG text and its alt text. Jupyter displays it as
 * `image/svg+xml`, with the alt text as `text/plain` (what a terminal shows, and what the book
 * puts in the image's `alt` attribute).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Figure } from "./figure.ts";
 * import { jupyterDisplay } from "../core/html.ts";
 * const fig = new Figure('<svg xmlns="http://www.w3.org/2000/svg"></svg>', "An empty figure.");
 * const bundle = fig[jupyterDisplay]();
 * assert.ok(bundle["image/svg+xml"] === fig.svg && bundle["text/plain"] === "An empty figure.");
 * ```
 */
export class Figure {
  /** The figure as a standalone `<svg>` document fragment. */
  readonly svg: string;
  /** One or two sentences saying what the figure shows, for readers who cannot see it. */
  readonly alt: string;
  /** Makes a figure from SVG text and its alt text (which must say something). */
  constructor(svg: string, alt: string) {
    if (typeof svg !== "string" || !svg.startsWith("<svg")) {
      throw new ArgumentError("svg", "must be SVG text starting with <svg");
    }
    if (typeof alt !== "string" || alt.trim().length < 10) {
      throw new ArgumentError("alt", "must describe what the figure shows in a sentence or two");
    }
    this.svg = svg;
    this.alt = alt;
  }
  /** The MIME bundle Deno's Jupyter kernel displays. */
  [jupyterDisplay](): DisplayBundle {
    return { "text/plain": this.alt, "image/svg+xml": this.svg };
  }
}

/** A rendered panel: an `<svg>` element of Observable Plot (on linkedom's DOM) and its size. */
export interface Panel {
  /** The panel's root `<svg>`. */
  element: Element;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** A DOM to render on, without a browser. */
function newDocument(): Document {
  return parseHTML("<!DOCTYPE html><html><body></body></html>").document as unknown as Document;
}

/**
 * Renders Observable Plot options to a {@linkcode Panel}. Plot's own legends, titles and captions
 * are refused (they wrap the SVG in HTML); figures draw their keys as marks and get their caption
 * from {@linkcode composeFigure}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { renderPanel } from "./figure.ts";
 * const p = renderPanel({ width: 200, height: 100, marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
 * assert.equal(p.element.tagName.toLowerCase(), "svg");
 * ```
 */
export function renderPanel(options: PlotOptions): Panel {
  // deno-lint-ignore no-explicit-any -- linkedom's Document stands in for the browser's
  const el = Plot.plot({ ...options, document: newDocument() as any }) as unknown as Element;
  if (el.tagName.toLowerCase() !== "svg") {
    throw new ArgumentError(
      "options",
      "produced a <figure> (a title, caption or legend); drop those and use composeFigure",
    );
  }
  return {
    element: el,
    width: Number(el.getAttribute("width")),
    height: Number(el.getAttribute("height")),
  };
}

/** Options of {@linkcode composeFigure}. */
export interface ComposeOptions {
  /** One or two sentences above the panels: what the figure shows (bold, wrapped to the width). */
  caption: string;
  /** The alt text: what a reader who cannot see the figure should know (Jupyter's text/plain). */
  alt: string;
  /** Where each panel goes (left, top), below the caption; default stacked on the left. */
  at?: readonly (readonly [number, number])[];
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * Joins panels into one standalone SVG figure: a white background, the caption as wrapped bold
 * text on top, then the panels (stacked, or where `at` puts them). Each panel's root `<svg>`
 * becomes a translated `<g>` carrying its attributes, so its styles keep applying and no nested
 * viewport can rescale it. The alt text is the figure's `<title>`, its `aria-label` and the
 * `text/plain` of its Jupyter bundle.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { composeFigure, renderPanel } from "./figure.ts";
 * const panel = renderPanel({ width: 300, height: 120, marks: [Plot.ruleY([0])] });
 * const fig = composeFigure([panel], { caption: "A rule at zero.", alt: "One horizontal line." });
 * assert.ok(fig.svg.includes("A rule at zero.") && fig.alt === "One horizontal line.");
 * ```
 */
export function composeFigure(panels: readonly Panel[], options: ComposeOptions): Figure {
  const { caption, alt } = options;
  if (panels.length === 0) throw new ArgumentError("panels", "must hold at least one panel");
  if (typeof caption !== "string" || caption.trim() === "") {
    throw new ArgumentError("caption", "must be a non-empty sentence saying what the figure shows");
  }
  const placed = options.at ?? (() => {
    let y = 0;
    return panels.map((p) => {
      const at = [0, y] as const;
      y += p.height;
      return at;
    });
  })();
  if (placed.length !== panels.length) {
    throw new ArgumentError("at", `must give one position per panel (${panels.length})`);
  }
  const width = Math.max(...panels.map((p, i) => placed[i][0] + p.width));
  const lines = wrapText(caption, width - 16, CAPTION_SIZE, { bold: true });
  const lineHeight = Math.round(CAPTION_SIZE * 1.35);
  const top = 8 + lines.length * lineHeight + 6;
  const height = top + Math.max(...panels.map((p, i) => placed[i][1] + p.height));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(alt)}" ` +
    `font-family="system-ui, sans-serif">`,
    `<title>${escapeXml(alt)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...lines.map((line, i) =>
      `<text x="8" y="${8 + (i + 1) * lineHeight - 4}" font-size="${CAPTION_SIZE}" ` +
      `font-weight="600" fill="#222">${escapeXml(line)}</text>`
    ),
  ];
  panels.forEach((p, i) => {
    const el = p.element;
    const attrs = [...el.attributes]
      .filter((a) => !["width", "height", "viewBox", "xmlns", "style"].includes(a.name))
      .map((a) => `${a.name}="${escapeXml(a.value)}"`).join(" ");
    parts.push(
      `<g transform="translate(${placed[i][0]},${
        top + placed[i][1]
      })" ${attrs}>${el.innerHTML}</g>`,
    );
  });
  parts.push("</svg>");
  return new Figure(parts.join(""), alt);
}

/** The caption and alt text every figure carries. */
export interface FigureText {
  /** One or two sentences drawn above the figure: what it shows. */
  caption: string;
  /** What a reader who cannot see the figure should know (Jupyter's `text/plain`). */
  alt: string;
}

/**
 * Renders Observable Plot options to a {@linkcode Figure} with a caption and an alt text. Plot's
 * legends and titles are refused (they wrap the SVG in HTML); draw keys as marks instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "./figure.ts";
 * const fig = plot({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] }, {
 *   caption: "One point.",
 *   alt: "A single dot at x = 1, y = 2.",
 * });
 * assert.ok(fig.svg.startsWith("<svg") && fig.alt === "A single dot at x = 1, y = 2.");
 * ```
 */
export function plot(options: PlotOptions, text: FigureText): Figure {
  return composeFigure([renderPanel(options)], text);
}
