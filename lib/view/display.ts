/**
 * Tables that read like R's printed output, in a terminal and in Jupyter.
 *
 * A {@linkcode Table} prints as aligned text (`toString()`) and shows as an HTML table in a Deno
 * Jupyter notebook (its `[Symbol.for("Jupyter.display")]` bundle carries both forms). Numbers in a
 * column are formatted like R's `format()` does for a data frame: enough decimals that every entry
 * of the column shows `digits` significant digits, the same number of decimals down the column.
 *
 * @module
 */

/** A cell of a table: a number, a string, or `null` (printed as R's `NA`). */
export type Cell = number | string | null;

/**
 * The key under which Deno's Jupyter kernel looks for a value's display method:
 * `Symbol.for("Jupyter.display")`, typed so that `value[jupyterDisplay]()` type-checks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jupyterDisplay, table } from "./display.ts";
 * const bundle = table([[1]], { columns: ["x"] })[jupyterDisplay]();
 * assert.ok(bundle["text/plain"] === "x\n1");
 * ```
 */
export const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display") as never;

/** The MIME bundle a Jupyter front end renders. */
export interface DisplayBundle {
  /** Plain text, shown in terminals and as a fallback. */
  "text/plain": string;
  /** Other representations, e.g. `text/html` or `image/svg+xml`. */
  [mime: string]: string;
}

/** Options of {@linkcode table}. */
export interface TableOptions {
  /** Column headers. */
  columns: readonly string[];
  /** Row labels printed in the first column (R's row names); default none. */
  rowNames?: readonly string[];
  /** Significant digits for numeric columns (R's default 7). */
  digits?: number;
  /** A caption printed above the table. */
  caption?: string;
}

import { type Dataset, head } from "../data/dataset.ts";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Formats a column of numbers like R's `format(x, digits = 7)` (its C `formatReal`), without the
 * padding: a common number of decimals, chosen so that the entry that needs most shows `digits`
 * significant digits, or scientific notation with a common mantissa length when that is narrower.
 * Integers print without decimals; `null` and NaN print as `NA`, infinities as `Inf`/`-Inf`.
 * {@linkcode formatNumbers} pads the result to one width, as `format()` does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatColumn } from "./display.ts";
 * // R: format(c(1.125289034, -0.003352472)) gives " 1.125289034" "-0.003352472"
 * const [a, b] = formatColumn([1.125289034, -0.003352472]);
 * assert.ok(a === "1.125289034" && b === "-0.003352472");
 * // R: format(c(2.848412e-04, 1.0606748e-08)) gives "2.848412e-04" "1.060675e-08"
 * assert.ok(formatColumn([2.848412e-04, 1.0606748e-08])[1] === "1.060675e-08");
 * ```
 */
export function formatColumn(values: readonly (number | null)[], digits = 7): string[] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  let mxsl = 1, rgt = 0, mxns = 1, mxe = -Infinity, mne = Infinity, anyNeg = false;
  for (const v of finite) {
    // Significant digits needed (≤ digits) and the decimal exponent, after rounding, as C's
    // sprintf("%.*e") rounds.
    let kpower = 0, nsig = 1;
    if (v !== 0) {
      const [mantissa, e] = Math.abs(v).toExponential(digits - 1).split("e");
      kpower = Number(e);
      nsig = Math.max(1, mantissa.replace(".", "").replace(/0+$/, "").length);
    }
    if (v < 0) anyNeg = true;
    mxsl = Math.max(mxsl, (v < 0 ? 1 : 0) + (kpower >= 0 ? kpower + 1 : 1));
    rgt = Math.max(rgt, nsig - kpower - 1);
    mxns = Math.max(mxns, nsig);
    mxe = Math.max(mxe, kpower);
    mne = Math.min(mne, kpower);
  }
  // R: fixed notation unless it is wider than scientific (R_print.scipen = 0).
  const fixedWidth = mxsl + rgt + (rgt > 0 ? 1 : 0);
  const expDigits = mxe >= 100 || mne <= -99 ? 2 : 1;
  const mantissaDecimals = mxns - 1;
  const sciWidth = (anyNeg ? 1 : 0) + (mantissaDecimals > 0 ? mantissaDecimals + 1 : 0) + 4 +
    expDigits;
  const scientific = finite.length > 0 && (fixedWidth > sciWidth || rgt > 15);
  return values.map((v) => {
    if (v === null || Number.isNaN(v)) return "NA";
    if (v === Infinity) return "Inf";
    if (v === -Infinity) return "-Inf";
    if (!scientific) return v.toFixed(rgt);
    const [m, e] = v.toExponential(mantissaDecimals).split("e");
    const exp = Number(e);
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  });
}

/**
 * R's `format(x, digits = d)` for a numeric vector: {@linkcode formatColumn}, right-justified to
 * one width.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNumbers } from "./display.ts";
 * // R: format(c(-0.026, 1.247, NA), digits = 4) gives "-0.026" " 1.247" "    NA"
 * assert.ok(formatNumbers([-0.026, 1.247, null], 4).join("|") === "-0.026| 1.247|    NA");
 * ```
 */
