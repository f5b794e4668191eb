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

import { fromColumnMajor, type Matrix } from "./matrix.ts";
import { type Rng, rRng, seedrandomRng } from "./random.ts";
import { ArgumentError, checkFinite, checkInteger, checkLabels, checkMatrix } from "./validate.ts";

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
 * import { generateData } from "./data.ts";
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
  checkDraws(X, mean, sd);
  const y = rng.rbinom(n, 1, prob);
  const names = Array.from({ length: k }, (_, j) => `X${j + 1}`);
  return { X, y, names, target: "target", rng, seed };
}

/** Rejects draws mean + sd·z that overflowed float64: names `mean` and `sd` and the limit. */
function checkDraws(X: Matrix, mean: number, sd: number): void {
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (Number.isFinite(d[i])) continue;
    throw new ArgumentError(
      Math.abs(mean) >= sd ? "mean" : "sd",
      `is too large: with mean ${mean} and sd ${sd} the draw mean + sd·z at row ` +
        `${Math.floor(i / X.cols) + 1}, column ${(i % X.cols) + 1} is ${d[i]}; |mean| + 9·sd ` +
        `must stay below ${Number.MAX_VALUE} (normal draws reach |z| ≈ 9)`,
    );
  }
}

/**
 * The first `n` rows of a dataset as plain arrays: the features, then the target — the numbers
 * R's `head(data)` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { head } from "./data.ts";
 * import { fromRows } from "./matrix.ts";
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
 * import { compareData, generateData } from "./data.ts";
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
 * import { CsvError } from "./data.ts";
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
  // Fast path: a cell that starts with a digit, sign or point and is no 0x/0b/0o integer is a
  // decimal number exactly when Number() reads it as a finite one (the grammars then coincide).
  const c0 = cell.charCodeAt(0), c1 = cell.charCodeAt(1) | 32;
  if (
    ((c0 >= 48 && c0 <= 57) || c0 === 43 || c0 === 45 || c0 === 46) &&
    c1 !== 120 && c1 !== 98 && c1 !== 111
  ) {
    const v = Number(cell);
    return Number.isFinite(v) ? v : NaN;
  }
  const t = cell.trim();
  if (!NUMBER.test(t)) return NaN;
  return Number(t);
}

/**
 * A name (or any text from a file) as it can be printed safely: control characters — C0, DEL
 * and C1, which a terminal may take for the start of an escape sequence — and the invisible
 * bidirectional-text controls are written as `\u001b` and so on; everything else is kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printableName } from "./data.ts";
 * assert.equal(printableName("X1\u001b[2J"), "X1\\u001b[2J");
 * assert.equal(printableName("Größe"), "Größe");
 * ```
 */
