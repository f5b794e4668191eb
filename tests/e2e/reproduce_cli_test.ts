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
          ? /^reproduce: the network: `X` holds 1e\+200 at row 1, column 1, beyond float32's range.* \(leave out --float32\)\n$/
          : /^reproduce: the network: training stopped at epoch 2 of 1000: .*scale the features: the largest \|x\| is 1e\+200/,
      );
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("reproduce --help lists every option with its default, exit code 0", async () => {
  const { code, out, err } = await reproduce("--help");
  assert.equal(code, 0);
  assert.equal(err, "");
  assert.match(out, /^Usage: deno task reproduce \[options\]/);
  for (const option of ["--json", "--rng", "--seed", "--n", "--k", "--data", "--intercept"]) {
    assert.match(out, new RegExp(`\\n  ${option}\\b`), option);
  }
  for (const option of ["--maxit", "--epsilon", "--epochs", "--batch-size", "--float32"]) {
    assert.match(out, new RegExp(`\\n  ${option}\\b`), option);
  }
  assert.match(out, /--epochs INT +passes over the data .*\n? *.*\(default: 1000\)/);
});

Deno.test("reproduce refuses bad values, repeats, conflicts and sizes before running anything", async () => {
  const cases: [string[], RegExp][] = [
    [["--epochs", "0x10"], /^reproduce: --epochs must be a decimal integer/],
    [
      ["--data", "a.csv", "--data", "b.csv"],
      /--data is given twice \(--data a\.csv and --data b\.csv\)/,
    ],
    [
      ["--data", "data/tutorial.csv", "--n", "100"],
      /--n 100 conflicts with --data data\/tutorial\.csv/,
    ],
    [["--n", "100000000"], /the limit is 1e7 \(80 MB\)/],
    [["--n", "100000", "--k", "100000"], /= 1e10 numbers \(80 GB as float64\); the limit is 1e7/],
  ];
  for (const [args, message] of cases) {
    const { code, out, err } = await reproduce(...args);
    assert.equal(code, 2, `${args}: exit code`);
    assert.equal(out, "", `${args}: nothing on stdout`);
    assert.equal(err.trim().split("\n").length, 1, `${args}: one line, got ${err}`);
    assert.match(err, message);
  }
});

Deno.test("reproduce reads CR-only files and refuses UTF-16 and binary ones clearly", async () => {
  const lf = JSON.parse(
    (await reproduce("--data", "data/tutorial.csv", "--json", "--epochs", "2")).out,
  );
  const cr = await tutorialCsv((l) => [l.join("\r")]);
  const utf16 = await Deno.makeTempFile({ suffix: ".csv" });
  const binary = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    const r = await reproduce("--data", cr, "--json", "--epochs", "2");
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).glm, lf.glm);
    const text = await Deno.readTextFile(`${root}/data/tutorial.csv`);
    const bytes = new Uint8Array(2 + 2 * text.length);
    bytes.set([0xfe, 0xff]); // UTF-16 big-endian
    for (let i = 0; i < text.length; i++) bytes[3 + 2 * i] = text.charCodeAt(i);
    await Deno.writeFile(utf16, bytes);
    await Deno.writeFile(binary, Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0));
    for (
      const [path, message] of [
        [
          utf16,
          /:1: the file is UTF-16 \(or UTF-32\) text: it starts with a byte-order mark FE FF; save it as UTF-8/,
        ],
        [binary, /:1: holds a NUL character: this is a binary file/],
      ] as const
    ) {
      const { code, out, err } = await reproduce("--data", path);
      assert.equal(code, 2, err);
      assert.equal(out, "");
      assert.match(err, /^reproduce: --data: /);
      assert.match(err, message);
    }
  } finally {
    for (const p of [cr, utf16, binary]) await Deno.remove(p);
  }
});

Deno.test("reproduce escapes control characters in the names it prints", async () => {
  const name = "X\u001b[2J\u001b]0;owned\u0007\u009b31m";
  const path = await tutorialCsv((l) => [l[0].replace("X1", name), ...l.slice(1)]);
  try {
    const text = await reproduce("--data", path, "--epochs", "2");
    assert.equal(text.code, 0, text.err);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(text.out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, "no raw control");
    assert.ok(text.out.includes("X\\u001b[2J\\u001b]0;owned\\u0007\\u009b31m"), text.out);
    const json = await reproduce("--data", path, "--epochs", "2", "--json");
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(json.out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const r = JSON.parse(json.out);
    assert.equal(r.data.names[0], name, "the JSON keeps the name itself");
    assert.equal(r.glm.names[0], name);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("reproduce --progress reports the steps and the epochs on stderr, JSON untouched", async () => {
  const { code, out, err } = await reproduce("--progress", "--json", "--n", "300", "--k", "3");
  assert.equal(code, 0, err);
  assert.equal(out.trim().split("\n").length, 1);
  assert.ok(JSON.parse(out).network.weights.length === 3);
  const lines = err.trim().split("\n");
  assert.match(lines[0], /^reproduce: glm: fitting 300 rows × 3 features/);
  assert.ok(lines.some((l) => /^reproduce: network: Epoch 1\/1000 - /.test(l)), err);
  assert.ok(lines.some((l) => /^reproduce: network: Epoch 1000\/1000 - /.test(l)), err);
  assert.match(lines.at(-1)!, /^reproduce: Adam by hand: 1000 epochs/);
});
