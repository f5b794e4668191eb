import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { jupyterDisplay } from "../lib/core/html.ts";
import { generateData } from "../lib/data/dataset.ts";
import { glm } from "../lib/glm/glm.ts";
import { tutorialNetwork } from "../lib/nn/network.ts";
import { networkDiagram } from "../lib/view/diagram.ts";
import { composeFigure, Figure, plot, renderPanel } from "../lib/view/figure.ts";
import {
  featureHistograms,
  irlsConvergence,
  lossCurve,
  lossGapCurve,
  sigmoidCurve,
  targetBalance,
} from "../lib/view/plots.ts";
import { logLikelihoodSurface, lossAlongCoefficient } from "../lib/view/surface.ts";
import { ArgumentError } from "../lib/core/errors.ts";
import { checkFigure, count, linePaths, placedTexts, tickLabels } from "./figure_svg.ts";

const text = { caption: "One point.", alt: "A single dot at x = 1 and y = 2." };

Deno.test("plot renders a standalone SVG that declares its namespace", () => {
  const fig = plot({
    width: 200,
    height: 100,
    marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })],
  }, text);
  assert.match(fig.svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(fig.svg, /width="200"/);
  assert.match(fig.svg, /<circle /);
  assert.deepEqual(Object.keys(fig[jupyterDisplay]()).sort(), ["image/svg+xml", "text/plain"]);
});

Deno.test("a figure's text/plain is its alt text, never a placeholder", () => {
  const fig = plot({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] }, text);
  assert.equal(fig[jupyterDisplay]()["text/plain"], text.alt);
  assert.match(fig.svg, /<title>A single dot at x = 1 and y = 2.<\/title>/);
  assert.throws(() => new Figure("<svg></svg>", ""), ArgumentError);
  assert.throws(() => plot({ marks: [] }, { caption: "", alt: text.alt }), /caption/);
});

Deno.test("composeFigure stacks panels under a wrapped caption, on white", () => {
  const a = renderPanel({ width: 300, height: 100, marks: [Plot.ruleY([0])] });
  const b = renderPanel({ width: 300, height: 80, marks: [Plot.ruleY([1])] });
  const long = "A caption long enough that it has to be wrapped onto a second line at 300 px.";
  const fig = composeFigure([a, b], { caption: long, alt: "Two panels, each with a line." });
  const lines = count(fig.svg, /font-weight="600" fill="#222"/g);
  assert.ok(lines >= 2, `${lines} caption lines`); // wrapped
  assert.match(fig.svg, /<rect width="300" height="\d+" fill="white"\/>/);
  const shifts = [...fig.svg.matchAll(/<g transform="translate\(0,(\d+)\)"/g)].map((m) => +m[1]);
  assert.equal(shifts[1] - shifts[0], 100);
  assert.ok(!fig.svg.slice(5).includes("<svg"), "no nested <svg>");
});

Deno.test("plot refuses options that would wrap the SVG in a figure", () => {
  assert.throws(() => plot({ title: "t", marks: [] }, text), /figure/);
});

Deno.test("featureHistograms draws one labelled panel a feature, its mean marked", () => {
  const fig = featureHistograms(generateData({ n: 200, k: 3 }));
  checkFigure(fig);
  for (const name of ["X1", "X2", "X3"]) assert.ok(fig.svg.includes(`>${name}<`), name);
  assert.ok(count(fig.svg, /<rect /g) >= 3 * 5);
  assert.ok(count(fig.svg, /stroke-dasharray="3,2"/g) >= 1);
});

Deno.test("targetBalance labels each bar with its count", () => {
  const ds = generateData({ n: 10 });
  const ones = ds.y.reduce((a, b) => a + b, 0);
  const fig = targetBalance(ds);
  checkFigure(fig);
  assert.ok(fig.svg.includes(`>${ones}<`) && fig.svg.includes(`>${10 - ones}<`));
  assert.match(fig.alt, new RegExp(`${ones} rows have target 1`));
});

