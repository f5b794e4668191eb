import assert from "node:assert/strict";
import { ArgumentError } from "../lib/core/errors.ts";
import { qnorm } from "../lib/r/qnorm.ts";
import { rRng, seedrandomRng } from "../lib/r/random.ts";
import { referenceFiles, referenceJson } from "./references.ts";

// Expected values come from GNU R (scripts/r/reference.R -> data/reference/rng_*.json).
// deno-lint-ignore no-explicit-any
type Ref = Record<string, any>;
const load = (name: string): Ref => referenceJson<Ref>(name);
const seedFiles = referenceFiles.filter((n) => /^rng_seed-?\d+\.json$/.test(n));

/** Asserts that every value is the same double (Object.is), reporting the first difference. */
function assertSame(name: string, got: ArrayLike<number>, want: number[]): void {
  assert.equal(got.length, want.length, `${name}: length`);
  let bad = 0, first = -1;
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) {
      bad++;
      if (first < 0) first = i;
    }
  }
  assert.equal(
    bad,
    0,
    `${name}: ${bad} of ${want.length} values differ from R's; first at ${first + 1}: ${
      got[first]
    } vs ${want[first]}`,
  );
}

/** Draws the stream named `key` in the reference files from a fresh generator. */
function draw(seed: number, key: string, n: number): ArrayLike<number> {
  const r = rRng(seed);
  if (key === "runif") return r.runif(n);
  if (key === "rnorm") return r.rnorm(n);
  if (key === "rnorm_1_0.5") return r.rnorm(n, 1, 0.5);
  if (key.startsWith("rbinom_")) {
    const [, size, prob] = key.split("_");
    return r.rbinom(n, Number(size), Number(prob));
  }
  if (key.startsWith("sample_")) return r.sample(n);
  throw new Error(`unknown stream ${key}`);
}

Deno.test("rRng reference files cover several seeds", () => {
  assert.ok(seedFiles.length >= 5, `found ${seedFiles.join(", ")}`);
});

for (const file of seedFiles) {
  const ref = load(file);
  Deno.test(`rRng matches R's streams bit for bit for set.seed(${ref.seed})`, () => {
    let streams = 0;
    for (const [key, want] of Object.entries(ref)) {
      if (!Array.isArray(want)) continue;
      assertSame(`seed ${ref.seed} ${key}`, draw(ref.seed, key, want.length), want);
      streams++;
    }
    assert.ok(streams >= 10);
  });

  Deno.test(`rRng carries its state across calls like R for set.seed(${ref.seed})`, () => {
    const r = rRng(ref.seed);
    const m = ref.mixed;
    assertSame("rnorm(3)", r.rnorm(3), m.rnorm_3);
    assertSame("rnorm(2, 5, 0)", r.rnorm(2, 5, 0), m.rnorm_sd0);
    assertSame("runif(4)", r.runif(4), m.runif_4);
    assertSame("rbinom(2, 0, 0.5)", r.rbinom(2, 0, 0.5), m.rbinom_size0);
    assertSame("rbinom(5, 1, 0.5)", r.rbinom(5, 1, 0.5), m.rbinom_5);
    assertSame("sample(10)", r.sample(10), m.sample_10);
    assertSame("rnorm(2, 1, 0.5)", r.rnorm(2, 1, 0.5), m.rnorm_2);
  });
}

Deno.test("rRng matches a long rnorm stream of R (100000 draws, qnorm's log tail)", () => {
  // GUIDE §4: the tail branch of AS 241 calls log(); a one-bit difference from the C library's
  // log shows up as a mismatch here. (With Math.log instead of the glibc port in lib/r/random.ts,
  // set.seed(2024)'s rnorm draw 1091 already differs from R's by one bit: glibc rounds
  // log(0.047826305539977271) the other way on a near-halfway case.)
  const ref = load("rng_long.json");
  assertSame("rnorm(100000)", rRng(ref.seed).rnorm(ref.rnorm.length), ref.rnorm);
});

Deno.test("rRng sample matches R for n = 70000 (17-bit rejection sampling)", () => {
  const ref = load("rng_long.json");
  assertSame("sample(70000)", rRng(ref.seed).sample(ref.sample_70000.length), ref.sample_70000);
});

Deno.test("rRng sample returns a permutation of 1..n and handles 0 and 1", () => {
  const s = rRng(7).sample(500);
  assert.deepEqual([...s].sort((a, b) => a - b), Array.from({ length: 500 }, (_, i) => i + 1));
  assert.equal(rRng(7).sample(0).length, 0);
  assert.deepEqual([...rRng(7).sample(1)], [1]);
});

