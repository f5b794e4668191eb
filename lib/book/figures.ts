/**
 * The figures of notebooks 05 (Adam from scratch) and 06 (the agreement experiments). Each takes
 * the plain rows of `experiments.ts` (or a trace of `lib/nn/scratch_adam.ts`) and returns a
 * {@linkcode Figure} with a caption and an alt text computed from the data drawn. Lines are
 * labelled at their ends, the labels moved apart so that they never overprint; sweeps mark the
 * tutorial's own setting; logarithmic axes are ticked at powers of ten. At most 720 px wide. The
 * figures of the breakdowns are in `breakdown_figures.ts`, the optimisers' paths in
 * `paths_figure.ts`.
 *
 * @module
 */

import { log10 } from "../core/math.ts";
import * as Plot from "@observablehq/plot";
import { ArgumentError } from "../core/errors.ts";
import {
  type Axis,
  countAxis,
  FONT_SIZE,
  groupBy,
  lineChart,
  type LineChartOptions,
  type Series,
} from "../view/charts.ts";
import { composeFigure, type Figure, renderPanel } from "../view/figure.ts";
import { logTicks, PALETTE, powerOfTen, readableNumber as num, textWidth } from "../view/labels.ts";
import type { InitialisationRow, SumMeanRow } from "./experiments.ts";
import { type AgreementRow, checkRows } from "./problem.ts";

const WIDTH = 720;

/**
 * Weights over the epochs converging to glm's coefficients: one line per weight in the colours of
 * {@linkcode PALETTE}, glm's values as dashed rules of the same colour, each line labelled with its
 * name at the right end (labels dodged). The trace is thinned to at most ~300 epochs to keep the
 * SVG small.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightsOverEpochs } from "./figures.ts";
 * const fig = weightsOverEpochs(
 *   { epoch: [1, 2, 3], theta: [[0.1, -0.1], [0.2, -0.15], [0.25, -0.2]] },
 *   [0.3, -0.2],
 * );
 * assert.ok(fig.svg.includes("X2") && fig.alt.includes("2 weights"));
 * ```
 */
export function weightsOverEpochs(
  trace: { epoch: readonly number[]; theta: readonly ArrayLike<number>[] },
  glmCoefficients: ArrayLike<number>,
  { names }: { names?: readonly string[] } = {},
): Figure {
  const { chart, caption, alt } = weightsOverEpochsChart(trace, glmCoefficients, { names });
  return composeFigure([lineChart(chart)], { caption, alt });
}

/**
 * What {@linkcode weightsOverEpochs} draws, as a line chart's options with the figure's caption
 * and alt text: the static figure renders it on the server, the book's live figure (an epochs
 * slider) with `lineChartPlot` on the page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightsOverEpochsChart } from "./figures.ts";
 * const { chart, caption } = weightsOverEpochsChart(
 *   { epoch: [1, 2], theta: [[0.1, -0.1], [0.2, -0.15]] },
 *   [0.3, -0.2],
 * );
 * assert.equal(chart.series.length, 2);
 * assert.ok(caption.includes("2 epochs"));
 * ```
 */
