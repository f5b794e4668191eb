/**
 * The tutorial's whole comparison from the command line.
 *
 *     deno task reproduce [--json] [--rng r|seedrandom] [--seed 42] [--n 1000] [--k 10]
 *                         [--data FILE.csv] [--intercept] [--maxit 25] [--epsilon 1e-10]
 *                         [--epochs 1000] [--batch-size 1000] [--float32]
 *                         [--weights COLUMN] [--offset COLUMN] [--link logit|probit|cloglog|cauchit]
 *
 * With `--data FILE.csv`, `--weights` and `--offset` name columns of the file that glm takes as
 * prior weights and offset (R's `weights =`, `offset =`; they are not features then), and `--link`
 * picks the link of the binomial family. Without `--json` it prints readable tables; with it, one JSON object whose numbers parse back to
 * the same doubles. A bad option or an unreadable data file is a one-line error and exit code 2.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { readCsv } from "../lib/data/csv.ts";
import { type Dataset, generateData, head } from "../lib/data/dataset.ts";
import { formatColumn } from "../lib/r/format.ts";
import { table } from "../lib/view/display.ts";
import { type Matrix, matrix } from "../lib/core/matrix.ts";
import { meanAbsolutePercentageError } from "../lib/core/metrics.ts";
import { tutorialNetwork } from "../lib/nn/network.ts";
import { type Rng, rRng, seedrandomRng } from "../lib/r/random.ts";
import { scratchAdam } from "../lib/nn/scratch_adam.ts";
import { TUTORIAL_KERAS_MAPE, TUTORIAL_SCRATCH_ADAM_MAPE } from "../lib/book/tutorial.ts";
import { glm } from "../lib/glm/glm.ts";
import type { GlmFit, Link } from "../lib/glm/glm_fit.ts";
import { LINKS } from "../lib/glm/links.ts";
import { nobs } from "../lib/glm/loglik.ts";

/** The parsed command line. */
export interface Options {
  json: boolean;
  rng: "r" | "seedrandom";
  seed: number;
  n: number;
  k: number;
  data?: string;
  intercept: boolean;
  maxit: number;
  epsilon: number;
  epochs: number;
  batchSize: number;
  float32: boolean;
  /** A column of `--data` to use as glm's prior weights. */
  weights?: string;
  /** A column of `--data` to use as glm's offset. */
  offset?: string;
  /** The link of glm's binomial family. */
  link: Link;
}

/** A problem with the command line or its input: reported in one line, exit code 2. */
export class UsageError extends Error {}

