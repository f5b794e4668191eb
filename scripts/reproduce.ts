/**
 * The tutorial's whole comparison from the command line.
 *
 *     deno task reproduce [--json] [--rng r|seedrandom] [--seed 42] [--n 1000] [--k 10]
 *                         [--data FILE.csv] [--intercept] [--maxit 25] [--epsilon 1e-10]
 *                         [--epochs 1000] [--batch-size 1000] [--float32] [--progress] [--help]
 *                         [--weights COLUMN] [--offset COLUMN] [--link logit|probit|cloglog|cauchit]
 *
 * With `--data FILE.csv`, `--weights` and `--offset` name columns of the file that glm takes as
 * prior weights and offset (R's `weights =`, `offset =`; they are not features then), and `--link`
 * picks the link of the binomial family. Without `--json` it prints readable tables; with it, one JSON object whose numbers parse back to
 * the same doubles. A bad option or an unreadable data file is a one-line error and exit code 2,
 * before anything runs; training that cannot finish (it diverges) a one-line error and exit
 * code 1. Long runs report their progress on stderr.
 *
 * @module
 */

import {
  type Callback,
  type Dataset,
  formatColumn,
  formatEpoch,
  generateData,
  glm,
  type GlmFit,
  head,
  type Link,
  LINKS,
  type Matrix,
  matrix,
  meanAbsolutePercentageError,
  nobs,
  printableName,
  readCsv,
  type Rng,
  rRng,
  scratchAdam,
  seedrandomRng,
  table,
  TrainingError,
  TUTORIAL_KERAS_MAPE,
  TUTORIAL_SCRATCH_ADAM_MAPE,
  tutorialNetwork,
} from "../lib/mod.ts";

/** The parsed command line. */
export interface Options {
  help: boolean;
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
  progress: boolean;
  /** A column of `--data` to use as glm's prior weights. */
  weights?: string;
  /** A column of `--data` to use as glm's offset. */
  offset?: string;
  /** The link of glm's binomial family. */
  link: Link;
}

/** A problem with the command line or its input: reported in one line, exit code 2. */
export class UsageError extends Error {}

/** A computation that could not finish (training diverged): reported in one line, exit code 1. */
export class RunError extends Error {}

/**
 * The most numbers (rows × features) the data may hold: 8 bytes each as float64, so 80 MB.
 * glm, the network and Adam by hand each keep a working copy of the data and pass over all of it
 * once per iteration or epoch, so memory and time grow with it.
 */
export const MAX_VALUES = 10_000_000;
/**
 * The most work glm's least-squares step may take per IRLS iteration, about N·p·min(N, p)
 * multiply-adds for N rows and p columns (the QR of R's algorithm): 2e9 is a few seconds.
 */
export const MAX_GLM_WORK = 2e9;
/** The most epochs: 1 000 000 (the tutorial takes 1000). */
export const MAX_EPOCHS = 1_000_000;
/** The most IRLS iterations: 100 000 (glm converges in a few dozen when it converges at all). */
export const MAX_MAXIT = 100_000;
/** Runs whose network does at least this many multiply-adds (epochs × N × (K + 1)) show progress. */
export const LONG_RUN_WORK = 1e9;
/** R's set.seed takes a 32-bit signed integer. */
const INT_MAX = 2147483647;

type Kind = "flag" | "integer" | "number" | "text";
interface OptionSpec {
  kind: Kind;
  /** The value's placeholder in the help. */
  value?: string;
  /** The default, as the help shows it. */
  default?: string;
  meaning: string;
}

