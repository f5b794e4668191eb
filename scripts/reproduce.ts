/**
 * The tutorial's whole comparison from the command line.
 *
 *     deno task reproduce [--json] [--rng r|seedrandom] [--seed 42] [--n 1000] [--k 10]
 *                         [--data FILE.csv] [--intercept] [--maxit 25] [--epsilon 1e-10]
 *                         [--epochs 1000] [--batch-size 1000] [--float32]
 *
 * Without `--json` it prints readable tables; with it, one JSON object whose numbers parse back to
 * the same doubles. A bad option or an unreadable data file is a one-line error and exit code 2.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Dataset, generateData, head, readCsv } from "../lib/data.ts";
import { table } from "../lib/display.ts";
import { glm } from "../lib/glm.ts";

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
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const rng = values.rng ?? "r";
  if (rng !== "r" && rng !== "seedrandom") {
    throw new UsageError(`--rng must be "r" or "seedrandom", got "${rng}"`);
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

/** Loads or generates the data the options ask for. */
export async function loadData(o: Options): Promise<{ ds: Dataset; report: DataReport }> {
  let ds: Dataset;
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
  } else {
    ds = generateData({ n: o.n, k: o.k, seed: o.seed, rng: o.rng });
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
  return { ds, report };
}

/** The `glm` part of the report: R's `glm(..., family = binomial)` fitted by IRLS. */
export interface GlmReport {
  names: string[];
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
  warnings: string[];
}

/** The whole report; each part is added as the tutorial's sections are. */
export interface Report {
  data: DataReport;
  glm: GlmReport;
  timings: { glmMs: number };
}

/** Fits the logistic regression the options ask for. */
export function fitGlm(ds: Dataset, o: Options): { report: GlmReport; ms: number } {
  const t0 = performance.now();
  const fit = glm(ds.X, ds.y, {
    intercept: o.intercept,
    maxit: o.maxit,
    epsilon: o.epsilon,
    names: ds.names,
  });
  const ms = performance.now() - t0;
  const report: GlmReport = {
    names: fit.names,
    coefficients: fit.coefficients,
    standardErrors: fit.standardErrors,
    zValues: fit.zValues,
    pValues: fit.pValues,
    deviance: fit.deviance,
    nullDeviance: fit.nullDeviance,
    dfResidual: fit.dfResidual,
    dfNull: fit.dfNull,
    aic: fit.aic,
    iterations: fit.iterations,
    converged: fit.converged,
    warnings: fit.warnings,
  };
  return { report, ms };
}

/** Runs everything the options ask for and returns the report object. */
export async function reproduce(o: Options): Promise<Report> {
  const { ds, report: data } = await loadData(o);
  const g = fitGlm(ds, o);
  return { data, glm: g.report, timings: { glmMs: g.ms } };
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
  const g = r.glm;
  console.log(
    `\nLogistic regression (glm by IRLS): ${g.iterations} Fisher scoring iterations, ` +
      `${g.converged ? "converged" : "NOT converged"}, deviance ${g.deviance.toFixed(4)}, ` +
      `AIC ${g.aic.toFixed(4)}, ${ms(r.timings.glmMs)}\n`,
  );
  console.log(
    table(
      g.names.map((_, j) => [g.coefficients[j], g.standardErrors[j], g.zValues[j], g.pValues[j]]),
      {
        columns: ["Estimate", "Std. Error", "z value", "Pr(>|z|)"],
        rowNames: g.names,
      },
    ).toString(),
  );
  for (const w of g.warnings) console.log(`Warning: ${w}`);
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
