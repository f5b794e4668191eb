/**
 * Logistic regression is a neural network: the typed helpers behind the notebooks.
 *
 * Re-exports only; each file of `lib/` holds one idea.
 *
 * @module
 */

export * from "./core/validate.ts";
export * from "./core/matrix.ts";
export * from "./r/random.ts";
export * from "./data/dataset.ts";
export * from "./r/qr.ts";
export * from "./glm/glm.ts";
export * from "./glm/summary.ts";
export * from "./view/display.ts";
// `plot` itself takes Observable Plot's option types, which are not part of this API.
export {
  featureHistograms,
  Figure,
  irlsConvergence,
  logLikelihoodSurface,
  lossAlongCoefficient,
  type LossAlongOptions,
  lossCurve,
  sigmoidCurve,
  type SurfaceOptions,
  targetBalance,
} from "./view/plots.ts";
export * from "./nn/loss.ts";
export * from "./nn/optimizers.ts";
export * from "./nn/progress.ts";
export * from "./nn/network.ts";
export * from "./glm/irls_step.ts";
export * from "./nn/scratch_adam.ts";
export * from "./core/metrics.ts";
export * from "./nn/gradient_descent.ts";
export * from "./book/experiments.ts";
export * from "./book/figures.ts";
export * from "./book/tutorial.ts";
