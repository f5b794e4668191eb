import assert from "node:assert/strict";
import { ArgumentError } from "../lib/core/errors.ts";
import { fromRows } from "../lib/core/matrix.ts";
import { CsvError, parseCsv, printableName } from "../lib/data/csv.ts";
import { formatCsv, readCsv, writeCsv } from "../lib/data/csv_file.ts";
import { type Dataset, generateData, head } from "../lib/data/dataset.ts";
import { referenceJson, tutorialCsv } from "./references.ts";

const canRead = (await Deno.permissions.query({ name: "read", path: "data/tutorial.csv" }))
  .state === "granted";

Deno.test("generateData equals the tutorial data written by R, bit for bit", () => {
  // data/tutorial.csv was written by scripts/r/reference.R (R 4.2.2, 17 significant digits).
  const r = parseCsv(tutorialCsv, { source: "data/tutorial.csv" });
  const ds = generateData();
  assert.deepEqual(ds.names, r.names);
  assert.deepEqual(ds.names, ["X1", "X2", "X3", "X4", "X5", "X6", "X7", "X8", "X9", "X10"]);
  assert.equal(ds.target, "target");
  assert.equal(ds.X.rows, 1000);
  assert.equal(ds.X.cols, 10);
  for (let i = 0; i < r.X.data.length; i++) {
    assert.ok(
      Object.is(ds.X.data[i], r.X.data[i]),
      `X cell ${i}: ${ds.X.data[i]} vs ${r.X.data[i]}`,
    );
  }
  assert.deepEqual([...ds.y], [...r.y]);
});

Deno.test({
  name: "readCsv reads data/tutorial.csv as parseCsv reads its text",
  ignore: !canRead, // plain `deno test` grants no read permission; `deno task test` does
  async fn() {
    const fromFile = await readCsv("data/tutorial.csv");
    const fromText = parseCsv(tutorialCsv, { source: "data/tutorial.csv" });
    assert.deepEqual(fromFile.names, fromText.names);
    assert.deepEqual([...fromFile.X.data], [...fromText.X.data]);
    assert.deepEqual([...fromFile.y], [...fromText.y]);
  },
});

Deno.test("generateData returns the generator in R's state after the data step", () => {
  // tutorial_data.json: runif(3) drawn by R right after the tutorial's data step.
  const ref = referenceJson<{ runifAfter: number[]; head: number[][]; targetCount: number }>(
    "tutorial_data.json",
  );
  const ds = generateData();
  assert.deepEqual([...ds.rng.runif(3)], ref.runifAfter);
  assert.deepEqual(head(ds), ref.head);
  assert.equal(ds.y.reduce((s, v) => s + v, 0), ref.targetCount);
});

Deno.test("head matches the six rows printed in the tutorial", () => {
  // Copied from the tutorial's output of head(data) (../shared/tutorial.md, section "Setup",
  // cell [4]); R prints 7 significant digits per column.
  const printed = `
1.6854792,2.1625292,1.125289034,0.6571692,0.929095672,1.0356112,1.0864161,1.7081707,0.9712737,0.5389325,1
0.7176509,1.2620611,0.861037975,0.6036428,0.593050963,1.485145,0.3635182,1.278617,0.8754823,0.7520914,0
1.1815642,1.4853667,0.137632133,0.7964979,0.837229705,1.1550176,0.5660523,1.4906207,0.2379189,-0.5552311,0
1.3164313,1.1884867,-0.003352472,0.4256647,1.189078699,0.9302257,1.3131606,0.7069086,1.2317955,0.6536197,1
1.2021342,0.5020333,0.354095835,1.5578802,0.002757319,0.8368444,0.9471847,1.4695853,0.4061896,1.1494506,0
0.9469377,0.7012585,1.182919114,0.5602716,0.500321653,0.9405952,0.8718393,0.9676495,1.2470321,0.9656635,0`
    .trim().split("\n").map((l) => l.split(","));
  const rows = head(generateData());
  assert.equal(rows.length, 6);
  rows.forEach((row, i) => {
    assert.equal(row.length, 11);
    row.forEach((x, j) => {
      const text = printed[i][j];
      const digits = text.replace(/^-?0\.0*|[-.]/g, "").length; // significant digits shown
      assert.equal(
        Number(x.toPrecision(Math.max(digits, 1))),
        Number(text),
        `row ${i + 1}, column ${j + 1}: ${x} vs printed ${text}`,
      );
    });
  });
});

