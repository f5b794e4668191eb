/**
 * Pure helpers that keep a figure's text legible: labels moved apart so they never overprint
 * ({@linkcode dodgeLabels}), an estimate of how wide a text is drawn ({@linkcode textWidth}),
 * captions wrapped to a width ({@linkcode wrapText}), ticks and tick labels for logarithmic axes
 * ({@linkcode logTicks}, {@linkcode powerOfTen}), and a palette of colours that read on white
 * ({@linkcode PALETTE}, {@linkcode contrastRatio}).
 *
 * @module
 */

import { log10 } from "../core/math.ts";
import { ArgumentError } from "../core/errors.ts";

/** Options of {@linkcode dodgeLabels}. */
export interface DodgeOptions {
  /** The smallest distance between the centres of two labels (a line of text and some air). */
  gap: number;
  /** The lowest position a label may take (default −∞). */
  min?: number;
  /** The highest position a label may take (default +∞). */
  max?: number;
}

/**
 * Moves labels along one axis so that any two are at least `gap` apart, keeping their order and
 * staying within `[min, max]`, while moving them as little as possible (the sum of squared moves
 * is the smallest possible). Labels that already clear each other stay where they are.
 *
 * The labels are sorted by their wanted position; runs of labels that would collide are merged into
 * blocks spaced exactly `gap` apart, each block centred on the mean of what its labels want and
 * pushed inside the bounds, and blocks that then collide are merged again (the pool-adjacent-
 * violators algorithm of isotonic regression).
 *
 * @param targets Where each label would like to be (e.g. the pixel height of its line's end).
 * @returns The positions, in the order of `targets`.
 * @throws {ArgumentError} When a target is not finite, or the labels need more room than
 *   `[min, max]` offers; the message says how much.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dodgeLabels } from "./labels.ts";
 * // Two labels 4 apart that need 12: each moves 4 away from the other.
 * assert.deepEqual(dodgeLabels([100, 104], { gap: 12 }), [96, 108]);
 * // Labels far apart do not move.
 * assert.deepEqual(dodgeLabels([10, 50], { gap: 12 }), [10, 50]);
 * // The bounds push a block inwards.
 * assert.deepEqual(dodgeLabels([0, 0], { gap: 10, min: 0 }), [0, 10]);
 * ```
 */
export function dodgeLabels(
  targets: readonly number[],
  { gap, min = -Infinity, max = Infinity }: DodgeOptions,
): number[] {
  if (!(Number.isFinite(gap) && gap >= 0)) {
    throw new ArgumentError("gap", `must be a finite number ≥ 0, got ${gap}`);
  }
  if (Number.isNaN(min) || Number.isNaN(max) || min > max) {
    throw new ArgumentError("min", `must not exceed max (got min ${min}, max ${max})`);
  }
  targets.forEach((t, i) => {
    if (!Number.isFinite(t)) {
      throw new ArgumentError(`targets[${i}]`, `must be a finite number, got ${t}`);
    }
  });
  const n = targets.length;
  if (n === 0) return [];
  const needed = (n - 1) * gap;
  if (needed > max - min) {
    throw new ArgumentError(
      "targets",
      `${n} labels ${gap} apart need ${needed} units, but [min, max] spans only ${
        max - min
      }; make the figure taller, the labels fewer or the gap smaller`,
    );
  }
  const order = targets.map((_, i) => i).sort((a, b) => targets[a] - targets[b] || a - b);
  // Each block: first label's index in `order`, its size, and the sum of (target − offset), whose
  // mean is where the block's first label goes before clamping.
  const blocks: { start: number; size: number; sum: number }[] = [];
  const place = (b: { start: number; size: number; sum: number }) =>
    Math.min(Math.max(b.sum / b.size, min), max - (b.size - 1) * gap);
  for (let r = 0; r < n; r++) {
    let block = { start: r, size: 1, sum: targets[order[r]] };
    while (blocks.length > 0) {
      const prev = blocks[blocks.length - 1];
      if (place(prev) + prev.size * gap <= place(block)) break;
      blocks.pop();
      // Merge: the new block's labels sit prev.size gaps further along than within their own.
      block = {
        start: prev.start,
        size: prev.size + block.size,
        sum: prev.sum + block.sum - block.size * prev.size * gap,
      };
    }
    blocks.push(block);
  }
  const out = new Array<number>(n);
  for (const b of blocks) {
    const first = place(b);
    for (let k = 0; k < b.size; k++) out[order[b.start + k]] = first + k * gap;
  }
  return out;
}

