/**
 * The figures of notebooks 1–4, drawn with Observable Plot: the data, the sigmoid, the training
 * loss and its distance to the minimum, IRLS's convergence (the loss landscape is in
 * `surface.ts`). Each has a caption (drawn above it) and an alt text (its Jupyter `text/plain`),
 * both saying what it shows in the data drawn.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { ArgumentError } from "../core/errors.ts";
import type { Dataset } from "../data/dataset.ts";
import type { GlmFit } from "../glm/glm_fit.ts";
import { sigmoid } from "../nn/loss.ts";
import type { History } from "../nn/train.ts";
import { lineChart } from "./charts.ts";
import { composeFigure, type Figure, plot } from "./figure.ts";
import { PALETTE, readableNumber } from "./labels.ts";

/** Rounds for prose: `digits` significant digits, without trailing zeros. */
const short = (v: number, digits = 3) => String(Number(v.toPrecision(digits)));

/**
 * Histograms of every feature of a dataset, one small panel a feature, with its mean marked by a
 * vertical line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { featureHistograms } from "./plots.ts";
 * import { generateData } from "../data/dataset.ts";
 * const fig = featureHistograms(generateData({ n: 50, k: 2 }));
 * assert.ok(fig.svg.includes("X2") && fig.alt.includes("2 histograms"));
 * ```
 */
export function featureHistograms(ds: Dataset): Figure {
  const { X, names } = ds;
  const long: { feature: string; value: number }[] = [];
  const means = new Array<number>(X.cols).fill(0);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      const v = X.data[i * X.cols + j];
      long.push({ feature: names[j], value: v });
      means[j] += v / X.rows;
    }
  }
  const sorted = long.map((d) => d.value).sort((a, b) => a - b);
  const [p1, p99] = [
    sorted[Math.floor(0.01 * sorted.length)],
    sorted[Math.floor(0.99 * sorted.length)],
  ];
  const columns = Math.min(5, X.cols);
  const fx = (d: { feature: string }) => names.indexOf(d.feature) % columns;
  const fy = (d: { feature: string }) => Math.floor(names.indexOf(d.feature) / columns);
  const meanRows = names.map((feature, j) => ({ feature, mean: means[j] }));
  return plot({
    width: 760,
    height: 130 * Math.ceil(X.cols / columns) + 40,
    marginLeft: 40,
    fx: { axis: null },
    fy: { axis: null },
    x: { label: "value", grid: true },
    y: { label: "count", insetTop: 16 },
    marks: [
      Plot.rectY(
        long,
        Plot.binX<Plot.RectYOptions>({ y: "count" }, {
          x: "value",
          fx,
          fy,
          thresholds: 20,
          fill: PALETTE[0],
          fillOpacity: 0.8,
        }),
      ),
      Plot.ruleX(meanRows, { x: "mean", fx, fy, stroke: "#222", strokeDasharray: "3,2" }),
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
  }, {
    caption:
      `Each of the ${X.cols} features over its ${X.rows} rows; the dashed line marks its mean.`,
    alt: `${X.cols} histograms, one per feature (${names[0]} to ${names[names.length - 1]}), ` +
      `each of ${X.rows} values. The means lie between ${short(Math.min(...means))} and ` +
      `${short(Math.max(...means))}; 98% of all values lie between ${short(p1, 2)} and ${
        short(p99, 2)
      }.`,
  });
}

/**
 * A bar chart of how many rows have each label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { targetBalance } from "./plots.ts";
 * import { generateData } from "../data/dataset.ts";
 * assert.ok(targetBalance(generateData({ n: 20 })).alt.includes("rows have target"));
 * ```
 */
export function targetBalance(ds: Dataset): Figure {
  const counts = [0, 0];
  for (const v of ds.y) counts[v]++;
  const data = counts.map((count, label) => ({ label: String(label), count }));
  return plot({
    width: 360,
    height: 220,
    marginTop: 24,
    x: { label: ds.target, type: "band" },
    y: { label: "rows", grid: true },
    marks: [
      Plot.barY(data, { x: "label", y: "count", fill: PALETTE[0] }),
      Plot.text(data, { x: "label", y: "count", text: "count", dy: -8 }),
      Plot.ruleY([0]),
    ],
  }, {
    caption: `How many rows have each label.`,
    alt: `Bar chart of the labels: ${counts[0]} rows have ${ds.target} 0 and ${counts[1]} rows ` +
      `have ${ds.target} 1.`,
  });
}