Deno.test("head returns at most the rows there are", () => {
  const ds = generateData({ n: 3, k: 2 });
  assert.equal(head(ds).length, 3);
  assert.equal(head(ds, 2).length, 2);
  assert.equal(head(ds, 0).length, 0);
});

Deno.test("generateData with seedrandom is deterministic and has the asked shape", () => {
  const a = generateData({ rng: "seedrandom", n: 50, k: 3, seed: "abc" });
  const b = generateData({ rng: "seedrandom", n: 50, k: 3, seed: "abc" });
  assert.equal(a.rng.kind, "seedrandom");
  assert.deepEqual(a.X, b.X);
  assert.deepEqual(a.y, b.y);
  assert.deepEqual(a.names, ["X1", "X2", "X3"]);
  assert.ok(a.y.every((v) => v === 0 || v === 1));
});

Deno.test("generateData rejects bad options with ArgumentError naming them", () => {
  const cases: [Parameters<typeof generateData>[0], string][] = [
    [{ n: 0 }, "n"],
    [{ n: 2.5 }, "n"],
    [{ k: -1 }, "k"],
    [{ sd: -1 }, "sd"],
    [{ mean: NaN }, "mean"],
    [{ prob: 2 }, "prob"],
    [{ seed: NaN }, "seed"],
    [{ seed: "x" }, "seed"],
    // deno-lint-ignore no-explicit-any
    [{ rng: "mt" as any }, "rng"],
  ];
  for (const [options, argument] of cases) {
    assert.throws(
      () => generateData(options),
      (e: unknown) => e instanceof ArgumentError && e.argument === argument,
      JSON.stringify(options),
    );
  }
});

Deno.test("parseCsv reads features and a target in any position", () => {
  const ds = parseCsv('"a",target,b\r\n1.5,1,2\r\n\r\n-3,0,4e-3\r\n');
  assert.deepEqual(ds.names, ["a", "b"]);
  assert.deepEqual([...ds.X.data], [1.5, 2, -3, 0.004]);
  assert.deepEqual([...ds.y], [1, 0]);
  assert.equal(ds.target, "target");
});

Deno.test("parseCsv errors name the line and the column", () => {
  const cases: [string, RegExp][] = [
    ["", /^data\.csv:1: the file is empty$/],
    ["\n  \n", /^data\.csv:1: the file is empty$/],
    ["1,2,1\n3,4,0\n", /^data\.csv:1: missing header row/],
    ["a,b\n1,2\n", /^data\.csv:1: no column named "target"/],
    ["a,a,target\n1,2,1\n", /^data\.csv:1: column "a": duplicate column name/],
    ["a,b,target\n1,2,1\n1,2\n", /^data\.csv:3: expected 3 cells \(as in the header\), found 2$/],
    ["a,b,target\n1,2,1,4\n", /^data\.csv:2: expected 3 cells/],
    [
      "X1,X2,X3,target\n1,2,3,1\n1,2,3,0\n1,2,3,1\n1,2,abc,0\n",
      /^data\.csv:5: column "X3": "abc" is not a finite number$/,
    ],
    ["a,target\n,1\n", /^data\.csv:2: column "a": "" is not a finite number$/],
    ["a,target\nInfinity,1\n", /^data\.csv:2: column "a": "Infinity" is not a finite number$/],
    ["a,target\nNA,1\n", /^data\.csv:2: column "a": "NA" is not a finite number$/],
    ["a,target\n0x10,1\n", /^data\.csv:2: column "a": "0x10" is not a finite number$/],
    ["a,target\n1,2\n", /^data\.csv:2: column "target": "2" is not 0 or 1$/],
    ["a,target\n1,yes\n", /^data\.csv:2: column "target": "yes" is not a finite number$/],
    ["a,target\n", /^data\.csv:1: no data rows/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseCsv(text),
      (e: unknown) => e instanceof CsvError && message.test(e.message),
      JSON.stringify(text),
    );
  }
  // The source label and the column are carried on the error.
  try {
    parseCsv("a,target\n1,1\nx,0\n", { source: "mine.csv" });
    assert.fail("no error");
  } catch (e) {
    assert.ok(e instanceof CsvError);
    assert.equal(e.message, 'mine.csv:3: column "a": "x" is not a finite number');
    assert.equal(e.line, 3);
    assert.equal(e.column, "a");
  }
});

