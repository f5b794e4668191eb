import assert from "node:assert/strict";
import { collinearitySplit, convergence, separation } from "../lib/book/breakdowns.ts";
import {
  agreementVsEpochs,
  agreementVsInitialisation,
  sumVersusMean,
} from "../lib/book/experiments.ts";
import {
  agreementFigure,
  collinearityFigure,
  convergenceFigure,
  initialisationFigure,
  separationFigure,
  sumMeanFigure,
  weightsOverEpochs,
} from "../lib/book/figures.ts";
import { tutorialProblem } from "../lib/book/problem.ts";
import { ArgumentError } from "../lib/core/errors.ts";
import { scratchAdam } from "../lib/nn/scratch_adam.ts";

const p = tutorialProblem();
const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;
/** Line paths drawn by Plot.line: the <path>s inside the groups Plot labels aria-label="line". */
const paths = (svg: string) =>
  svg.split(/<g [^>]*aria-label="line">/).slice(1)
    .reduce((n, part) => n + count(part.slice(0, part.indexOf("</g>")), /<path/g), 0);

function checkSvg(svg: string): void {
  assert.ok(svg.startsWith("<svg"));
  assert.ok(svg.includes('xmlns="http://www.w3.org/2000/svg"'));
  const width = Number(svg.match(/width="(\d+)"/)![1]);
  assert.ok(width <= 760);
}

Deno.test("weightsOverEpochs draws one line and one dashed rule per weight", () => {
  const { trace } = scratchAdam(p.X, p.y, { epochs: 200, trace: "theta" });
  const svg = weightsOverEpochs(trace!, p.glm).svg;
  checkSvg(svg);
  assert.ok(paths(svg) >= 10);
  assert.equal(count(svg, /stroke-dasharray="4,3"/g) >= 1, true);
  for (let j = 1; j <= 10; j++) assert.ok(svg.includes(`>X${j}<`), `X${j}`);
  assert.throws(() => weightsOverEpochs({ epoch: [], theta: [] }, p.glm), ArgumentError);
});

Deno.test("convergenceFigure draws the three methods, labelled", () => {
  const svg = convergenceFigure(convergence(p, { epochs: 200 })).svg;
  checkSvg(svg);
  assert.equal(paths(svg), 3);
  for (const m of ["IRLS", "Adam", "gradient descent"]) assert.ok(svg.includes(`>${m}<`), m);
});

Deno.test("agreementFigure draws one line per method with a dot per setting", () => {
  const rows = agreementVsEpochs(p, { epochs: [10, 100, 1000] });
  const svg = agreementFigure(rows, { label: "epochs" }).svg;
  checkSvg(svg);
  assert.equal(paths(svg), 2);
  assert.equal(count(svg, /<circle/g), 6);
  assert.throws(() => agreementFigure([]), ArgumentError);
});

Deno.test("initialisationFigure and sumMeanFigure draw their points", () => {
  const init = initialisationFigure(agreementVsInitialisation(p, { seeds: [1], epochs: 50 })).svg;
  checkSvg(init);
  assert.equal(count(init, /<circle/g), 3);
  const sm = sumMeanFigure(sumVersusMean(p, { epsilons: [1e-7, 1e-2], epochs: [100] })).svg;
  checkSvg(sm);
  assert.equal(paths(sm), 2);
  assert.equal(count(sm, /<circle/g), 4);
});

Deno.test("separationFigure and collinearityFigure draw their lines", () => {
  const sep = separationFigure(separation({ n: 200, epochs: 100 })).svg;
  checkSvg(sep);
  assert.equal(paths(sep), 2);
  const col = collinearityFigure(collinearitySplit({ epochs: 50 })).svg;
  checkSvg(col);
  // Faceted: count long paths (ticks have one segment): w₁, copy and sum, for each of two starts.
  assert.equal(count(col, /<path [^>]*d="M[^"]*L[^"]*L[^"]*L/g), 6);
});
