/**
 * The figures of notebooks 05 (Adam from scratch) and 06 (when the equivalence breaks). Each takes
 * the plain rows of `experiments.ts`, `breakdowns.ts` or `paths.ts` (or a trace of
 * `scratch_adam.ts`) and returns a {@linkcode Figure} with a caption and an alt text computed from
 * the data drawn. Lines are labelled at their ends, the labels moved apart so that they never
 * overprint; sweeps mark the tutorial's own setting; logarithmic axes are ticked at powers of ten.
 * At most 720 px wide.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { ArgumentError } from "../core/errors.ts";
import { type Axis, FONT_SIZE, lineChart, type Series } from "../view/charts.ts";
import { composeFigure, type Figure, renderPanel } from "../view/figure.ts";
import { logTicks, PALETTE, powerOfTen, readableNumber, textWidth } from "../view/labels.ts";
import { contourKey, surfaceGrid } from "../view/plots.ts";
import type { CollinearityResult, ConvergenceRow, SeparationResult } from "./breakdowns.ts";
import type { InitialisationRow, SumMeanRow } from "./experiments.ts";
import type { OptimiserPaths } from "./paths.ts";
import type { AgreementRow } from "./problem.ts";

const WIDTH = 720;

function checkRows(name: string, rows: unknown): void {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new ArgumentError(
      name,
      "must be a non-empty array of rows (from lib/book/experiments.ts)",
    );
  }
}

const num = readableNumber;

/** 1-2-5 ticks within [lo, hi], for axes of counts (epochs, batch sizes) on a log scale. */
function countTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out;
}

/** An axis of counts on a log scale: 1-2-5 ticks printed as plain integers. */
function countAxis(label: string, values: number[]): Axis {
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  return { label, type: "log", ticks: countTicks(lo, hi), tickFormat: (v) => String(v) };
}

/** Groups rows into one series per `key`, keeping the order of first appearance. */
function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return groups;
}

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
  const panel = lineChart({
    series,
    x: { label: "epoch", grid: true },
    y: { label: "weight" },
    references: beta.map((b, j) => ({ y: b, color: PALETTE[j] })),
    width: WIDTH,
    height: 440,
  });
  return composeFigure([panel], {
    caption: `The ${k} weights over ${epochs} epochs of Adam (solid), each approaching glm's ` +
      `coefficient (the dashed line of its colour).`,
    alt: `Line chart of ${k} weights against the epoch, from 1 to ${epochs}. All start near 0; ` +
      `each ends on a dashed horizontal line at glm's coefficient, which range from ` +
      `${num(lo)} (${label(beta.indexOf(lo))}) to ${num(hi)} (${label(beta.indexOf(hi))}); ` +
      `at the last epoch no weight is more than ${num(gap)} from its line.`,
  });
}

/**
 * Distance to the optimum per iteration on log–log axes, one labelled line per method (IRLS,
 * Adam, gradient descent). Distances below 1e-16 (rounding level) are drawn at 1e-16.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { convergenceFigure } from "./figures.ts";
 * const fig = convergenceFigure([
 *   { method: "IRLS", iteration: 1, distance: 0.1 }, { method: "IRLS", iteration: 2, distance: 1e-4 },
 *   { method: "Adam", iteration: 1, distance: 0.3 }, { method: "Adam", iteration: 10, distance: 0.2 },
 * ]);
 * assert.ok(fig.svg.includes("IRLS") && fig.alt.includes("IRLS"));
 * ```
 */