export function weightsOverEpochsChart(
  trace: { epoch: readonly number[]; theta: readonly ArrayLike<number>[] },
  glmCoefficients: ArrayLike<number>,
  { names, width = WIDTH }: { names?: readonly string[]; width?: number } = {},
): { chart: LineChartOptions; caption: string; alt: string } {
  if (!trace || !Array.isArray(trace.epoch) || trace.epoch.length === 0) {
    throw new ArgumentError("trace", "must hold epoch and theta arrays (scratchAdam with trace)");
  }
  const k = glmCoefficients.length;
  if (k > PALETTE.length) {
    throw new ArgumentError(
      "glmCoefficients",
      `can be drawn for at most ${PALETTE.length} weights`,
    );
  }
  const label = (j: number) => names?.[j] ?? `X${j + 1}`;
  const step = Math.max(1, Math.ceil(trace.epoch.length / 300));
  const series: Series[] = Array.from({ length: k }, (_, j) => ({
    name: label(j),
    color: PALETTE[j],
    points: [],
  }));
  for (let t = 0; t < trace.epoch.length; t++) {
    if (t % step !== 0 && t !== trace.epoch.length - 1) continue;
    const th = trace.theta[t];
    if (th.length !== k) {
      throw new ArgumentError("trace", `θ has ${th.length} entries, glm has ${k} coefficients`);
    }
    for (let j = 0; j < k; j++) {
      (series[j].points as { x: number; y: number }[]).push({ x: trace.epoch[t], y: th[j] });
    }
  }
  const last = trace.theta[trace.theta.length - 1];
  let gap = 0;
  for (let j = 0; j < k; j++) gap = Math.max(gap, Math.abs(last[j] - glmCoefficients[j]));
  const beta = Array.from(glmCoefficients);
  const [lo, hi] = [Math.min(...beta), Math.max(...beta)];
  const epochs = trace.epoch[trace.epoch.length - 1];
  const chart: LineChartOptions = {
    series,
    x: { label: "epoch", grid: true },
    y: { label: "weight" },
    references: beta.map((b, j) => ({ y: b, color: PALETTE[j] })),
    width,
    height: 440,
  };
  return {
    chart,
    caption: `The ${k} weights over ${epochs} epochs of Adam (solid), each approaching glm's ` +
      `coefficient (the dashed line of its colour).`,
    alt: `Line chart of ${k} weights against the epoch, from 1 to ${epochs}. All start near 0; ` +
      `each ends on a dashed horizontal line at glm's coefficient, which range from ` +
      `${num(lo)} (${label(beta.indexOf(lo))}) to ${num(hi)} (${label(beta.indexOf(hi))}); ` +
      `at the last epoch no weight is more than ${num(gap)} from its line.`,
  };
}

/** Options of {@linkcode agreementFigure}. */
export interface AgreementFigureOptions {
  /** What was varied, for the x axis (e.g. `"epochs"`). */
  label?: string;
  /** A logarithmic x axis (default true). */
  logX?: boolean;
  /** The tutorial's own value of the setting, marked by a vertical line (e.g. 1000 epochs). */
  tutorial?: number;
  /** Integer x values (epochs, batch sizes): ticks 1, 2, 5, 10, … printed plainly (default false). */
  counts?: boolean;
  /** The caption; default "How close … come to glm's … as <label> varies". */
  caption?: string;
}

/**
 * Agreement with glm (MAPE, log scale) against a setting (log scale by default), one labelled line
 * with dots per method, the tutorial's own setting marked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreementFigure } from "./figures.ts";
 * const fig = agreementFigure([
 *   { method: "network", value: 10, mape: 100, maxAbsDiff: 0.1 },
 *   { method: "network", value: 100, mape: 1, maxAbsDiff: 0.01 },
 * ], { label: "epochs", tutorial: 100 });
 * assert.ok(fig.svg.includes("epochs") && fig.svg.includes("tutorial"));
 * ```
 */