export function formatNumbers(values: readonly (number | null)[], digits = 7): string[] {
  const strs = formatColumn(values, digits);
  const width = Math.max(0, ...strs.map((t) => t.length));
  return strs.map((t) => t.padStart(width));
}

/**
 * A table that prints like R and displays as HTML in Jupyter. Made by {@linkcode table}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "./display.ts";
 * const t = table([[0.5, 1]], { columns: ["p", "y"], rowNames: ["1"] });
 * assert.ok(t.toString() === "    p y\n1 0.5 1" && t.toHtml().startsWith("<table"));
 * ```
 */
export class Table {
  /** Column headers. */
  readonly columns: readonly string[];
  /** The cells as formatted strings, row by row. */
  readonly cells: readonly (readonly string[])[];
  /** Row labels, or an empty array. */
  readonly rowNames: readonly string[];
  /** Caption printed above the table, or "". */
  readonly caption: string;
  /** Which columns hold numbers (right-aligned in HTML; text columns are left-aligned). */
  readonly numeric: readonly boolean[];

  /** Prefer {@linkcode table}, which formats the cells. */
  constructor(
    columns: readonly string[],
    cells: readonly (readonly string[])[],
    rowNames: readonly string[] = [],
    caption = "",
    numeric: readonly boolean[] = columns.map(() => true),
  ) {
    this.columns = columns;
    this.cells = cells;
    this.rowNames = rowNames;
    this.caption = caption;
    this.numeric = numeric;
  }

  /**
   * Aligned plain text as R prints a data frame: row names left-aligned, cells right-aligned, and
   * columns that do not fit in `width` characters continued in a further block below.
   */
  toString(width = 80): string {
    const named = this.rowNames.length > 0;
    const nameWidth = named ? Math.max(0, ...this.rowNames.map((r) => r.length)) : 0;
    const widths = this.columns.map((h, j) =>
      Math.max(h.length, ...this.cells.map((r) => r[j].length))
    );
    const blocks: number[][] = [];
    let used = Infinity;
    widths.forEach((w, j) => {
      const extra = (used === 0 && !named ? 0 : 1) + w;
      if (blocks.length === 0 || used + extra > width) {
        blocks.push([j]);
        used = (named ? nameWidth : -1) + 1 + w;
      } else {
        blocks[blocks.length - 1].push(j);
        used += extra;
      }
    });
    const line = (name: string, cells: string[]) =>
      (named ? [name.padEnd(nameWidth), ...cells] : cells).join(" ");
    const text = blocks.map((cols) =>
      [
        line("", cols.map((j) => this.columns[j].padStart(widths[j]))),
        ...this.cells.map((r, i) =>
          line(this.rowNames[i] ?? "", cols.map((j) => r[j].padStart(widths[j])))
        ),
      ].join("\n")
    ).join("\n");
    return (this.caption ? this.caption + "\n" : "") + text;
  }

