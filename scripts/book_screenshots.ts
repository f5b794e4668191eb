/**
 * Screenshots of the built book, for a reader to look at without a browser: every page of `site/`
 * (the index, the references, each notebook's page, the API reference's first page) at a phone's
 * width (400 px) and a desktop's (1280 px), the full length of the page, written to
 * `site/screenshots/<page>-<width>.png`.
 *
 *     deno task book --screenshots       build the book, then take the screenshots
 *     deno run -A scripts/book_screenshots.ts [SITE]    only take them (the book already built)
 *
 * The pages are opened from `file:` URLs, as a reader opens the folder, in headless Chromium
 * (`/usr/bin/chromium`, or the path in `CHROMIUM`), after MathJax has typeset the math.
 *
 * @module
 */

import { type Browser, chromium, type Page } from "playwright-core";
import { root } from "./jupyter.ts";

/** The widths, in CSS pixels, at which every page is taken: a phone's and a desktop's. */
export const WIDTHS: readonly number[] = [400, 1280];

/**
 * Flags for a headless Chromium on a machine without a display or outside network: no sandbox
 * (it may run as root), no GPU, and none of the background connections it would otherwise try to
 * make. The end-to-end tests start it the same way (`tests/e2e/browser.ts`); `--headless` is added
 * where it is launched.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The Chromium binary: `$CHROMIUM`, else Debian's; `undefined` when there is none. */
export function findChromium(): string | undefined {
  for (const p of [Deno.env.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (!p) continue;
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* not there */ }
  }
  return undefined;
}

/** A headless Chromium (the binary at `executablePath`, with {@linkcode CHROMIUM_ARGS}). */
export function launchHeadless(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: ["--headless", ...CHROMIUM_ARGS] });
}

/** The book's pages, relative to `site`: its own HTML pages, then the API reference's index. */
export function bookPages(site: string): string[] {
  const pages = [...Deno.readDirSync(site)]
    .filter((e) => e.isFile && e.name.endsWith(".html"))
    .map((e) => e.name)
    .sort((a, b) => (a === "index.html" ? -1 : b === "index.html" ? 1 : a.localeCompare(b)));
  try {
    if (Deno.statSync(`${site}/api/index.html`).isFile) pages.push("api/index.html");
  } catch { /* no API reference */ }
  return pages;
}

/** Waits until MathJax, if the page loads it, has typeset everything. */
export async function typeset(page: Page): Promise<void> {
  const hasMathJax = await page.evaluate(() =>
    document.querySelector('script[src*="MathJax.js"]') !== null
  );
  if (!hasMathJax) return;
  await page.waitForFunction(
    // deno-lint-ignore no-explicit-any
    () => (globalThis as any).MathJax?.isReady === true,
    undefined,
    { timeout: 30_000 },
  );
  // Once started, MathJax typesets through its queue; a callback queued now runs after that.
  await page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    new Promise<void>((resolve) => (globalThis as any).MathJax.Hub.Queue(() => resolve()))
  );
}

/** Takes every page of `site` at every width; returns the files written. */
export async function screenshots(site: string, out = `${site}/screenshots`): Promise<string[]> {
  const executablePath = findChromium();
  if (executablePath === undefined) {
    throw new Error(
      "screenshots need Chromium: install it (apt-get install chromium) or set CHROMIUM to its path",
    );
  }
  await Deno.mkdir(out, { recursive: true });
  const browser = await launchHeadless(executablePath);
  const written: string[] = [];
  try {
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      for (const name of bookPages(site)) {
        const page = await context.newPage();
        await page.goto(`file://${site}/${name}`, { waitUntil: "load" });
        await typeset(page);
        const file = `${out}/${name.replace(/\.html$/, "").replaceAll("/", "-")}-${width}.png`;
        await page.screenshot({ path: file, fullPage: true });
        written.push(file);
        await page.close();
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return written;
}

if (import.meta.main) {
  const site = Deno.args[0] ?? `${root}/site`;
  try {
    const files = await screenshots(site);
    console.log(`wrote ${files.length} screenshots to ${site}/screenshots/`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
