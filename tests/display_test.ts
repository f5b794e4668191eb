import assert from "node:assert/strict";
import { jupyterDisplay } from "../lib/core/html.ts";
import { generateData } from "../lib/data/dataset.ts";
import { formatColumn, formatNumbers } from "../lib/r/format.ts";
import { headTable, table } from "../lib/view/display.ts";
import { referenceJson, referenceText } from "./references.ts";

Deno.test("headTable prints the tutorial's data exactly as R's head(data) does", () => {
  // data/reference/tutorial_head.txt is capture.output(head(data)) from scripts/r/reference.R.
  const fromR = referenceText("tutorial_head.txt")!;
  assert.equal(headTable(generateData()).toString(), fromR.trimEnd());
});

Deno.test("formatColumn gives every entry the decimals the most demanding one needs", () => {
  // R 4.2: format(c(0.929095672, 0.593050963, 0.002757319)) and format(c(1, 0)), format(c(1.5, NA))
  assert.deepEqual(formatColumn([0.929095672, 0.593050963, 0.002757319]), [
    "0.929095672",
    "0.593050963",
    "0.002757319",
  ]);
  assert.deepEqual(formatColumn([1, 0]), ["1", "0"]);
  assert.deepEqual(formatColumn([1.5, null]), ["1.5", "NA"]);
  assert.deepEqual(formatColumn([Infinity, -Infinity, NaN]), ["Inf", "-Inf", "NA"]);
  assert.deepEqual(formatColumn([1 / 3], 3), ["0.333"]);
});

Deno.test("table wraps columns that do not fit the width into a further block", () => {
  const t = table([[1, 2, 3]], { columns: ["aaaa", "bbbb", "cccc"], rowNames: ["1"] });
  assert.equal(t.toString(12), "  aaaa bbbb\n1    1    2\n  cccc\n1    3");
  assert.equal(t.toString(), "  aaaa bbbb cccc\n1    1    2    3");
});

Deno.test("table displays in Jupyter as text and an HTML table with escaped cells", () => {
  const t = table([["<b>", 1]], { columns: ["name", "x"], caption: "a & b" });
  const bundle = t[jupyterDisplay]();
  assert.equal(bundle["text/plain"], "a & b\nname x\n <b> 1");
  assert.match(bundle["text/html"], /<caption>a &amp; b<\/caption>/);
  assert.match(bundle["text/html"], /<td style="text-align:left">&lt;b&gt;<\/td>/);
  assert.match(bundle["text/html"], /<td style="text-align:right">1<\/td>/);
});

Deno.test("formatColumn and formatNumbers agree with R's format() on the recorded cases", () => {
  // data/reference/format.json: scripts/r/reference_format.R, R's format(x, digits = d).
  const ref = referenceJson<{ cases: { x: number[]; digits: number; formatted: string[] }[] }>(
    "format.json",
  );
  for (const c of ref.cases) {
    assert.deepEqual(formatColumn(c.x, c.digits), c.formatted.map((s) => s.trim()), `x = ${c.x}`);
    assert.deepEqual(formatNumbers(c.x, c.digits), c.formatted, `padded, x = ${c.x}`);
  }
});