  /** An HTML `<table>`. */
  toHtml(): string {
    const head = (this.rowNames.length ? ["", ...this.columns] : this.columns)
      .map((c) => `<th>${esc(c)}</th>`).join("");
    const rows = this.cells.map((r, i) =>
      "<tr>" + (this.rowNames.length ? `<th>${esc(this.rowNames[i])}</th>` : "") +
      r.map((c, j) => `<td style="text-align:${this.numeric[j] ? "right" : "left"}">${esc(c)}</td>`)
        .join("") +
      "</tr>"
    ).join("\n");
    const caption = this.caption ? `<caption>${esc(this.caption)}</caption>` : "";
    return `<table class="dataframe">${caption}<thead><tr>${head}</tr></thead>\n` +
      `<tbody>\n${rows}\n</tbody></table>`;
  }

  /** The MIME bundle Deno's Jupyter kernel displays. */
  [jupyterDisplay](): DisplayBundle {
    return { "text/plain": this.toString(), "text/html": this.toHtml() };
  }
}

/**
 * Makes a {@linkcode Table} from rows of cells; numeric columns are formatted together like R.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "./display.ts";
 * const t = table([[1.5, 1], [0.25, 0]], { columns: ["X1", "target"] });
 * assert.ok(t.toString() === "  X1 target\n1.50      1\n0.25      0");
 * ```
 */
export function table(rows: readonly (readonly Cell[])[], options: TableOptions): Table {
  const { columns, rowNames = [], digits = 7, caption = "" } = options;
  const cells: string[][] = rows.map(() => []);
  const numericColumns: boolean[] = [];
  columns.forEach((_, j) => {
    const col = rows.map((r) => r[j]);
    const numeric = col.every((c) => typeof c === "number" || c === null);
    numericColumns.push(numeric);
    const formatted = numeric
      ? formatColumn(col as (number | null)[], digits)
      : col.map((c) => c === null ? "NA" : String(c));
    formatted.forEach((s, i) => cells[i].push(s));
  });
  return new Table(columns, cells, rowNames, caption, numericColumns);
}

/**
 * The first `n` rows of a dataset as a table laid out like R's `head(data)`: features, then the
 * target, row names 1, 2, ….
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { headTable } from "./display.ts";
 * import { generateData } from "../data/dataset.ts";
 * const t = headTable(generateData(), 1);
 * assert.ok(t.toString().startsWith("        X1       X2"));
 * ```
 */
export function headTable(ds: Dataset, n = 6): Table {
  const rows = head(ds, n);
  return table(rows, {
    columns: [...ds.names, ds.target],
    rowNames: rows.map((_, i) => String(i + 1)),
  });
}

/**
 * Two blocks of text side by side, each under a heading: for showing R's printed output next to
 * ours. In a terminal the blocks follow each other.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sideBySide } from "./display.ts";
 * const v = sideBySide(["R", "a"], ["TypeScript", "a"]);
 * assert.ok(v.toString() === "R\na\n\nTypeScript\na");
 * ```
 */
export function sideBySide(
  left: readonly [heading: string, text: string],
  right: readonly [heading: string, text: string],
): { toString(): string; [jupyterDisplay](): DisplayBundle } {
  const block = ([h, t]: readonly [string, string]) =>
    `<div style="flex:1;min-width:0"><div style="font-weight:600;margin-bottom:4px">${
      esc(h)
    }</div>` +
    `<pre style="font-size:11px;overflow-x:auto;margin:0">${esc(t)}</pre></div>`;
  const text = `${left[0]}\n${left[1]}\n\n${right[0]}\n${right[1]}`;
  return {
    toString: () => text,
    [jupyterDisplay]: () => ({
      "text/plain": text,
      "text/html": `<div style="display:flex;gap:16px">${block(left)}${block(right)}</div>`,
    }),
  };
}
