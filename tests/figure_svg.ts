/** Helpers for the figure tests: reading a figure's SVG text without a browser. */

import assert from "node:assert/strict";

/** How often `re` occurs in `svg`. */
export const count = (svg: string, re: RegExp): number => (svg.match(re) ?? []).length;

/** Line paths drawn by Plot.line: the <path>s inside the groups Plot labels aria-label="line". */
export const linePaths = (svg: string): number =>
  svg.split(/<g [^>]*aria-label="line">/).slice(1)
    .reduce((n, part) => n + count(part.slice(0, part.indexOf("</g>")), /<path/g), 0);

/** The texts Plot positioned with `transform="translate(x,y)"`, with those positions. */
export function placedTexts(svg: string): { text: string; x: number; y: number }[] {
  return [
    ...svg.matchAll(/<text [^>]*?transform="translate\(([-\d.e]+),([-\d.e]+)\)"[^>]*>([^<]*)</g),
  ]
    .map((m) => ({ text: m[3], x: Number(m[1]), y: Number(m[2]) }));
}

/** The labels of a log axis, as the figure writes them. */
export function tickLabels(svg: string): string[] {
  return [...svg.matchAll(/>([^<>]*)<\/text>/g)].map((m) => m[1]);
}

/** What every figure of the book must be: standalone, at most 760 px wide, with a real alt text. */
export function checkFigure(fig: { svg: string; alt: string }): void {
  assert.ok(fig.svg.startsWith("<svg"), "starts with <svg");
  assert.ok(fig.svg.includes('xmlns="http://www.w3.org/2000/svg"'), "declares its namespace");
  const width = Number(fig.svg.match(/width="(\d+)"/)![1]);
  assert.ok(width <= 760, `width ${width}`);
  assert.ok(fig.alt.length >= 40 && /[.]$/.test(fig.alt), `alt text: ${fig.alt}`);
  assert.ok(!fig.alt.includes("NaN") && !fig.alt.includes("undefined"), fig.alt);
  assert.match(fig.svg, /^<svg[^>]*aria-label="[^"]{40,}"/);
  // Every text is painted: Plot leaves a text's fill "none" when it is given a stroke (a halo) and
  // no fill, which makes the text invisible.
  assert.doesNotMatch(fig.svg, /<g [^>]*fill="none"[^>]*aria-label="text"/, "an invisible text");
  // A caption: the first text of the figure, in bold.
  assert.match(fig.svg, /<text x="8" y="\d+" font-size="13" font-weight="600"/);
}

/** SI prefixes that d3's default log-axis format writes (10m, 100µ, 1p): never on our axes. */
export function assertNoSiTicks(svg: string): void {
  const si = tickLabels(svg).filter((t) => /^\d+(\.\d+)?[yzafpnµmkMGT]$/.test(t.trim()));
  assert.deepEqual(si, [], "tick labels with SI prefixes");
}