Deno.test("rRng kind is r and seedrandomRng kind is seedrandom", () => {
  assert.equal(rRng(1).kind, "r");
  assert.equal(seedrandomRng(1).kind, "seedrandom");
});

Deno.test("qnorm agrees with known normal quantiles", () => {
  // Standard table values (independent of this code): Φ⁻¹(0.975) = 1.959963984540054,
  // Φ⁻¹(0.84134474606854293) ≈ 1, Φ⁻¹(1e-10) = -6.361340902404056.
  assert.equal(qnorm(0.5), 0);
  assert.ok(Math.abs(qnorm(0.975) - 1.959963984540054) < 1e-15);
  assert.ok(Math.abs(qnorm(0.025) + 1.959963984540054) < 1e-15);
  assert.ok(Math.abs(qnorm(0.84134474606854293) - 1) < 1e-14);
  assert.ok(Math.abs(qnorm(1e-10) + 6.361340902404056) < 1e-13);
  assert.equal(qnorm(0), -Infinity);
  assert.equal(qnorm(1), Infinity);
  assert.ok(Number.isNaN(qnorm(1.5)));
});

Deno.test("seedrandomRng is deterministic for a seed and differs between seeds", () => {
  const a = seedrandomRng(42), b = seedrandomRng("42"), c = seedrandomRng(43);
  const ua = a.runif(100), ub = b.runif(100), uc = c.runif(100);
  assertSame("same seed", ua, [...ub]);
  assert.notDeepEqual([...ua], [...uc]);
  assertSame("rnorm", seedrandomRng("x").rnorm(50, 1, 2), [...seedrandomRng("x").rnorm(50, 1, 2)]);
});

Deno.test("seedrandomRng draws have the right mean and spread", () => {
  const n = 20000;
  const r = seedrandomRng("sanity");
  const mean = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v, 0) / x.length;
  const sd = (x: ArrayLike<number>) => {
    const m = mean(x);
    return Math.sqrt(Array.from(x).reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
  };
  // Tolerances: 5 standard errors.
  const u = r.runif(n);
  assert.ok(u.every((v) => v > 0 && v < 1));
  assert.ok(Math.abs(mean(u) - 0.5) < 5 * Math.sqrt(1 / 12 / n));
  const z = r.rnorm(n, 1, 0.5);
  assert.ok(Math.abs(mean(z) - 1) < 5 * 0.5 / Math.sqrt(n));
  assert.ok(Math.abs(sd(z) - 0.5) < 5 * 0.5 / Math.sqrt(2 * n));
  const b = r.rbinom(n, 1, 0.3);
  assert.ok(b.every((v) => v === 0 || v === 1));
  assert.ok(Math.abs(mean(b) - 0.3) < 5 * Math.sqrt(0.3 * 0.7 / n));
  const b100 = r.rbinom(n, 100, 0.4); // BTPE branch
  assert.ok(Math.abs(mean(b100) - 40) < 5 * Math.sqrt(24 / n));
  assert.ok(Math.abs(sd(b100) - Math.sqrt(24)) < 5 * Math.sqrt(24) / Math.sqrt(2 * n));
  const s = r.sample(1000);
  assert.deepEqual([...s].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i + 1));
});

Deno.test("rRng and seedrandomRng reject bad arguments with ArgumentError naming them", () => {
  for (const rng of [rRng(1), seedrandomRng(1)]) {
    const cases: [() => unknown, string][] = [
      [() => rng.runif(-1), "n"],
      [() => rng.runif(2.5), "n"],
      [() => rng.rnorm(3, 0, -1), "sd"],
      [() => rng.rnorm(3, NaN, 1), "mean"],
      [() => rng.rnorm(3, 0, Infinity), "sd"],
      [() => rng.rbinom(3, 1, 1.5), "prob"],
      [() => rng.rbinom(3, 1, -0.1), "prob"],
      [() => rng.rbinom(3, 1, NaN), "prob"],
      [() => rng.rbinom(3, 2.5, 0.5), "size"],
      [() => rng.rbinom(3, -1, 0.5), "size"],
      [() => rng.sample(-3), "n"],
      [() => rng.sample(1.5), "n"],
    ];
    for (const [f, argument] of cases) {
      assert.throws(f, (e: unknown) => e instanceof ArgumentError && e.argument === argument);
    }
  }
  for (const seed of [NaN, Infinity, 1.5, 2 ** 31]) {
    assert.throws(
      () => rRng(seed),
      (e: unknown) => e instanceof ArgumentError && e.argument === "seed",
    );
  }
  assert.throws(
    () => seedrandomRng(NaN),
    (e: unknown) => e instanceof ArgumentError && e.argument === "seed",
  );
});
