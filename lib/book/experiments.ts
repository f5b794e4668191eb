/**
 * "When does the equivalence break?" — part one, the agreement experiments of notebook 06: how
 * close the network and scratch Adam come to glm's coefficients as one setting varies (epochs,
 * learning rate, batch size, start, sum versus mean loss). Each returns plain rows for a table or
 * a figure (see `figures.ts`). Part two, where it breaks, is `breakdowns.ts`.
 *
 * "Scratch Adam" is the tutorial's loop of `lib/nn/scratch_adam.ts` (summed log-likelihood
 * gradient, the paper's bias correction indexed by epoch); the network and the reference are as
 * in `problem.ts`.
 *
 * @module
 */

import { distance, maxAbsDifference, meanAbsolutePercentageError } from "../core/metrics.ts";
import { checkInteger } from "../core/validate.ts";
import { glorotUniform } from "../nn/layers.ts";
import { scratchAdam } from "../nn/scratch_adam.ts";
import { rRng } from "../r/random.ts";
import { agreement, type AgreementRow, checkList, type Problem, trainNetwork } from "./problem.ts";

/**
 * Agreement with glm after each number of epochs (full batch, the tutorial's settings otherwise),
 * for the network and for scratch Adam. One run per method, recorded at the checkpoints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreementVsEpochs } from "./experiments.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const rows = agreementVsEpochs(tutorialProblem(), { epochs: [10, 100] });
 * assert.ok(rows.length === 4 && rows[2].mape < rows[0].mape); // network: 100 vs 10 epochs
 * ```
 */
export function agreementVsEpochs(
  p: Problem,
  { epochs = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000] }: { epochs?: number[] } = {},
): AgreementRow[] {
  checkList("epochs", epochs, true);
  const last = Math.max(...epochs);
  const net = trainNetwork(p.X, p.y, { epochs: last, recordAt: new Set(epochs) });
  const scratch = scratchAdam(p.X, p.y, { epochs: last, trace: "theta" });
  const rows: AgreementRow[] = [];
  for (const e of epochs) {
    rows.push(agreement("network", e, p, net.recorded.get(e)!));
    rows.push(agreement("scratch Adam", e, p, scratch.trace!.theta[e - 1]));
  }
  return rows;
}

/**
 * Agreement with glm after `epochs` full-batch epochs, for each Adam learning rate α.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreementVsLearningRate } from "./experiments.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const rows = agreementVsLearningRate(tutorialProblem(), { rates: [0.001], epochs: 100 });
 * assert.ok(rows.length === 2);
 * ```
 */
export function agreementVsLearningRate(
  p: Problem,
  { rates = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1], epochs = 1000 }: {
    rates?: number[];
    epochs?: number;
  } = {},
): AgreementRow[] {
  checkList("rates", rates, false);
  checkInteger("epochs", epochs);
  const rows: AgreementRow[] = [];
  for (const lr of rates) {
    rows.push(
      agreement("network", lr, p, trainNetwork(p.X, p.y, { epochs, learningRate: lr }).weights),
    );
    rows.push(agreement("scratch Adam", lr, p, scratchAdam(p.X, p.y, { epochs, alpha: lr }).theta));
  }
  return rows;
}

/**
 * Agreement with glm after `epochs` epochs for each batch size (minibatches are reshuffled every
 * epoch). With minibatches the gradient is noisy and a constant step never settles exactly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreementVsBatchSize } from "./experiments.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const rows = agreementVsBatchSize(tutorialProblem(), { batchSizes: [100, 1000], epochs: 50 });
 * assert.ok(rows.length === 4);
 * ```
 */
export function agreementVsBatchSize(
  p: Problem,
  { batchSizes = [10, 100, 1000], epochs = 1000, seed = 42 }: {
    batchSizes?: number[];
    epochs?: number;
    seed?: number;
  } = {},
): AgreementRow[] {
  checkList("batchSizes", batchSizes, true);
  checkInteger("epochs", epochs);
  const rows: AgreementRow[] = [];
  for (const b of batchSizes) {
    const net = trainNetwork(p.X, p.y, { epochs, batchSize: b, seed });
    rows.push(agreement("network", b, p, net.weights));
    rows.push(
      agreement("scratch Adam", b, p, scratchAdam(p.X, p.y, { epochs, batchSize: b, seed }).theta),
    );
  }
  return rows;
}