/**
 * How fast IRLS closes in: for each iteration of a `glm` fit, the distance ‖β(i) − β̂‖ of the
 * coefficients to the final ones, on a log scale, each point labelled with its value. An iteration
 * that lands exactly on the final coefficients (distance 0, off any log scale) is marked at the
 * bottom. Quadratic convergence shows as a line that bends ever more steeply down.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { irlsConvergence } from "./plots.ts";
 * import { glm } from "../glm/glm.ts";
 * import { generateData } from "../data/dataset.ts";
 * const { X, y } = generateData({ n: 200 });
 * assert.ok(irlsConvergence(glm(X, y)).svg.includes("<path"));
 * ```
 */
export function irlsConvergence(fit: GlmFit): Figure {
  const final = fit.coefficients.map((c) => c ?? 0);
  const all = fit.trace.map((step, i) => ({
    iteration: i + 1,
    distance: Math.hypot(...step.coefficients.map((c, j) => (c ?? 0) - final[j])),
  }));
  const points = all.filter((p) => p.distance > 0);
  const zeros = all.filter((p) => p.distance === 0);
  if (points.length === 0) {
    throw new ArgumentError("fit", "has no iteration away from its final coefficients to draw");
  }
  const n = all.length;
  const ds = points.map((p) => p.distance);
  const [lo, hi] = [Math.min(...ds), Math.max(...ds)];
  const series = [{ name: "", points: points.map((p) => ({ x: p.iteration, y: p.distance })) }];
  const panel = lineChart({
    series: series.map((s) => ({ ...s, dots: true, endLabel: false })),
    x: {
      label: "IRLS iteration",
      domain: [0.5, n + 0.5],
      ticks: all.map((p) => p.iteration),
      tickFormat: (v) => String(v),
    },
    y: {
      label: "‖β(i) − β̂‖, distance to the final coefficients",
      type: "log",
      domain: [lo / 30, hi * 30],
    },
    width: 560,
    height: 280,
    marks: [
      Plot.text(points, {
        x: "iteration",
        y: "distance",
        text: (d: { distance: number }) => readableNumber(d.distance),
        dx: 8,
        textAnchor: "start",
      }),
      Plot.text(zeros, {
        x: "iteration",
        frameAnchor: "bottom",
        dy: -6,
        text: () => "0 (off the log scale)",
        textAnchor: "middle",
      }),
    ],
  });
  const listed = points.map((p) => readableNumber(p.distance)).join(", ");
  return composeFigure([panel], {
    caption: "How far each IRLS iterate is from glm's final coefficients (log scale).",
    alt: `Line chart on a log scale of the distance to the final coefficients after IRLS ` +
      `iterations 1 to ${points[points.length - 1].iteration}: ${listed}, falling ever more ` +
      `steeply` + (zeros.length > 0
        ? `; iteration ${
          zeros.map((z) => z.iteration).join(", ")
        } is at distance 0.`
        : "."),
  });
}

/**
 * The sigmoid σ(z) = 1/(1 + e^(−z)) over `[-range, range]`, with its midpoint σ(0) = 1/2 marked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sigmoidCurve } from "./plots.ts";
 * assert.ok(sigmoidCurve().svg.includes("<path"));
 * ```
 */
export function sigmoidCurve(range = 8): Figure {
  const points = Array.from({ length: 201 }, (_, i) => {
    const z = -range + (2 * range * i) / 200;
    return { x: z, y: sigmoid(z) };
  });
  const panel = lineChart({
    series: [{ name: "σ(z)", points, color: PALETTE[0], width: 2, endLabel: false }],
    x: { label: "z = xᵀθ, the score", grid: true },
    y: { label: "σ(z), the probability", domain: [-0.02, 1.02] },
    references: [{ y: 0, color: "#999", dash: "" }, { y: 1, color: "#999", dash: "" }],
    width: 560,
    height: 260,
    marks: [
      Plot.dot([{ z: 0, p: 0.5 }], { x: "z", y: "p", fill: PALETTE[0], r: 4 }),
      Plot.text([{ z: 0, p: 0.5 }], {
        x: "z",
        y: "p",
        text: () => "σ(0) = ½",
        dx: 10,
        textAnchor: "start",
      }),
    ],
  });
  return composeFigure([panel], {
    caption: "The sigmoid turns any score into a probability between 0 and 1.",
    alt: `The S-shaped curve σ(z) for z from −${range} to ${range}: it rises from ` +
      `${short(sigmoid(-range), 2)} to ${short(sigmoid(range), 4)}, steepest in the middle, ` +
      `and passes through ½ at z = 0.`,
  });
}

