import assert from "node:assert/strict";
import { collinearitySplit, convergence, separation } from "../lib/book/breakdowns.ts";
import {
  agreementVsEpochs,
  agreementVsInitialisation,
  sumVersusMean,
} from "../lib/book/experiments.ts";
import {
  collinearityFigure,
  convergenceFigure,
  separationFigure,
} from "../lib/book/breakdown_figures.ts";
import {
  agreementFigure,
  initialisationFigure,
  sumMeanFigure,
  weightsOverEpochs,
} from "../lib/book/figures.ts";
import { optimiserPathsFigure } from "../lib/book/paths_figure.ts";
import { optimiserPaths } from "../lib/book/paths.ts";
import { tutorialProblem } from "../lib/book/problem.ts";
import { ArgumentError } from "../lib/core/errors.ts";
import { scratchAdam } from "../lib/nn/scratch_adam.ts";
import { contrastRatio, PALETTE } from "../lib/view/labels.ts";
import {
  assertNoSiTicks,
  checkFigure,
  count,
  linePaths,
  placedTexts,
  tickLabels,
} from "./figure_svg.ts";

const p = tutorialProblem();

/** The y positions of the given labels, checked to be at least `gap` apart pairwise. */
function assertApart(svg: string, labels: readonly string[], gap = 12): void {
  const placed = placedTexts(svg);
  const ys = labels.map((l) => {
    const found = placed.filter((t) => t.text === l);
    assert.equal(found.length, 1, `label "${l}" drawn ${found.length} times`);
    return found[0].y;
  });
  for (let i = 0; i < ys.length; i++) {
    for (let j = i + 1; j < ys.length; j++) {
      assert.ok(Math.abs(ys[i] - ys[j]) >= gap, `"${labels[i]}" and "${labels[j]}" overprint`);
    }
  }
}

Deno.test("weightsOverEpochs: a line, a dashed rule and a dodged label per weight, in readable colours", () => {
  const { trace } = scratchAdam(p.X, p.y, { epochs: 1000, trace: "theta" });
  const fig = weightsOverEpochs(trace!, p.glm);
  checkFigure(fig);
  assert.equal(linePaths(fig.svg), 10);
  assert.ok(count(fig.svg, /stroke-dasharray="4,3"/g) >= 10);
  // X1, X2 and X5 end within 0.01 of each other: their labels must still be apart.
  assertApart(fig.svg, Array.from({ length: 10 }, (_, j) => `X${j + 1}`));
  const strokes = [
    ...fig.svg.matchAll(
      /aria-label="line"[^>]*>|<g[^>]*stroke="(#[0-9a-f]{6})"[^>]*aria-label="line"/g,
    ),
  ]
    .map((m) => m[1]).filter(Boolean);
  for (const c of strokes) assert.ok(contrastRatio(c, "#ffffff") >= 4.5, c);
  for (const c of PALETTE) assert.ok(fig.svg.includes(c), c);
  assert.match(fig.alt, /10 weights/);
  assert.throws(() => weightsOverEpochs({ epoch: [], theta: [] }, p.glm), ArgumentError);
});

Deno.test("convergenceFigure: three labelled methods, powers of ten on the axes", () => {
  const fig = convergenceFigure(convergence(p, { epochs: 200 }));
  checkFigure(fig);
  assert.equal(linePaths(fig.svg), 3);
  assertApart(fig.svg, ["IRLS", "Adam", "gradient descent"]);
  assertNoSiTicks(fig.svg);
  assert.ok(tickLabels(fig.svg).some((t) => /^10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+$/.test(t)), "ticks like 10⁻⁴");
  assert.match(fig.alt, /IRLS within 10⁻⁸ after iteration \d/);
});

Deno.test("agreementFigure: a line per method, dodged labels, the tutorial's setting marked", () => {
  const rows = agreementVsEpochs(p, { epochs: [10, 100, 1000, 2000] });
  const fig = agreementFigure(rows, { label: "number of epochs", tutorial: 1000, counts: true });
  checkFigure(fig);
  assert.equal(linePaths(fig.svg), 2);
  assert.equal(count(fig.svg, /<circle/g), 8);
  // The two methods end at nearly the same error: their labels are moved apart.
  assertApart(fig.svg, ["network", "scratch Adam"]);
  assert.ok(fig.svg.includes(">the tutorial's setting<"));
  assertNoSiTicks(fig.svg);
  // Counts on a log axis keep their 2 and 5 ticks (d3's log format would blank them).
  for (const t of ["10", "100", "1000", "2000"]) assert.ok(tickLabels(fig.svg).includes(t), t);
  assert.throws(() => agreementFigure([]), ArgumentError);
});

Deno.test("initialisationFigure: one label per start, none on the frame's edge", () => {
  const fig = initialisationFigure(agreementVsInitialisation(p, { seeds: [1, 2, 3], epochs: 50 }));
  checkFigure(fig);
  assert.equal(count(fig.svg, /<circle/g), 7);
  for (
    const l of ["zeros (the tutorial's start)", "glorot uniform, 3 seeds", "normal(0, 1), 3 seeds"]
  ) {
    assert.equal(placedTexts(fig.svg).filter((t) => t.text === l).length, 1, l);
  }
  assertNoSiTicks(fig.svg);
});

Deno.test("sumMeanFigure: two labelled lines, the tutorial's ε marked", () => {
  const fig = sumMeanFigure(sumVersusMean(p, { epsilons: [1e-7, 1e-2], epochs: [100] }));
  checkFigure(fig);
  assert.equal(linePaths(fig.svg), 2);
  assert.equal(count(fig.svg, /<circle/g), 4);
  assert.ok(fig.svg.includes(">the tutorial's ε<"));
  assertNoSiTicks(fig.svg);
});

Deno.test("separationFigure and collinearityFigure draw their lines, labelled", () => {
  const sep = separationFigure(separation({ n: 200, epochs: 100 }));
  checkFigure(sep);
  assert.equal(linePaths(sep.svg), 2);
  const col = collinearityFigure(collinearitySplit({ epochs: 50 }));
  checkFigure(col);
  // Two panels of three lines: X4's weight, its copy's, their sum.
  assert.equal(linePaths(col.svg), 6);
  assert.match(col.svg, />w \(X4\)</);
  assert.match(col.alt, /−0\.212/);
});

Deno.test("optimiserPathsFigure: the three paths over the contours, with a colour key", () => {
  const fig = optimiserPathsFigure(optimiserPaths({ epochs: 300 }), { resolution: 21 });
  checkFigure(fig);
  assert.equal(linePaths(fig.svg), 3);
  assert.ok(count(fig.svg, /aria-label="contour"/g) === 1 && fig.svg.includes(' d="M'));
  for (const m of ["IRLS", "Adam", "gradient descent", "log-likelihood →"]) {
    assert.ok(fig.svg.includes(`>${m}<`), m);
  }
});