/** One run of {@linkcode agreementVsInitialisation}. */
export interface InitialisationRow extends AgreementRow {
  /** `"zeros"`, `"glorot uniform"` (Keras' default) or `"normal(0, 1)"`. */
  init: string;
  /** Seed of the random initialiser (0 for zeros). */
  seed: number;
  /** Distance of the starting weights from glm's coefficients. */
  startDistance: number;
}

/**
 * Agreement with glm after `epochs` epochs from different starting weights: zeros (the tutorial),
 * Keras' default Glorot uniform and a standard normal, each random one for several seeds. Adam
 * moves each weight by about α per step at most, so a start far from glm needs more epochs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreementVsInitialisation } from "./experiments.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const rows = agreementVsInitialisation(tutorialProblem(), { seeds: [1], epochs: 20 });
 * assert.ok(rows.length === 6 && rows[0].init === "zeros");
 * ```
 */
export function agreementVsInitialisation(
  p: Problem,
  { seeds = [1, 2, 3, 4, 5], epochs = 1000 }: { seeds?: number[]; epochs?: number } = {},
): InitialisationRow[] {
  checkList("seeds", seeds, true);
  checkInteger("epochs", epochs);
  const k = p.X.cols;
  const starts: { init: string; seed: number; w: Float64Array }[] = [
    { init: "zeros", seed: 0, w: new Float64Array(k) },
  ];
  for (const s of seeds) {
    starts.push({
      init: "glorot uniform",
      seed: s,
      w: glorotUniform({ seed: s }).initialize(k, 1),
    });
    starts.push({ init: "normal(0, 1)", seed: s, w: rRng(s).rnorm(k) });
  }
  const rows: InitialisationRow[] = [];
  for (const { init, seed, w } of starts) {
    const startDistance = distance(p.glm, w);
    const net = trainNetwork(p.X, p.y, { epochs, init: w });
    rows.push({ ...agreement("network", seed, p, net.weights), init, seed, startDistance });
    const sa = scratchAdam(p.X, p.y, { epochs, init: w });
    rows.push({ ...agreement("scratch Adam", seed, p, sa.theta), init, seed, startDistance });
  }
  return rows;
}

/** One row of {@linkcode sumVersusMean}. */
export interface SumMeanRow {
  /** ε of Adam. */
  eps: number;
  /** Epochs run. */
  epochs: number;
  /** MAPE against glm with the summed gradient (the tutorial's loop). */
  mapeSum: number;
  /** MAPE against glm with the mean gradient (the network's scale). */
  mapeMean: number;
  /** Largest absolute difference between the two weight vectors. */
  maxAbsDiff: number;
}

/**
 * Sum versus mean loss: scratch Adam (full batch) with the summed gradient and with the same
 * gradient divided by N, for several ε and epochs. Adam's step m̂/(√v̂ + ε) does not change when
 * g is scaled by c, except through ε, which acts like ε/c: with ε far below √v̂ the two runs agree
 * to rounding; as ε approaches the mean gradient's scale the mean-loss run takes smaller steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sumVersusMean } from "./experiments.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const [row] = sumVersusMean(tutorialProblem(), { epsilons: [1e-7], epochs: [100] });
 * assert.ok(row.maxAbsDiff < 1e-6);
 * ```
 */
export function sumVersusMean(
  p: Problem,
  { epsilons = [1e-7, 1e-5, 1e-3, 1e-2, 1e-1], epochs = [1000, 2000] }: {
    epsilons?: number[];
    epochs?: number[];
  } = {},
): SumMeanRow[] {
  checkList("epsilons", epsilons, false);
  checkList("epochs", epochs, true);
  const last = Math.max(...epochs);
  const rows: SumMeanRow[] = [];
  for (const eps of epsilons) {
    const sum = scratchAdam(p.X, p.y, { epochs: last, eps, trace: "theta" }).trace!;
    const mean = scratchAdam(p.X, p.y, { epochs: last, eps, gradient: "mean", trace: "theta" })
      .trace!;
    for (const e of epochs) {
      const a = sum.theta[e - 1], b = mean.theta[e - 1];
      rows.push({
        eps,
        epochs: e,
        mapeSum: meanAbsolutePercentageError(p.glm, a),
        mapeMean: meanAbsolutePercentageError(p.glm, b),
        maxAbsDiff: maxAbsDifference(a, b),
      });
    }
  }
  return rows;
}
