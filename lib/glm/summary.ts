/**
 * R's `summary.glm` for a {@linkcode GlmFit}: the same numbers laid out as R's
 * `print.summary.glm` prints them (deviance residuals, the coefficient table with `printCoefmat`'s
 * rounding and significance stars, the dispersion line, null and residual deviance, AIC and the
 * number of Fisher scoring iterations), as text and as an HTML table, and shown as both in a
 * Jupyter notebook. The `Call:` lines are left out: there is no formula to deparse.
 *
 * The number formatting is R's `format()` and `format.pval`, re-implemented in `lib/r/format.ts`.
 *
 * @module
 */

import { escapeHtml, jupyterDisplay } from "../core/html.ts";
import { formatNumbers, formatPval, roundTo, zapsmall } from "../r/format.ts";
import type { GlmFit } from "./glm_fit.ts";

/** One row of the coefficient table, numbers and R's printed strings. */
export interface GlmCoefficientRow {
  /** Coefficient name. */
  name: string;
  /** Estimate, `null` where aliased. */
  estimate: number | null;
  /** Standard error, `null` where aliased. */
  standardError: number | null;
  /** z value, `null` where aliased. */
  zValue: number | null;
  /** Pr(>|z|), `null` where aliased. */
  pValue: number | null;
  /** Significance stars (`***`, `**`, `*`, `.` or a space). */
  stars: string;
  /** The four cells as R prints them (`NA` where aliased). */
  cells: [string, string, string, string];
}

/** A summary of a fit, printable like R's `summary(glm(...))`. */
export interface GlmSummary {
  /** The coefficient table, in the fit's column order. */
  coefficients: GlmCoefficientRow[];
  /** Min, 1Q, Median, 3Q, Max of the deviance residuals. */
  devianceResidualQuantiles: number[];
  /** The summarised fit. */
  fit: GlmFit;
  /** R's printed text (without the `Call:` lines). */
  toString(): string;
  /** The same content as an HTML fragment. */
  toHtml(): string;
}

const LEGEND = "0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1";

function stars(p: number | null): string {
  if (p === null) return "";
  return p <= 0.001 ? "***" : p <= 0.01 ? "**" : p <= 0.05 ? "*" : p <= 0.1 ? "." : " ";
}

/** R's `quantile(x)` (type 7) at 0, .25, .5, .75, 1. */
function quantiles(x: Float64Array): number[] {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  return [0, 0.25, 0.5, 0.75, 1].map((p) => {
    const index = (n - 1) * p;
    const lo = Math.floor(index), hi = Math.ceil(index);
    const h = index - lo;
    return h > 0 && s[hi] !== s[lo] ? (1 - h) * s[lo] + h * s[hi] : s[lo];
  });
}

/** printCoefmat(coefs, digits = 4) cells, without the stars column. */
function coefCells(fit: GlmFit, digits: number): [string, string, string, string][] {
  const p = fit.names.length;
  const digTst = Math.max(1, Math.min(5, digits - 1));
  const est = fit.coefficients, se = fit.standardErrors;
  // Estimate and Std. Error are formatted together after rounding to a common number of decimals.
  const acs = [...est, ...se].filter((v): v is number => v !== null && Number.isFinite(v))
    .map(Math.abs).filter((v) => v !== 0);
  const csVals = [...est, ...se];
  let cs: string[];
  if (acs.length > 0) {
    const digmin = 1 + Math.floor(Math.log10(Math.min(...acs)));
    const digmax = 1 + Math.floor(Math.log10(Math.max(...acs)));
    const dr = Math.max(1, digits - digmin, digits - digmax);
    cs = formatNumbers(csVals.map((v) => (v === null ? null : roundTo(v, dr))), digits);
  } else {
    cs = formatNumbers(csVals, digits);
  }
  // Entries shown as 0 although not 0 are re-formatted with one digit less.
  const zeroFix = csVals.map((v, i) => [v, i] as const)
    .filter(([v, i]) => v !== null && v !== 0 && Number(cs[i]) === 0);
  if (zeroFix.length > 0) {
    const f = formatNumbers(zeroFix.map(([v]) => v), Math.max(1, digits - 1));
    zeroFix.forEach(([, i], j) => (cs[i] = f[j]));
  }
  const zs = formatNumbers(
    fit.zValues.map((v) => (v === null ? null : roundTo(v, digTst))),
    digits,
  );
  const okP = fit.pValues.map((v, i) => [v, i] as const).filter(([v]) => v !== null);
  const ps = new Array<string>(p).fill("NA");
  const f = formatPval(okP.map(([v]) => v as number), digTst);
  okP.forEach(([, i], j) => (ps[i] = f[j]));
  return fit.names.map((_, i) => [
    est[i] === null ? "NA" : cs[i],
    se[i] === null ? "NA" : cs[p + i],
    fit.zValues[i] === null ? "NA" : zs[i],
    ps[i],
  ]);
}

