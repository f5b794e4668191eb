import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { jupyterDisplay } from "../lib/core/html.ts";
import { generateData } from "../lib/data/dataset.ts";
import { plot } from "../lib/view/figure.ts";
import { featureHistograms, targetBalance } from "../lib/view/plots.ts";

Deno.test("plot renders a standalone SVG that declares its namespace", () => {
  const fig = plot({
    width: 200,
    height: 100,
    marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })],
  });
  assert.match(fig.svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(fig.svg, /width="200"/);
  assert.match(fig.svg, /<circle /);
  assert.deepEqual(Object.keys(fig[jupyterDisplay]()).sort(), [
    "image/svg+xml",
    "text/plain",
  ]);
});

Deno.test("plot refuses options that would wrap the SVG in a figure", () => {
  assert.throws(() => plot({ title: "t", marks: [] }), /figure/);
});

Deno.test("featureHistograms draws one labelled panel a feature", () => {
  const fig = featureHistograms(generateData({ n: 200, k: 3 }));
  for (const name of ["X1", "X2", "X3"]) assert.ok(fig.svg.includes(`>${name}<`), name);
  assert.ok((fig.svg.match(/<rect /g) ?? []).length >= 3 * 5);
});

Deno.test("targetBalance labels each bar with its count", () => {
  const ds = generateData({ n: 10 });
  const ones = ds.y.reduce((a, b) => a + b, 0);
  const fig = targetBalance(ds);
  assert.ok(fig.svg.includes(`>${ones}<`) && fig.svg.includes(`>${10 - ones}<`));
});