/** Random doubles of every kind: uniform bit patterns (finite ones) plus awkward values. */
function awkwardDoubles(count: number): number[] {
  const special = [
    0.1 + 0.2,
    1e-300,
    -0,
    0,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    1 / 3,
    2 ** 53 + 2,
    123456789012345680000,
    1e21,
    1e-7,
    0.1,
  ];
  const out = [...special];
  const f = new Float64Array(1), u = new Uint32Array(f.buffer);
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  while (out.length < count) {
    u[0] = next() ^ (next() << 16);
    u[1] = next() ^ (next() << 16);
    if (Number.isFinite(f[0])) out.push(f[0]);
  }
  return out;
}

Deno.test("formatCsv then parseCsv round-trips every double exactly, -0 included", () => {
  const values = awkwardDoubles(3000);
  const X = fromRows(Array.from({ length: 1000 }, (_, i) => values.slice(3 * i, 3 * i + 3)));
  const y = Float64Array.from({ length: 1000 }, (_, i) => i % 2);
  const ds: Dataset = { X, y, names: ["a", "b,c", 'd"e'], target: "target" };
  const back = parseCsv(formatCsv(ds));
  assert.deepEqual(back.names, ds.names);
  for (let i = 0; i < values.length; i++) {
    assert.ok(Object.is(back.X.data[i], X.data[i]), `${X.data[i]} came back as ${back.X.data[i]}`);
  }
  assert.deepEqual([...back.y], [...y]);
  // -0 is written as "-0" (String(-0) would lose the sign).
  assert.match(
    formatCsv({ ...ds, X: fromRows([[-0, 0, 1]]), y: Float64Array.of(0) }),
    /\n-0,0,1,0\n$/,
  );
});

Deno.test("formatCsv writes the target last and rejects non-finite cells", () => {
  const ds = generateData({ n: 2, k: 2 });
  assert.match(formatCsv(ds), /^X1,X2,target\n[^\n]+,[01]\n[^\n]+,[01]\n$/);
  assert.throws(
    () => formatCsv({ ...ds, X: fromRows([[NaN, 1], [1, 1]]) }),
    (e: unknown) => e instanceof ArgumentError && e.argument === "ds.X",
  );
  assert.throws(
    () => formatCsv({ ...ds, y: Float64Array.of(0, 2) }),
    (e: unknown) => e instanceof ArgumentError && e.argument === "ds.y",
  );
  assert.throws(
    () => formatCsv({ ...ds, names: ["X1", "target"] }),
    (e: unknown) => e instanceof ArgumentError && e.argument === "ds.names",
  );
});

// writeCsv needs write access; `deno task test` grants it for .cache/.
const canWrite = (await Deno.permissions.query({ name: "write", path: ".cache" })).state ===
  "granted";

