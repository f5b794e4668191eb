/**
 * The analysis of deviance of two nested binomial fits, R's `anova(reduced, full, test = "Chisq")`
 * (`anova.glmlist`, `stat.anova`): the residual degrees of freedom and deviances of both, the
 * change between them and its χ² p value (dispersion 1). Printed as R's `print.anova` prints it
 * (`printCoefmat` with the deviances zapped and R's `format`, `format.pval` and stars).
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import { escapeHtml, jupyterDisplay } from "../core/html.ts";
import { formatNumbers, formatPval, zapsmall } from "../r/format.ts";
import { pchisqUpper } from "../r/pchisq.ts";
import type { GlmFit } from "./glm_fit.ts";

/** One model's row of the table. */
export interface AnovaRow {
  /** Residual degrees of freedom. */
  dfResidual: number;
  /** Residual deviance. */
  deviance: number;
  /** Degrees of freedom used by the added terms (`null` in the first row). */
  df: number | null;
  /** The drop in deviance from the previous model (`null` in the first row). */
  devianceChange: number | null;
  /** P(χ²_df > devianceChange) (`null` in the first row, or where R gives NA). */
  pValue: number | null;
}

/** R's anova table of two fits: printable (`String(t)`) and shown as text and HTML in Jupyter. */
export interface AnovaTable {
  /** The reduced model's row, then the full model's. */
  rows: AnovaRow[];
  /** R's heading: the title and the models' descriptions. */
  heading: string[];
  /** R's printed table. */
  toString(): string;
}

/** Options of {@linkcode anova}. */
export interface AnovaOptions {
  /**
   * The models' descriptions for the heading (R prints their formulas); default a formula built
   * from the coefficients' names, `y ~ x1 + x2` (with `- 1` when there is no intercept).
   */
  formulas?: [string, string];
}

const LEGEND = "0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1";

/** A formula from a fit's coefficient names. */
function formulaOf(fit: GlmFit): string {
  const terms = fit.names.filter((n) => n !== "(Intercept)");
  if (terms.length === 0) return fit.intercept ? "y ~ 1" : "y ~ -1";
  return `y ~ ${terms.join(" + ")}${fit.intercept ? "" : " - 1"}`;
}

/** Whether two optional vectors hold the same numbers. */
function sameVector(a: Float64Array | null, b: Float64Array | null, fill: number): boolean {
  const n = a?.length ?? b?.length ?? 0;
  for (let i = 0; i < n; i++) {
    if ((a === null ? fill : a[i]) !== (b === null ? fill : b[i])) return false;
  }
  return true;
}

/** The checks R makes (same data size) and those that nesting needs (same y, weights, offset). */
function checkComparable(reduced: GlmFit, full: GlmFit): void {
  const n1 = reduced.fitted.length, n2 = full.fitted.length;
  if (n1 !== n2) {
    throw new ArgumentError(
      "full",
      `was fitted to ${n2} rows and \`reduced\` to ${n1}: models were not all fitted to the same size of dataset`,
    );
  }
  const problems: [string, boolean][] = [
    ["responses", sameVector(reduced.y, full.y, 0)],
    ["prior weights", sameVector(reduced.priorWeights, full.priorWeights, 1)],
    ["offsets", sameVector(reduced.offset, full.offset, 0)],
    ["links", reduced.link === full.link],
  ];
  for (const [what, same] of problems) {
    if (!same) {
      throw new ArgumentError(
        "full",
        `and \`reduced\` have different ${what}: anova compares nested fits of the same data`,
      );
    }
  }
}

/**
 * R's `anova(reduced, full, test = "Chisq")` for two binomial fits of the same data: the rows
 * { dfResidual, deviance, df, devianceChange, pValue } (the first row's last three `null`), the
 * p value P(χ²_df > deviance change). Throws when the fits are not comparable: different numbers
 * of rows, responses, prior weights, offsets or links.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { anova, glm } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[0, 1], [1, 0], [2, 1], [3, 0], [4, 1], [5, 0], [6, 1], [7, 0]]);
 * const y = [0, 0, 1, 0, 1, 0, 1, 1];
 * const full = glm(X, y, { intercept: true, names: ["dose", "sex"] });
 * const reduced = glm(fromRows([[0], [1], [2], [3], [4], [5], [6], [7]]), y, { intercept: true, names: ["dose"] });
 * const t = anova(reduced, full);
 * assert.ok(t.rows[1].df === 1 && t.rows[1].devianceChange! >= 0 && t.rows[0].pValue === null);
 * assert.ok(String(t).startsWith("Analysis of Deviance Table\n\nModel 1: y ~ dose\nModel 2: y ~ dose + sex"));
 * ```
 */