const HEAD = ["Estimate", "Std. Error", "z value", "Pr(>|z|)"];

/**
 * Summarises a fit like R's `summary.glm` (dispersion 1 for the binomial family). The result
 * prints as R's text (`String(s)`), renders as HTML (`s.toHtml()`), and shows itself in a Deno
 * Jupyter notebook.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm } from "./glm.ts";
 * import { summary } from "./summary.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1], [2], [3], [4], [5], [6], [7], [8]]);
 * const s = summary(glm(X, [0, 0, 1, 0, 1, 0, 1, 1], { intercept: true }));
 * assert.ok(String(s).includes("Number of Fisher Scoring iterations: 4"));
 * ```
 */
export function summary(fit: GlmFit): GlmSummary {
  const digits = 4;
  const cells = coefCells(fit, digits);
  const starCol = fit.pValues.map(stars);
  const rows: GlmCoefficientRow[] = fit.names.map((name, i) => ({
    name,
    estimate: fit.coefficients[i],
    standardError: fit.standardErrors[i],
    zValue: fit.zValues[i],
    pValue: fit.pValues[i],
    stars: starCol[i] === "" ? " " : starCol[i],
    cells: cells[i],
  }));
  // residuals.glm(type = "deviance") is all zeros when there are no residual degrees of freedom.
  const devRes = fit.dfResidual > 0 ? fit.devianceResiduals : new Float64Array(fit.fitted.length);
  const q = fit.dfResidual > 5 ? quantiles(devRes) : Array.from(devRes);
  const parts: Parts = {
    fit,
    digits,
    rows,
    starCol,
    q,
    anyStars: fit.pValues.some((p) => p !== null && p < 0.1),
    nAliased: fit.coefficients.filter((c) => c === null).length,
  };
  const text = () => summaryText(parts), html = () => summaryHtml(parts);
  return {
    coefficients: rows,
    devianceResidualQuantiles: q,
    fit,
    toString: text,
    toHtml: html,
    [jupyterDisplay]: () => ({ "text/plain": text(), "text/html": html() }),
  } as GlmSummary;
}

/** What both layouts are made from. */
interface Parts {
  fit: GlmFit;
  digits: number;
  rows: GlmCoefficientRow[];
  /** The stars column ("" where aliased). */
  starCol: string[];
  /** The deviance residuals' quantiles (or the residuals themselves, up to 5 df). */
  q: number[];
  anyStars: boolean;
  nAliased: number;
}

/** Null and residual deviance, as R prints them. */
const deviances = ({ fit, digits }: Parts) =>
  formatNumbers([fit.nullDeviance, fit.deviance], Math.max(5, digits + 1));
/** The AIC, as R prints it. */
const aicText = ({ fit, digits }: Parts) => formatNumbers([fit.aic], Math.max(4, digits + 1))[0];