export function agreementFigure(
  rows: readonly AgreementRow[],
  { label = "setting", logX = true, tutorial, counts = false, caption }: AgreementFigureOptions =
    {},
): Figure {
  checkRows("rows", rows);
  const floor = 1e-13;
  const groups = groupBy(rows, (r) => r.method);
  // The methods often agree to the pixel: the first is drawn wide and pale, the next thin and
  // dashed on top, so that both stay visible.
  const series: Series[] = [...groups].map(([method, rs], i) => ({
    name: method,
    color: PALETTE[i],
    dots: true,
    width: i === 0 ? 4 : 1.5,
    opacity: i === 0 ? 0.45 : 1,
    dash: i === 0 ? undefined : "5,3",
    points: rs.map((r) => ({ x: r.value, y: Math.max(r.mape, floor) })),
  }));
  const values = rows.map((r) => r.value);
  const x: Axis = counts && logX
    ? countAxis(label, values)
    : { label, type: logX ? "log" : "linear" };
  const facts = [...groups].map(([method, rs]) => {
    const best = rs.reduce((a, b) => (b.mape < a.mape ? b : a));
    return `${method} from ${num(rs[0].mape)} % at ${rs[0].value} to ${
      num(rs[rs.length - 1].mape)
    } % at ${rs[rs.length - 1].value} (lowest ${num(best.mape)} % at ${best.value})`;
  });
  const mark = tutorial === undefined ? "" : ` The tutorial's setting, ${tutorial}, is marked.`;
  const panel = lineChart({
    series,
    x,
    y: { label: "MAPE against glm (%)", type: "log" },
    references: tutorial === undefined ? [] : [{ x: tutorial, label: "the tutorial's setting" }],
    width: WIDTH,
    height: 360,
  });
  return composeFigure([panel], {
    caption: caption ??
      `How close the weights come to glm's, as the ${label} varies (both axes logarithmic).`,
    alt: `Line chart of the mean absolute percentage error against glm (log scale) against the ` +
      `${label}: ${facts.join("; ")}.${mark}`,
  });
}

/**
 * Agreement after a fixed number of epochs against how far the start was from glm: one dot per
 * start (zeros, Glorot uniform, normal), coloured by initialiser, each group labelled once beside
 * its dots; the zero start is the tutorial's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialisationFigure } from "./figures.ts";
 * const fig = initialisationFigure([
 *   { method: "network", value: 0, mape: 1e-3, maxAbsDiff: 1e-6, init: "zeros", seed: 0, startDistance: 0.3 },
 *   { method: "network", value: 1, mape: 50, maxAbsDiff: 0.1, init: "normal(0, 1)", seed: 1, startDistance: 2 },
 * ]);
 * assert.ok(fig.svg.includes("zeros"));
 * ```
 */
export function initialisationFigure(
  rows: readonly InitialisationRow[],
  { method = "network" }: { method?: string } = {},
): Figure {
  checkRows("rows", rows);
  const data = rows.filter((r) => r.method === method);
  if (data.length === 0) throw new ArgumentError("method", `matches no row: ${method}`);
  const groups = groupBy(data, (r) => r.init);
  const colour = new Map([...groups.keys()].map((g, i) => [g, PALETTE[i]]));
  const seeds = (n: number) => `${n} seed${n === 1 ? "" : "s"}`;
  const name = (g: string) =>
    g === "zeros" ? "zeros (the tutorial's start)" : `${g}, ${seeds(groups.get(g)!.length)}`;
  // One label per group, to the right of its rightmost dot, at the group's middle height.
  const labels = [...groups].map(([g, rs]) => {
    const right = rs.reduce((a, b) => (b.startDistance > a.startDistance ? b : a));
    const logs = rs.map((r) => log10(r.mape));
    return {
      init: g,
      text: name(g),
      x: right.startDistance,
      y: 10 ** ((Math.min(...logs) + Math.max(...logs)) / 2),
    };
  });
  const mapes = data.map((r) => r.mape), dists = data.map((r) => r.startDistance);
  const longest = Math.max(...labels.map((l) => textWidth(l.text, FONT_SIZE)));
  const xMax = Math.max(...dists);
  const panel = renderPanel({
    width: WIDTH,
    height: 340,
    marginLeft: 64,
    marginRight: 24,
    marginTop: 28,
    marginBottom: 40,
    // Room on the right of the rightmost dots for their label: extend the domain by its width.
    x: {
      label: "distance of the starting weights from glm's coefficients",
      grid: true,
      domain: [0, xMax * (1 + (longest + 20) / (WIDTH - 88 - longest - 20))],
    },
    y: {
      type: "log",
      label: `MAPE against glm after training (%)`,
      grid: true,
      domain: [Math.min(...mapes) / 30, Math.max(...mapes) * 30],
      ticks: logTicks(Math.min(...mapes) / 30, Math.max(...mapes) * 30, 7),
      tickFormat: powerOfTen,
    },
    color: { type: "identity" },
    marks: [
      Plot.dot(data, {
        x: "startDistance",
        y: "mape",
        fill: (r: InitialisationRow) => colour.get(r.init),
        r: 4,
      }),
      Plot.text(labels, {
        x: "x",
        y: "y",
        text: "text",
        fill: (l: { init: string }) => colour.get(l.init),
        textAnchor: "start",
        dx: 10,
        fontWeight: 600,
      }),
    ],
  });
  const facts = [...groups].map(([g, rs]) => {
    const m = rs.map((r) => r.mape), d = rs.map((r) => r.startDistance);
    return rs.length === 1
      ? `${g}: start ${num(d[0])} away, MAPE ${num(m[0])} %`
      : `${g} (${rs.length} seeds): starts ${num(Math.min(...d))} to ${
        num(Math.max(...d))
      } away, MAPE ${num(Math.min(...m))} to ${num(Math.max(...m))} %`;
  });
  return composeFigure([panel], {
    caption: "Where training ends up depends on where it starts: agreement with glm after " +
      "training, against the starting weights' distance from glm's coefficients.",
    alt: `Scatter plot, for the ${method}, of the error against glm after training (log scale) ` +
      `against the distance of the start from glm's coefficients: ${facts.join("; ")}.`,
  });
}

