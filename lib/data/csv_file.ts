/**
 * The tutorial's data as CSV files: reading a file in chunks straight into a dataset (errors name
 * the file, the line and the column; UTF-16, binary and invalid UTF-8 files are named as such),
 * and writing one so that every double survives the round trip and no half-written file is left.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import { checkLabels, checkMatrix } from "../core/validate.ts";
import { CsvBuilder, CsvError, type CsvShape, NUL_PROBLEM } from "./csv.ts";
import type { Dataset } from "./dataset.ts";

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
 * import { formatCsv } from "./csv_file.ts";
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
 * import { readCsv } from "./csv_file.ts";
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
 * import { writeCsv } from "./csv_file.ts";
 * import { generateData } from "./dataset.ts";
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