/** Every option, in the order the help lists them. */
export const OPTIONS: Record<string, OptionSpec> = {
  help: { kind: "flag", meaning: "print this help and exit (also -h)" },
  json: { kind: "flag", meaning: "print one JSON object instead of tables" },
  rng: {
    kind: "text",
    value: "r|seedrandom",
    default: "r",
    meaning: "random stream: R's own (set.seed, bit for bit) or npm seedrandom",
  },
  seed: {
    kind: "integer",
    value: "INT",
    default: "42",
    meaning: `its seed (for r: -${INT_MAX}..${INT_MAX}, as R's set.seed); with --data it ` +
      "only shuffles Adam by hand's batches",
  },
  n: { kind: "integer", value: "INT", default: "1000", meaning: "rows to generate" },
  k: { kind: "integer", value: "INT", default: "10", meaning: "features to generate" },
  data: {
    kind: "text",
    value: "FILE.csv",
    default: "none: generate the data",
    meaning: "read the data instead: a header row, numeric feature columns and a 0/1 column " +
      "named target (UTF-8, any line breaks); not with --n or --k",
  },
  intercept: {
    kind: "flag",
    meaning: "fit an intercept in glm and Adam by hand, and a bias in the network",
  },
  maxit: {
    kind: "integer",
    value: "INT",
    default: "25",
    meaning: `glm's most IRLS iterations (at most ${MAX_MAXIT})`,
  },
  epsilon: {
    kind: "number",
    value: "NUMBER",
    default: "1e-10",
    meaning: "glm's convergence tolerance, > 0",
  },
  epochs: {
    kind: "integer",
    value: "INT",
    default: "1000",
    meaning: `passes over the data for the network and Adam by hand (at most ${MAX_EPOCHS})`,
  },
  "batch-size": {
    kind: "integer",
    value: "INT",
    default: "1000",
    meaning: "rows per optimizer step (more than the rows: one batch of all)",
  },
  float32: { kind: "flag", meaning: "train the network in float32 arithmetic, as Keras does" },
  progress: {
    kind: "flag",
    meaning: "report the steps and the network's epochs on stderr (without it: only for " +
      "long runs)",
  },
  weights: {
    kind: "text",
    value: "COLUMN",
    default: "none",
    meaning: "a column of --data that glm takes as prior weights (R's weights =), not a feature",
  },
  offset: {
    kind: "text",
    value: "COLUMN",
    default: "none",
    meaning: "a column of --data that glm adds to the linear predictor (R's offset()), not a " +
      "feature",
  },
  link: {
    kind: "text",
    value: "NAME",
    default: "logit",
    meaning:
      "the link of glm's binomial family: logit, probit, cloglog or cauchit (R's binomial(link = ...))",
  },
};

/** The text `--help` prints. */
export function helpText(): string {
  const rows = Object.entries(OPTIONS).map(([name, o]) => [
    `--${name}${o.value ? ` ${o.value}` : ""}`,
    `${o.meaning}${o.default ? ` (default: ${o.default})` : ""}`,
  ]);
  const width = Math.max(...rows.map(([a]) => a.length));
  // Each meaning wrapped to 100 columns, continued under itself.
  const wrap = (text: string) => {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(" ")) {
      if (line && 4 + width + line.length + 1 + word.length > 100) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    return [...lines, line].join(`\n${" ".repeat(width + 4)}`);
  };
  return [
    "Usage: deno task reproduce [options]",
    "",
    "Fits the tutorial's logistic regression three ways — R's glm (IRLS), the one-unit network",
    "trained like Keras, and Adam written by hand — and compares their weights.",
    "",
    "Options (integers are decimal; every option at most once):",
    ...rows.map(([a, b]) => `  ${a.padEnd(width)}  ${wrap(b)}`),
    "",
    `Limits: rows × features ≤ ${MAX_VALUES} (80 MB as float64); glm's work per iteration,`,
    `N·p·min(N, p) for N rows and p columns, ≤ ${MAX_GLM_WORK}.`,
    "Exit codes: 0 done, 1 the training diverged, 2 a bad option or data file.",
  ].join("\n");
}

/** A user's text inside a message: quoted, control characters escaped. */
const q = (text: string) => `"${printableName(text)}"`;

const DECIMAL_INTEGER = /^[+-]?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!DECIMAL_INTEGER.test(text) || !Number.isSafeInteger(v)) {
    throw new UsageError(
      `--${name} must be a decimal integer (digits only, such as 1000), got ${q(text)}`,
    );
  }
  return v;
}

function decimal(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!DECIMAL_NUMBER.test(text) || !Number.isFinite(v)) {
    throw new UsageError(`--${name} must be a decimal number (such as 1e-8), got ${q(text)}`);
  }
  return v;
}

/** Scientific notation for a limit message: 1e+10 → "1e10". */
const sci = (x: number) =>
  x >= 1e6 ? x.toExponential().replace("e+", "e").replace(".0e", "e") : String(x);

/**
 * Checks that N rows by K features (p columns with the intercept) fit the limits, before anything
 * is allocated. `what` describes the size for the message, e.g. "--n 100 with --k 10 makes
 * 100 × 10".
 */