export function anova(reduced: GlmFit, full: GlmFit, options: AnovaOptions = {}): AnovaTable {
  checkComparable(reduced, full);
  const df = reduced.dfResidual - full.dfResidual;
  const change = reduced.deviance - full.deviance;
  // stat.anova: sign(df)·change, NA where df is 0 or the value negative.
  const stat = df === 0 ? NaN : change * Math.sign(df);
  const pValue = Number.isNaN(stat) || stat < 0 ? null : pchisqUpper(stat, Math.abs(df));
  const rows: AnovaRow[] = [
    {
      dfResidual: reduced.dfResidual,
      deviance: reduced.deviance,
      df: null,
      devianceChange: null,
      pValue: null,
    },
    { dfResidual: full.dfResidual, deviance: full.deviance, df, devianceChange: change, pValue },
  ];
  const formulas = options.formulas ?? [formulaOf(reduced), formulaOf(full)];
  const heading = [
    "Analysis of Deviance Table",
    "",
    ...formulas.map((f, i) => `Model ${i + 1}: ${f}`),
  ];
  const text = () => [...heading, ...printAnova(rows)].join("\n");
  const html = () =>
    `<div class="anova">${
      heading.filter((h) => h !== "").map((h) => `<div>${escapeHtml(h)}</div>`).join("")
    }` +
    `<pre>${escapeHtml(printAnova(rows).join("\n"))}</pre></div>`;
  return {
    rows,
    heading,
    toString: text,
    [jupyterDisplay]: () => ({ "text/plain": text(), "text/html": html() }),
  } as AnovaTable;
}

/** R's `format(x, digits)` of a column with NAs, the NAs printed as "" (na.print). */
function column(values: (number | null)[], digits: number, zap: boolean): string[] {
  const known = values.filter((v): v is number => v !== null);
  const zapped = zap ? zapsmall(known, digits) : known;
  let k = 0;
  const xs = values.map((v) => (v === null ? null : zapped[k++]));
  const cells = formatNumbers(xs, digits);
  // printCoefmat: an entry that is not 0 but prints as 0 is formatted with one digit less.
  xs.forEach((v, i) => {
    if (v !== null && v !== 0 && Number(cells[i]) === 0) {
      cells[i] = formatNumbers([v], Math.max(1, digits - 1))[0];
    }
  });
  return cells.map((c, i) => (xs[i] === null ? "" : c));
}

/** print.anova → printCoefmat(digits = 5, zap the deviances, P values by format.pval(digits 4)). */
function printAnova(rows: AnovaRow[]): string[] {
  const digits = 5;
  const heads = ["Resid. Df", "Resid. Dev", "Df", "Deviance", "Pr(>Chi)"];
  const p = rows.map((r) => r.pValue);
  const known = p.map((v, i) => [v, i] as const).filter(([v]) => v !== null);
  const pCells = rows.map(() => "");
  const fp = formatPval(known.map(([v]) => v as number), Math.max(1, Math.min(5, digits - 1)));
  known.forEach(([, i], j) => (pCells[i] = fp[j]));
  const cols = [
    column(rows.map((r) => r.dfResidual), digits, false),
    column(rows.map((r) => r.deviance), digits, true),
    column(rows.map((r) => r.df), digits, false),
    column(rows.map((r) => r.devianceChange), digits, true),
    pCells,
  ];
  const stars = known.some(([v]) => (v as number) < 0.1);
  const cells = cols.map((c) => c.slice());
  if (stars) {
    const s = p.map((v) =>
      v === null
        ? ""
        : v <= 0.001
        ? "***"
        : v <= 0.01
        ? "**"
        : v <= 0.05
        ? "*"
        : v <= 0.1
        ? "."
        : " "
    );
    const w = Math.max(...s.map((x) => x.length));
    cells.push(s.map((x) => x.padEnd(w))); // format(): left-justified to one width
    heads.push("");
  }
  const rowNames = rows.map((_, i) => String(i + 1));
  const nameW = Math.max(...rowNames.map((r) => r.length));
  const widths = cells.map((c, j) => Math.max(heads[j].length, ...c.map((x) => x.length)));
  const line = (name: string, cs: string[]) =>
    name.padEnd(nameW) + cs.map((x, j) => " " + x.padStart(widths[j])).join("");
  const out = [line("", heads), ...rowNames.map((r, i) => line(r, cells.map((c) => c[i])))];
  if (stars) out.push("---", `Signif. codes:  ${LEGEND}`);
  return out;
}
