/**
 * The building blocks every figure of the book is made of: a line chart whose lines are labelled
 * at their ends (labels moved apart by {@linkcode dodgeLabels} so that they never overprint, the
 * right margin sized to the longest label), logarithmic axes ticked at powers of ten, reference
 * lines (glm's coefficients, the tutorial's setting). Panels become figures through
 * `composeFigure` of `figure.ts`.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { ArgumentError } from "../core/errors.ts";
import { dodgeLabels, logTicks, PALETTE, powerOfTen, textWidth } from "./labels.ts";
import { type Panel, renderPanel } from "./figure.ts";

/** Font size of tick labels, end labels and axis labels (Observable Plot's default). */
export const FONT_SIZE = 10;
/** Distance between the centres of two end labels: one line of 10 px text and a little air. */
const LABEL_GAP = 12.5;
/** Space between a line's end and its label. */
const LEADER = 12;

/** An axis of {@linkcode lineChart}. */
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

/** One line of {@linkcode lineChart}. */
export interface Series {
  /** The label written at the line's end (also used in the alt text). */
  name: string;
  /** The points, in drawing order. */
  points: readonly { x: number; y: number }[];
  /** Colour; default the next of {@linkcode PALETTE}. */
  color?: string;
  /** Dash pattern (SVG `stroke-dasharray`), e.g. `"4,3"`; default solid. */
  dash?: string;
  /** Line width; default 1.75. */
  width?: number;
  /** Line opacity; default 1. */
  opacity?: number;
  /** Mark each point with a dot (for sweeps and iterations); default false. */
  dots?: boolean;
  /** Write the name at the line's end (default true). */
  endLabel?: boolean;
}

/** A straight reference line across the plot, with an optional label. */
export interface Reference {
  /** A vertical line at this x… */
  x?: number;
  /** …or a horizontal line at this y. */
  y?: number;
  /** A short label (e.g. "the tutorial's setting"), written inside the frame at the top. */
  label?: string;
  /** Colour; default a dark grey. */
  color?: string;
  /** Dash pattern; default `"4,3"`. */
  dash?: string;
}

/** Options of {@linkcode lineChart}. */
export interface LineChartOptions {
  /** The lines. */
  series: readonly Series[];
  /** The horizontal axis. */
  x: Axis;
  /** The vertical axis. */
  y: Axis;
  /** Reference lines, drawn under the series. */
  references?: readonly Reference[];
  /** Width in pixels; default 720. */
  width?: number;
  /** Height in pixels; default 340. */
  height?: number;
  /** Left margin; default 64. */
  marginLeft?: number;
  /** Extra Observable Plot marks, drawn between the references and the lines. */
  marks?: Plot.Markish[];
  /** A title over the frame, for a panel among several (e.g. "from zeros"). */
  title?: string;
}