/**
 * Sum versus mean loss: MAPE against glm as a function of Adam's ε (both log scales), one
 * labelled line for the summed and one for the mean gradient, at the given number of epochs; the
 * tutorial's ε = 10⁻⁷ marked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sumMeanFigure } from "./figures.ts";
 * const fig = sumMeanFigure([
 *   { eps: 1e-7, epochs: 1000, mapeSum: 3e-4, mapeMean: 3e-4, maxAbsDiff: 1e-10 },
 *   { eps: 1e-2, epochs: 1000, mapeSum: 3e-4, mapeMean: 7, maxAbsDiff: 1e-2 },
 * ]);
 * assert.ok(fig.svg.includes("mean"));
 * ```
 */
export function sumMeanFigure(
  rows: readonly SumMeanRow[],
  { epochs, tutorial = 1e-7 }: { epochs?: number; tutorial?: number } = {},
): Figure {
  checkRows("rows", rows);
  const at = epochs ?? Math.min(...rows.map((r) => r.epochs));
  const picked = rows.filter((r) => r.epochs === at);
  if (picked.length === 0) throw new ArgumentError("epochs", `matches no row: ${at}`);
  const floor = 1e-13;
  const series: Series[] = [
    { name: "sum (the tutorial's loop)", key: "mapeSum" as const },
    { name: "mean (Keras' scale)", key: "mapeMean" as const },
  ].map(({ name, key }, i) => ({
    name,
    color: PALETTE[i],
    dots: true,
    points: picked.map((r) => ({ x: r.eps, y: Math.max(r[key], floor) })),
  }));
  const first = picked[0], last = picked[picked.length - 1];
  const panel = lineChart({
    series,
    x: { label: `Adam's ε (${at} epochs, full batch)`, type: "log" },
    y: { label: "MAPE against glm (%)", type: "log" },
    references: [{ x: tutorial, label: "the tutorial's ε" }],
    width: WIDTH,
    height: 340,
  });
  return composeFigure([panel], {
    caption: `Summing or averaging the loss matters only through ε: agreement with glm after ` +
      `${at} epochs, against Adam's ε.`,
    alt: `Log–log line chart of the error against glm against Adam's ε from ${num(first.eps)} to ` +
      `${num(last.eps)}: with the summed gradient it goes from ${num(first.mapeSum)} % to ` +
      `${num(last.mapeSum)} %, with the mean gradient from ${num(first.mapeMean)} % to ` +
      `${num(last.mapeMean)} %. The tutorial's ε, ${num(tutorial)}, is marked.`,
  });
}
