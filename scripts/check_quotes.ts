/**
 * Checks that every number a notebook's prose quotes is true to the notebook: each decimal number
 * in a markdown cell must appear, to the digits written, in one of the notebook's outputs or in its
 * code, or be listed in the cell's metadata as quoted from elsewhere:
 *
 *     "metadata": { "quoted": { "tutorial": ["0.000239"], "paper": ["0.999"] } }
 *
 * "To the digits written" means: some number in an output or in the code, rounded to as many
 * significant digits as the quote has, equals the quote (signs are ignored: prose says
 * |β₁| ≈ 0.003 of a coefficient printed as -0.003036788). Integers are not checked (epochs, sizes,
 * section numbers); numbers inside links and inline HTML attributes are skipped.
 *
 *     deno run --allow-read scripts/check_quotes.ts [NOTEBOOK...]
 *
 * @module
 */

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata?: { quoted?: Record<string, string[]> };
  outputs?: Output[];
}

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

/** One quoted number that the notebook does not back. */
export interface Unbacked {
  cell: number;
  quote: string;
  context: string;
}

const join = (s: string | string[] | undefined): string => Array.isArray(s) ? s.join("") : s ?? "";

const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** Powers of ten written with a Unicode minus or superscripts (1.5·10⁻⁸, 2 × 10^-4) as e-notation. */
function normalise(text: string): string {
  return text
    .replace(/\u2212/g, "-")
    .replace(/\s*(?:×|·|\\times|\\cdot)\s*10\^\{?(-?\d+)\}?/g, "e$1")
    // 1.5·10⁻⁸, as the figures write numbers
    .replace(
      /\s*(?:×|·)\s*10(⁻?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)/g,
      (_m, minus: string, digits: string) =>
        `e${minus ? "-" : ""}${[...digits].map((d) => SUPERSCRIPTS.indexOf(d)).join("")}`,
    );
}

/** The decimal numbers of a text, as written (a Unicode minus or superscripts are normalised). */
export function numbersIn(text: string): string[] {
  return [
    ...normalise(text).matchAll(
      /(?<![\w.])\d*\.\d+(?:e[-+]?\d+)?(?![\w.])|(?<![\w.])\d+e[-+]?\d+/gi,
    ),
  ]
    .map((m) => m[0]);
}

/** Significant digits of a written number ("0.000327" → 3, "1376.83" → 6, "2.2e-15" → 2). */
export function significantDigits(written: string): number {
  const mantissa = written.toLowerCase().split("e")[0].replace(".", "").replace(/^0+/, "");
  return Math.max(1, mantissa.length);
}

/** Whether `value` rounded to the quote's significant digits is the quote (signs ignored). */
export function backs(value: number, quote: string): boolean {
  const q = Math.abs(Number(quote));
  if (!Number.isFinite(value) || !Number.isFinite(q)) return false;
  const v = Math.abs(value);
  if (q === 0) return v === 0;
  return Number(v.toPrecision(significantDigits(quote))) === q;
}

/** Removes what is not prose: link targets, HTML attributes, code fences' info strings. */
function prose(markdown: string): string {
  return markdown
    .replace(/\]\([^)]*\)/g, "]")
    .replace(/<[^>]+>/g, " ")
    .replace(/https?:\/\/\S+/g, " ");
}

/** The numbers a notebook's outputs and code contain. */
function backing(cells: Cell[]): number[] {
  const texts: string[] = [];
  for (const c of cells) {
    if (c.cell_type !== "code") continue;
    texts.push(join(c.source));
    for (const o of c.outputs ?? []) {
      texts.push(join(o.text));
      for (const [mime, v] of Object.entries(o.data ?? {})) {
        if (mime.startsWith("text/") || mime === "image/svg+xml") texts.push(join(v));
      }
    }
  }
  const all = normalise(texts.join("\n"));
  return [...all.matchAll(/\d*\.?\d+(?:e[-+]?\d+)?/gi)].map((m) => Number(m[0]));
}

/** The quoted numbers of a notebook that neither its outputs nor its code nor its metadata back. */
export function unbacked(notebook: { cells: Cell[] }): Unbacked[] {
  const values = backing(notebook.cells);
  const out: Unbacked[] = [];
  notebook.cells.forEach((c, i) => {
    if (c.cell_type !== "markdown") return;
    const text = prose(join(c.source));
    const declared = new Set(Object.values(c.metadata?.quoted ?? {}).flat());
    for (const quote of new Set(numbersIn(text))) {
      if (declared.has(quote)) continue;
      if (values.some((v) => backs(v, quote))) continue;
      const at = text.indexOf(quote);
      out.push({
        cell: i,
        quote,
        context: text.slice(Math.max(0, at - 50), at + quote.length + 30).replace(/\s+/g, " "),
      });
    }
  });
  return out;
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname;
  const files = Deno.args.length > 0 ? Deno.args : [...Deno.readDirSync(`${root}notebooks`)]
    .filter((e) => e.name.endsWith(".ipynb"))
    .map((e) => `${root}notebooks/${e.name}`)
    .sort();
  let bad = 0;
  for (const file of files) {
    for (const u of unbacked(JSON.parse(Deno.readTextFileSync(file)))) {
      bad++;
      console.error(`${file.replace(root, "")}, cell ${u.cell}: ${u.quote} in "…${u.context}…"`);
    }
  }
  if (bad > 0) {
    console.error(
      `check_quotes: ${bad} quoted number(s) appear in no output or code of their notebook; ` +
        `correct them, or list them in the cell's metadata "quoted" (e.g. {"tutorial": [...]})`,
    );
    Deno.exit(1);
  }
  console.error(`check_quotes: every quoted number of ${files.length} notebooks is backed`);
}