function axisDomain(axis: Axis, values: number[], name: string): [number, number] {
  if (axis.domain) return [axis.domain[0], axis.domain[1]];
  const finite = values.filter((v) => Number.isFinite(v) && (axis.type !== "log" || v > 0));
  if (finite.length === 0) throw new ArgumentError(name, "has no finite value to draw");
  let [lo, hi] = [Math.min(...finite), Math.max(...finite)];
  if (axis.type === "log") {
    const pad = Math.max(0.05 * Math.log10(hi / lo), 0.1);
    return [lo / 10 ** pad, hi * 10 ** pad];
  }
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

/**
 * Plot's options for one of our axes, and for a log axis the marks that write its tick labels.
 * (Plot hands a log axis' tick format to d3's, which blanks the labels of ticks such as 50 or
 * 5000 to avoid crowding; the book chooses its ticks itself, so it writes their labels itself.)
 */
function plotAxis(
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
 * A line chart in the book's style: lines labelled at their right ends (the labels dodged apart
 * so that no two overprint, with a thin leader from the line's end to its label when it had to
 * move), axes labelled, logarithmic axes ticked at powers of ten, optional dots and reference
 * lines. Returns a {@linkcode Panel} for {@linkcode composeFigure}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lineChart } from "./charts.ts";
 * const panel = lineChart({
 *   series: [
 *     { name: "a", points: [{ x: 1, y: 1 }, { x: 2, y: 2 }] },
 *     { name: "b", points: [{ x: 1, y: 1 }, { x: 2, y: 2.01 }] },
 *   ],
 *   x: { label: "x" },
 *   y: { label: "y" },
 * });
 * const svg = panel.element.outerHTML;
 * // Both labels are drawn, at different heights although their lines end at the same place.
 * const ys = [...svg.matchAll(/<text[^>]*transform="translate\([^,]+,([^)]+)\)"[^>]*>[ab]</g)];
 * assert.ok(ys.length === 2 && Math.abs(Number(ys[0][1]) - Number(ys[1][1])) >= 12);
 * ```
 */
export function lineChart(options: LineChartOptions): Panel {
  const { series, references = [], width = 720, height = 340, marginLeft = 64, marks = [] } =
    options;
  if (!series || series.length === 0) {
    throw new ArgumentError("series", "must hold at least one line");
  }
  const colored = series.map((s, i) => ({
    ...s,
    color: s.color ?? PALETTE[i % PALETTE.length],
    points: s.points.filter((p) =>
      Number.isFinite(p.x) && Number.isFinite(p.y) &&
      (options.x.type !== "log" || p.x > 0) && (options.y.type !== "log" || p.y > 0)
    ),
  }));
  for (const s of colored) {
    if (s.points.length === 0) {
      throw new ArgumentError(`series "${s.name}"`, "has no point that can be drawn on these axes");
    }
  }
  const all = colored.flatMap((s) => s.points);
  const xDomain = axisDomain(options.x, [
    ...all.map((p) => p.x),
    ...references.flatMap((r) => r.x ?? []),
  ], "x");
  const yDomain = axisDomain(options.y, [
    ...all.map((p) => p.y),
    ...references.flatMap((r) => r.y ?? []),
  ], "y");
  const labelled = colored.filter((s) => s.endLabel !== false);
  const labelWidth = Math.max(
    0,
    ...labelled.map((s) => textWidth(s.name, FONT_SIZE, { bold: true })),
  );
  const marginTop = options.title ? 40 : 28;
  const marginBottom = 40;
  const marginRight = labelled.length > 0 ? LEADER + 4 + Math.ceil(labelWidth) + 8 : 24;
  const xScale = Plot.scale({
    x: {
      type: options.x.type ?? "linear",
      domain: xDomain,
      range: [marginLeft, width - marginRight],
    },
  });
  const yScale = Plot.scale({
    y: {
      type: options.y.type ?? "linear",
      domain: yDomain,
      range: [height - marginBottom, marginTop],
    },
  });
  // End labels: at the last point of each line, dodged vertically.
  const ends = labelled.map((s) => s.points[s.points.length - 1]);
  const endPx = ends.map((p) => ({ x: xScale.apply(p.x), y: yScale.apply(p.y) }));
  const dodged = dodgeLabels(endPx.map((p) => p.y), {
    gap: LABEL_GAP,
    min: marginTop + 6,
    max: height - marginBottom - 6,
  });
  const labelRows = labelled.map((s, i) => ({
    name: s.name,
    color: s.color,
    x0: ends[i].x,
    y0: ends[i].y,
    x1: xScale.invert!(endPx[i].x + LEADER),
    y1: yScale.invert!(dodged[i]),
    xText: xScale.invert!(endPx[i].x + LEADER + 2),
    moved: Math.abs(dodged[i] - endPx[i].y) > 1.5,
  }));
  const plotMarks: Plot.Markish[] = [
    ...references.map((r) =>
      r.x !== undefined
        ? Plot.ruleX([r.x], {
          stroke: r.color ?? "#555",
          strokeDasharray: r.dash ?? "4,3",
        })
        : Plot.ruleY([r.y ?? 0], {
          stroke: r.color ?? "#555",
          strokeDasharray: r.dash ?? "4,3",
          strokeOpacity: 0.8,
        })
    ),
    ...references.filter((r) => r.x !== undefined && r.label).map((r) => {
      const px = xScale.apply(r.x!);
      const right = px > marginLeft + 0.6 * (width - marginLeft - marginRight);
      return Plot.text([r], {
        x: "x",
        frameAnchor: "top",
        text: "label",
        fill: r.color ?? "#333",
        textAnchor: right ? "end" : "start",
        dx: right ? -4 : 4,
        dy: 4,
        lineAnchor: "top",
      });
    }),
    ...marks,
    ...colored.map((s) =>
      Plot.line(s.points, {
        x: "x",
        y: "y",
        stroke: s.color,
        strokeWidth: s.width ?? 1.75,
        strokeOpacity: s.opacity ?? 1,
        strokeDasharray: s.dash,
      })
    ),
    ...colored.filter((s) => s.dots).map((s) =>
      Plot.dot(s.points, { x: "x", y: "y", fill: s.color, r: 2.5 })
    ),
    Plot.link(labelRows.filter((r) => r.moved), {
      x1: "x0",
      y1: "y0",
      x2: "x1",
      y2: "y1",
      stroke: "color",
      strokeOpacity: 0.6,
      strokeWidth: 0.75,
    }),
    Plot.text(labelRows, {
      x: "xText",
      y: "y1",
      text: "name",
      fill: "color",
      textAnchor: "start",
      lineAnchor: "middle",
      fontWeight: 600,
    }),
  ];
  if (options.title) {
    plotMarks.push(
      Plot.text([options.title], {
        frameAnchor: "top-left",
        text: (d: string) => d,
        dy: -30,
        dx: 0,
        textAnchor: "start",
        fontWeight: 600,
        fontSize: 11,
      }),
    );
  }
  const xAxis = plotAxis(options.x, xDomain, width - marginLeft - marginRight, false, "x");
  const yAxis = plotAxis(options.y, yDomain, height - marginTop - marginBottom, true, "y");
  return renderPanel({
    width,
    height,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom,
    x: xAxis.options,
    y: yAxis.options,
    color: { type: "identity" },
    marks: [...xAxis.marks, ...yAxis.marks, ...plotMarks],
  });
}

/**
 * A short description of a line chart for its alt text: what is drawn against what, and where
 * each line ends.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeLines } from "./charts.ts";
 * const text = describeLines(
 *   [{ name: "loss", points: [{ x: 1, y: 0.69 }, { x: 1000, y: 0.688 }] }],
 *   { x: "epoch", y: "loss" },
 * );
 * assert.equal(text, "loss against epoch: loss ends at 0.688 at epoch 1000.");
 * ```
 */
export function describeLines(
  series: readonly Pick<Series, "name" | "points">[],
  { x, y, digits = 3 }: { x: string; y: string; digits?: number },
): string {
  const short = (v: number) => Number(v.toPrecision(digits)).toString();
  const ends = series.map((s) => {
    const last = s.points[s.points.length - 1];
    return `${s.name} ends at ${short(last.y)} at ${x} ${short(last.x)}`;
  });
  return `${y} against ${x}: ${ends.join("; ")}.`;
}
