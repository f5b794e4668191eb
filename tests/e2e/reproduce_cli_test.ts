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

/** The tutorial's data as CSV, with `edit` applied to its lines, in a temporary file. */
async function tutorialCsv(edit: (lines: string[]) => string[]): Promise<string> {
  const text = await Deno.readTextFile(`${root}/data/tutorial.csv`);
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  await Deno.writeTextFile(path, edit(text.split("\n")).join("\n"));
  return path;
}

Deno.test("reproduce stops with exit code 1 and one clear line when training diverges", async () => {
  // One feature of 1e200: Adam's squared gradient overflows in the network's second epoch.
  const path = await tutorialCsv((l) => [l[0], l[1].replace(/^[^,]*/, "1e200"), ...l.slice(2)]);
  try {
    for (const extra of [[], ["--json"], ["--float32"]]) {
      const { code, out, err } = await reproduce("--data", path, ...extra);
      assert.equal(code, 1, `${extra}: exit code (${err})`);
      assert.equal(out, "", `${extra}: nothing on stdout`);
      assert.equal(err.trim().split("\n").length, 1, `${extra}: one line, got ${err}`);
      assert.doesNotMatch(err, /NaN at position|\bat .*\.ts:\d+/, "no internal message or stack");
      assert.match(
        err,
        extra[0] === "--float32"
          ? /^reproduce: the network: `X` holds 1e\+200 at row 1, column 1, beyond float32's range/
          : /^reproduce: the network: training stopped at epoch 2 of 1000: .*scale the features: the largest \|x\| is 1e\+200/,
      );
    }
  } finally {
    await Deno.remove(path);
  }
});
