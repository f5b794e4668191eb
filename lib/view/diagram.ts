/**
 * The one-unit network drawn as a diagram: inputs, weights, the weighted sum, the sigmoid, the
 * output.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { ArgumentError } from "../core/errors.ts";
import { checkInteger } from "../core/validate.ts";
import { composeFigure, type Figure, renderPanel } from "./figure.ts";
import { PALETTE } from "./labels.ts";

/** Options of {@linkcode networkDiagram}. */
export interface NetworkDiagramOptions {
  /** Trained weights to write on the edges (length `inputs`); default the symbols θ₁ … θₖ. */
  weights?: ArrayLike<number>;
  /** Digits after the decimal point for the weights; default 3. */
  digits?: number;
}

const SUB = "₀₁₂₃₄₅₆₇₈₉";
const sub = (n: number) => [...String(n)].map((d) => SUB[Number(d)]).join("");

/**
 * The tutorial's network as a diagram: `inputs` input nodes x₁ … xₖ, one edge each carrying its
 * weight θⱼ into a summing node (z = Σ θⱼ xⱼ, no bias), then the sigmoid, then the output
 * p̂ = σ(z), the probability that y = 1. With `weights`, each edge shows its value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { networkDiagram } from "./diagram.ts";
 * const fig = networkDiagram(3);
 * assert.ok(fig.svg.includes("x₃") && fig.svg.includes("θ₂") && fig.alt.includes("3 inputs"));
 * ```
 */
export function networkDiagram(inputs: number, options: NetworkDiagramOptions = {}): Figure {
  checkInteger("inputs", inputs);
  if (inputs > 20) throw new ArgumentError("inputs", `must be at most 20 to draw, got ${inputs}`);
  const { weights, digits = 3 } = options;
  if (weights !== undefined && weights.length !== inputs) {
    throw new ArgumentError(
      "options.weights",
      `must hold ${inputs} weights, got ${weights.length}`,
    );
  }
  const width = 680, height = Math.max(260, 30 * inputs + 60);
  const nodes = Array.from({ length: inputs }, (_, j) => ({
    j,
    x: 0.06,
    y: 1 - (j + 0.5) / inputs,
    label: `x${sub(j + 1)}`,
    weight: weights === undefined
      ? `θ${sub(j + 1)}`
      : `θ${sub(j + 1)} = ${weights[j].toFixed(digits).replace("-", "−")}`,
  }));
  const sum = { x: 0.5, y: 0.5 }, act = { x: 0.7, y: 0.5 }, out = { x: 0.86, y: 0.5 };
  // Weight labels along each edge, at a fraction of the way where the edges are still apart.
  const along = 0.16;
  const edgeLabels = nodes.map((n) => ({
    x: n.x + along * (sum.x - n.x),
    y: n.y + along * (sum.y - n.y),
    text: n.weight,
  }));
  const panel = renderPanel({
    width,
    height,
    margin: 20,
    x: { domain: [0, 1], axis: null },
    y: { domain: [0, 1], axis: null },
    marks: diagramMarks(nodes, edgeLabels, { sum, act, out }),
  });
  const what = weights === undefined ? "θ₁ to θ" + sub(inputs) : "its trained value";
  return composeFigure([panel], {
    caption: `The network as a diagram: ${inputs} inputs, one weight each, a weighted sum ` +
      `without bias, then the sigmoid.`,
    alt: `Diagram: ${inputs} inputs x₁ to x${sub(inputs)} on the left, each joined by an edge ` +
      `labelled with ${what} to a node Σ that forms z, the weighted sum (no bias); an arrow leads ` +
      `to a node σ, the sigmoid, and from there to the output p̂ = σ(z), the probability that ` +
      `y = 1.`,
  });
}

/** Where the diagram's parts go, in the unit square. */
interface Layout {
  sum: { x: number; y: number };
  act: { x: number; y: number };
  out: { x: number; y: number };
}

/** The marks of {@linkcode networkDiagram}: edges, weights, nodes and their labels. */
function diagramMarks(
  nodes: { x: number; y: number; label: string }[],
  edgeLabels: { x: number; y: number; text: string }[],
  { sum, act, out }: Layout,
): Plot.Markish[] {
  return [
    Plot.link(nodes, {
      x1: "x",
      y1: "y",
      x2: () => sum.x,
      y2: () => sum.y,
      stroke: "#888",
      strokeWidth: 1,
    }),
    Plot.arrow([{ a: sum, b: act }, { a: act, b: out }], {
      x1: (d: { a: { x: number } }) => d.a.x + 0.045,
      y1: (d: { a: { y: number } }) => d.a.y,
      x2: (d: { b: { x: number } }) => d.b.x - 0.05,
      y2: (d: { b: { y: number } }) => d.b.y,
      stroke: "#444",
      strokeWidth: 1.5,
    }),
    Plot.text(edgeLabels, {
      x: "x",
      y: "y",
      text: "text",
      fill: PALETTE[0],
      stroke: "white",
      strokeWidth: 6,
      fontSize: 11,
    }),
    Plot.dot(nodes, { x: "x", y: "y", r: 12, fill: "#eef3fa", stroke: PALETTE[0] }),
    Plot.text(nodes, { x: "x", y: "y", text: "label", fontSize: 11 }),
    Plot.dot([sum, act], { x: "x", y: "y", r: 26, fill: "#fdf1e6", stroke: PALETTE[1] }),
    Plot.text([sum], { x: "x", y: "y", text: () => "Σ", fontSize: 22 }),
    Plot.text([act], { x: "x", y: "y", text: () => "σ", fontSize: 22 }),
    Plot.text([sum], {
      x: "x",
      y: "y",
      text: () => "z = Σⱼ θⱼ xⱼ\n(no bias)",
      dy: 44,
      fontSize: 11,
      lineAnchor: "top",
      lineHeight: 1.3,
    }),
    Plot.text([act], {
      x: "x",
      y: "y",
      text: () => "σ(z) = 1/(1 + e⁻ᶻ)",
      dy: 44,
      fontSize: 11,
      lineAnchor: "top",
    }),
    Plot.text([out], {
      x: "x",
      y: "y",
      text: () => "p̂ = σ(z)\n= P(y = 1 | x)",
      textAnchor: "start",
      dx: -8,
      fontSize: 12,
      fontWeight: 600,
      lineHeight: 1.45,
    }),
    Plot.text([{ x: 0.06, y: 1 }], {
      x: "x",
      y: "y",
      text: () => "inputs",
      dy: -6,
      fontWeight: 600,
      lineAnchor: "bottom",
    }),
  ];
}
