/**
 * The book's live figures, each mounted in the outputs of the notebook cell tagged `live:NAME`:
 *
 * - `weights-over-epochs` (notebook 5): an epochs slider redraws the ten weights' paths (the
 *   static figure's chart, for any number of epochs) and the MAPE against glm.
 * - `training-settings` (notebook 6): learning rate, batch size, epochs, start and gradient
 *   retrain the tutorial's Adam and show its weights beside glm's, the distance and a verdict.
 * - `optimiser-paths` (notebook 6): a click on the log-likelihood's contour map (or the two
 *   start boxes, or the arrow keys on the map) sets the start of IRLS, Adam and gradient descent.
 *
 * Everything is computed by the lib (bundled with this file) and drawn by Observable Plot on the
 * page's `document`. Browser code; not part of the lib.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { PlotOptions } from "@observablehq/plot";
import {
  cat,
  significant,
  type StartName,
  train,
  TUTORIAL_SETTINGS,
  weightPaths,
} from "../../lib/book/live.ts";
import { trainingText, weightPathsPlot, weightsBesidePlot } from "../../lib/book/live_plots.ts";
import { weightsOverEpochsChart } from "../../lib/book/figures.ts";
import { type Problem, tutorialProblem } from "../../lib/book/problem.ts";
import { choice, frame, redrawer, resetButton, show, slider } from "./controls.ts";

/** The figure's width: the page's, at most 720 px. */
const widthOf = (box: HTMLElement) => Math.max(260, Math.min(720, box.clientWidth || 720));

/** Plot on this page's DOM. */
const render = (options: PlotOptions) => Plot.plot({ ...options, document }) as Element;

let problem: Problem | undefined;
/** The tutorial's problem (data and glm), made once per page. */
const tutorial = () => problem ??= tutorialProblem();

/** Notebook 5: the epochs slider (in `host`). */
export function weightsOverEpochs(host: HTMLElement): HTMLElement {
  const f = frame(
    "weights-over-epochs",
    "Live: the weights after any number of epochs.",
    "The figure above, recomputed: move the slider and the tutorial's Adam is rerun in your " +
      "browser for that many epochs.",
  );
  const draw = () => {
    const w = weightPaths(tutorial(), epochs.get());
    const { alt } = weightsOverEpochsChart(w.trace, w.glm);
    show(f.plot, render({ ...weightPathsPlot(w, { width: widthOf(f.root) }), ariaLabel: alt }));
    f.readout.innerHTML = "";
    f.readout.append(
      `After ${w.epochs} epochs: MAPE against glm `,
      value("mape", w.mapeText),
      " %, largest |θ − β| ",
      value("max-abs-diff", w.maxAbsDiff.toExponential(2)),
      ".",
    );
  };
  const r = redrawer(f, draw);
  const epochs = slider(
    { label: "Epochs", name: "epochs", min: 1, max: 5000, value: 1000, log: true, integer: true },
    r.request,
  );
  f.controls.append(epochs.element, resetButton(() => (epochs.set(1000), r.request())));
  host.append(f.root);
  r.now();
  return f.root;
}

/** A shown number, marked for the page's tests. */
function value(name: string, text: string): HTMLElement {
  const s = document.createElement("span");
  s.className = "live-number";
  s.dataset.value = name;
  s.textContent = text;
  return s;
}

/** Notebook 6: the training settings (in `host`). */
export function trainingSettings(host: HTMLElement): HTMLElement {
  const f = frame(
    "training-settings",
    "Live: train it yourself.",
    "Each change reruns the tutorial's Adam (summed gradient, or the mean as Keras scales it) " +
      "in your browser and compares its weights (dots) with glm's (rings).",
  );
  const t = TUTORIAL_SETTINGS;
  const draw = () => {
    const p = tutorial();
    const out = train(p, {
      learningRate: lr.get(),
      batchSize: batch.get(),
      epochs: epochs.get(),
      init: init.get(),
      gradient: gradient.get(),
    });
    show(
      f.plot,
      render({
        ...weightsBesidePlot(out, p.glm, { width: widthOf(f.root) }),
        ariaLabel: trainingText(out, p.glm).alt,
      }),
    );
    f.readout.innerHTML = "";
    const verdict = document.createElement("strong");
    verdict.className = out.agrees ? "live-verdict live-ok" : "live-verdict live-no";
    verdict.dataset.value = "verdict";
    verdict.textContent = out.verdict[0].toUpperCase() + out.verdict.slice(1) + ".";
    f.readout.append(
      verdict,
      " Distance to glm ",
      value("distance", significant(out.distance, 3)),
      ", MAPE ",
      value("mape", cat(out.mape)),
      " %.",
    );
  };
  const r = redrawer(f, draw);
  const lr = slider(
    {
      label: "Learning rate α",
      name: "learning-rate",
      min: 1e-4,
      max: 1,
      value: t.learningRate,
      log: true,
    },
    r.request,
  );
  const batch = slider(
    {
      label: "Batch size",
      name: "batch-size",
      min: 1,
      max: 1000,
      value: t.batchSize,
      log: true,
      integer: true,
    },
    r.request,
  );
  const epochs = slider(
    {
      label: "Epochs",
      name: "epochs",
      min: 1,
      max: 5000,
      value: t.epochs,
      log: true,
      integer: true,
    },
    r.request,
  );
  const init = choice<StartName>({
    label: "Start",
    name: "init",
    value: t.init,
    options: [["zeros", "zeros (tutorial)"], ["glorot", "Glorot uniform"], [
      "normal",
      "normal(0, 1)",
    ]],
  }, r.request);
  const gradient = choice<"sum" | "mean">({
    label: "Gradient",
    name: "gradient",
    value: t.gradient,
    options: [["sum", "sum (tutorial)"], ["mean", "mean (Keras' scale)"]],
  }, r.request);
  const reset = resetButton(() => {
    lr.set(t.learningRate);
    batch.set(t.batchSize);
    epochs.set(t.epochs);
    init.set(t.init);
    gradient.set(t.gradient);
    r.request();
  });
  f.controls.append(
    lr.element,
    batch.element,
    epochs.element,
    init.element,
    gradient.element,
    reset,
  );
  host.append(f.root);
  r.now();
  return f.root;
}
