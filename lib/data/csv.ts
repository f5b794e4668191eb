/**
 * CSV text as a dataset: numeric features and a 0/1 `target` column read into a
 * {@linkcode Dataset}, with errors that name the source, the line and the column. Reading and
 * writing files is `csv_file.ts`.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
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
 * import { printableName } from "./csv.ts";
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
 * import { parseCsv } from "./csv.ts";
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
/** What a CSV holding a NUL character is told (shared with the file reader). */
export const NUL_PROBLEM: string =
  "holds a NUL character: this is a binary file, or UTF-16/UTF-32 text, not a " +
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
 * `readCsv` (in `csv_file.ts`) feed it, so they accept the same files and give the same errors.
 */
export class CsvBuilder {
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
