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
// glm.ts also exports its solvers for glm_fit.ts; only the public part is re-exported here.
export {
  glm,
  type GlmFit,
  type GlmOptions,
  type GlmTraceStep,
  linkinv,
  pnorm,
  predict,
  type Prediction,
  type PredictOptions,
  WARNING_FITTED_0_1,
  WARNING_NOT_CONVERGED,
} from "./glm/glm.ts";
export { WARNING_NON_INTEGER, WARNING_NULL_NOT_CONVERGED } from "./glm/binomial_fit.ts";
export { WARNING_RANK_DEFICIENT_PREDICTION } from "./glm/predict.ts";
export { type BinomialLink, binomialLink, type Link, LINKS } from "./glm/links.ts";
export * from "./glm/loglik.ts";
export * from "./glm/vcov.ts";
export * from "./glm/residuals.ts";
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
