/**
 * The tutorial's data: generating it exactly as its R code does, showing its first rows, and
 * reading or writing it as CSV.
 *
 * The tutorial (section "Setup") runs
 *
 * ```r
 * set.seed(42)
 * X <- matrix(rnorm(10 * 1000, mean = 1, sd = 0.5), ncol = 10)
 * Y <- matrix(rbinom(1000, 1, 0.5))
 * data <- data.frame(X); data$target <- Y
 * ```
 *
 * and {@linkcode generateData} repeats those steps with {@linkcode rRng}, so that
 * `generateData()` equals R's `data` bit for bit.
 *
 * @module
 */

import { fromColumnMajor, type Matrix } from "../core/matrix.ts";
import { type Rng, rRng, seedrandomRng } from "../r/random.ts";
import {
  ArgumentError,
  checkFinite,
  checkInteger,
  checkLabels,
  checkMatrix,
} from "../core/validate.ts";

/** A design matrix with a 0/1 target, as in the tutorial's `data.frame`. */
export interface Dataset {
  /** The N×K features, one row per observation. */
  X: Matrix;
  /** The N labels, each 0 or 1. */
  y: Float64Array;
  /** The K feature names (R's `data.frame(X)` names them `X1`…`XK`). */
  names: string[];
  /** The name of the target column, `"target"`. */
  target: string;
}

/** Options of {@linkcode generateData}; every field has the tutorial's value as default. */
export interface GenerateOptions {
  /** Number of rows N (default 1000). */
  n?: number;
  /** Number of features K (default 10). */
  k?: number;
  /** Mean of the normal features (default 1). */
  mean?: number;
  /** Standard deviation of the normal features (default 0.5). */
  sd?: number;
  /** Probability that the target is 1 (default 0.5). */
  prob?: number;
  /** Seed (default 42); an integer for `"r"`, a number or string for `"seedrandom"`. */
  seed?: number | string;
  /** Which generator: R's own stream (default) or npm `seedrandom`. */
  rng?: "r" | "seedrandom";
}

/** A generated {@linkcode Dataset}, with the generator left in its state after generation. */
export interface GeneratedData extends Dataset {
  /**
   * The generator after drawing X and y: further draws continue the same stream, as further
   * calls continue R's stream after the tutorial's data step (its from-scratch Adam calls
   * `sample()` next).
   */
  rng: Rng;
  /** The seed used. */
  seed: number | string;
}

/**
 * Generates the tutorial's data: `X = matrix(rnorm(k*n, mean, sd), ncol = k)` (filled column by
 * column, as R does), then `y = rbinom(n, 1, prob)`. With the defaults and `rng: "r"` this is
 * exactly the data of the tutorial (R's `set.seed(42)`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateData } from "./dataset.ts";
 * const ds = generateData();
 * // The tutorial's head(data) shows X1 = 1.6854792 and target = 1 in the first row.
 * assert.ok(ds.X.rows === 1000 && ds.X.cols === 10);
 * assert.ok(Math.abs(ds.X.data[0] - 1.6854792) < 5e-8 && ds.y[0] === 1);
 * ```
 */
export function generateData(options: GenerateOptions = {}): GeneratedData {
  const {
    n = 1000,
    k = 10,
    mean = 1,
    sd = 0.5,
    prob = 0.5,
    seed = 42,
    rng: kind = "r",
  } = options;
  checkInteger("n", n, 1);
  checkInteger("k", k, 1);
  checkFinite("mean", mean);
  checkFinite("sd", sd);
  if (sd < 0) throw new ArgumentError("sd", `must be ≥ 0, got ${sd}`);
  checkFinite("prob", prob);
  if (prob < 0 || prob > 1) {
    throw new ArgumentError("prob", `must be a probability in [0, 1], got ${prob}`);
  }
  let rng: Rng;
  if (kind === "r") {
    if (typeof seed !== "number") {
      throw new ArgumentError(
        "seed",
        `must be an integer for rng "r", got ${JSON.stringify(seed)}`,
      );
    }
    rng = rRng(seed);
  } else if (kind === "seedrandom") {
    rng = seedrandomRng(seed);
  } else {
    throw new ArgumentError("rng", `must be "r" or "seedrandom", got ${JSON.stringify(kind)}`);
  }
  const X = fromColumnMajor(n, k, rng.rnorm(k * n, mean, sd));
  const y = rng.rbinom(n, 1, prob);
  const names = Array.from({ length: k }, (_, j) => `X${j + 1}`);
  return { X, y, names, target: "target", rng, seed };
}

/**
 * The first `n` rows of a dataset as plain arrays: the features, then the target — the numbers
 * R's `head(data)` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { head } from "./dataset.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const ds = { X: fromRows([[1, 2], [3, 4]]), y: Float64Array.of(0, 1), names: ["a", "b"], target: "target" };
 * assert.ok(JSON.stringify(head(ds, 1)) === "[[1,2,0]]");
 * ```
 */
