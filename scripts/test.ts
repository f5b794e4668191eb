/**
 * Runs the whole test suite with the fewest permissions each part needs, and ends with one summary
 * line `tests: N passed, N failed`.
 *
 * - `lib/` (doc examples) and `tests/*_test.ts`: only `--allow-read` (and `.cache/` for the CSV
 *   writing tests);
 * - `tests/e2e/`: the notebooks through Jupyter and the book in Chromium, with all permissions
 *   (the browser driver and the kernel need them).
 *
 * Extra arguments are passed to both `deno test` runs (e.g. `--filter glm`).
 *
 * @module
 */

import { exitLikeChild, root, spawnManaged } from "./jupyter.ts";

const libTests: string[] = [];
for (const e of Deno.readDirSync(`${root}/tests`)) {
  if (e.isFile && e.name.endsWith("_test.ts")) libTests.push(`tests/${e.name}`);
}

const suites: { name: string; args: string[] }[] = [
  {
    name: "lib",
    args: ["--allow-read", "--allow-write=.cache", "--doc", "lib/", ...libTests.sort()],
  },
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
