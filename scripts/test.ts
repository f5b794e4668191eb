/**
 * Runs the whole test suite with the fewest permissions each part needs, and ends with one summary
 * line `tests: N passed, N failed`.
 *
 * - the lib's tests and doc examples (`tests/doc_examples_test.ts`) as plain `deno test`, with no
 *   permission; then the files whose tests read or write files, with `--allow-read` and
 *   `--allow-write=.cache`;
 * - `tests/e2e/`: the notebooks through Jupyter and the book in Chromium, with all permissions
 *   (the browser driver and the kernel need them).
 *
 * Extra arguments are passed to both `deno test` runs (e.g. `--filter glm`).
 *
 * @module
 */

import { exitLikeChild, spawnManaged } from "./jupyter.ts";

// The lib's tests run as a reader runs them, as plain `deno test` (deno.json's "test" settings pick
// tests/ without tests/e2e/, and no permission is granted); then the few tests that read or write
// files, which plain `deno test` reports as ignored, run again with just those permissions.
const fileTests = [
  "tests/data_test.ts",
  "tests/layout_test.ts",
  "tests/reproduce_glm_test.ts",
  "tests/reproduce_test.ts",
];
const suites: { name: string; args: string[] }[] = [
  { name: "lib", args: [] },
  { name: "lib (files)", args: ["--allow-read", "--allow-write=.cache", ...fileTests] },
  { name: "e2e", args: ["--allow-all", "tests/e2e/"] },
];

let passed = 0, failed = 0, ok = true;
for (const suite of suites) {
  // Stopping this script (Ctrl+C, SIGTERM) stops the test run and whatever it started.
  const child = spawnManaged(Deno.execPath(), ["test", ...suite.args, ...Deno.args], {
    pipeStdout: true,
    withoutJupyterEnv: true,
  });
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout!) {
    const text = decoder.decode(chunk, { stream: true });
    await Deno.stdout.write(chunk);
    tail = (tail + text).slice(-2000);
  }
  const code = await child.code;
  exitLikeChild(child);
  // deno-lint-ignore no-control-regex
  const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
  const m = plain.match(/(\d+) passed[^\n]*?\| (\d+) failed/);
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (code !== 0) ok = false;
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
if (!ok) Deno.exit(1);