/**
 * The training loss per epoch from a network's {@linkcode History}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossCurve } from "./plots.ts";
 * const fig = lossCurve({ epoch: [0, 1, 2], history: { loss: [0.69, 0.68, 0.675] } });
 * assert.ok(fig.svg.includes("<path") && fig.alt.includes("0.675"));
 * ```
 */
export function lossCurve(
  history: Pick<History, "epoch" | "history">,
  { log = false }: { log?: boolean } = {},
): Figure {
  const loss = history.history.loss;
  if (!Array.isArray(loss) || loss.length === 0) {
    throw new ArgumentError("history", "holds no loss to draw (train for at least one epoch)");
  }
  const points = history.epoch.map((e, i) => ({ x: e + 1, y: loss[i] }));
  const last = points[points.length - 1];
  const panel = lineChart({
    series: [{ name: "loss", points, color: PALETTE[0], width: 2, endLabel: false }],
    x: { label: "epoch", grid: true },
    y: { label: "loss (mean binary cross-entropy)", ...(log ? { type: "log" as const } : {}) },
    width: 600,
    height: 280,
  });
  return composeFigure([panel], {
    caption: "The training loss after each epoch.",
    alt: `Line chart of the mean binary cross-entropy over ${points.length} epochs: it starts at ` +
      `${points[0].y.toFixed(4)}, falls quickly at first, then flattens, ending at ` +
      `${last.y.toFixed(4)} at epoch ${last.x}.`,
  });
}

/**
 * How far the training loss still is from its minimum, per epoch, on a log scale: loss − `minimum`
 * where `minimum` is the smallest mean loss there is (for the tutorial's network, glm's residual
 * deviance / 2N). Epochs at which the difference is not positive (rounding) are left out and
 * counted in the alt text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossGapCurve } from "./plots.ts";
 * const fig = lossGapCurve({ epoch: [0, 1, 2], history: { loss: [0.7, 0.65, 0.6001] } }, 0.6);
 * assert.ok(fig.alt.includes("10⁻⁴ at epoch 3"));
 * ```
 */
export function lossGapCurve(
  history: Pick<History, "epoch" | "history">,
  minimum: number,
  { minimumLabel = "its minimum" }: { minimumLabel?: string } = {},
): Figure {
  const loss = history.history.loss;
  if (!Number.isFinite(minimum)) {
    throw new ArgumentError("minimum", `must be finite, got ${minimum}`);
  }
  if (!Array.isArray(loss) || loss.length === 0) {
    throw new ArgumentError("history", "holds no loss to draw (train for at least one epoch)");
  }
  const all = history.epoch.map((e, i) => ({ x: e + 1, y: loss[i] - minimum }));
  const points = all.filter((p) => p.y > 0);
  if (points.length === 0) {
    throw new ArgumentError(
      "minimum",
      "is not below any recorded loss; pass the smallest loss there is",
    );
  }
  const dropped = all.length - points.length;
  const first = points[0], last = points[points.length - 1];
  const panel = lineChart({
    series: [{ name: "loss − minimum", points, color: PALETTE[0], width: 2, endLabel: false }],
    x: { label: "epoch", grid: true },
    y: { label: `loss − ${minimumLabel}`, type: "log" },
    width: 600,
    height: 300,
  });
  return composeFigure([panel], {
    caption: `How far the loss still is from ${minimumLabel}, after each epoch (log scale).`,
    alt: `Line chart on a log scale of the mean loss minus ${minimumLabel}: ` +
      `${readableNumber(first.y)} at epoch ${first.x}, ${readableNumber(last.y)} at epoch ` +
      `${last.x}` +
      (dropped > 0 ? `; ${dropped} epochs at or below the minimum (rounding) are not drawn.` : "."),
  });
}
