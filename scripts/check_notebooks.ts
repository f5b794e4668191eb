/**
 * Type-checks the notebooks: the Deno kernel runs cells without checking types (a misspelt export is
 * silently `undefined`), so this joins each notebook's code cells into one module under
 * `.cache/notebooks/` and runs `deno check` on them. Errors point at the notebook and code cell.
 *
 *     deno run -A scripts/check_notebooks.ts        (part of `deno task check`)
 *
 * @module
 */

import { notebooks } from "./book.ts";
import { root } from "./jupyter.ts";

interface Cell {
  cell_type: string;
  source: string | string[];
}

const out = `${root}/.cache/notebooks`;
await Deno.mkdir(out, { recursive: true });
const files: string[] = [];
const where = new Map<string, { line: number; cell: number }[]>();
for (const path of await notebooks()) {
  const nb = JSON.parse(await Deno.readTextFile(`${root}/${path}`)) as { cells: Cell[] };
  const name = path.replace(/^notebooks\//, "").replace(/\.ipynb$/, "");
  const starts: { line: number; cell: number }[] = [];
  let text = `// Code cells of ${path}, joined for type-checking.\n`;
  let code = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    code++;
    const src = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    text += `\n// --- code cell ${code}\n`;
    starts.push({ line: text.split("\n").length, cell: code });
    // The notebook's relative imports resolve from notebooks/; this file lives elsewhere.
    text += src.replaceAll('"../lib/', `"${root}/lib/`) + ";\n";
  }
  text += "\nexport {};\n";
  const file = `${out}/${name}.ts`;
  await Deno.writeTextFile(file, text);
  files.push(file);
  where.set(file, starts);
}

const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
  args: ["check", "--quiet", ...files],
  cwd: root,
  env: { NO_COLOR: "1" },
  stdout: "piped",
  stderr: "piped",
}).output();
let report = new TextDecoder().decode(stderr) + new TextDecoder().decode(stdout);
// Translate ".cache/notebooks/NAME.ts:LINE" into the notebook and its code cell.
report = report.replace(/file:\/\/\S*\.cache\/notebooks\/([\w-]+)\.ts:(\d+):(\d+)/g, (_m, n, l) => {
  const starts = where.get(`${out}/${n}.ts`) ?? [];
  const cell = starts.filter((s) => s.line <= Number(l)).pop();
  return `notebooks/${n}.ipynb, code cell ${cell?.cell ?? "?"}, line ${
    Number(l) - (cell?.line ?? 0) + 1
  }`;
});
if (code !== 0) {
  console.error(report);
  console.error("check_notebooks: the notebooks above do not type-check");
  Deno.exit(1);
}
console.log(`check_notebooks: ${files.length} notebooks type-check`);
