/**
 * Logistic regression is a neural network: the typed helpers behind the notebooks.
 *
 * Re-exports only; each file of `lib/` holds one idea.
 *
 * @module
 */

export * from "./validate.ts";
export * from "./matrix.ts";
export * from "./random.ts";
export * from "./data.ts";
export * from "./qr.ts";
export * from "./glm.ts";
export * from "./glm_summary.ts";
export * from "./display.ts";
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
} from "./plots.ts";
export * from "./loss.ts";
export * from "./optimizers.ts";
export * from "./progress.ts";
export * from "./network.ts";
export * from "./irls.ts";
export * from "./scratch_adam.ts";
export * from "./metrics.ts";
export * from "./gd.ts";
export * from "./experiments.ts";
export * from "./figures.ts";
export * from "./tutorial.ts";
