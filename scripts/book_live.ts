/**
 * The book's live figures, added to the pages `scripts/notebooks.py` wrote: bundles the lib and
 * the figures' code for the browser into `site/live.js` (`deno bundle --platform browser`, one
 * classic script that also runs from `file://`), and adds `<script src="live.js" defer>` to each
 * page with a cell tagged `live:NAME`. The script puts each figure after its cell at load time;
 * the static page is otherwise untouched, so it reads the same without JavaScript.
 *
 *     deno run -A scripts/book_live.ts        after `deno task book` (which calls it itself)
 *
 * @module
 */

import { root } from "./jupyter.ts";

/** The tag class nbconvert gives a cell tagged `live:NAME`. */
const MARKER = "celltag_live:";
const SCRIPT = '<script src="live.js" defer></script>';

/** Writes `text` to `path` through a temporary file, so a reader never sees half a file. */
async function writeAtomic(path: string, text: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  if (typeof text === "string") await Deno.writeTextFile(tmp, text);
  else await Deno.writeFile(tmp, text);
  await Deno.rename(tmp, path);
}

/** Bundles `scripts/live/main.ts` into `out` (minified, for the browser). */
export async function bundle(out: string): Promise<void> {
  const tmp = `${out}.bundle.js`;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--format",
      "iife",
      "--minify",
      "--output",
      tmp,
      "scripts/live/main.ts",
    ],
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`bundling the live figures failed:\n${new TextDecoder().decode(stderr)}`);
  }
  await Deno.rename(tmp, out);
}

/** Adds the script to one page's HTML when it has a live figure; `null` when it has none. */
export function withScript(html: string): string | null {
  if (!html.includes(MARKER)) return null;
  if (html.includes(SCRIPT)) return html;
  const at = html.indexOf("</head>");
  if (at < 0) throw new Error("a page has no </head>; cannot add the live figures' script");
  return `${html.slice(0, at)}${SCRIPT}\n${html.slice(at)}`;
}

/**
 * Bundles the script into `site/live.js` and adds it to the pages with live figures; returns
 * those pages' names.
 */
export async function buildLive(site = `${root}/site`): Promise<string[]> {
  await bundle(`${site}/live.js`);
  const pages: string[] = [];
  for await (const e of Deno.readDir(site)) {
    if (!e.isFile || !e.name.endsWith(".html")) continue;
    const html = await Deno.readTextFile(`${site}/${e.name}`);
    const out = withScript(html);
    if (out === null) continue;
    if (out !== html) await writeAtomic(`${site}/${e.name}`, out);
    pages.push(e.name);
  }
  return pages.sort();
}

if (import.meta.main) {
  try {
    const pages = await buildLive();
    console.log(`live figures: site/live.js, added to ${pages.join(", ") || "no page"}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
