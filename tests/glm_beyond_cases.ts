/**
 * The R reference cases for binomial glm with prior weights, offsets and the four links, and for
 * what is computed from a fit (vcov, logLik, AIC, BIC, residuals, predict, confint, anova):
 * data/reference/glm_<case>.json, glm_<case>_summary.txt and glm_<case>_anova.txt, written by
 * scripts/r/reference_glm_beyond.R (GNU R 4.2.2, MASS 7.3-58.2). Not a test file itself.
 *
 * In every file NA is null, X is written column by column without the intercept column, and every
 * per-coefficient array has K = k + (intercept ? 1 : 0) entries in R's order ("(Intercept)" first).
 */
import { fromColumnMajor, type Matrix } from "../lib/core/matrix.ts";
import { referenceJson, referenceText } from "./references.ts";

/** The links of R's binomial family that the cases use: the lib's. */
import type { Link } from "../lib/glm/glm_fit.ts";
export type { Link };

/** The state of R's fit after one IRLS iteration (glm.fit stopped at maxit = m). */
export interface BeyondTraceStep {
  deviance: number;
  /** null where the column is aliased. */
  coefficients: (number | null)[];
}

/** R's glm object, as scripts/r/reference_glm_beyond.R records it. */
export interface BeyondFit {
  /** names(coef(fit)): "(Intercept)" first when there is one, then the feature names. */
  names: string[];
  /** null where the column is aliased (NA in R). */
  coefficients: (number | null)[];
  standardErrors: (number | null)[];
  zValues: (number | null)[];
  pValues: (number | null)[];
  deviance: number;
  nullDeviance: number;
  dfResidual: number;
  dfNull: number;
  aic: number;
  iterations: number;
  converged: boolean;
  boundary: boolean;
  rank: number;
  /** R's warning texts, in the order R raised them. */
  warnings: string[];
  /** fit$y: the response after binomial()$initialize, which sets y to 0 where the weight is 0. */
  y: number[];
  /** fit$prior.weights (all 1 when the case has no weights). */
  priorWeights: number[];
  /** fit$weights: the working weights of the last iteration. */
  workingWeights: number[];
  /** fit$fitted.values (μ), for every row, also those of weight 0. */
  fitted: number[];
  /** fit$linear.predictors (η = Xβ + offset). */
  linearPredictors: number[];
  trace: BeyondTraceStep[];
}

/** logLik(fit): the value and its "df" and "nobs" attributes. */
export interface RLogLik {
  value: number;
  /** The rank of the fit. */
  df: number;
  /** sum(!is.na(fit$residuals)): every row, including those of weight 0 (BIC uses this). */
  nobs: number;
}

/** residuals(fit, type) for the four types, one entry per row. */
export interface RResiduals {
  deviance: number[];
  pearson: number[];
  working: number[];
  response: number[];
}

/** One scale of predict(fit, newdata, type, se.fit = TRUE). */
export interface RPredictScale {
  fit: number[];
  seFit: number[];
}

/** predict() on a few new rows. */
export interface RPrediction {
  label: string;
  /** Number of new rows. */
  n: number;
  /** The new rows' design (no intercept column), column by column: n × k. */
  xColumnMajor: number[];
  /** The offset of the new rows (null when the fit has no offset). */
  offset: number[] | null;
  link: RPredictScale;
  response: RPredictScale;
  residualScale: number;
  /** e.g. "prediction from a rank-deficient fit may be misleading". */
  warnings: string[];
}

/** A confidence interval for every coefficient (null where aliased or not found). */
export interface RInterval {
  level: number;
  lower: (number | null)[];
  upper: (number | null)[];
}

/** MASS's profile of one coefficient: the signed root deviance z and every coefficient there. */
export interface RProfile {
  name: string;
  /** Sorted ascending; 0 at the fit. */
  z: number[];
  /** One row per z, K columns; null in aliased columns. */
  parVals: (number | null)[][];
}

/** MASS's confint(fit, level = level), with the profile it interpolated. */
export interface RProfileInterval extends RInterval {
  /** The alpha MASS profiled with: (1 - level) / 4. */
  alpha: number;
  /** Warnings raised while profiling (unique texts). */
  warnings: string[];
  /** One per coefficient; null where aliased. */
  profiles: (RProfile | null)[];
}

