/**
 * "When does the equivalence break?" — the computations behind notebook 06. Each function runs a
 * small, fast experiment and returns plain rows (arrays of objects) for a table or a figure
 * (see `figures.ts`).
 *
 * "The network" is the Keras-equivalent model of `network.ts` (one dense sigmoid unit without
 * bias, zeros initialiser unless stated, Adam in Keras' form, the batch mean of binary
 * cross-entropy, float64). "Scratch Adam" is the tutorial's loop of `scratch_adam.ts` (summed
 * log-likelihood gradient, the paper's bias correction indexed by epoch). The reference is glm's
 * fit (R's IRLS, `maxit = 25, epsilon = 1e-10`, as the tutorial).
 *
 * @module
 */

import { generateData } from "../data/dataset.ts";
import { gradientDescent } from "../nn/gradient_descent.ts";
import { glm, type GlmFit } from "../glm/glm.ts";
import { irlsStart, irlsStep } from "../glm/irls_step.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { distance, maxAbsDifference, meanAbsolutePercentageError } from "../core/metrics.ts";
import { glorotUniform, tutorialNetwork } from "../nn/network.ts";
import { rRng } from "../r/random.ts";
import { scratchAdam } from "../nn/scratch_adam.ts";
import { ArgumentError, checkInteger, checkLabels, checkMatrix } from "../core/validate.ts";

/** A data set with its glm fit: what every experiment compares against. */
export interface Problem {
  /** N × K features. */
  X: Matrix;
  /** N labels (0/1). */
  y: Float64Array;
  /** glm's coefficients (`maxit = 25, epsilon = 1e-10`); all finite for a well-posed problem. */
  glm: Float64Array;
}

/**
 * The tutorial's data (R's `set.seed(42)` stream) and its glm fit, or another data set's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tutorialProblem } from "./experiments.ts";
 * const p = tutorialProblem();
 * assert.ok(p.X.rows === 1000 && p.glm.length === 10);
 * ```
 */
export function tutorialProblem(X?: Matrix, y?: ArrayLike<number>): Problem {
  if (X === undefined || y === undefined) ({ X, y } = generateData());
  checkMatrix("X", X);
  checkLabels("y", y, X.rows);
  const fit = glm(X, y, { maxit: 25, epsilon: 1e-10 });
  if (fit.coefficients.some((c) => c === null)) {
    throw new ArgumentError("X", "has aliased columns (glm gives NA); see collinearitySplit");
  }
  return { X, y: Float64Array.from(y), glm: Float64Array.from(fit.coefficients as number[]) };
}

/** Options of the network runs. */
interface NetworkRun {
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  init?: ArrayLike<number>;
  /** Epochs (1-based) after which to record the weights. */
  recordAt?: ReadonlySet<number> | "all";
  seed?: number;
}

/** Trains the tutorial's network; returns the final weights and those recorded after epochs. */
function trainNetwork(
  X: Matrix,
  y: ArrayLike<number>,
  { epochs, batchSize = X.rows, learningRate = 0.001, init, recordAt, seed = 0 }: NetworkRun,
): { weights: Float64Array; recorded: Map<number, Float64Array> } {
  const net = tutorialNetwork(X.cols, { learningRate });
  if (init !== undefined) net.setWeights([matrix(X.cols, 1, init)]);
  const recorded = new Map<number, Float64Array>();
  const callbacks = recordAt === undefined ? [] : [{
    onEpochEnd(epoch: number) {
      if (recordAt === "all" || recordAt.has(epoch + 1)) {
        recorded.set(epoch + 1, net.getWeights()[0].data);
      }
    },
  }];
  net.fitSync(X, y, { epochs, batchSize, verbose: 0, seed, callbacks });
  return { weights: net.getWeights()[0].data, recorded };
}

/** One point of an agreement curve: how close a method's weights are to glm's. */
export interface AgreementRow {
  /** `"network"` (Keras form, mean loss) or `"scratch Adam"` (the tutorial's loop). */
  method: string;
  /** The varied setting's value (epochs, learning rate, batch size, …). */
  value: number;
  /** Mean absolute percentage error against glm, in percent. */
  mape: number;
  /** Largest absolute difference from glm's coefficients. */
  maxAbsDiff: number;
}

function agreement(method: string, value: number, p: Problem, w: ArrayLike<number>): AgreementRow {
  return {
    method,
    value,
    mape: meanAbsolutePercentageError(p.glm, w),
    maxAbsDiff: maxAbsDifference(p.glm, w),
  };
}