/** `print.summary.glm`'s text, without the `Call:` lines. */
function summaryText(parts: Parts): string {
  const { fit, digits, rows, starCol, q, anyStars, nAliased } = parts;
  const out: string[] = ["Deviance Residuals: "];
  const fq = formatNumbers(zapsmall(q, digits + 1), digits);
  if (fit.dfResidual > 5) {
    const labels = ["Min", "1Q", "Median", "3Q", "Max"];
    const w = Math.max(fq[0].length, ...labels.map((l) => l.length));
    out.push(labels.map((l) => l.padStart(w) + "  ").join(""));
    out.push(fq.map((v) => v.padStart(w) + "  ").join(""));
  } else {
    out.push("[1]" + fq.map((v) => "  " + v).join(""));
  }
  out.push(
    "",
    nAliased > 0
      ? `Coefficients: (${nAliased} not defined because of singularities)`
      : "Coefficients:",
  );
  const nameW = Math.max(...fit.names.map((n) => n.length));
  const colW = HEAD.map((h, j) => Math.max(h.length, ...rows.map((r) => r.cells[j].length)));
  const starW = Math.max(0, ...starCol.map((s) => s.length));
  const line = (name: string, cs: readonly string[], star: string | null) =>
    name.padEnd(nameW) + cs.map((c, j) => " " + c.padStart(colW[j])).join("") +
    (star === null ? "" : " " + star.padEnd(starW));
  out.push(line("", HEAD, anyStars ? "" : null));
  rows.forEach((r, i) => out.push(line(r.name, r.cells, anyStars ? starCol[i] : null)));
  if (anyStars) out.push("---", `Signif. codes:  ${LEGEND}`);
  out.push("", "(Dispersion parameter for binomial family taken to be 1)", "");
  const dv = deviances(parts);
  const df = [String(fit.dfNull), String(fit.dfResidual)];
  const dfW = Math.max(df[0].length, df[1].length);
  out.push(`    Null deviance: ${dv[0]}  on ${df[0].padStart(dfW)}  degrees of freedom`);
  out.push(`Residual deviance: ${dv[1]}  on ${df[1].padStart(dfW)}  degrees of freedom`);
  out.push(`AIC: ${aicText(parts)}`, "");
  out.push(`Number of Fisher Scoring iterations: ${fit.iterations}`, "");
  return out.join("\n");
}

/** The same content as an HTML table and notes. */
function summaryHtml(parts: Parts): string {
  const { fit, rows, anyStars, nAliased } = parts;
  const td = (s: string, left = false) =>
    `<td style="text-align:${left ? "left" : "right"};font-family:monospace">${
      escapeHtml(s.trim())
    }</td>`;
  const head = ["", ...HEAD, ...(anyStars ? [""] : [])]
    .map((h) => `<th style="text-align:right">${escapeHtml(h)}</th>`).join("");
  const body = rows.map((r) =>
    `<tr>${td(r.name, true)}${r.cells.map((c) => td(c)).join("")}${
      anyStars ? td(r.stars, true) : ""
    }</tr>`
  ).join("\n");
  const dv = deviances(parts);
  const notes = [
    nAliased > 0 ? `${nAliased} not defined because of singularities` : "",
    anyStars ? `Signif. codes: ${LEGEND}` : "",
    "Dispersion parameter for binomial family taken to be 1",
    `Null deviance: ${dv[0].trim()} on ${fit.dfNull} degrees of freedom`,
    `Residual deviance: ${dv[1].trim()} on ${fit.dfResidual} degrees of freedom`,
    `AIC: ${aicText(parts)}`,
    `Number of Fisher Scoring iterations: ${fit.iterations}` +
    (fit.converged ? "" : " (not converged)"),
    ...fit.warnings.map((w) => `Warning: ${w}`),
  ].filter((s) => s !== "");
  return `<div class="glm-summary"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>\n` +
    notes.map((n) => `<div>${escapeHtml(n)}</div>`).join("\n") + "\n</div>";
}