// Advance widths (in em) of DejaVu Sans, the widest of the common sans-serif fonts (and Chromium's
// system-ui on Linux), measured in Chromium; an estimate that errs on the wide side elsewhere.
const NARROW = new Set("ijlI.,:;'|!’‘·ˈ");
const WIDTHS: Record<string, number> = {
  " ": 0.318,
  "(": 0.39,
  ")": 0.39,
  "[": 0.39,
  "]": 0.39,
  "-": 0.361,
  "/": 0.337,
  f: 0.344,
  r: 0.395,
  t: 0.392,
  s: 0.521,
  c: 0.55,
  z: 0.525,
  k: 0.579,
  m: 0.974,
  w: 0.818,
  M: 0.863,
  W: 0.989,
  "%": 0.95,
  "&": 0.78,
  "@": 1,
  "—": 1,
  "−": 0.838,
  "+": 0.838,
  "=": 0.838,
  "×": 0.838,
  "≈": 0.838,
  "<": 0.838,
  ">": 0.838,
  "‖": 0.5,
  "–": 0.5,
  "*": 0.5,
  "_": 0.5,
  "?": 0.531,
  "⁻": 0.528,
  "ℓ": 0.413,
  "ᵀ": 0.385,
  "\u0302": 0,
};

/**
 * An estimate of how wide `text` is drawn in a sans-serif font of `fontSize` pixels, from the
 * advance widths of DejaVu Sans (wide, so that other fonts fit in the room it asks for). Used to
 * reserve margins for labels and to wrap captions; `bold` for text drawn in bold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textWidth } from "./labels.ts";
 * assert.ok(Math.abs(textWidth("0123456789", 10) - 63.6) < 1e-9);
 * assert.ok(textWidth("ill", 10) < textWidth("www", 10));
 * ```
 */
export function textWidth(text: string, fontSize: number, { bold = false } = {}): number {
  let em = 0;
  for (const ch of text) {
    if (NARROW.has(ch)) em += 0.278;
    else if (ch in WIDTHS) em += WIDTHS[ch];
    else if (/[₀-₉⁰-⁹¹²³]/.test(ch)) em += 0.401;
    else if (/[A-Z]/.test(ch)) em += 0.72;
    else em += 0.636;
  }
  // Bold glyphs of DejaVu Sans are 7–23 % wider (digits 9 %, narrow letters most).
  return em * fontSize * (bold ? 1.14 : 1);
}

/**
 * Splits `text` into lines no wider than `width` pixels (by {@linkcode textWidth}, bold or not),
 * breaking at spaces; a single word wider than `width` gets a line of its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrapText } from "./labels.ts";
 * assert.deepEqual(wrapText("aaa bbb ccc", 45, 10), ["aaa bbb", "ccc"]);
 * ```
 */
export function wrapText(
  text: string,
  width: number,
  fontSize: number,
  { bold = false } = {},
): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize, { bold }) > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/**
 * A tick label for a power of ten as a reader writes it: the powers from 10⁻² to 10² as `0.01`,
 * `0.1`, `1`, `10`, `100`, the others as `10ⁿ` with a superscript exponent (`10⁻⁴`, `10³`).
 * Values that are not powers of ten print with three significant digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { powerOfTen } from "./labels.ts";
 * assert.equal(powerOfTen(1e-4), "10⁻⁴");
 * assert.equal(powerOfTen(1e3), "10³");
 * assert.equal(powerOfTen(0.1), "0.1");
 * assert.equal(powerOfTen(100), "100");
 * ```
 */
export function powerOfTen(value: number): string {
  if (!(value > 0) || !Number.isFinite(value)) return String(value);
  const e = Math.round(log10(value));
  if (Math.abs(value / 10 ** e - 1) > 1e-9) return String(Number(value.toPrecision(3)));
  if (e >= -2 && e <= 2) return e < 0 ? (10 ** e).toFixed(-e) : String(10 ** e);
  return "10" + [...String(e)].map((c) => SUPERSCRIPT[c]).join("");
}

