import assert from "node:assert/strict";
import { summary } from "../lib/glm/summary.ts";
import { formatNumbers } from "../lib/r/format.ts";
import { CASES, fitCase } from "./glm_cases.ts";
import { referenceText } from "./references.ts";

/** R's printed summary (scripts/r/reference_glm.R), from "Deviance Residuals:" on (no Call:). */
function rText(name: string): string {
  const lines = referenceText(`glm_${name}_summary.txt`)!.split("\n");
  return lines.slice(lines.findIndex((l) => l.startsWith("Deviance Residuals"))).join("\n");
}

for (const name of CASES) {
  Deno.test(`summary prints R's print.summary.glm text for the ${name} case`, () => {
    const { fit } = fitCase(name);
    assert.equal(String(summary(fit)).trimEnd(), rText(name).trimEnd());
  });
}

Deno.test("summary coefficient table lines equal R's for the tutorial's fit", () => {
  const { fit } = fitCase("tutorial");
  const ours = String(summary(fit)).split("\n");
  const r = rText("tutorial").split("\n");
  const from = r.indexOf("Coefficients:");
  assert.deepEqual(ours.slice(from, from + 12), r.slice(from, from + 12));
});

Deno.test("summary shows itself in Jupyter as text and HTML", () => {
  const { fit } = fitCase("collinear");
  const s = summary(fit);
  const display = (s as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.equal(display["text/plain"], String(s));
  assert.match(display["text/html"], /<table>/);
  assert.match(display["text/html"], /<th style="text-align:right">Pr\(&gt;\|z\|\)<\/th>/);
  assert.match(display["text/html"], /1 not defined because of singularities/);
  assert.equal(s.coefficients.find((r) => r.name === "x3")?.cells[0], "NA");
});

Deno.test("formatNumbers follows R's format(): common decimals, scientific when narrower", () => {
  // Expected strings printed by R 4.2.2: format(c(1386.294, 1376.826), digits = 5),
  // format(c(83.17766, 1.0515e-08), digits = 5), format(c(-0.026, 1.247, NA), digits = 4)
  assert.deepEqual(formatNumbers([1386.294, 1376.826], 5), ["1386.3", "1376.8"]);
  assert.deepEqual(formatNumbers([83.17766, 1.0515e-08], 5), ["8.3178e+01", "1.0515e-08"]);
  assert.deepEqual(formatNumbers([-0.026, 1.247, null], 4), ["-0.026", " 1.247", "    NA"]);
});
