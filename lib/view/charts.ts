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
import type { PlotOptions } from "@observablehq/plot";
import { ArgumentError } from "../core/errors.ts";
import { type Axis, axisDomain, plotAxis } from "./axes.ts";
import { dodgeLabels, PALETTE, textWidth } from "./labels.ts";
import { type Panel, renderPanel } from "./figure.ts";

export { type Axis, countAxis } from "./axes.ts";

/** Font size of tick labels, end labels and axis labels (Observable Plot's default). */
export const FONT_SIZE = 10;
/** Distance between the centres of two end labels: one line of 10 px text and a little air. */
const LABEL_GAP = 12.5;
/** Space between a line's end and its label. */
const LEADER = 12;

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
  return renderPanel(lineChartPlot(options));
}

/**
 * What {@linkcode lineChart} draws, as Observable Plot options: render them with `Plot.plot` on
 * any DOM (the book's live figures use the page's own), or with `renderPanel` for a static panel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lineChartPlot } from "./charts.ts";
 * const options = lineChartPlot({
 *   series: [{ name: "a", points: [{ x: 1, y: 1 }, { x: 2, y: 2 }] }],
 *   x: { label: "x" },
 *   y: { label: "y" },
 * });
 * assert.equal(options.width, 720);
 * ```
 */
export function lineChartPlot(options: LineChartOptions): PlotOptions {
  const { references = [], width = 720, height = 340, marginLeft = 64, marks = [] } = options;
  const series = drawable(options);
  const labelled = series.filter((s) => s.endLabel !== false);
  const labelWidth = Math.max(
    0,
    ...labelled.map((s) => textWidth(s.name, FONT_SIZE, { bold: true })),
  );
  const frame = {
    width,
    height,
    marginLeft,
    marginTop: options.title ? 40 : 28,
    marginBottom: 40,
    marginRight: labelled.length > 0 ? LEADER + 4 + Math.ceil(labelWidth) + 8 : 24,
  };
  const all = series.flatMap((s) => s.points);
  const xDomain = axisDomain(options.x, [
    ...all.map((p) => p.x),
    ...references.flatMap((r) => r.x ?? []),
  ], "x");
  const yDomain = axisDomain(options.y, [
    ...all.map((p) => p.y),
    ...references.flatMap((r) => r.y ?? []),
  ], "y");
  const xScale = Plot.scale({
    x: {
      type: options.x.type ?? "linear",
      domain: xDomain,
      range: [marginLeft, width - frame.marginRight],
    },
  });
  const yScale = Plot.scale({
    y: {
      type: options.y.type ?? "linear",
      domain: yDomain,
      range: [height - frame.marginBottom, frame.marginTop],
    },
  });
  const plotMarks: Plot.Markish[] = [
    ...referenceMarks(references, xScale, frame),
    ...marks,
    ...series.map((s) =>
      Plot.line(s.points, {
        x: "x",
        y: "y",
        stroke: s.color,
        strokeWidth: s.width ?? 1.75,
        strokeOpacity: s.opacity ?? 1,
        strokeDasharray: s.dash,
      })
    ),
    ...series.filter((s) => s.dots).map((s) =>
      Plot.dot(s.points, { x: "x", y: "y", fill: s.color, r: 2.5 })
    ),
    ...endLabelMarks(labelled, xScale, yScale, frame),
    ...(options.title ? [titleMark(options.title)] : []),
  ];
  const xAxis = plotAxis(options.x, xDomain, width - marginLeft - frame.marginRight, false, "x");
  const yAxis = plotAxis(
    options.y,
    yDomain,
    height - frame.marginTop - frame.marginBottom,
    true,
    "y",
  );
  return {
    ...frame,
    x: xAxis.options,
    y: yAxis.options,
    color: { type: "identity" },
    marks: [...xAxis.marks, ...yAxis.marks, ...plotMarks],
  };
}

/** A series with its colour decided and only the points its axes can draw. */
type Drawable = Series & { color: string };

