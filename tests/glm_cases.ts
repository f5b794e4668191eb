/**
 * The R reference cases for glm (data/reference/glm_<case>.json, written by
 * scripts/r/reference_glm.R), shared by the glm and summary tests. Not a test file itself.
 */
import { fromColumnMajor, type Matrix } from "../lib/core/matrix.ts";
import { glm, type GlmOptions } from "../lib/glm/glm.ts";
import type { GlmFit } from "../lib/glm/glm_fit.ts";
import { referenceJson } from "./references.ts";

/** R's fit as scripts/r/reference_glm.R records it: GlmFit's fields, with plain arrays. */
export type RFit =
  & Pick<
    GlmFit,
    | "names"
    | "coefficients"
    | "standardErrors"
    | "zValues"
    | "pValues"
    | "deviance"
    | "nullDeviance"
    | "dfResidual"
    | "dfNull"
    | "aic"
    | "iterations"
    | "converged"
    | "rank"
    | "warnings"
    | "trace"
  >
  & { fitted: number[]; linearPredictors: number[] };
/** One reference case: the data and R's fit. */
export interface RCase {
  R: string;
  case: string;
  n: number;
  k: number;
  intercept: boolean;
  maxit: number;
  epsilon: number;
  featureNames: string[];
  xColumnMajor: number[];
  y: number[];
  fit: RFit;
}

/** The cases scripts/r/reference_glm.R writes to data/reference/glm_<case>.json. */
export const CASES = [
  "tutorial",
  "tutorial_intercept",
  "maxit2",
  "wide",
  "collinear",
  "constant",
  "constant_no_intercept",
  "quasi_separation",
  "complete_separation",
  "k_gt_n",
  "mtcars",
];

/** Loads data/reference/glm_<name>.json (written by scripts/r/reference_glm.R). */
export function loadCase(name: string): { ref: RCase; X: Matrix } {
  const ref = referenceJson<RCase>(`glm_${name}.json`);
  return { ref, X: fromColumnMajor(ref.n, ref.k, ref.xColumnMajor) };
}

/**
 * Fits a reference case with R's settings (and the given solver, default "auto", and any other
 * options of `glm`).
 */
export function fitCase(
  name: string,
  method?: "auto" | "qr" | "cholesky",
  more: GlmOptions = {},
): { ref: RCase; fit: GlmFit; X: Matrix } {
  const { ref, X } = loadCase(name);
  const fit = glm(X, ref.y, {
    intercept: ref.intercept,
    maxit: ref.maxit,
    epsilon: ref.epsilon,
    names: ref.featureNames,
    method,
    ...more,
  });
  return { ref, fit, X };
}