function checkList(name: string, values: readonly number[], integer: boolean): void {
  if (!Array.isArray(values) || values.length === 0) {
    throw new ArgumentError(name, "must be a non-empty array of numbers");
  }
  for (const v of values) {
    if (integer) checkInteger(name, v);
    else if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
      throw new ArgumentError(name, `must hold positive numbers, got ${v}`);
    }
  }
}

/**
 * Agreement with glm after each number of epochs (full batch, the tutorial's settings otherwise),
 * for the network and for scratch Adam. One run per method, recorded at the checkpoints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreementVsEpochs, tutorialProblem } from "./experiments.ts";
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
 * import { agreementVsLearningRate, tutorialProblem } from "./experiments.ts";
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
 * import { agreementVsBatchSize, tutorialProblem } from "./experiments.ts";
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
 * import { agreementVsInitialisation, tutorialProblem } from "./experiments.ts";
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
 * import { sumVersusMean, tutorialProblem } from "./experiments.ts";
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

/** One point of a convergence path. */
export interface ConvergenceRow {
  /** `"IRLS"`, `"Adam"` or `"gradient descent"`. */
  method: string;
  /** Iteration (IRLS) or epoch (Adam, gradient descent; one full-batch step each). */
  iteration: number;
  /** Euclidean distance from the optimum. */
  distance: number;
}

/** The optimum to machine precision: IRLS from R's start until the coefficients stop moving. */
function irlsPath(p: Problem, iterations: number): { path: Float64Array[]; optimum: Float64Array } {
  let eta = irlsStart(p.y);
  const path: Float64Array[] = [];
  let optimum = new Float64Array(p.X.cols);
  for (let t = 0; t < Math.max(iterations, 30); t++) {
    const step = irlsStep(p.X, p.y, eta);
    if (t < iterations) path.push(step.beta);
    const moved = distance(optimum, step.beta);
    optimum = Float64Array.from(step.beta);
    eta = step.nextEta;
    if (t >= iterations && moved === 0) break;
  }
  return { path, optimum };
}

/** log-spaced integers in 1..n (about `count` of them), always including 1 and n. */
function logSpaced(n: number, count: number): number[] {
  const out = new Set<number>([1, n]);
  for (let i = 0; i <= count; i++) out.add(Math.round(Math.exp((Math.log(n) * i) / count)));
  return [...out].filter((v) => v >= 1 && v <= n).sort((a, b) => a - b);
}

/**
 * First- versus second-order convergence: the distance from the optimum per iteration of IRLS
 * (glm's algorithm, from R's start), per epoch of the network's full-batch Adam (Keras form,
 * α = 0.001) and per step of plain gradient descent on the mean loss (step 1/L). The optimum is
 * IRLS iterated to machine precision. Adam and gradient descent are reported at about 60
 * log-spaced epochs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { convergence, tutorialProblem } from "./experiments.ts";
 * const rows = convergence(tutorialProblem(), { epochs: 50 });
 * assert.ok(rows.some((r) => r.method === "IRLS" && r.distance < 1e-8));
 * ```
 */
export function convergence(
  p: Problem,
  { irlsIterations = 8, epochs = 5000 }: { irlsIterations?: number; epochs?: number } = {},
): ConvergenceRow[] {
  checkInteger("irlsIterations", irlsIterations);
  checkInteger("epochs", epochs);
  const { path, optimum } = irlsPath(p, irlsIterations);
  const rows: ConvergenceRow[] = path.map((b, t) => ({
    method: "IRLS",
    iteration: t + 1,
    distance: distance(optimum, b),
  }));
  const at = logSpaced(epochs, 60);
  const net = trainNetwork(p.X, p.y, { epochs, recordAt: new Set(at) });
  for (const e of at) {
    rows.push({ method: "Adam", iteration: e, distance: distance(optimum, net.recorded.get(e)!) });
  }
  const gd = gradientDescent(p.X, p.y, { iterations: epochs, trace: true });
  for (const e of at) {
    rows.push({
      method: "gradient descent",
      iteration: e,
      distance: distance(optimum, gd.trace![e - 1]),
    });
  }
  return rows;
}

/** One row of {@linkcode separation}. */
export interface SeparationRow {
  /** `"glm"` (per IRLS iteration) or `"network"` (per epoch). */
  method: string;
  /** The IRLS iteration or the epoch. */
  step: number;
  /** Euclidean norm of the weights. */
  norm: number;
}

/** What {@linkcode separation} returns. */
export interface SeparationResult {
  /** The norm of the weights along the way. */
  rows: SeparationRow[];
  /** glm's warnings (R's texts). */
  warnings: string[];
  /** Whether glm declared convergence. */
  converged: boolean;
  /** glm's iterations. */
  iterations: number;
  /** glm's final coefficients. */
  glm: (number | null)[];
  /** The network's final weights. */
  network: Float64Array;
}

