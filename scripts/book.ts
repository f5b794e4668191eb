/**
 * Builds the book: executes every notebook through the Deno Jupyter kernel and writes `site/`
 * (an index, one page per notebook, the API reference, a local MathJax), readable offline.
 *
 *     deno task book               build site/
 *     deno task book --check       also fail when stored outputs differ from the fresh run
 *     deno task book --screenshots then screenshot every page at 400 and 1280 px (site/screenshots/)
 *     deno task book --site DIR    build into DIR instead of site/
 *     deno task notebooks          execute and store the fresh outputs in notebooks/ (no site/)
 *
 * A failing cell fails the build with the notebook's name, the cell and the error. SIGINT, SIGTERM
 * or SIGHUP stop the build and every process it started (see `spawnManaged` in jupyter.ts).
 *
 * @module
 */

import { buildLive } from "./book_live.ts";
import { python, root, run } from "./jupyter.ts";

/** The files of MathJax 2 that the pages use (TeX input, CommonHTML output, TeX fonts). */
const MATHJAX_FILES = [
  "MathJax.js",
  "config/TeX-AMS_CHTML-full.js",
  "config/Safe.js",
  "extensions",
  "jax/input/TeX",
  "jax/output/CommonHTML",
  "jax/element",
  "fonts/HTML-CSS/TeX/woff",
  "localization/en",
];

async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from);
  if (info.isFile) {
    await Deno.mkdir(to.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.copyFile(from, to);
    return;
  }
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** The notebooks of the book, in reading order. */
export async function notebooks(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(`${root}/notebooks`)) {
    if (e.isFile && e.name.endsWith(".ipynb")) names.push(`notebooks/${e.name}`);
  }
  return names.sort();
}

/** The value of `--name VALUE` or `--name=VALUE` in `args`, if given. */
function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function build(args: string[]): Promise<void> {
  const write = args.includes("--write");
  const check = args.includes("--check");
  const site = option(args, "--site") ?? `${root}/site`;
  const flags = [...(check ? ["--check"] : []), ...(write ? ["--write"] : [])];
  if (!write) {
    await Deno.mkdir(site, { recursive: true });
    const mathjax = `${root}/node_modules/mathjax`;
    for (const f of MATHJAX_FILES) await copyTree(`${mathjax}/${f}`, `${site}/mathjax/${f}`);
    await run(Deno.execPath(), [
      "doc",
      "--html",
      "--name=Logistic regression is a neural network",
      `--output=${site}/api`,
      "lib/mod.ts",
    ], { quiet: true });
    flags.push("--html", site, "--api", "api/index.html");
  }
  await run(python, ["scripts/notebooks.py", ...flags, ...await notebooks()]);
  if (!write) console.log(`live figures added to ${(await buildLive(site)).join(", ")}`);
  if (args.includes("--screenshots") && !write) {
    const { screenshots } = await import("./book_screenshots.ts"); // loads the browser driver
    const files = await screenshots(site);
    console.log(`wrote ${files.length} screenshots to ${site}/screenshots/`);
  }
}

if (import.meta.main) {
  try {
    await build(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
