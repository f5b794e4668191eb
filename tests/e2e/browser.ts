/** Headless Chromium for the end-to-end tests: where it is, and how it is started here. */

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

/**
 * Flags for a headless Chromium on a machine without a display or outside network: no sandbox
 * (the tests may run as root), no GPU, and none of the background connections it would otherwise
 * try to make.
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
