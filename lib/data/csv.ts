/**
 * The tutorial's data as CSV: reading a file of numeric features and a 0/1 `target` column into a
 * {@linkcode Dataset} (with errors that name the file, the line and the column), and writing one
 * back so that every double survives the round trip.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import type { Matrix } from "../core/matrix.ts";
import { checkLabels, checkMatrix } from "../core/validate.ts";
import type { Dataset } from "./dataset.ts";

/**
 * A CSV file that cannot be read as a dataset. The message starts with `source:line:`; `line`
 * is 1-based and `column` names the offending column when there is one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvError } from "./csv.ts";
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
 * import { parseCsv } from "./csv.ts";
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
  const header = parseHeader(lines[li], source, li + 1);
  const { features, labels } = parseRows(lines, li + 1, header, source);
  if (labels.length === 0) {
    throw new CsvError(source, header.line, "no data rows after the header");
  }
  const k = header.cells.length - 1;
  const X: Matrix = { rows: labels.length, cols: k, data: Float64Array.from(features) };
  return { X, y: Float64Array.from(labels), names: header.names, target: "target" };
}

/** The header row: its cells, the position of `target`, the feature names, its line number. */
interface Header {
  cells: string[];
  target: number;
  names: string[];
  line: number;
}

/** Reads the header row: non-empty, distinct names, one of them `target`. */
function parseHeader(text: string, source: string, line: number): Header {
  const cells = splitLine(text, source, line);
  if (cells.every((h) => Number.isFinite(parseNumber(h)))) {
    throw new CsvError(
      source,
      line,
      "missing header row: the first line holds only numbers; add a line of column names",
    );
  }
  const seen = new Map<string, number>();
  cells.forEach((name, j) => {
    if (name === "") {
      throw new CsvError(source, line, `column ${j + 1} has an empty name`);
    }
    const before = seen.get(name);
    if (before !== undefined) {
      throw new CsvError(
        source,
        line,
        `column "${name}": duplicate column name (columns ${before + 1} and ${j + 1})`,
        name,
      );
    }
    seen.set(name, j);
  });
  const target = seen.get("target");
  if (target === undefined) {
    throw new CsvError(source, line, `no column named "target" (columns: ${cells.join(", ")})`);
  }
  return { cells, target, names: cells.filter((_, j) => j !== target), line };
}

/** Reads the data rows after the header (from line index `from`), skipping blank lines. */
function parseRows(
  lines: string[],
  from: number,
  { cells: header, target }: Header,
  source: string,
): { features: number[]; labels: number[] } {
  const width = header.length;
  const features: number[] = [];
  const labels: number[] = [];
  for (let li = from; li < lines.length; li++) {
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
      if (j === target) {
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
  return { features, labels };
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
 * import { formatCsv } from "./csv.ts";
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
 * import { readCsv } from "./csv.ts";
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
 * import { generateData } from "./dataset.ts";
 * import { writeCsv } from "./csv.ts";
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
