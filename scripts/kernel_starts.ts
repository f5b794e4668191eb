/**
 * Starts the project's Deno kernelspec many times, several at once, and reports the starts that
 * failed (see `scripts/kernel_starts.py`). Not part of the test run: 2,000 starts take minutes.
 *
 *     deno run -A scripts/kernel_starts.ts [--starts 2000] [--parallel 4] [--minutes M]
 *
 * @module
 */

import { exitLikeChild, python, root, spawnManaged } from "./jupyter.ts";

if (import.meta.main) {
  const child = spawnManaged(python, [`${root}/scripts/kernel_starts.py`, ...Deno.args]);
  const code = await child.code;
  exitLikeChild(child);
  Deno.exit(code);
}
