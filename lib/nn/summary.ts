/**
 * The table `summary()` prints for a model, as Keras' `summary(model)`: layers, output shapes and
 * parameter counts, as text and, in Jupyter, as an HTML table.
 *
 * @module
 */

import { escapeHtml, jupyterDisplay } from "../core/html.ts";

/** One row of {@linkcode ModelSummary}. */
export interface LayerSummary {
  /** `name (Type)`. */
  readonly layer: string;
  /** Output shape as Keras prints it, e.g. `(None, 1)`. */
  readonly outputShape: string;
  /** Trainable parameters. */
  readonly params: number;
}

/**
 * The table `summary()` returns: prints like Keras, and shows as an HTML table in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dense, input } from "./layers.ts";
 * import { model } from "./model.ts";
 * const inputs = input({ shape: [10] });
 * const m = model({ inputs, outputs: dense({ units: 1, activation: "sigmoid" }).apply(inputs) });
 * assert.ok(m.summary().toString().includes("Total params: 11"));
 * ```
 */
export class ModelSummary {
  /** The model's name. */
  readonly name: string;
  /** Layers in order. */
  readonly layers: readonly LayerSummary[];
  /** Total parameters. */
  readonly totalParams: number;
  /** Makes the summary. */
  constructor(name: string, layers: readonly LayerSummary[]) {
    this.name = name;
    this.layers = layers;
    this.totalParams = layers.reduce((s, l) => s + l.params, 0);
  }
  /** The Keras-like text table. */
  toString(): string {
    const w = [28, 25, 10];
    const line = (a: string, b: string, c: string) =>
      ` ${a.padEnd(w[0])} ${b.padEnd(w[1])} ${c}`.trimEnd();
    const rule = (ch: string) => ch.repeat(w[0] + w[1] + w[2] + 3);
    const out = [
      `Model: "${this.name}"`,
      rule("_"),
      line("Layer (type)", "Output Shape", "Param #"),
    ];
    out.push(rule("="));
    this.layers.forEach((l, i) => {
      out.push(line(l.layer, l.outputShape, String(l.params)));
      if (i < this.layers.length - 1) out.push("");
    });
    out.push(rule("="));
    out.push(`Total params: ${this.totalParams}`);
    out.push(`Trainable params: ${this.totalParams}`);
    out.push("Non-trainable params: 0");
    out.push(rule("_"));
    return out.join("\n");
  }
  /** Jupyter display: text and an HTML table. */
  [jupyterDisplay](): { "text/plain": string; "text/html": string } {
    const rows = this.layers.map((l) =>
      `<tr><td>${escapeHtml(l.layer)}</td><td>${escapeHtml(l.outputShape)}</td>` +
      `<td style="text-align:right">${l.params}</td></tr>`
    ).join("");
    return {
      "text/plain": this.toString(),
      "text/html": `<table><caption>Model: "${escapeHtml(this.name)}"</caption>` +
        `<thead><tr><th>Layer (type)</th><th>Output Shape</th><th>Param #</th></tr></thead>` +
        `<tbody>${rows}</tbody><tfoot><tr><td colspan="2">Total params (all trainable)</td>` +
        `<td style="text-align:right">${this.totalParams}</td></tr></tfoot></table>`,
    };
  }
}