export function printableName(name: string): string {
  return name.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** C0, DEL, C1, the line/paragraph separators and the bidirectional-text controls. */
// deno-lint-ignore no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** Text from the file in double quotes, for a message: printable, inner quotes escaped. */
const quoted = (text: string) => `"${printableName(text).replaceAll('"', '\\"')}"`;

/** The first `max` names, printable, then how many more. */
function nameList(names: string[], max = 20): string {
  const shown = names.slice(0, max).map(printableName).join(", ");
  return names.length > max ? `${shown}, … (${names.length - max} more)` : shown;
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
        throw new CsvError(source, lineNo, `unexpected text after quoted cell ${quoted(cell)}`);
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
 * import { parseCsv } from "./data.ts";
 * const ds = parseCsv("a,target,b\n1.5,1,2\n-3,0,4e-3\n");
 * assert.ok(ds.names.join() === "a,b" && ds.X.data[3] === 0.004 && ds.y[0] === 1);
 * ```
 */
export function parseCsv(text: string, { source = "data.csv" }: { source?: string } = {}): Dataset {
  if (typeof text !== "string") throw new ArgumentError("text", "must be a string");
  const body = text.replace(/^\uFEFF/, "");
  const nul = body.indexOf("\0");
  if (nul >= 0) {
    const line = body.slice(0, nul).split(/\r\n|\r|\n/).length;
    throw new CsvError(source, line, NUL_PROBLEM);
  }
  const lines = body.split(/\r\n|\r|\n/);
  const builder = new CsvBuilder(source, lines.length);
  for (const line of lines) builder.line(line);
  return builder.finish();
}

/** What a NUL character means in a file meant to be a CSV. */
const NUL_PROBLEM = "holds a NUL character: this is a binary file, or UTF-16/UTF-32 text, not a " +
  "CSV text file; save it as UTF-8 (or ASCII) CSV";

/** Blank: nothing but white space. */
const BLANK = /^\s*$/;

/** The shape of a CSV file's data, as {@linkcode ReadCsvOptions.beforeAllocate} gets it. */
export interface CsvShape {
  /** At most this many data rows (the lines after the header; blank ones are skipped later). */
  rows: number;
  /** Feature columns K (every column but `target`). */
  cols: number;
}

/**
 * Builds a dataset line by line: first the header, then each data row parsed straight into a
 * preallocated X and y, without an array of cells per row. Both {@linkcode parseCsv} and
 * {@linkcode readCsv} feed it, so they accept the same files and give the same errors.
 */
class CsvBuilder {
  readonly #source: string;
  readonly #maxLines: number;
  readonly #beforeAllocate?: (shape: CsvShape) => void;
  #lineNo = 0;
  #header: string[] | undefined;
  #headerLine = 0;
  #target = -1;
  #X = new Float64Array(0);
  #y = new Float64Array(0);
  #rows = 0;

  /** `maxLines`: at most this many lines in all (the header included), to size X and y. */
  constructor(source: string, maxLines: number, beforeAllocate?: (shape: CsvShape) => void) {
    this.#source = source;
    this.#maxLines = maxLines;
    this.#beforeAllocate = beforeAllocate;
  }

  /** The number of the last line given (1-based). */
  get lineNo(): number {
    return this.#lineNo;
  }

  /** Takes the next line (without its line break). */
  line(text: string): void {
    const lineNo = ++this.#lineNo;
    if (BLANK.test(text)) return;
    if (this.#header === undefined) this.#readHeader(text, lineNo);
    else this.#readRow(text, lineNo);
  }

  #readHeader(text: string, lineNo: number): void {
    const source = this.#source;
    const header = splitLine(text, source, lineNo);
    if (header.every((h) => Number.isFinite(parseNumber(h)))) {
      throw new CsvError(
        source,
        lineNo,
        "missing header row: the first line holds only numbers; add a line of column names",
      );
    }
    const seen = new Map<string, number>();
    header.forEach((name, j) => {
      if (name === "") {
        throw new CsvError(source, lineNo, `column ${j + 1} has an empty name`);
      }
      const before = seen.get(name);
      if (before !== undefined) {
        throw new CsvError(
          source,
          lineNo,
          `column ${quoted(name)}: duplicate column name (columns ${before + 1} and ${j + 1})`,
          name,
        );
      }
      seen.set(name, j);
    });
    const t = seen.get("target");
    if (t === undefined) {
      throw new CsvError(source, lineNo, `no column named "target" (columns: ${nameList(header)})`);
    }
    const rows = Math.max(1, this.#maxLines - lineNo), cols = header.length - 1;
    this.#beforeAllocate?.({ rows, cols });
    this.#X = new Float64Array(rows * cols);
    this.#y = new Float64Array(rows);
    this.#header = header;
    this.#headerLine = lineNo;
    this.#target = t;
  }

  #readRow(line: string, lineNo: number): void {
    const header = this.#header!, width = header.length, k = width - 1, t = this.#target;
    if (this.#rows === this.#y.length) this.#grow();
    const X = this.#X, base = this.#rows * k, n = line.length;
    // The first bad cell is reported only once the count of cells is known to be right.
    let j = 0, i = 0, bad = -1, badCell = "", badLabel = false;
    for (;;) {
      let cell: string, isQuoted = false;
      if (i < n && line.charCodeAt(i) === 34) { // a quoted cell (rare): "" inside is "
        isQuoted = true;
        cell = "";
        i++;
        for (;;) {
          if (i >= n) throw new CsvError(this.#source, lineNo, "unterminated quoted cell");
          if (line.charCodeAt(i) === 34) {
            if (line.charCodeAt(i + 1) !== 34) break;
            cell += '"';
            i += 2;
          } else cell += line[i++];
        }
        i++;
        if (i < n && line.charCodeAt(i) !== 44) {
          throw new CsvError(
            this.#source,
            lineNo,
            `unexpected text after quoted cell ${quoted(cell)}`,
          );
        }
      } else {
        const end = line.indexOf(",", i);
        cell = line.slice(i, end < 0 ? n : end);
        i = end < 0 ? n : end;
      }
      if (j < width) {
        const v = parseNumber(cell);
        if (bad < 0 && (!Number.isFinite(v) || (j === t && v !== 0 && v !== 1))) {
          bad = j;
          badCell = isQuoted ? cell : cell.trim();
          badLabel = Number.isFinite(v);
        }
        if (j === t) this.#y[this.#rows] = v === 0 ? 0 : 1;
        else X[base + (j < t ? j : j - 1)] = v;
      }
      j++;
      if (i >= n) break;
      i++; // the comma; a trailing comma leaves one more, empty, cell
    }
    if (j !== width) {
      throw new CsvError(
        this.#source,
        lineNo,
        `expected ${width} cells (as in the header), found ${j}`,
      );
    }
    if (bad >= 0) {
      const name = header[bad];
      throw new CsvError(
        this.#source,
        lineNo,
        `column ${quoted(name)}: ${quoted(badCell)} is ${
          badLabel ? "not 0 or 1" : "not a finite number"
        }`,
        name,
      );
    }
    this.#rows++;
  }

  /** More rows than counted (the file grew between two readings): double the room. */
  #grow(): void {
    const k = this.#header!.length - 1, rows = 2 * this.#y.length;
    this.#beforeAllocate?.({ rows, cols: k });
    const X = new Float64Array(rows * k), y = new Float64Array(rows);
    X.set(this.#X);
    y.set(this.#y);
    this.#X = X;
    this.#y = y;
  }

  /** The dataset; X and y are views of the preallocated arrays when blank lines left room. */
  finish(): Dataset {
    const header = this.#header;
    if (header === undefined) throw new CsvError(this.#source, 1, "the file is empty");
    if (this.#rows === 0) {
      throw new CsvError(this.#source, this.#headerLine, "no data rows after the header");
    }
    const rows = this.#rows, k = header.length - 1;
    const data = rows * k === this.#X.length ? this.#X : this.#X.subarray(0, rows * k);
    const y = rows === this.#y.length ? this.#y : this.#y.subarray(0, rows);
    return {
      X: { rows, cols: k, data },
      y,
      names: header.filter((_, j) => j !== this.#target),
      target: "target",
    };
  }
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
 * import { formatCsv } from "./data.ts";
 * import { fromRows } from "./matrix.ts";
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

/** Options of {@linkcode readCsv}. */
export interface ReadCsvOptions {
  /**
   * Called once the header is read and the lines are counted, before X and y are allocated
   * (8 bytes per number): throw from it to refuse a file that is too large.
   */
  beforeAllocate?: (shape: CsvShape) => void;
}

/**
 * Reads a CSV file into a dataset (see {@linkcode parseCsv}); errors name the file. The file is
 * read twice in chunks of 64 KiB, never whole: first to check its encoding and count its lines,
 * then to parse each row straight into X and y, allocated once at their final size. So the
 * memory taken is about that of the numbers as float64 (8 bytes each), whatever the size of the
 * text. Line breaks may be LF, CRLF or CR alone; a UTF-8 byte-order mark is skipped; UTF-16 and
 * binary files (NUL bytes) and invalid UTF-8 are refused with a message saying so.
 *
 * @example
 * ```ts ignore
 * import { readCsv } from "./data.ts";
 * const ds = await readCsv("data/tutorial.csv"); // needs --allow-read
 * ```
 */
export async function readCsv(path: string, options: ReadCsvOptions = {}): Promise<Dataset> {
  const file = await Deno.open(path, { read: true });
  try {
    const buf = new Uint8Array(1 << 16);
    // Pass 1: the encoding, and the number of lines (CRLF counts once).
    let breaks = 0, bytes = 0, lastByte = -1, prevCR = false;
    for (;;) {
      const got = await file.read(buf);
      if (got === null) break;
      if (bytes === 0) checkEncoding(buf.subarray(0, got), path);
      for (let i = 0; i < got; i++) {
        const c = buf[i];
        if (c === 10) {
          if (!prevCR) breaks++;
          prevCR = false;
        } else if (c === 13) {
          breaks++;
          prevCR = true;
        } else {
          prevCR = false;
          if (c === 0) {
            throw new CsvError(path, breaks + 1, `${NUL_PROBLEM} (byte ${bytes + i + 1})`);
          }
        }
      }
      bytes += got;
      lastByte = buf[got - 1];
    }
    const lines = breaks + (lastByte === 10 || lastByte === 13 || bytes === 0 ? 0 : 1);
    // Pass 2: decode and parse, line by line.
    await file.seek(0, Deno.SeekMode.Start);
    const builder = new CsvBuilder(path, lines, options.beforeAllocate);
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let carry = "", offset = 0;
    for (;;) {
      const got = await file.read(buf);
      const last = got === null;
      let text: string;
      try {
        text = carry + (last ? decoder.decode() : decoder.decode(buf.subarray(0, got), {
          stream: true,
        }));
      } catch {
        throw utf8Error(path, builder.lineNo, buf.subarray(0, got ?? 0), offset);
      }
      offset += got ?? 0;
      if (last) {
        const rest = text.split(/\r\n|\r|\n/);
        if (rest.at(-1) === "") rest.pop();
        for (const line of rest) builder.line(line);
        break;
      }
      // Complete lines only; a CR at the very end may be the first half of a CRLF.
      const end = text.endsWith("\r") ? text.length - 1 : text.length;
      const lb = end === 0
        ? -1
        : Math.max(text.lastIndexOf("\n", end - 1), text.lastIndexOf("\r", end - 1));
      if (lb < 0) {
        carry = text;
        continue;
      }
      const done = text.slice(0, lb + 1);
      const complete = done.includes("\r") ? done.split(/\r\n|\r|\n/) : done.split("\n");
      complete.pop(); // the empty string after the last break
      for (const line of complete) builder.line(line);
      carry = text.slice(lb + 1);
    }
    return builder.finish();
  } finally {
    file.close();
  }
}

/**
 * The error for bytes that are not UTF-8: names the first bad byte and its line when it can find
 * them (`lineNo`: lines complete before `chunk`; `offset`: the chunk's place in the file).
 */
function utf8Error(path: string, lineNo: number, chunk: Uint8Array, offset: number): CsvError {
  let at = -1;
  for (let i = 0; i < chunk.length && at < 0;) {
    const c = chunk[i];
    const more = c < 0x80
      ? 0
      : c >= 0xc2 && c <= 0xdf
      ? 1
      : c >= 0xe0 && c <= 0xef
      ? 2
      : c >= 0xf0 && c <= 0xf4
      ? 3
      : -1;
    if (more < 0) at = i;
    for (let j = 1; j <= more && at < 0 && i + j < chunk.length; j++) {
      if ((chunk[i + j] & 0xc0) !== 0x80) at = i;
    }
    i += more + 1;
  }
  const save = "save the file as UTF-8 (or ASCII) CSV";
  if (at < 0) {
    return new CsvError(
      path,
      lineNo + 1,
      chunk.length === 0
        ? `is not UTF-8 text: the file ends inside a multi-byte character; ${save}`
        : `is not UTF-8 text (an invalid byte sequence in bytes ${offset + 1}–${
          offset + chunk.length
        }); ${save}`,
    );
  }
  let line = lineNo + 1;
  for (let i = 0; i < at; i++) {
    if (chunk[i] === 10 ? i === 0 || chunk[i - 1] !== 13 : chunk[i] === 13) line++;
  }
  const hex = chunk[at].toString(16).toUpperCase();
  return new CsvError(
    path,
    line,
    `is not UTF-8 text: byte ${offset + at + 1} is 0x${hex}, which UTF-8 does not allow there ` +
      `(the file may be Latin-1 or Windows-1252); ${save}`,
  );
}

/** Refuses UTF-16/UTF-32 (by their byte-order marks) before anything is decoded. */
function checkEncoding(start: Uint8Array, path: string): void {
  const [a, b] = start;
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
    throw new CsvError(
      path,
      1,
      "the file is UTF-16 (or UTF-32) text: it starts with a byte-order mark " +
        `${a.toString(16).toUpperCase()} ${b.toString(16).toUpperCase()}; save it as UTF-8 ` +
        "(or ASCII) CSV",
    );
  }
}

/**
 * Writes a dataset as CSV (see {@linkcode formatCsv}). The text goes to a temporary file in the
 * same folder, which is then renamed into place, so `path` never holds a half-written file; on
 * failure the temporary file is removed.
 *
 * @example
 * ```ts ignore
 * import { generateData, writeCsv } from "./data.ts";
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