/** anova(reduced, fit, test = "Chisq"): two rows, the reduced model first. */
export interface RAnova {
  call: string;
  /** The reduced model's feature columns, as 0-based indices into the full case's columns. */
  columns: number[];
  fit: {
    names: string[];
    coefficients: (number | null)[];
    deviance: number;
    nullDeviance: number;
    dfResidual: number;
    aic: number;
    iterations: number;
    converged: boolean;
    warnings: string[];
  };
  test: "Chisq";
  heading: string[];
  residDf: number[];
  residDev: number[];
  /** null in the first row. */
  df: (number | null)[];
  deviance: (number | null)[];
  pChi: (number | null)[];
  warnings: string[];
}

/** One reference case: the inputs and R's outputs. */
export interface BeyondCase {
  /** R.version.string */
  R: string;
  /** packageVersion("MASS") */
  MASS: string;
  case: string;
  note: string;
  /** The glm call as R prints it. */
  call: string;
  n: number;
  k: number;
  intercept: boolean;
  link: Link;
  maxit: number;
  epsilon: number;
  featureNames: string[];
  /** n × k, column by column, without the intercept column. */
  xColumnMajor: number[];
  /** The response as given: 0/1, or a proportion of successes for grouped data. */
  y: number[];
  /** Prior weights (the number of trials for grouped data), or null for none. */
  weights: number[] | null;
  offset: number[] | null;
  fit: BeyondFit;
  /** vcov(fit): K × K rows, null in the rows and columns of aliased coefficients. */
  vcov: (number | null)[][];
  logLik: RLogLik;
  /** nobs(fit): the number of rows with a non-zero weight. */
  nobs: number;
  AIC: number;
  BIC: number;
  residuals: RResiduals;
  predict: RPrediction[];
  confint: {
    /** confint.default(fit, level = 0.95), then level = 0.9. */
    wald: RInterval[];
    /** MASS: confint(fit, level = 0.95), then level = 0.9. */
    profile: RProfileInterval[];
  };
  anova: RAnova | null;
}

/** The cases scripts/r/reference_glm_beyond.R writes to data/reference/glm_<case>.json. */
export const BEYOND_CASES = [
  "infert",
  "infert_education",
  "esoph_grouped",
  "mtcars_probit",
  "budworm_cloglog",
  "budworm_logit",
  "tutorial_offset",
  "tutorial_offset_no_intercept",
  "tutorial_weights",
  "tutorial_zero_weights",
  "cauchit",
  "rank_deficient_weights",
  "zero_weight_alias",
] as const;

/** A case name. */
export type BeyondCaseName = typeof BEYOND_CASES[number];

/** The options of a fit with R's settings: what glm(X, y, options) takes for the case. */
export interface BeyondGlmOptions {
  intercept: boolean;
  weights?: number[];
  offset?: number[];
  link: Link;
  maxit: number;
  epsilon: number;
  names: string[];
}

/** Loads data/reference/glm_<name>.json. */
export function loadBeyondCase(name: BeyondCaseName): BeyondCase {
  return referenceJson<BeyondCase>(`glm_${name}.json`);
}

/** The case's design matrix (n × k, no intercept column). */
export function caseMatrix(ref: BeyondCase): Matrix {
  return fromColumnMajor(ref.n, ref.k, ref.xColumnMajor);
}

/** The new rows of one prediction (n × k, no intercept column). */
export function predictionMatrix(ref: BeyondCase, p: RPrediction): Matrix {
  return fromColumnMajor(p.n, ref.k, p.xColumnMajor);
}

/** The case's glm options (weights and offset only where the case has them). */
export function caseOptions(ref: BeyondCase): BeyondGlmOptions {
  return {
    intercept: ref.intercept,
    ...(ref.weights === null ? {} : { weights: ref.weights }),
    ...(ref.offset === null ? {} : { offset: ref.offset }),
    link: ref.link,
    maxit: ref.maxit,
    epsilon: ref.epsilon,
    names: ref.featureNames,
  };
}

/** print(summary(fit)) as R printed it (data/reference/glm_<name>_summary.txt). */
export function summaryText(name: BeyondCaseName): string {
  const text = referenceText(`glm_${name}_summary.txt`);
  if (text === null) throw new Error(`no summary for ${name}`);
  return text;
}

/** print(anova(reduced, fit, test = "Chisq")) as R printed it, or null for a case without one. */
export function anovaText(name: BeyondCaseName): string | null {
  return referenceText(`glm_${name}_anova.txt`);
}
