/** `deno task reproduce` as a user runs it: exit codes and one-line errors. */

import assert from "node:assert/strict";
import { root } from "../../scripts/jupyter.ts";

async function reproduce(...args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "scripts/reproduce.ts", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
}

Deno.test("reproduce --json prints one JSON object whose numbers parse back exactly", async () => {
  const { code, out } = await reproduce("--json");
  assert.equal(code, 0);
  const r = JSON.parse(out);
  assert.deepEqual(Object.keys(r).slice(0, 2), ["data", "glm"]);
  assert.equal(r.data.head[0][0], 1.6854792235733342);
  assert.equal(out.trim().split("\n").length, 1);
});

Deno.test("reproduce exits with code 2 and one line on a bad option or file", async () => {
  for (const args of [["--n", "0"], ["--data", "missing.csv"], ["--whatever"], ["--rng", "x"]]) {
    const { code, out, err } = await reproduce(...args);
    assert.equal(code, 2, `${args}: exit code`);
    assert.equal(out, "", `${args}: nothing on stdout`);
    assert.equal(err.trim().split("\n").length, 1, `${args}: one line, got ${err}`);
    assert.match(err, /^reproduce: /);
  }
});