export function head(ds: Dataset, n = 6): number[][] {
  checkInteger("n", n, 0);
  const rows = Math.min(n, ds.X.rows);
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const r = Array.from(ds.X.data.subarray(i * ds.X.cols, (i + 1) * ds.X.cols));
    r.push(ds.y[i]);
    out.push(r);
  }
  return out;
}

/** How far two datasets agree, value by value: see {@linkcode compareData}. */
export interface DataComparison {
  /** Values (features and labels) that are the very same double in both. */
  identical: number;
  /** Values compared: rows × (features + 1). */
  total: number;
  /** The largest absolute difference between corresponding values (0 when all are identical). */
  maxAbsDifference: number;
}

/**
 * Compares two datasets of the same shape value by value, bit for bit (`Object.is`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareData, generateData } from "./dataset.ts";
 * const c = compareData(generateData({ n: 5 }), generateData({ n: 5 }));
 * assert.ok(c.identical === 55 && c.total === 55);
 * ```
 */
export function compareData(a: Dataset, b: Dataset): DataComparison {
  if (a.X.rows !== b.X.rows || a.X.cols !== b.X.cols) {
    throw new ArgumentError(
      "b",
      `is ${b.X.rows}×${b.X.cols} but \`a\` is ${a.X.rows}×${a.X.cols}; compare datasets of one shape`,
    );
  }
  let identical = 0, maxAbsDifference = 0;
  const pairs: [ArrayLike<number>, ArrayLike<number>][] = [[a.X.data, b.X.data], [a.y, b.y]];
  for (const [u, v] of pairs) {
    for (let i = 0; i < u.length; i++) {
      if (Object.is(u[i], v[i])) identical++;
      else maxAbsDifference = Math.max(maxAbsDifference, Math.abs(u[i] - v[i]));
    }
  }
  return { identical, total: a.X.data.length + a.y.length, maxAbsDifference };
}

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * A CSV file that cannot be read as a dataset. The message starts with `source:line:`; `line`
 * is 1-based and `column` names the offending column when there is one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvError } from "./dataset.ts";
 * const e = new CsvError("data.csv", 5, 'column "X3": "abc" is not a finite number', "X3");
 * assert.ok(e.message === 'data.csv:5: column "X3": "abc" is not a finite number');
 * ```
 */
export class CsvError extends Error {
  /** The file name (or other label) given as `source`. */
  readonly source: string;
  /** The 1-based line number. */
  readonly line: number;
  /** The offending column's name, if the problem is in one column. */
  readonly column?: string;
  /** Makes the error; the message is `source:line: problem`. */
  constructor(source: string, line: number, problem: string, column?: string) {
    super(`${source}:${line}: ${problem}`);
    this.name = "CsvError";
    this.source = source;
    this.line = line;
    this.column = column;
  }
}

/** A decimal number as JS and R write them (no hex, no Infinity/NaN, no blanks). */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseNumber(cell: string): number {
  const t = cell.trim();
  if (!NUMBER.test(t)) return NaN;
  return Number(t);
}

/** Splits one CSV line into cells; a cell may be wrapped in double quotes ("" inside = "). */
function splitLine(line: string, source: string, lineNo: number): string[] {
  const cells: string[] = [];
  let i = 0;
  while (true) {
    if (line[i] === '"') {
      let cell = "";
      i++;
      while (true) {
        if (i >= line.length) throw new CsvError(source, lineNo, "unterminated quoted cell");
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else cell += line[i++];
      }
      if (i < line.length && line[i] !== ",") {
        throw new CsvError(source, lineNo, `unexpected text after quoted cell "${cell}"`);
      }
      cells.push(cell);
    } else {
      const end = line.indexOf(",", i);
      cells.push(line.slice(i, end < 0 ? line.length : end).trim());
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) break;
    i++; // the comma
    if (i === line.length) { // a trailing comma: one more empty cell
      cells.push("");
      break;
    }
  }
  return cells;
}

/**
 * Parses CSV text into a dataset: a header row, numeric feature columns and a 0/1 column named
 * `target` (in any position). Blank lines are skipped. Errors are {@linkcode CsvError}s naming
 * `source`, the line and, where it applies, the column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsv } from "./dataset.ts";
 * const ds = parseCsv("a,target,b\n1.5,1,2\n-3,0,4e-3\n");
 * assert.ok(ds.names.join() === "a,b" && ds.X.data[3] === 0.004 && ds.y[0] === 1);
 * ```
 */