function num(name: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${name} must be ${integer ? "an integer" : "a number"}, got "${text}"`);
  }
  return v;
}

/** Parses the command line into {@linkcode Options}; throws {@linkcode UsageError} when bad. */
export function parseOptions(args: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: "boolean" },
        rng: { type: "string" },
        seed: { type: "string" },
        n: { type: "string" },
        k: { type: "string" },
        data: { type: "string" },
        intercept: { type: "boolean" },
        maxit: { type: "string" },
        epsilon: { type: "string" },
        epochs: { type: "string" },
        "batch-size": { type: "string" },
        float32: { type: "boolean" },
        weights: { type: "string" },
        offset: { type: "string" },
        link: { type: "string" },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const rng = values.rng ?? "r";
  if (rng !== "r" && rng !== "seedrandom") {
    throw new UsageError(`--rng must be "r" or "seedrandom", got "${rng}"`);
  }
  const link = values.link ?? "logit";
  if (!(LINKS as readonly string[]).includes(link)) {
    throw new UsageError(
      `--link must be one of ${LINKS.map((l) => `"${l}"`).join(", ")}, got "${link}"`,
    );
  }
  for (const name of ["weights", "offset"] as const) {
    if (values[name] !== undefined && values.data === undefined) {
      throw new UsageError(`--${name} names a column of --data FILE.csv: give --data as well`);
    }
  }
  if (values.weights !== undefined && values.weights === values.offset) {
    throw new UsageError(`--weights and --offset name the same column "${values.weights}"`);
  }
  const o: Options = {
    json: values.json ?? false,
    rng,
    seed: num("seed", values.seed, 42, true),
    n: num("n", values.n, 1000, true),
    k: num("k", values.k, 10, true),
    data: values.data,
    intercept: values.intercept ?? false,
    maxit: num("maxit", values.maxit, 25, true),
    epsilon: num("epsilon", values.epsilon, 1e-10, false),
    epochs: num("epochs", values.epochs, 1000, true),
    batchSize: num("batch-size", values["batch-size"], 1000, true),
    float32: values.float32 ?? false,
    ...(values.weights === undefined ? {} : { weights: values.weights }),
    ...(values.offset === undefined ? {} : { offset: values.offset }),
    link: link as Link,
  };
  if (o.n < 1) throw new UsageError(`--n must be at least 1, got ${o.n}`);
  if (o.k < 1) throw new UsageError(`--k must be at least 1, got ${o.k}`);
  if (o.maxit < 1) throw new UsageError(`--maxit must be at least 1, got ${o.maxit}`);
  if (!(o.epsilon > 0)) throw new UsageError(`--epsilon must be greater than 0, got ${o.epsilon}`);
  if (o.epochs < 1) throw new UsageError(`--epochs must be at least 1, got ${o.epochs}`);
  if (o.batchSize < 1) throw new UsageError(`--batch-size must be at least 1, got ${o.batchSize}`);
  return o;
}

/** The `data` part of the report. */
export interface DataReport {
  source: "generated" | "file";
  rng: "r" | "seedrandom" | null;
  seed: number | null;
  file?: string;
  n: number;
  k: number;
  names: string[];
  head: number[][];
}

/** glm's prior weights and offset, taken from columns of `--data` (`--weights`, `--offset`). */
export interface GlmColumns {
  weights?: Float64Array;
  offset?: Float64Array;
}

/** The dataset without the column `name` (a feature), and that column's values. */
function takeColumn(ds: Dataset, name: string, option: string, file: string) {
  const j = ds.names.indexOf(name);
  if (j < 0) {
    throw new UsageError(
      `--${option}: no column named "${name}" in ${file} (columns: ${ds.names.join(", ")})`,
    );
  }
  const { rows, cols, data } = ds.X;
  const values = new Float64Array(rows);
  const X = matrix(rows, cols - 1);
  for (let i = 0; i < rows; i++) {
    values[i] = data[i * cols + j];
    for (let c = 0, d = 0; c < cols; c++) {
      if (c !== j) X.data[i * (cols - 1) + d++] = data[i * cols + c];
    }
  }
  return { ds: { ...ds, X, names: ds.names.filter((_, c) => c !== j) }, values };
}

/** Takes `--weights` and `--offset` out of the file's columns, checking the weights. */
function glmColumns(ds: Dataset, o: Options): { ds: Dataset; columns: GlmColumns } {
  const columns: GlmColumns = {};
  for (const option of ["weights", "offset"] as const) {
    const name = o[option];
    if (name === undefined) continue;
    const taken = takeColumn(ds, name, option, o.data!);
    ds = taken.ds;
    columns[option] = taken.values;
  }
  const w = columns.weights;
  if (w !== undefined) {
    const bad = w.findIndex((v) => !(v >= 0));
    if (bad >= 0) {
      throw new UsageError(
        `--weights: column "${o.weights}" holds ${w[bad]} at data row ${
          bad + 1
        }; weights must be non-negative`,
      );
    }
    if (!w.some((v) => v > 0)) {
      throw new UsageError(
        `--weights: column "${o.weights}" is all 0; some weight must be positive`,
      );
    }
  }
  if (ds.X.cols === 0 && !o.intercept) {
    throw new UsageError("no feature columns are left for glm; add --intercept or keep a feature");
  }
  return { ds, columns };
}

/** Loads or generates the data the options ask for. */
export async function loadData(
  o: Options,
): Promise<{ ds: Dataset; rng: Rng; report: DataReport; columns: GlmColumns }> {
  let ds: Dataset;
  let rng: Rng;
  let columns: GlmColumns = {};
  if (o.data !== undefined) {
    try {
      ds = await readCsv(o.data);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new UsageError(`--data: cannot read "${o.data}": no such file`);
      }
      if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.IsADirectory) {
        throw new UsageError(`--data: cannot read "${o.data}": ${e.message}`);
      }
      throw new UsageError(`--data: ${e instanceof Error ? e.message : String(e)}`);
    }
    rng = o.rng === "r" ? rRng(o.seed) : seedrandomRng(o.seed);
    ({ ds, columns } = glmColumns(ds, o));
  } else {
    const generated = generateData({ n: o.n, k: o.k, seed: o.seed, rng: o.rng });
    ds = generated;
    rng = generated.rng; // the tutorial's loop continues R's stream after the data step
  }
  const report: DataReport = {
    source: o.data === undefined ? "generated" : "file",
    rng: o.data === undefined ? o.rng : null,
    seed: o.data === undefined ? o.seed : null,
    ...(o.data === undefined ? {} : { file: o.data }),
    n: ds.X.rows,
    k: ds.X.cols,
    names: [...ds.names, ds.target],
    head: head(ds),
  };
  return { ds, rng, report, columns };
}

/** The `glm` part of the report: R's `glm(..., family = binomial)` fitted by IRLS. */
export type GlmReport =
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
    | "warnings"
    | "link"
  >
  & {
    /** The `--weights` column (prior weights), or null for none. */
    weights: string | null;
    /** The `--offset` column, or null for none. */
    offset: string | null;
    /** The number of rows of positive weight (R's `nobs(fit)`). */
    nobs: number;
  };

/** The `network` part: the Keras-equivalent one-unit network, trained like the tutorial's. */
export interface NetworkReport {
  weights: number[];
  bias: number | null;
  finalLoss: number;
  epochs: number;
  batchSize: number;
  dtype: "float64" | "float32";
}

/** The whole report: the tutorial's comparison, part by part. */
export interface Report {
  data: DataReport;
  glm: GlmReport;
  network: NetworkReport;
  scratchAdam: { theta: number[] };
  mape: { networkVsGlm: number | null; scratchAdamVsGlm: number | null };
  timings: { glmMs: number; networkMs: number; scratchAdamMs: number };
}

/** Fits the logistic regression the options ask for. */
export function fitGlm(
  ds: Dataset,
  o: Options,
  columns: GlmColumns = {},
): { report: GlmReport; ms: number } {
  const t0 = performance.now();
  const fit = glm(ds.X, ds.y, {
    ...columns,
    link: o.link,
    intercept: o.intercept,
    maxit: o.maxit,
    epsilon: o.epsilon,
    names: ds.names,
  });
  const ms = performance.now() - t0;
  const { names, coefficients, standardErrors, zValues, pValues, deviance, nullDeviance } = fit;
  const { dfResidual, dfNull, aic, iterations, converged, warnings } = fit;
  const report: GlmReport = {
    ...{ names, coefficients, standardErrors, zValues, pValues, deviance, nullDeviance },
    ...{ dfResidual, dfNull, aic, iterations, converged, warnings },
    link: fit.link,
    weights: o.weights ?? null,
    offset: o.offset ?? null,
    nobs: nobs(fit),
  };
  return { report, ms };
}

/** Trains the network the tutorial builds with Keras (a bias only with `--intercept`). */
export async function trainNetwork(
  ds: Dataset,
  o: Options,
): Promise<{ report: NetworkReport; ms: number }> {
  const net = tutorialNetwork(ds.X.cols, { useBias: o.intercept });
  const dtype = o.float32 ? "float32" : "float64";
  const t0 = performance.now();
  const history = await net.fit(ds.X, ds.y, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    dtype,
    verbose: 0,
  });
  const ms = performance.now() - t0;
  const [kernel, bias] = net.getWeights();
  return {
    report: {
      weights: Array.from(kernel.data),
      bias: bias === undefined ? null : bias.data[0],
      finalLoss: history.history.loss[history.history.loss.length - 1],
      epochs: o.epochs,
      batchSize: o.batchSize,
      dtype,
    },
    ms,
  };
}

/** The design matrix with a leading column of ones, for the intercept. */
function withOnes(X: Matrix): Matrix {
  const out = matrix(X.rows, X.cols + 1);
  for (let i = 0; i < X.rows; i++) {
    out.data[i * (X.cols + 1)] = 1;
    out.data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), i * (X.cols + 1) + 1);
  }
  return out;
}

/** MAPE against glm, or null where it is undefined (an aliased or zero coefficient). */
function mapeOrNull(reference: (number | null)[], estimate: ArrayLike<number>): number | null {
  if (reference.some((c) => c === null || c === 0)) return null;
  return meanAbsolutePercentageError(reference, estimate);
}

/** Runs everything the options ask for and returns the report object. */
export async function reproduce(o: Options): Promise<Report> {
  const { ds, rng, report: data, columns } = await loadData(o);
  const g = fitGlm(ds, o, columns);
  const n = await trainNetwork(ds, o);
  const t0 = performance.now();
  const scratch = scratchAdam(o.intercept ? withOnes(ds.X) : ds.X, ds.y, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    rng,
  });
  const scratchMs = performance.now() - t0;
  const theta = Array.from(scratch.theta);
  const nnAll = n.report.bias === null ? n.report.weights : [n.report.bias, ...n.report.weights];
  return {
    data,
    glm: g.report,
    network: n.report,
    scratchAdam: { theta },
    mape: {
      networkVsGlm: mapeOrNull(g.report.coefficients, nnAll),
      scratchAdamVsGlm: mapeOrNull(g.report.coefficients, theta),
    },
    timings: { glmMs: g.ms, networkMs: n.ms, scratchAdamMs: scratchMs },
  };
}

const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;

function printText(r: Report): void {
  const d = r.data;
  const from = d.source === "file"
    ? `read from ${d.file}`
    : `generated with the ${d.rng === "r" ? "R-compatible" : "seedrandom"} stream, seed ${d.seed}`;
  console.log(`Data: ${d.n} rows × ${d.k} features, ${from}. First rows:\n`);
  console.log(
    table(d.head, { columns: d.names, rowNames: d.head.map((_, i) => String(i + 1)) })
      .toString(),
  );
  const g = r.glm, nw = r.network;
  const nnAll = nw.bias === null ? nw.weights : [nw.bias, ...nw.weights];
  console.log(
    `\nThe weights, three ways (network: ${nw.epochs} epochs, batch size ${nw.batchSize}, ` +
      `${nw.dtype}, final loss ${nw.finalLoss.toFixed(6)}):\n`,
  );
  console.log(
    table(g.names.map((_, j) => [g.coefficients[j], nnAll[j], r.scratchAdam.theta[j]]), {
      columns: ["glm (IRLS)", "network (Keras' Adam)", "Adam by hand"],
      rowNames: g.names,
    }).toString(),
  );
  const pct = (x: number | null) =>
    x === null ? "undefined (aliased or zero coefficient)" : `${formatColumn([x], 7)[0]} %`;
  console.log(`\nMean absolute percentage error against glm:`);
  console.log(
    `  network      ${pct(r.mape.networkVsGlm)}   (tutorial's Keras run: ${TUTORIAL_KERAS_MAPE} %)`,
  );
  console.log(
    `  Adam by hand ${pct(r.mape.scratchAdamVsGlm)}   (tutorial: ${TUTORIAL_SCRATCH_ADAM_MAPE} %)`,
  );
  console.log(
    `\nglm: ${g.iterations} Fisher scoring iterations, ${
      g.converged ? "converged" : "NOT converged"
    }, ` +
      `deviance ${g.deviance.toFixed(4)}, AIC ${g.aic.toFixed(4)}`,
  );
  if (g.link !== "logit" || g.weights !== null || g.offset !== null) {
    const parts = [`binomial(link = "${g.link}")`];
    if (g.weights !== null) parts.push(`prior weights from column "${g.weights}"`);
    if (g.offset !== null) parts.push(`offset from column "${g.offset}"`);
    console.log(`glm: ${parts.join(", ")}; ${g.nobs} rows of positive weight`);
  }
  for (const w of g.warnings) console.log(`Warning: ${w}`);
  const t = r.timings;
  console.log(
    `Times: glm ${ms(t.glmMs)}, network ${ms(t.networkMs)}, Adam by hand ${ms(t.scratchAdamMs)}`,
  );
}

if (import.meta.main) {
  try {
    const o = parseOptions(Deno.args);
    const r = await reproduce(o);
    if (o.json) console.log(JSON.stringify(r));
    else printText(r);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && e.name === "ArgumentError")) {
      console.error(`reproduce: ${e.message}`);
      Deno.exit(2);
    }
    throw e;
  }
}
