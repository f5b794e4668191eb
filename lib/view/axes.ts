/**
 * The axes of the book's line charts: their extent, Observable Plot's options for them, and the
 * tick labels of logarithmic axes (powers of ten such as 10⁻⁴, or counts such as 200 and 5000).
 *
 * @module
 */

import { log10 } from "../core/math.ts";
import * as Plot from "@observablehq/plot";
import { ArgumentError } from "../core/errors.ts";
import { countTicks, logTicks, powerOfTen } from "./labels.ts";

/** An axis of a line chart (`lineChart` of `charts.ts`). */
export interface Axis {
  /** The axis label (a unit in parentheses where there is one). */
  label: string;
  /** `"linear"` (default) or `"log"` (ticked at powers of ten, labelled like 10⁻⁴). */
  type?: "linear" | "log";
  /** The extent; default the data's, padded a little. */
  domain?: readonly [number, number];
  /** Tick positions; default Plot's for linear axes, {@linkcode logTicks} for log axes. */
  ticks?: readonly number[];
  /** How tick values print; default Plot's for linear axes, {@linkcode powerOfTen} for log. */
  tickFormat?: (value: number) => string;
  /** Draw grid lines at the ticks (default true for y, false for x). */
  grid?: boolean;
}

/**
 * The extent of an axis: its own `domain`, or the values' range padded by 5 % (a linear axis) or
 * by a tenth of a decade or more (a log axis, whose non-positive values are left out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { axisDomain } from "./axes.ts";
 * assert.deepEqual(axisDomain({ label: "x" }, [0, 10], "x"), [-0.5, 10.5]);
 * ```
 */
export function axisDomain(axis: Axis, values: number[], name: string): [number, number] {
  if (axis.domain) return [axis.domain[0], axis.domain[1]];
  const finite = values.filter((v) => Number.isFinite(v) && (axis.type !== "log" || v > 0));
  if (finite.length === 0) throw new ArgumentError(name, "has no finite value to draw");
  let [lo, hi] = [Math.min(...finite), Math.max(...finite)];
  if (axis.type === "log") {
    const pad = Math.max(0.05 * log10(hi / lo), 0.1);
    return [lo / 10 ** pad, hi * 10 ** pad];
  }
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

/**
 * Observable Plot's options for one of our axes, and for a log axis the marks that write its tick
 * labels. (Plot hands a log axis' tick format to d3's, which blanks the labels of ticks such as 50
 * or 5000 to avoid crowding; the book chooses its ticks itself, so it writes their labels itself.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plotAxis } from "./axes.ts";
 * const { options, marks } = plotAxis({ label: "epochs", type: "log" }, [10, 5000], 600, false, "x");
 * assert.ok(options.type === "log" && marks.length === 1);
 * ```
 */
export function plotAxis(
  axis: Axis,
  domain: [number, number],
  pixels: number,
  grid: boolean,
  which: "x" | "y",
): { options: Record<string, unknown>; marks: Plot.Markish[] } {
  const log = axis.type === "log";
  const ticks = axis.ticks
    ? [...axis.ticks]
    : log
    ? logTicks(domain[0], domain[1], Math.max(2, Math.floor(pixels / 32)))
    : undefined;
  const format = axis.tickFormat ?? (log ? powerOfTen : undefined);
  const options = {
    type: log ? "log" as const : "linear" as const,
    domain,
    label: axis.label,
    grid: axis.grid ?? grid,
    ticks,
    tickFormat: log ? () => "" : format,
  };
  if (!log) return { options, marks: [] };
  const labels = (ticks ?? []).filter((t) => t >= domain[0] && t <= domain[1]);
  const text = (t: number) => format!(t);
  const marks = which === "x"
    ? [
      Plot.text(labels, {
        x: (t: number) => t,
        text,
        frameAnchor: "bottom",
        dy: 9,
        lineAnchor: "top",
      }),
    ]
    : [
      Plot.text(labels, {
        y: (t: number) => t,
        text,
        frameAnchor: "left",
        dx: -9,
        textAnchor: "end",
      }),
    ];
  return { options, marks };
}

/**
 * An axis of counts (epochs, iterations, batch sizes) on a log scale: ticks at 1, 2, 5, 10, 20,
 * … within the values' range ({@linkcode countTicks}), printed as plain integers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countAxis } from "./axes.ts";
 * assert.deepEqual(countAxis("epochs", [10, 300]).ticks, [10, 20, 50, 100, 200]);
 * ```
 */
export function countAxis(label: string, values: readonly number[]): Axis {
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  return { label, type: "log", ticks: countTicks(lo, hi), tickFormat: (v) => String(v) };
}
