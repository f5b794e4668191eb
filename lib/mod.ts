/**
 * Logistic regression is a neural network: the typed helpers behind the notebooks.
 *
 * Re-exports only. `lib/` is grouped by layer, each folder importing only from the ones before it:
 * `core/` (matrices, argument checks, metrics), `r/` (R's numerics bit for bit), `data/` (the
 * tutorial's data), `nn/` (the network, the optimizers, Adam by hand), `glm/` (R's glm), `view/`
 * (tables and figures), `book/` (the chapters' helpers). The speed code sits in `_kernels/`,
 * reached from `nn/engine.ts` and `glm/engine.ts` only, and is not exported here: every fast path
 * has a readable counterpart, selected with `engine: "reference"`.
 *
 * @module
 */

// core
export { ArgumentError } from "./core/errors.ts";
export { type DisplayBundle, jupyterDisplay } from "./core/html.ts";
export {
  column,
  fromColumnMajor,
  fromRows,
  type Matrix,
  matrix,
  row,
  toRows,
} from "./core/matrix.ts";
export { distance, maxAbsDifference, meanAbsolutePercentageError } from "./core/metrics.ts";
export { checkFinite, checkInteger, checkLabels, checkMatrix } from "./core/validate.ts";
// r
export { formatColumn, formatNumbers } from "./r/format.ts";
export { linkinv } from "./r/logit.ts";
export { pnorm } from "./r/nmath.ts";
export { dqrdc2, type QrLs, qrls } from "./r/qr.ts";
export { qnorm } from "./r/qnorm.ts";
export { type Rng, rRng, seedrandomRng } from "./r/random.ts";
// data
export { CsvError, type CsvShape, parseCsv, printableName } from "./data/csv.ts";
export { formatCsv, readCsv, type ReadCsvOptions, writeCsv } from "./data/csv_file.ts";
export {
  compareData,
  type DataComparison,
  type Dataset,
  generateData,
  type GeneratedData,
  type GenerateOptions,
  head,
} from "./data/dataset.ts";
// nn
export { adam, type AdamOptions, adamPaper } from "./nn/adam.ts";
export {
  gradientDescent,
  type GradientDescentOptions,
  type GradientDescentResult,
  lipschitzStep,
} from "./nn/gradient_descent.ts";
export {
  type ActivationName,
  constant,
  Dense,
  dense,
  type DenseOptions,
  glorotUniform,
  type Initializer,
  type InitializerName,
  input,
  type InputLayer,
  type SymbolicTensor,
} from "./nn/layers.ts";
export {
  bernoulliLogLikelihood,
  bernoulliLogLikelihoodGradient,
  binaryCrossEntropy,
  binaryCrossEntropyGradient,
  binaryCrossEntropyLoss,
  binaryCrossEntropyWithLogits,
  linearPredictor,
  logSigmoid,
  type Reduction,
  sigmoid,
  softplus,
} from "./nn/loss.ts";
export { type CompileOptions, type LossName, Model, model } from "./nn/model.ts";
export { tutorialNetwork, type TutorialNetworkOptions } from "./nn/network.ts";
export { numericalGradient } from "./nn/numerical_gradient.ts";
export { type Dtype, type Optimizer } from "./nn/optimizer.ts";
export { getOptimizer, type OptimizerName } from "./nn/optimizers.ts";
export {
  type Callback,
  type DisplayFunction,
  type EpochLogs,
  formatEpoch,
  inJupyterKernel,
  jupyterProgress,
  type ProgressBundle,
  progressFor,
  type ProgressReporter,
  terminalProgress,
  type TrainParams,
  type Verbosity,
} from "./nn/progress.ts";
export {
  type GradientReduction,
  scratchAdam,
  type ScratchAdamOptions,
  type ScratchAdamResult,
  type ScratchAdamTrace,
} from "./nn/scratch_adam.ts";
export { sgd, type SgdOptions } from "./nn/sgd.ts";
export { type LayerSummary, ModelSummary } from "./nn/summary.ts";
export { type FitOptions, type History, type MetricName } from "./nn/train.ts";
export { TrainingError } from "./nn/training_checks.ts";
// glm
export { glm, type GlmOptions } from "./glm/glm.ts";
export { glmThreads } from "./glm/engine.ts";
export {
  type GlmFit,
  type GlmTraceStep,
  type Link,
  WARNING_FITTED_0_1,
  WARNING_NON_INTEGER,
  WARNING_NOT_CONVERGED,
  WARNING_NULL_NOT_CONVERGED,
} from "./glm/glm_fit.ts";
export { type BinomialLink, binomialLink, LINKS } from "./glm/links.ts";
export { anova, type AnovaOptions, type AnovaRow, type AnovaTable } from "./glm/anova.ts";
export { type ConfidenceIntervals, confint, type ConfintOptions } from "./glm/confint.ts";
export {
  type CoefficientProfile,
  type GlmProfile,
  profile,
  type ProfileOptions,
} from "./glm/profile.ts";
export { AIC, BIC, type LogLik, logLik, nobs } from "./glm/loglik.ts";
export {
  predict,
  type Prediction,
  type PredictOptions,
  WARNING_RANK_DEFICIENT_PREDICTION,
} from "./glm/predict.ts";
export { residuals, type ResidualType } from "./glm/residuals.ts";
export { vcov } from "./glm/vcov.ts";
export { irlsStart, type IrlsStep, irlsStep } from "./glm/irls_step.ts";
export { type GlmCoefficientRow, type GlmSummary, summary } from "./glm/summary.ts";
// view
export {
  type Cell,
  headTable,
  sideBySide,
  Table,
  table,
  type TableOptions,
} from "./view/display.ts";
// `plot` itself takes Observable Plot's option types, which are not part of this API.
export { Figure, type FigureText } from "./view/figure.ts";
export { networkDiagram, type NetworkDiagramOptions } from "./view/diagram.ts";
export { profilePlot } from "./view/profile_plot.ts";
export {
  featureHistograms,
  irlsConvergence,
  lossCurve,
  lossGapCurve,
  sigmoidCurve,
  targetBalance,
} from "./view/plots.ts";
export {
  logLikelihoodSurface,
  lossAlongCoefficient,
  type LossAlongOptions,
  type SurfaceOptions,
} from "./view/surface.ts";
// book
export {
  type CollinearityResult,
  type CollinearityRow,
  collinearitySplit,
  convergence,
  type ConvergenceRow,
  separation,
  type SeparationResult,
  type SeparationRow,
} from "./book/breakdowns.ts";
export {
  agreementVsBatchSize,
  agreementVsEpochs,
  agreementVsInitialisation,
  agreementVsLearningRate,
  type InitialisationRow,
  type SumMeanRow,
  sumVersusMean,
} from "./book/experiments.ts";
export {
  agreementFigure,
  type AgreementFigureOptions,
  initialisationFigure,
  sumMeanFigure,
  weightsOverEpochs,
} from "./book/figures.ts";
export {
  collinearityFigure,
  convergenceFigure,
  separationFigure,
} from "./book/breakdown_figures.ts";
export { optimiserPathsFigure } from "./book/paths_figure.ts";
export { type OptimiserPath, type OptimiserPaths, optimiserPaths } from "./book/paths.ts";
export {
  type LikelihoodGrid,
  likelihoodGrid,
  pathsFrom,
  type StartedPath,
  type StartName,
  train,
  type TrainingOutcome,
  type TrainingSettings,
  TUTORIAL_SETTINGS,
  type TwoFeatureProblem,
  twoFeatureProblem,
  type WeightPaths,
  weightPaths,
} from "./book/live.ts";
export {
  METHOD_COLOURS,
  pathsFromFigure,
  trainingFigure,
  weightPathsFigure,
} from "./book/live_plots.ts";
export { type AgreementRow, type Problem, tutorialProblem } from "./book/problem.ts";
export {
  TUTORIAL_KERAS_MAPE,
  TUTORIAL_KERAS_WEIGHTS,
  TUTORIAL_SCRATCH_ADAM_MAPE,
} from "./book/tutorial.ts";