export function checkSize(rows: number, cols: number, intercept: boolean, what: string): void {
  const values = rows * cols;
  if (values > MAX_VALUES) {
    const gb = values * 8 / 1e9;
    throw new UsageError(
      `${what} = ${sci(values)} numbers (${
        gb >= 1 ? `${gb.toPrecision(2)} GB` : `${Math.round(gb * 1000)} MB`
      } as float64); the limit is ${sci(MAX_VALUES)} (80 MB), because glm, the network and ` +
        "Adam by hand each keep a working copy and pass over all of it in every iteration " +
        "and epoch; use fewer rows or features",
    );
  }
  const p = cols + (intercept ? 1 : 0), work = rows * p * Math.min(rows, p);
  if (work > MAX_GLM_WORK) {
    throw new UsageError(
      `${what}, for which glm needs about N·p·min(N, p) = ${sci(work)} multiply-adds per ` +
        `IRLS iteration (p = ${p} columns); the limit is ${sci(MAX_GLM_WORK)}, a few seconds ` +
        "per iteration; use fewer features",
    );
  }
}

/** Parses the command line into {@linkcode Options}; throws {@linkcode UsageError} when bad. */
export function parseOptions(args: string[]): Options {
  const given = new Map<string, { shown: string; value?: string }>();
  const defaults = (help: boolean): Options => ({
    help,
    json: false,
    rng: "r",
    seed: 42,
    n: 1000,
    k: 10,
    intercept: false,
    maxit: 25,
    epsilon: 1e-10,
    epochs: 1000,
    batchSize: 1000,
    float32: false,
    progress: false,
    link: "logit",
  });
  if (args.includes("--help") || args.includes("-h")) return defaults(true);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      if (i + 1 < args.length) {
        throw new UsageError(
          `unexpected positional argument ${q(args[i + 1])}: reproduce takes options only ` +
            "(see --help)",
        );
      }
      break;
    }
    if (!a.startsWith("--")) {
      throw new UsageError(
        a.startsWith("-") && a.length > 1
          ? `unknown option ${q(a)}: options start with two dashes, such as --n (see --help)`
          : `unexpected positional argument ${q(a)}: reproduce takes options only, such as ` +
            "--n 1000 (see --help)",
      );
    }
    const eq = a.indexOf("=");
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const spec = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined;
    if (spec === undefined) {
      throw new UsageError(`unknown option --${printableName(name)} (see --help for the options)`);
    }
    let value: string | undefined;
    if (spec.kind === "flag") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value, got ${q(a)}`);
    } else if (eq >= 0) {
      value = a.slice(eq + 1);
    } else {
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new UsageError(
          `--${name} needs a value, such as --${name} ${name === "data" ? "my.csv" : spec.default}`,
        );
      }
      value = args[++i];
    }
    const shown = value === undefined ? `--${name}` : `--${name} ${printableName(value)}`;
    const before = given.get(name);
    if (before !== undefined) {
      throw new UsageError(`--${name} is given twice (${before.shown} and ${shown}); give it once`);
    }
    given.set(name, { shown, value });
  }
  const text = (name: string) => given.get(name)?.value;
  const data = given.get("data");
  if (data !== undefined) {
    for (const other of ["n", "k"]) {
      const o = given.get(other);
      if (o !== undefined) {
        throw new UsageError(
          `${o.shown} conflicts with ${data.shown}: the file decides the ` +
            `${other === "n" ? "rows" : "features"}; leave out --${other}`,
        );
      }
    }
    if (data.value === "") throw new UsageError("--data needs a file name, got an empty one");
  }
  const rng = text("rng") ?? "r";
  if (rng !== "r" && rng !== "seedrandom") {
    throw new UsageError(`--rng must be "r" or "seedrandom", got ${q(rng)}`);
  }
  const link = text("link") ?? "logit";
  if (!(LINKS as readonly string[]).includes(link)) {
    throw new UsageError(
      `--link must be one of ${LINKS.map((l) => `"${l}"`).join(", ")}, got ${q(link)}`,
    );
  }
  for (const name of ["weights", "offset"] as const) {
    if (given.has(name) && data === undefined) {
      throw new UsageError(`--${name} names a column of --data FILE.csv: give --data as well`);
    }
  }
  if (given.has("weights") && text("weights") === text("offset")) {
    throw new UsageError(`--weights and --offset name the same column ${q(text("weights")!)}`);
  }
  const o: Options = {
    ...defaults(false),
    json: given.has("json"),
    rng,
    seed: integer("seed", text("seed"), 42),
    n: integer("n", text("n"), 1000),
    k: integer("k", text("k"), 10),
    data: data?.value,
    intercept: given.has("intercept"),
    maxit: integer("maxit", text("maxit"), 25),
    epsilon: decimal("epsilon", text("epsilon"), 1e-10),
    epochs: integer("epochs", text("epochs"), 1000),
    batchSize: integer("batch-size", text("batch-size"), 1000),
    float32: given.has("float32"),
    progress: given.has("progress"),
    ...(given.has("weights") ? { weights: text("weights") } : {}),
    ...(given.has("offset") ? { offset: text("offset") } : {}),
    link: link as Link,
  };
  if (rng === "r" && Math.abs(o.seed) > INT_MAX) {
    throw new UsageError(
      `--seed must be between -${INT_MAX} and ${INT_MAX} for --rng r (as R's set.seed), got ${o.seed}`,
    );
  }
  if (o.n < 1) throw new UsageError(`--n must be at least 1, got ${o.n}`);
  if (o.k < 1) throw new UsageError(`--k must be at least 1, got ${o.k}`);
  if (o.maxit < 1 || o.maxit > MAX_MAXIT) {
    throw new UsageError(`--maxit must be between 1 and ${MAX_MAXIT}, got ${o.maxit}`);
  }
  if (!(o.epsilon > 0)) {
    throw new UsageError(
      `--epsilon must be greater than 0, got ${q(text("epsilon")!)}${
        o.epsilon === 0 && Number(text("epsilon")) === 0 && /[1-9]/.test(text("epsilon")!)
          ? " (below the smallest double, it rounds to 0)"
          : ""
      }`,
    );
  }
  if (o.epochs < 1 || o.epochs > MAX_EPOCHS) {
    throw new UsageError(`--epochs must be between 1 and ${MAX_EPOCHS}, got ${o.epochs}`);
  }
  if (o.batchSize < 1) throw new UsageError(`--batch-size must be at least 1, got ${o.batchSize}`);
  if (o.data === undefined) {
    checkSize(o.n, o.k, o.intercept, `--n ${o.n} with --k ${o.k} makes ${o.n} × ${o.k}`);
  }
  return o;
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
      `--${option}: no column named ${q(name)} in ${q(file)} (columns: ${
        ds.names.map(printableName).join(", ")
      })`,
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
        `--weights: column ${q(o.weights!)} holds ${w[bad]} at data row ${bad + 1}; ` +
          "weights must be non-negative",
      );
    }
    if (!w.some((v) => v > 0)) {
      throw new UsageError(
        `--weights: column ${q(o.weights!)} is all 0; some weight must be positive`,
      );
    }
  }
  if (ds.X.cols === 0 && !o.intercept) {
    throw new UsageError("no feature columns are left for glm; add --intercept or keep a feature");
  }
  return { ds, columns };
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