/**
 * Complete separation: the labels are y = 1 exactly when x₁ > x₂ on the tutorial's features, so
 * a weight vector along (1, −1, 0, …) classifies every row and the likelihood has no maximum.
 * glm warns and its coefficients grow with every iteration (until its deviance test stops it);
 * the network's weights keep growing with the epochs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { separation } from "./experiments.ts";
 * const s = separation({ n: 200, epochs: 100 });
 * assert.ok(s.warnings.length > 0);
 * ```
 */
export function separation(
  { n = 1000, epochs = 5000 }: { n?: number; epochs?: number } = {},
): SeparationResult {
  checkInteger("n", n, 2);
  checkInteger("epochs", epochs);
  const { X } = generateData({ n });
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = X.data[i * X.cols] > X.data[i * X.cols + 1] ? 1 : 0;
  const fit: GlmFit = glm(X, y, { maxit: 25, epsilon: 1e-10 });
  const rows: SeparationRow[] = fit.trace.map((s, t) => ({
    method: "glm",
    step: t + 1,
    norm: Math.hypot(...s.coefficients.map((c) => c ?? 0)),
  }));
  const at = logSpaced(epochs, 60);
  const net = trainNetwork(X, y, { epochs, recordAt: new Set(at) });
  for (const e of at) {
    rows.push({ method: "network", step: e, norm: Math.hypot(...net.recorded.get(e)!) });
  }
  return {
    rows,
    warnings: fit.warnings,
    converged: fit.converged,
    iterations: fit.iterations,
    glm: fit.coefficients,
    network: net.weights,
  };
}

/** One row of {@linkcode collinearitySplit}: the two copies' weights after an epoch. */
export interface CollinearityRow {
  /** `"zeros"` or `"random"` start. */
  init: string;
  /** Epoch. */
  epoch: number;
  /** Weight of column 1. */
  w1: number;
  /** Weight of its copy (the last column). */
  w2: number;
  /** Their sum, which plays the role of glm's single coefficient. */
  sum: number;
}

/** What {@linkcode collinearitySplit} returns. */
export interface CollinearityResult {
  /** The two weights per recorded epoch, for each start. */
  rows: CollinearityRow[];
  /** glm's coefficients on the widened data: the copy is `null` (R's NA, aliased). */
  glm: (number | null)[];
  /** glm's coefficient of column 1 (which stands for both copies). */
  glmCoefficient: number;
}

/**
 * Collinearity: the tutorial's data with column 1 appended again as an 11th column. glm detects
 * the exact linear dependence and reports the copy as aliased (NA); the network cannot tell the
 * copies apart — both get the same gradient, so from zeros they share the weight equally, and from
 * a random start of the pair (normal, sd 0.5) their difference never changes — while their sum approaches glm's coefficient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collinearitySplit } from "./experiments.ts";
 * const c = collinearitySplit({ epochs: 20 });
 * assert.ok(c.glm[10] === null);
 * ```
 */
export function collinearitySplit(
  { epochs = 2000, seed = 1 }: { epochs?: number; seed?: number } = {},
): CollinearityResult {
  checkInteger("epochs", epochs);
  const { X, y } = generateData();
  const k = X.cols, n = X.rows;
  const wide = matrix(n, k + 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) wide.data[i * (k + 1) + j] = X.data[i * k + j];
    wide.data[i * (k + 1) + k] = X.data[i * k];
  }
  const fit = glm(wide, y, { maxit: 25, epsilon: 1e-10 });
  const at = logSpaced(epochs, 60);
  const rows: CollinearityRow[] = [];
  const starts: [string, Float64Array | undefined][] = [
    ["zeros", undefined],
    // A random split of the pair only (the other weights start at zero, as in the tutorial).
    [
      "random",
      (() => {
        const w = new Float64Array(k + 1), r = rRng(seed).rnorm(2, 0, 0.5);
        w[0] = r[0];
        w[k] = r[1];
        return w;
      })(),
    ],
  ];
  for (const [init, w0] of starts) {
    const net = trainNetwork(wide, y, { epochs, init: w0, recordAt: new Set(at) });
    for (const e of at) {
      const w = net.recorded.get(e)!;
      rows.push({ init, epoch: e, w1: w[0], w2: w[k], sum: w[0] + w[k] });
    }
  }
  return { rows, glm: fit.coefficients, glmCoefficient: fit.coefficients[0] as number };
}