export function convergenceFigure(rows: readonly ConvergenceRow[]): Figure {
  checkRows("rows", rows);
  const floor = 1e-16;
  const groups = groupBy(rows, (r) => r.method);
  const series: Series[] = [...groups].map(([method, rs], i) => ({
    name: method,
    color: PALETTE[i],
    dots: method === "IRLS",
    points: rs.map((r) => ({ x: r.iteration, y: Math.max(r.distance, floor) })),
  }));
  const reach = (rs: ConvergenceRow[], level: number) => rs.find((r) => r.distance < level);
  const level = 1e-8;
  const facts = [...groups].map(([method, rs]) => {
    const hit = reach(rs, level);
    const unit = method === "IRLS" ? "iteration" : "step";
    return hit
      ? `${method} within ${powerOfTen(level)} after ${unit} ${hit.iteration}`
      : `${method} not within ${powerOfTen(level)} in ${rs[rs.length - 1].iteration} ${unit}s`;
  });
  const panel = lineChart({
    series,
    x: countAxis(
      "iteration (IRLS) or epoch (Adam, gradient descent)",
      rows.map((r) => r.iteration),
    ),
    y: { label: "distance to the optimum", type: "log" },
    width: WIDTH,
    height: 400,
  });
  return composeFigure([panel], {
    caption: "Distance to the optimum after each iteration: Newton's method (IRLS) against two " +
      "first-order methods (both axes logarithmic).",
    alt: `Log–log line chart of the distance to the optimum against the iteration or epoch for ` +
      `${[...groups.keys()].join(", ")}: ${facts.join("; ")}. Distances below ` +
      `${powerOfTen(floor)} are drawn at ${powerOfTen(floor)}.`,
  });
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
  const series: Series[] = [...groups].map(([method, rs], i) => ({
    name: method,
    color: PALETTE[i],
    dots: true,
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
  const name = (g: string) => (g === "zeros" ? "zeros (the tutorial's start)" : g);
  // One label per group, to the right of its rightmost dot, at the group's middle height.
  const labels = [...groups].map(([g, rs]) => {
    const right = rs.reduce((a, b) => (b.startDistance > a.startDistance ? b : a));
    const logs = rs.map((r) => Math.log10(r.mape));
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

/**
 * Complete separation: the norm of the weights (log scale) per glm iteration and per network
 * epoch (log x), one labelled line each — neither settles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { separationFigure } from "./figures.ts";
 * const fig = separationFigure({ rows: [
 *   { method: "glm", step: 1, norm: 4 }, { method: "glm", step: 2, norm: 7 },
 *   { method: "network", step: 1, norm: 0.003 }, { method: "network", step: 100, norm: 0.2 },
 * ], warnings: [], converged: false, iterations: 2, glm: [], network: new Float64Array() });
 * assert.ok(fig.svg.includes("network"));
 * ```
 */
export function separationFigure(result: SeparationResult): Figure {
  checkRows("result.rows", result?.rows);
  const groups = groupBy(result.rows, (r) => r.method);
  const series: Series[] = [...groups].map(([method, rs], i) => ({
    name: method,
    color: PALETTE[i],
    dots: method === "glm",
    points: rs.map((r) => ({ x: r.step, y: r.norm })),
  }));
  const facts = [...groups].map(([method, rs]) => {
    const unit = method === "glm" ? "iteration" : "epoch";
    return `${method}: ${num(rs[0].norm)} after ${unit} ${rs[0].step}, ${
      num(rs[rs.length - 1].norm)
    } after ${unit} ${rs[rs.length - 1].step}`;
  });
  const panel = lineChart({
    series,
    x: countAxis("IRLS iteration (glm) or epoch (network)", result.rows.map((r) => r.step)),
    y: { label: "size of the weights, ‖θ‖", type: "log" },
    width: WIDTH,
    height: 360,
  });
  return composeFigure([panel], {
    caption: "Separated classes: the weights grow with every glm iteration and every epoch, " +
      "without limit (both axes logarithmic).",
    alt: `Log–log line chart of the norm of the weights against the iteration or epoch; both ` +
      `lines keep rising: ${facts.join("; ")}.`,
  });
}

/**
 * Collinearity: the weights of a column and of its exact copy, and their sum, over the epochs
 * (log x), one panel per start (zeros, random); glm's single coefficient as a dashed rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collinearityFigure } from "./figures.ts";
 * const fig = collinearityFigure({
 *   rows: [
 *     { init: "zeros", epoch: 1, w1: 0.001, w2: 0.001, sum: 0.002 },
 *     { init: "zeros", epoch: 10, w1: -0.01, w2: -0.01, sum: -0.02 },
 *   ],
 *   glm: [-0.2, null],
 *   glmCoefficient: -0.2,
 *   name: "X4",
 * });
 * assert.ok(fig.svg.includes("sum"));
 * ```
 */
export function collinearityFigure(result: CollinearityResult): Figure {
  checkRows("result.rows", result?.rows);
  const name = result.name ?? "X1";
  const inits = [...groupBy(result.rows, (r) => r.init)];
  const all = result.rows.flatMap((r) => [r.w1, r.w2, r.sum]).concat(result.glmCoefficient);
  const pad = 0.06 * (Math.max(...all) - Math.min(...all));
  const yDomain = [Math.min(...all) - pad, Math.max(...all) + pad] as const;
  const panels = inits.map(([init, rs]) =>
    lineChart({
      series: [
        {
          name: `w (${name})`,
          color: PALETTE[0],
          points: rs.map((r) => ({ x: r.epoch, y: r.w1 })),
        },
        {
          name: `w (its copy)`,
          color: PALETTE[1],
          dash: "6,3",
          points: rs.map((r) => ({ x: r.epoch, y: r.w2 })),
        },
        {
          name: "sum of the two",
          color: PALETTE[2],
          width: 2.5,
          points: rs.map((r) => ({ x: r.epoch, y: r.sum })),
        },
      ],
      x: countAxis("epoch", rs.map((r) => r.epoch)),
      y: { label: "weight", domain: yDomain },
      references: [{ y: result.glmCoefficient, color: "#333" }],
      title: init === "zeros" ? "started from zeros" : `started from a ${init} split`,
      width: WIDTH,
      height: 250,
    })
  );
  const facts = inits.map(([init, rs]) => {
    const l = rs[rs.length - 1];
    return `from ${init}, after ${l.epoch} epochs: ${num(l.w1)} and ${num(l.w2)}, sum ${
      num(l.sum)
    }`;
  });
  return composeFigure(panels, {
    caption: `A duplicated column: the two copies' weights and their sum over the epochs; the ` +
      `dashed line is glm's single coefficient for ${name}, ${num(result.glmCoefficient)}.`,
    alt: `Two line charts, one per start, of the weight of ${name}, the weight of its copy and ` +
      `their sum against the epoch (log scale); the sum approaches glm's coefficient ` +
      `${num(result.glmCoefficient)} in both: ${facts.join("; ")}.`,
  });
}

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
 * import { optimiserPathsFigure } from "./figures.ts";
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
      Plot.contour(Array.from(grid.values), {
        width: resolution,
        height: resolution,
        x1: grid.x[0],
        x2: grid.x[1],
        y1: grid.y[1],
        y2: grid.y[0],
        fill: Plot.identity,
        fillOpacity: 0.55,
        stroke: "white",
        strokeOpacity: 0.7,
        thresholds,
      }),
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
