/**
 * How R prints numbers: `format()` of a numeric vector (its C `formatReal`), `format.pval`,
 * `round` and `zapsmall`, as `print.data.frame` and `print.summary.glm` use them.
 *
 * @module
 */

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
 * import { formatColumn } from "./format.ts";
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
 * import { formatNumbers } from "./format.ts";
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
 * R's `round(x, d)` for the digits `summary.glm` uses (d ≤ 100; more digits leave x as it is).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roundTo } from "./format.ts";
 * assert.equal(roundTo(1.23456, 2), 1.23);
 * ```
 */
export function roundTo(x: number, d: number): number {
  return d > 300 ? x : Number(x.toFixed(Math.min(d, 100)));
}

/**
 * R's `format.pval(pv, digits, eps = .Machine$double.eps)`: p values below ε print as `<2e-16`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatPval } from "./format.ts";
 * assert.deepEqual(formatPval([0.0123, 1e-20], 3), ["0.0123", "<2e-16"]);
 * ```
 */
export function formatPval(pv: number[], digits: number): string[] {
  const eps = Number.EPSILON; // R's .Machine$double.eps
  const out = new Array<string>(pv.length).fill("");
  const notTiny = pv.map((p, i) => [p, i] as const).filter(([p]) => !(p < eps));
  const isFix = (p: number) => {
    const expo = Math.floor(Math.log10(p > 0 ? p : 1e-50));
    return expo >= -3 || (expo === -4 && digits > 1);
  };
  const fixp = notTiny.filter(([p]) => isFix(p));
  const expp = notTiny.filter(([p]) => !isFix(p));
  for (const group of [fixp, expp]) {
    if (group.length === 0) continue;
    const f = formatNumbers(group.map(([p]) => p), digits);
    group.forEach(([, i], j) => (out[i] = f[j]));
  }
  if (notTiny.length < pv.length) {
    let dg = Math.max(1, digits - 2);
    let sep = dg === 1 ? "" : " ";
    if (notTiny.length > 0) {
      const nc = Math.max(...notTiny.map(([, i]) => out[i].length));
      if (dg > 1 && dg + 6 > nc) dg = Math.max(1, nc - 7);
      sep = dg === 1 && nc <= 6 ? "" : " ";
    }
    const epsStr = formatNumbers([eps], dg)[0];
    pv.forEach((p, i) => {
      if (p < eps) out[i] = `<${sep}${epsStr}`;
    });
  }
  return out;
}

/**
 * R 4.2's `zapsmall(x, digits)` (round() takes its non-integer digits to the nearest integer).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zapsmall } from "./format.ts";
 * assert.deepEqual(zapsmall([1, 1e-20], 7), [1, 0]);
 * ```
 */
export function zapsmall(x: number[], digits: number): number[] {
  const mx = Math.max(...x.map(Math.abs));
  const d = mx > 0 ? Math.max(0, digits - Math.log10(mx)) : digits;
  return x.map((v) => roundTo(v, Math.floor(d + 0.5)) + 0);
}
