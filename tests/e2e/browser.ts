/** Headless Chromium for the end-to-end tests: where it is, and how it is started here. */

import { type BrowserContext, chromium } from "playwright-core";
import { root } from "../../scripts/jupyter.ts";

// Where Chromium is and the flags it starts with: the book's screenshots' (one definition).
import { CHROMIUM_ARGS, findChromium, launchHeadless } from "../../scripts/book_screenshots.ts";
export { CHROMIUM_ARGS, findChromium, launchHeadless };

/** A Chromium started by {@link launchChromium}. */
export interface Chromium {
  /** The browser's (only) context; open pages with `context.newPage()`. */
  context: BrowserContext;
  /** The scratch folder holding its profile and `$HOME`; removed by {@link Chromium.close}. */
  dir: string;
  /** Closes the browser and removes its scratch folder. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Removes `dir` and everything in it, trying again for a few seconds: a browser's helper
 * processes may still write into it just after the browser has closed.
 */
export async function removeTree(dir: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.remove(dir, { recursive: true });
      return;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      if (attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Whether process `pid` exists (Linux /proc; elsewhere every process counts as running). */
function alive(pid: number): boolean {
  if (Deno.build.os !== "linux") return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh folder `.cache/e2e/PREFIX-PID-XXXX` for this test process. Folders of the same kind left
 * by test processes that no longer run (killed before they could clean up) are removed first, so
 * that they never pile up.
 */
export async function scratchDir(prefix: string): Promise<string> {
  const base = `${root}/.cache/e2e`;
  await Deno.mkdir(base, { recursive: true });
  for await (const e of Deno.readDir(base)) {
    const m = e.name.match(new RegExp(`^${prefix}-(\\d+)-`));
    if (e.isDirectory && m && Number(m[1]) !== Deno.pid && !alive(Number(m[1]))) {
      await removeTree(`${base}/${e.name}`);
    }
  }
  return await Deno.makeTempDir({ dir: base, prefix: `${prefix}-${Deno.pid}-` });
}

/**
 * Starts headless Chromium with a fresh profile (`--user-data-dir`) in a scratch folder under
 * `.cache/e2e/`, and `$HOME` and the XDG folders pointing there too, so that nothing it writes
 * (profile, crash reports, dconf, caches) lands in the user's home. {@link Chromium.close} removes
 * the folder.
 */
export async function launchChromium(
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<Chromium> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error("no Chromium (set CHROMIUM to its path)");
  const dir = await scratchDir("chromium");
  const home = `${dir}/home`;
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(`${dir}/profile`, {
      executablePath,
      headless: true,
      viewport: opts.viewport ?? { width: 1280, height: 720 },
      env: {
        ...Deno.env.toObject(),
        HOME: home,
        XDG_CONFIG_HOME: `${home}/.config`,
        XDG_CACHE_HOME: `${home}/.cache`,
        XDG_DATA_HOME: `${home}/.local/share`,
      },
      args: [...CHROMIUM_ARGS],
    });
  } catch (e) {
    await removeTree(dir);
    throw e;
  }
  let closed = false;
  return {
    context,
    dir,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
      await removeTree(dir);
    },
  };
}