/** Where progress lines go: stderr in the command (each line prefixed by `reproduce: `). */
export type Say = (line: string) => void;

/** True when the network's work (epochs × N × (K + 1) multiply-adds) is worth a progress report. */
export function isLongRun(rows: number, cols: number, epochs: number): boolean {
  return epochs * rows * (cols + 1) >= LONG_RUN_WORK;
}

/** Loads or generates the data the options ask for. */
export async function loadData(
  o: Options,
  say: Say = () => {},
): Promise<{ ds: Dataset; rng: Rng; report: DataReport; columns: GlmColumns }> {
  let ds: Dataset;
  let rng: Rng;
  let columns: GlmColumns = {};
  if (o.data !== undefined) {
    const file = q(o.data);
    try {
      const { size } = await Deno.stat(o.data);
      if (o.progress || size >= 50e6) say(`reading ${file} (${(size / 1e6).toFixed(0)} MB)…`);
      ds = await readCsv(o.data, {
        beforeAllocate: ({ rows, cols }) =>
          checkSize(
            rows,
            cols,
            o.intercept,
            `--data ${file} holds up to ${rows} rows × ${cols} features`,
          ),
      });
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (e instanceof Deno.errors.NotFound) {
        throw new UsageError(`--data: cannot read ${file}: no such file`);
      }
      if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.IsADirectory) {
        throw new UsageError(`--data: cannot read ${file}: ${e.message}`);
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

/**
 * The network's progress for a long run: the first epoch, then a line at most every `everyMs`
 * (and the last epoch), each with the time left at the pace so far (the first epoch, which
 * compiles the kernel, is no guide to it).
 */
function epochLines(say: Say, everyMs = 2000): Callback {
  // From now: `fit` runs its first epoch before it calls onTrainBegin.
  const start = performance.now();
  let epochs = 0, last = start;
  return {
    onTrainBegin(params) {
      epochs = params.epochs;
    },
    onEpochEnd(epoch, logs) {
      const t = performance.now();
      if (epoch !== 0 && epoch + 1 !== epochs && t - last < everyMs) return;
      last = t;
      const left = (t - start) / (epoch + 1) * (epochs - epoch - 1);
      say(
        `network: ${formatEpoch(epoch, epochs, logs, t - start)}` +
          (epoch > 0 && epoch + 1 < epochs ? ` - about ${Math.ceil(left / 1000)} s left` : ""),
      );
    },
  };
}

/** Trains the network the tutorial builds with Keras (a bias only with `--intercept`). */
export async function trainNetwork(
  ds: Dataset,
  o: Options,
  say?: Say,
): Promise<{ report: NetworkReport; ms: number }> {
  const net = tutorialNetwork(ds.X.cols, { useBias: o.intercept });
  const dtype = o.float32 ? "float32" : "float64";
  const t0 = performance.now();
  let history;
  try {
    history = await net.fit(ds.X, ds.y, {
      epochs: o.epochs,
      batchSize: o.batchSize,
      dtype,
      verbose: 0,
      callbacks: say ? [epochLines(say)] : [],
    });
  } catch (e) {
    if (e instanceof TrainingError || (e instanceof Error && e.name === "ArgumentError")) {
      const hint = o.float32 && /float32's range/.test(e.message) ? " (leave out --float32)" : "";
      throw new RunError(`the network: ${e.message}${hint}`);
    }
    throw e;
  }
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

/**
 * Runs everything the options ask for and returns the report object. With `say`, long runs (or
 * `--progress`) report each step and the network's epochs through it.
 */
export async function reproduce(o: Options, say?: Say): Promise<Report> {
  const { ds, rng, report: data, columns } = await loadData(o, say);
  const long = say !== undefined && (o.progress || isLongRun(ds.X.rows, ds.X.cols, o.epochs));
  const step = long ? say : undefined;
  step?.(`glm: fitting ${ds.X.rows} rows × ${ds.X.cols} features…`);
  const g = fitGlm(ds, o, columns);
  step?.(
    `network: training ${o.epochs} epochs, batch size ${o.batchSize}, ${
      o.float32 ? "float32" : "float64"
    }…`,
  );
  const n = await trainNetwork(ds, o, step);
  step?.(`Adam by hand: ${o.epochs} epochs (it reports no progress of its own)…`);
  const t0 = performance.now();
  const scratch = scratchAdam(o.intercept ? withOnes(ds.X) : ds.X, ds.y, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    rng,
  });
  const scratchMs = performance.now() - t0;
  const theta = Array.from(scratch.theta);
  if (!theta.every(Number.isFinite)) {
    throw new RunError(
      `Adam by hand: the weights are not finite after ${o.epochs} epochs (${theta.join(", ")}); ` +
        `scale the features`,
    );
  }
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
    ? `read from ${printableName(d.file!)}`
    : `generated with the ${d.rng === "r" ? "R-compatible" : "seedrandom"} stream, seed ${d.seed}`;
  const names = d.names.map(printableName), coefNames = r.glm.names.map(printableName);
  console.log(`Data: ${d.n} rows × ${d.k} features, ${from}. First rows:\n`);
  console.log(
    table(d.head, { columns: names, rowNames: d.head.map((_, i) => String(i + 1)) })
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
      rowNames: coefNames,
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
    if (g.weights !== null) parts.push(`prior weights from column ${q(g.weights)}`);
    if (g.offset !== null) parts.push(`offset from column ${q(g.offset)}`);
    console.log(`glm: ${parts.join(", ")}; ${g.nobs} rows of positive weight`);
  }
  for (const w of g.warnings) console.log(`Warning: ${w}`);
  const t = r.timings;
  console.log(
    `Times: glm ${ms(t.glmMs)}, network ${ms(t.networkMs)}, Adam by hand ${ms(t.scratchAdamMs)}`,
  );
}

if (import.meta.main) {
  const say: Say = (line) => console.error(`reproduce: ${printableName(line)}`);
  try {
    const o = parseOptions(Deno.args);
    if (o.help) {
      console.log(helpText());
    } else {
      const r = await reproduce(o, say);
      // JSON.stringify escapes C0 controls; printableName escapes the rest (DEL, C1, bidi).
      if (o.json) console.log(printableName(JSON.stringify(r)));
      else printText(r);
    }
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && e.name === "ArgumentError")) {
      console.error(`reproduce: ${printableName(e.message)}`);
      Deno.exit(2);
    }
    if (e instanceof RunError) {
      console.error(`reproduce: ${printableName(e.message)}`);
      Deno.exit(1);
    }
    throw e;
  }
}