Deno.test({
  name: "writeCsv then readCsv round-trips and leaves no temporary file",
  ignore: !canWrite,
  async fn() {
    await Deno.mkdir(".cache", { recursive: true });
    const dir = await Deno.makeTempDir({ dir: ".cache", prefix: "data_test_" });
    try {
      const ds = generateData({ n: 20, k: 3 });
      await writeCsv(`${dir}/out.csv`, ds);
      await writeCsv(`${dir}/out.csv`, ds); // overwriting works too
      const back = await readCsv(`${dir}/out.csv`);
      assert.deepEqual(back.X, ds.X);
      assert.deepEqual(back.y, ds.y);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out.csv"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "writeCsv removes its temporary file when it fails",
  ignore: !canWrite,
  async fn() {
    await Deno.mkdir(".cache", { recursive: true });
    const dir = await Deno.makeTempDir({ dir: ".cache", prefix: "data_test_" });
    try {
      await Deno.mkdir(`${dir}/taken`); // renaming a file onto a directory fails
      await assert.rejects(writeCsv(`${dir}/taken`, generateData({ n: 5, k: 2 })));
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["taken"]);
      // An invalid dataset fails before anything is written.
      await assert.rejects(
        writeCsv(`${dir}/bad.csv`, { ...generateData({ n: 2, k: 1 }), y: Float64Array.of(3, 0) }),
        ArgumentError,
      );
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["taken"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("generateData rejects a mean and sd whose draws overflow, naming the argument", () => {
  const cases: [{ mean?: number; sd?: number }, string][] = [
    [{ mean: 1e308, sd: 1e308 }, "mean"],
    [{ mean: 0, sd: 1e308 }, "sd"],
    [{ mean: -1.79e308, sd: 1e307 }, "mean"],
  ];
  for (const [o, name] of cases) {
    for (const rng of ["r", "seedrandom"] as const) {
      assert.throws(
        () => generateData({ n: 50, ...o, rng }),
        (e: unknown) =>
          e instanceof ArgumentError && e.argument === name &&
          /is too large: .* is -?Infinity; \|mean\| \+ 9·sd must stay below/.test(e.message),
        `${JSON.stringify(o)} ${rng}`,
      );
    }
  }
  const ok = generateData({ n: 50, mean: 1e300, sd: 1e299 }); // large, finite
  assert.ok(ok.X.data.every(Number.isFinite));
});

Deno.test("parseCsv accepts CR-only and mixed line breaks", () => {
  const ds = parseCsv("a,target\r1.5,1\r\r2,0\n3,1\r\n");
  assert.deepEqual([...ds.X.data], [1.5, 2, 3]);
  assert.deepEqual([...ds.y], [1, 0, 1]);
  assert.throws(() => parseCsv("a,target\r1,1\rx,0\r"), /data\.csv:3: column "a": "x"/);
});

Deno.test("parseCsv reads the same numbers as before its fast path, and refuses the rest", () => {
  const good: [string, number][] = [
    ["+.5", 0.5],
    ["5.", 5],
    ["-0", -0],
    ["  7  ", 7],
    ["\u00a07", 7],
    ["007", 7],
    ["1E5", 1e5],
    ["-1.5e-3", -0.0015],
  ];
  for (const [cell, value] of good) {
    assert.ok(Object.is(parseCsv(`a,target\n${cell},1\n`).X.data[0], value), JSON.stringify(cell));
  }
  for (const cell of ["0x10", " 0x10", "0b1", "0o7", "1e", "+Infinity", "1_0", "٣", "- 1", "."]) {
    assert.throws(
      () => parseCsv(`a,target\n${cell},1\n`),
      /is not a finite number/,
      JSON.stringify(cell),
    );
  }
});

Deno.test("parseCsv refuses NUL characters and escapes control characters in its messages", () => {
  assert.throws(
    () => parseCsv("a,target\n1,1\n\u00002,0\n"),
    /data\.csv:3: holds a NUL character: this is a binary file, or UTF-16/,
  );
  try {
    parseCsv("X\u001b[2J,X\u001b[2J,target\n1,2,1\n");
    assert.fail("no error");
  } catch (e) {
    assert.ok(e instanceof CsvError);
    assert.equal(
      e.message,
      'data.csv:1: column "X\\u001b[2J": duplicate column name (columns 1 and 2)',
    );
    assert.equal(e.column, "X\u001b[2J"); // the name itself, unchanged
  }
  assert.throws(
    () => parseCsv("a\u009b,target\n\u001b,1\n"),
    // deno-lint-ignore no-control-regex
    (e: unknown) => e instanceof CsvError && !/[\u0000-\u001f\u007f-\u009f]/.test(e.message),
  );
  assert.equal(printableName("a\u202eb\u0007\u007f"), "a\\u202eb\\u0007\\u007f");
});

Deno.test({
  name: "readCsv streams any line breaks across chunk boundaries to the same dataset as parseCsv",
  ignore: !canWrite,
  async fn() {
    await Deno.mkdir(".cache", { recursive: true });
    const dir = await Deno.makeTempDir({ dir: ".cache", prefix: "data_test_" });
    try {
      // Rows of varied length, so that the 64 KiB chunks end at every kind of place: inside a
      // number, between CR and LF, inside a two-byte and a three-byte character of a name.
      const values = awkwardDoubles(9000);
      const rows = Array.from(
        { length: 3000 },
        (_, i) => `${values.slice(3 * i, 3 * i + 3)},${i % 2}`,
      );
      const header = `"été ${"é".repeat(40000)}",b€${"€".repeat(30000)},c,target`;
      for (const br of ["\n", "\r\n", "\r"]) {
        for (const bom of ["", "\uFEFF"]) {
          const text = bom + [header, ...rows].join(br) + (br === "\r" ? "" : br);
          const path = `${dir}/t.csv`;
          await Deno.writeTextFile(path, text);
          const got = await readCsv(path);
          const want = parseCsv(text);
          assert.deepEqual(got.names, want.names);
          assert.equal(got.X.rows, 3000);
          for (let i = 0; i < want.X.data.length; i++) {
            assert.ok(Object.is(got.X.data[i], want.X.data[i]), `${JSON.stringify(br)} at ${i}`);
          }
          assert.deepEqual([...got.y], [...want.y]);
        }
      }
      // Errors name the same line as parseCsv's.
      const bad = ["a,target", ...Array.from({ length: 9000 }, (_, i) => `${i}.25,1`)];
      bad[7000] = "oops,1";
      for (const br of ["\n", "\r\n", "\r"]) {
        await Deno.writeTextFile(`${dir}/bad.csv`, bad.join(br));
        await assert.rejects(() => readCsv(`${dir}/bad.csv`), /bad\.csv:7001: column "a": "oops"/);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "readCsv refuses UTF-16, binary and non-UTF-8 files with messages that say so",
  ignore: !canWrite,
  async fn() {
    await Deno.mkdir(".cache", { recursive: true });
    const dir = await Deno.makeTempDir({ dir: ".cache", prefix: "data_test_" });
    try {
      const text = "a,target\n1,1\n2,0\n";
      const utf16le = new Uint8Array(2 + 2 * text.length);
      utf16le.set([0xff, 0xfe]);
      for (let i = 0; i < text.length; i++) utf16le[2 + 2 * i] = text.charCodeAt(i);
      const cases: [Uint8Array, RegExp][] = [
        [
          utf16le,
          /:1: the file is UTF-16 \(or UTF-32\) text: it starts with a byte-order mark FF FE/,
        ],
        [utf16le.subarray(2), /:1: holds a NUL character: this is a binary file, or UTF-16/],
        [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), /:3: holds a NUL/],
        [
          new TextEncoder().encode("a,target\n1,1\nCaf\u00e9,0\n"), // valid UTF-8, not a number
          /:3: column "a": "Café" is not a finite number/,
        ],
        [
          Uint8Array.of(...new TextEncoder().encode("a,target\n1,1\n2"), 0xe9, 0x0a),
          /:3: is not UTF-8 text: byte 15 is 0xE9/,
        ],
      ];
      for (const [bytes, message] of cases) {
        await Deno.writeFile(`${dir}/x.csv`, bytes);
        await assert.rejects(() => readCsv(`${dir}/x.csv`), (e: unknown) => {
          assert.ok(e instanceof CsvError, String(e));
          assert.match(e.message, message);
          return true;
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "readCsv gives beforeAllocate the shape before allocating, and it can refuse",
  ignore: !canWrite,
  async fn() {
    await Deno.mkdir(".cache", { recursive: true });
    const dir = await Deno.makeTempDir({ dir: ".cache", prefix: "data_test_" });
    try {
      await Deno.writeTextFile(`${dir}/s.csv`, "a,b,target\n1,2,1\n\n3,4,0\n5,6,1");
      const shapes: unknown[] = [];
      const ds = await readCsv(`${dir}/s.csv`, { beforeAllocate: (s) => void shapes.push(s) });
      assert.deepEqual(shapes, [{ rows: 4, cols: 2 }]); // the blank line counted, then skipped
      assert.deepEqual([ds.X.rows, ...ds.X.data], [3, 1, 2, 3, 4, 5, 6]);
      await assert.rejects(
        () =>
          readCsv(`${dir}/s.csv`, {
            beforeAllocate: () => {
              throw new RangeError("no");
            },
          }),
        RangeError,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