Deno.test("irlsConvergence: integer ticks, one per iteration, values written as powers of ten", () => {
  const { X, y } = generateData();
  const fit = glm(X, y, { maxit: 25, epsilon: 1e-10 });
  const fig = irlsConvergence(fit);
  checkFigure(fig);
  const labels = tickLabels(fig.svg);
  // The x axis' labels: the texts on the row of "4" (the y axis has a "1" too).
  const row = placedTexts(fig.svg).find((t) => t.text === "4")!.y;
  const x = placedTexts(fig.svg).filter((t) => t.y === row && /^\d+$/.test(t.text))
    .map((t) => t.text);
  assert.deepEqual(x, ["1", "2", "3", "4"]); // not "1 2 2 3 3"
  assert.ok(labels.includes("4.3·10⁻⁴") && labels.includes("1.5·10⁻⁸"), labels.join(" "));
  assert.ok(labels.includes("0 (off the log scale)"));
});

Deno.test("sigmoidCurve, lossAlongCoefficient and lossCurve: captions, alt texts, labels", () => {
  const { X, y } = generateData({ n: 200 });
  checkFigure(sigmoidCurve());
  const along = lossAlongCoefficient(X, y, new Array(10).fill(0), { index: 2, name: "θ3" });
  checkFigure(along);
  // Two curves on top of each other, each named at its end, the names apart.
  const ends = placedTexts(along.svg).filter((t) =>
    t.text === "binary cross-entropy (sum)" || t.text === "−log-likelihood"
  );
  assert.equal(ends.length, 2);
  assert.ok(Math.abs(ends[0].y - ends[1].y) >= 12);
  const history = tutorialNetwork(10).fitSync(X, y, { epochs: 20, batchSize: 200, verbose: 0 });
  const curve = lossCurve(history);
  checkFigure(curve);
  assert.equal(linePaths(curve.svg), 1);
});

Deno.test("lossGapCurve draws loss − minimum on a log scale and says what it left out", () => {
  const h = { epoch: [0, 1, 2, 3], history: { loss: [0.7, 0.65, 0.6001, 0.6] } };
  const fig = lossGapCurve(h, 0.6);
  checkFigure(fig);
  assert.match(fig.alt, /1 epochs at or below the minimum/);
  assert.throws(() => lossGapCurve(h, 0.8), ArgumentError);
});

Deno.test("logLikelihoodSurface: filled contours and a colour key of the same colours", () => {
  const { X, y } = generateData({ n: 200 });
  const fig = logLikelihoodSurface(X, y, new Array(10).fill(0), {
    indices: [0, 1],
    resolution: 21,
  });
  checkFigure(fig);
  const contour = fig.svg.slice(fig.svg.indexOf('aria-label="contour"'));
  const fills = [...contour.slice(0, contour.indexOf("</g>")).matchAll(/fill="(#[0-9a-f]{6})"/g)]
    .map((m) => m[1]);
  assert.ok(fills.length >= 5 && contour.includes(' d="M'), "contours drawn");
  const key = fig.svg.slice(fig.svg.indexOf('aria-label="rect"'));
  for (const f of fills) assert.ok(key.includes(`fill="${f}"`), `${f} in the key`);
  assert.ok(fig.svg.includes(">log-likelihood →<"));
});

Deno.test("networkDiagram: inputs, weights, Σ, σ and the output", () => {
  const fig = networkDiagram(10);
  checkFigure(fig);
  for (const t of ["x₁", "x₁₀", "θ₁", "θ₁₀", "Σ", "σ"]) assert.ok(fig.svg.includes(`>${t}<`), t);
  const w = networkDiagram(2, { weights: [0.5, -0.25] });
  assert.ok(w.svg.includes(">θ₂ = −0.250<"));
  assert.throws(() => networkDiagram(2, { weights: [1] }), ArgumentError);
});