export function parseCsv(text: string, { source = "data.csv" }: { source?: string } = {}): Dataset {
  if (typeof text !== "string") throw new ArgumentError("text", "must be a string");
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let li = 0;
  while (li < lines.length && lines[li].trim() === "") li++;
  if (li === lines.length) throw new CsvError(source, 1, "the file is empty");
  const headerLine = li + 1;
  const header = splitLine(lines[li], source, headerLine);
  if (header.every((h) => Number.isFinite(parseNumber(h)))) {
    throw new CsvError(
      source,
      headerLine,
      "missing header row: the first line holds only numbers; add a line of column names",
    );
  }
  const seen = new Map<string, number>();
  header.forEach((name, j) => {
    if (name === "") {
      throw new CsvError(source, headerLine, `column ${j + 1} has an empty name`);
    }
    const before = seen.get(name);
    if (before !== undefined) {
      throw new CsvError(
        source,
        headerLine,
        `column "${name}": duplicate column name (columns ${before + 1} and ${j + 1})`,
        name,
      );
    }
    seen.set(name, j);
  });
  const t = seen.get("target");
  if (t === undefined) {
    throw new CsvError(
      source,
      headerLine,
      `no column named "target" (columns: ${header.join(", ")})`,
    );
  }
  const width = header.length;
  const k = width - 1;
  const names = header.filter((_, j) => j !== t);
  const features: number[] = [];
  const labels: number[] = [];
  for (li++; li < lines.length; li++) {
    const line = lines[li];
    if (line.trim() === "") continue;
    const lineNo = li + 1;
    const cells = splitLine(line, source, lineNo);
    if (cells.length !== width) {
      throw new CsvError(
        source,
        lineNo,
        `expected ${width} cells (as in the header), found ${cells.length}`,
      );
    }
    for (let j = 0; j < width; j++) {
      const value = parseNumber(cells[j]);
      if (!Number.isFinite(value)) {
        throw new CsvError(
          source,
          lineNo,
          `column "${header[j]}": ${JSON.stringify(cells[j])} is not a finite number`,
          header[j],
        );
      }
      if (j === t) {
        if (value !== 0 && value !== 1) {
          throw new CsvError(
            source,
            lineNo,
            `column "target": ${JSON.stringify(cells[j])} is not 0 or 1`,
            "target",
          );
        }
        labels.push(value === 0 ? 0 : 1);
      } else features.push(value);
    }
  }
  if (labels.length === 0) {
    throw new CsvError(source, headerLine, "no data rows after the header");
  }
  const X: Matrix = { rows: labels.length, cols: k, data: Float64Array.from(features) };
  return { X, y: Float64Array.from(labels), names, target: "target" };
}

/** Shortest text that parses back to the same double; -0 is written as "-0". */
function formatNumber(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}

function formatName(name: string): string {
  return /[",\r\n]/.test(name) || name !== name.trim() ? `"${name.replaceAll('"', '""')}"` : name;
}

/**
 * Writes a dataset as CSV text: a header row of the feature names and `target` (last), then one
 * line per row. Numbers use the shortest text that parses back to the same double (JavaScript's
 * `String(x)`), and -0 is written as `-0`, so {@linkcode parseCsv} gives back every bit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCsv } from "./dataset.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const ds = { X: fromRows([[0.1 + 0.2, -0]]), y: Float64Array.of(1), names: ["a", "b"], target: "target" };
 * assert.ok(formatCsv(ds) === "a,b,target\n0.30000000000000004,-0,1\n");
 * ```
 */
export function formatCsv(ds: Dataset): string {
  checkMatrix("ds.X", ds.X);
  checkLabels("ds.y", ds.y, ds.X.rows);
  if (!Array.isArray(ds.names) || ds.names.length !== ds.X.cols) {
    throw new ArgumentError(
      "ds.names",
      `must hold one name per column of X (${ds.X.cols}), got ${ds.names?.length}`,
    );
  }
  const all = [...ds.names, "target"];
  if (new Set(all).size !== all.length || all.some((n) => n === "")) {
    throw new ArgumentError(
      "ds.names",
      `must be distinct, non-empty and not "target", got ${ds.names.join(", ")}`,
    );
  }
  const { rows, cols, data } = ds.X;
  const out: string[] = [all.map(formatName).join(",")];
  const cells: string[] = new Array(cols + 1);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) cells[j] = formatNumber(data[i * cols + j]);
    cells[cols] = ds.y[i] === 1 ? "1" : "0";
    out.push(cells.join(","));
  }
  return out.join("\n") + "\n";
}

/**
 * Reads a CSV file into a dataset (see {@linkcode parseCsv}); errors name the file.
 *
 * @example
 * ```ts ignore
 * import { readCsv } from "./dataset.ts";
 * const ds = await readCsv("data/tutorial.csv"); // needs --allow-read
 * ```
 */
export async function readCsv(path: string): Promise<Dataset> {
  return parseCsv(await Deno.readTextFile(path), { source: path });
}

/**
 * Writes a dataset as CSV (see {@linkcode formatCsv}). The text goes to a temporary file in the
 * same folder, which is then renamed into place, so `path` never holds a half-written file; on
 * failure the temporary file is removed.
 *
 * @example
 * ```ts ignore
 * import { generateData, writeCsv } from "./dataset.ts";
 * await writeCsv("my-data.csv", generateData({ n: 100 })); // needs --allow-write
 * ```
 */
export async function writeCsv(path: string, ds: Dataset): Promise<void> {
  const text = formatCsv(ds); // validate before touching the disk
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : path.slice(0, slash) || "/";
  const base = path.slice(slash + 1);
  const tmp = `${dir}/.${base}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text, { createNew: true });
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}