/** The series of a chart, coloured, with points a log axis cannot show left out. */
function drawable(options: LineChartOptions): Drawable[] {
  const { series } = options;
  if (!series || series.length === 0) {
    throw new ArgumentError("series", "must hold at least one line");
  }
  const out = series.map((s, i) => ({
    ...s,
    color: s.color ?? PALETTE[i % PALETTE.length],
    points: s.points.filter((p) =>
      Number.isFinite(p.x) && Number.isFinite(p.y) &&
      (options.x.type !== "log" || p.x > 0) && (options.y.type !== "log" || p.y > 0)
    ),
  }));
  for (const s of out) {
    if (s.points.length === 0) {
      throw new ArgumentError(`series "${s.name}"`, "has no point that can be drawn on these axes");
    }
  }
  return out;
}

/** A chart's size and margins, in pixels. */
interface Frame {
  width: number;
  height: number;
  marginLeft: number;
  marginRight: number;
  marginTop: number;
  marginBottom: number;
}

type Scale = ReturnType<typeof Plot.scale>;

/**
 * Each labelled line's name at its end, dodged vertically so that no two overprint, with a thin
 * leader from the line's end to its label when the label had to move.
 */
function endLabelMarks(labelled: Drawable[], xScale: Scale, yScale: Scale, frame: Frame) {
  const ends = labelled.map((s) => s.points[s.points.length - 1]);
  const endPx = ends.map((p) => ({ x: xScale.apply(p.x), y: yScale.apply(p.y) }));
  const dodged = dodgeLabels(endPx.map((p) => p.y), {
    gap: LABEL_GAP,
    min: frame.marginTop + 6,
    max: frame.height - frame.marginBottom - 6,
  });
  const rows = labelled.map((s, i) => ({
    name: s.name,
    color: s.color,
    x0: ends[i].x,
    y0: ends[i].y,
    x1: xScale.invert!(endPx[i].x + LEADER),
    y1: yScale.invert!(dodged[i]),
    xText: xScale.invert!(endPx[i].x + LEADER + 2),
    moved: Math.abs(dodged[i] - endPx[i].y) > 1.5,
  }));
  return [
    Plot.link(rows.filter((r) => r.moved), {
      x1: "x0",
      y1: "y0",
      x2: "x1",
      y2: "y1",
      stroke: "color",
      strokeOpacity: 0.6,
      strokeWidth: 0.75,
    }),
    Plot.text(rows, {
      x: "xText",
      y: "y1",
      text: "name",
      fill: "color",
      textAnchor: "start",
      lineAnchor: "middle",
      fontWeight: 600,
    }),
  ];
}

/** Reference lines, and the labels of vertical ones at the top of the frame. */
function referenceMarks(references: readonly Reference[], xScale: Scale, frame: Frame) {
  const inner = frame.width - frame.marginLeft - frame.marginRight;
  return [
    ...references.map((r) =>
      r.x !== undefined
        ? Plot.ruleX([r.x], { stroke: r.color ?? "#555", strokeDasharray: r.dash ?? "4,3" })
        : Plot.ruleY([r.y ?? 0], {
          stroke: r.color ?? "#555",
          strokeDasharray: r.dash ?? "4,3",
          strokeOpacity: 0.8,
        })
    ),
    ...references.filter((r) => r.x !== undefined && r.label).map((r) => {
      const right = xScale.apply(r.x!) > frame.marginLeft + 0.6 * inner;
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
  ];
}

/** A panel's title, above its frame on the left. */
function titleMark(title: string) {
  return Plot.text([title], {
    frameAnchor: "top-left",
    text: (d: string) => d,
    dy: -30,
    textAnchor: "start",
    fontWeight: 600,
    fontSize: 11,
  });
}

/**
 * Groups rows by a key, keeping the order in which the keys first appear: one series per group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupBy } from "./charts.ts";
 * const g = groupBy([{ m: "b" }, { m: "a" }, { m: "b" }], (r) => r.m);
 * assert.deepEqual([...g.keys()], ["b", "a"]);
 * ```
 */
export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return groups;
}
