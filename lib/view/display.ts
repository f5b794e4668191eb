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

import { type DisplayBundle, escapeHtml, jupyterDisplay } from "../core/html.ts";
import { type Dataset, head } from "../data/dataset.ts";
import { formatColumn } from "../r/format.ts";

/** A cell of a table: a number, a string, or `null` (printed as R's `NA`). */
export type Cell = number | string | null;

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
      .map((c) => `<th>${escapeHtml(c)}</th>`).join("");
    const rows = this.cells.map((r, i) =>
      "<tr>" + (this.rowNames.length ? `<th>${escapeHtml(this.rowNames[i])}</th>` : "") +
      r.map((c, j) =>
        `<td style="text-align:${this.numeric[j] ? "right" : "left"}">${escapeHtml(c)}</td>`
      )
        .join("") +
      "</tr>"
    ).join("\n");
    const caption = this.caption ? `<caption>${escapeHtml(this.caption)}</caption>` : "";
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
      escapeHtml(h)
    }</div>` +
    `<pre style="font-size:11px;overflow-x:auto;margin:0">${escapeHtml(t)}</pre></div>`;
  const text = `${left[0]}\n${left[1]}\n\n${right[0]}\n${right[1]}`;
  return {
    toString: () => text,
    [jupyterDisplay]: () => ({
      "text/plain": text,
      "text/html": `<div style="display:flex;gap:16px">${block(left)}${block(right)}</div>`,
    }),
  };
}