/**
 * A number as the figures' labels and alt texts write it: three significant digits, with a true
 * minus sign, and in the form 1.5·10⁻⁸ (or 10⁻⁷ for 1.0·10⁻⁷) when it is below 0.001 or above
 * 100 000.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readableNumber } from "./labels.ts";
 * assert.equal(readableNumber(-0.21189), "−0.212");
 * assert.equal(readableNumber(1.5e-8), "1.5·10⁻⁸");
 * assert.equal(readableNumber(0), "0");
 * assert.equal(readableNumber(1e-7), "10⁻⁷");
 * ```
 */
export function readableNumber(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const e = Math.floor(log10(Math.abs(v)));
  if (e >= -3 && e < 5) return String(Number(v.toPrecision(3))).replace("-", "−");
  const [m, x] = v.toExponential(1).split("e");
  const power = powerOfTen(Number(`1e${x}`));
  if (m === "1.0" || m === "-1.0") return `${m.startsWith("-") ? "−" : ""}${power}`;
  return `${m.replace("-", "−")}·${power}`;
}

/**
 * The powers of ten within `[lo, hi]` (a positive domain), every k-th one so that there are at
 * most `maxTicks`; the ticks of a logarithmic axis, labelled by {@linkcode powerOfTen}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logTicks } from "./labels.ts";
 * assert.deepEqual(logTicks(5e-5, 200, 10), [1e-4, 1e-3, 0.01, 0.1, 1, 10, 100]);
 * assert.deepEqual(logTicks(1e-13, 1e3, 6), [1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3]);
 * ```
 */
export function logTicks(lo: number, hi: number, maxTicks = 8): number[] {
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) {
    throw new ArgumentError("lo", `and hi must satisfy 0 < lo ≤ hi < ∞, got ${lo} and ${hi}`);
  }
  checkPositiveInteger("maxTicks", maxTicks);
  const first = Math.ceil(log10(lo) - 1e-9), last = Math.floor(log10(hi) + 1e-9);
  const count = last - first + 1;
  if (count <= 0) return [];
  const step = Math.ceil(count / maxTicks);
  // Keep the ticks at multiples of the step (so 10⁰ = 1 is one of them whenever it is in range).
  const out: number[] = [];
  for (let e = first; e <= last; e++) {
    if (((e % step) + step) % step === 0) out.push(Number(`1e${e}`));
  }
  return out;
}

/**
 * Ticks at 1, 2 and 5 times the powers of ten within `[lo, hi]`: the ticks of a logarithmic axis
 * of counts (epochs, batch sizes), which read better as 200 or 5000 than as powers of ten.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countTicks } from "./labels.ts";
 * assert.deepEqual(countTicks(10, 5000), [10, 20, 50, 100, 200, 500, 1000, 2000, 5000]);
 * ```
 */
export function countTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) {
    throw new ArgumentError("lo", `and hi must satisfy 0 < lo ≤ hi < ∞, got ${lo} and ${hi}`);
  }
  const out: number[] = [];
  for (let e = Math.floor(log10(lo)); e <= Math.ceil(log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number(`${m}e${e}`);
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ArgumentError(name, `must be a positive integer, got ${value}`);
  }
}

/**
 * Ten colours for lines and labels on a white background, each with a contrast ratio of at least
 * 4.5 : 1 against white (so that even thin lines and small labels read), in hues far enough apart
 * to tell neighbours apart: blue, orange, green, red, purple, teal, brown, magenta, olive, grey.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contrastRatio, PALETTE } from "./labels.ts";
 * assert.ok(PALETTE.every((c) => contrastRatio(c, "#ffffff") >= 4.5));
 * ```
 */
export const PALETTE: readonly string[] = Object.freeze([
  "#1f5fa8", // blue
  "#b8520a", // orange
  "#1e7a35", // green
  "#c0262d", // red
  "#6b3fa0", // purple
  "#0f7680", // teal
  "#7a4a24", // brown
  "#b0247a", // magenta
  "#5f6b12", // olive
  "#4f5560", // grey
]);

/**
 * The WCAG contrast ratio of two colours given as `#rrggbb`: (L₁ + 0.05)/(L₂ + 0.05) of their
 * relative luminances, from 1 (same) to 21 (black on white). 3 : 1 is the minimum for graphics,
 * 4.5 : 1 for normal text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contrastRatio } from "./labels.ts";
 * assert.equal(contrastRatio("#000000", "#ffffff"), 21);
 * ```
 */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new ArgumentError("colour", `must be written #rrggbb, got ${hex}`);
  const [r, g, b] = m.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
