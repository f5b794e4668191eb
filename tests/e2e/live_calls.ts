/**
 * The calls whose results the browser bundle (`site/live.js`) must reproduce bit for bit: the
 * lib on the tutorial's problem (glm, the network under every engine and dtype, scratch Adam, the
 * live figures' computations) and on random settings of the live controls.
 *
 * {@linkcode liveCalls} is self-contained (no imports, no closures), so that the test can hand
 * its source to the page and run it there on `globalThis.lrnn`; under Deno it runs on
 * `lib/mod.ts`. As a program, it runs them under Deno in an "engine mode" and prints the results:
 *
 *     deno run tests/e2e/live_calls.ts native|no-relaxed-simd|no-wasm RANDOM_SETTINGS
 *
 * The modes stand for browsers without relaxed SIMD or without WebAssembly SIMD:
 * {@linkcode ENGINE_MODES} patches `WebAssembly.validate` the same way in both places, before the
 * lib is loaded, so that the kernels take the same fallbacks.
 *
 * @module
 */

// deno-lint-ignore-file no-explicit-any -- the lib is handed in as a value, browser or Deno
type Lib = any;

/**
 * Source of a script that patches `WebAssembly.validate` for a mode: `no-relaxed-simd` refuses
 * modules using relaxed SIMD's multiply-add (opcode 0xfd 0x87 0x02), `no-wasm` refuses all.
 */
export const ENGINE_MODES: Record<string, string> = {
  "native": "",
  "no-relaxed-simd": `(() => {
    const validate = WebAssembly.validate;
    WebAssembly.validate = (bytes) => {
      const b = new Uint8Array(bytes.buffer ?? bytes);
      for (let i = 0; i + 2 < b.length; i++) {
        if (b[i] === 0xfd && b[i + 1] === 0x87 && b[i + 2] === 0x02) return false;
      }
      return validate(bytes);
    };
  })();`,
  "no-wasm": "WebAssembly.validate = () => false;",
};

/**
 * Runs the calls on `L` (the lib's public API) and returns every number as the hex of its bits
 * (errors as their message), in a fixed order. `randomSettings` random settings of the live
 * controls are drawn from a fixed seed.
 */
export function liveCalls(L: Lib, randomSettings: number): string[] {
  const out: string[] = [];
  const view = new DataView(new ArrayBuffer(8));
  const bits = (x: number) => {
    view.setFloat64(0, x);
    return view.getBigUint64(0).toString(16).padStart(16, "0");
  };
  const put = (label: string, f: () => ArrayLike<number> | number) => {
    try {
      const v = f();
      const xs = typeof v === "number" ? [v] : Array.from(v);
      out.push(`${label}: ${xs.map(bits).join(" ")}`);
    } catch (e) {
      out.push(`${label}: error ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const p = L.tutorialProblem();
  const { X, y } = p;
  put("data", () => X.data.subarray(0, 50));
  put("glm fast", () => L.glm(X, y, { maxit: 25, epsilon: 1e-10 }).coefficients);
  put("glm reference", () => L.glm(X, y, { engine: "reference" }).coefficients);
  put("glm deviance", () => L.glm(X, y).deviance);
  for (const engine of ["fast", "js", "wasm", "reference"]) {
    put(`network ${engine}`, () => {
      const net = L.tutorialNetwork(10);
      const h = net.fitSync(X, y, { epochs: 200, batchSize: 1000, verbose: 0, engine });
      return [...net.getWeights()[0].data, ...h.history.loss];
    });
  }
  put("network minibatches", () => {
    const net = L.tutorialNetwork(10);
    net.fitSync(X, y, { epochs: 5, batchSize: 32, verbose: 0 });
    return net.getWeights()[0].data;
  });
  put("network float32", () => {
    const net = L.tutorialNetwork(10);
    net.fitSync(X, y, { epochs: 50, batchSize: 1000, verbose: 0, dtype: "float32" });
    return net.getWeights()[0].data;
  });
  for (const engine of ["fast", "reference"]) {
    put(`scratchAdam ${engine}`, () => L.scratchAdam(X, y, { epochs: 1000, engine }).theta);
  }
  put("weightPaths 1000", () => {
    const w = L.weightPaths(p, 1000);
    return [
      ...w.theta,
      w.mape,
      w.maxAbsDiff,
      ...w.trace.theta.flatMap((t: Float64Array) => [...t]),
    ];
  });
  put("train tutorial", () => {
    const t = L.train(p, L.TUTORIAL_SETTINGS);
    return [...t.theta, t.distance, t.mape, t.agrees ? 1 : 0];
  });
  const p2 = L.twoFeatureProblem();
  put("two-feature optimum", () => p2.optimum);
  put("likelihood grid", () => L.likelihoodGrid(p2, { resolution: 11 }).values);
  put(
    "paths from 0",
    () =>
      L.pathsFrom(p2, [0, 0]).flatMap((q: { points: { a: number; b: number }[] }) =>
        q.points.flatMap((r) => [r.a, r.b])
      ),
  );
  // Random settings of the controls, from a fixed seed (an LCG), at most 20,000 Adam steps each.
  let s = 20240601;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const logUniform = (lo: number, hi: number) => Math.exp(Math.log(lo) + rnd() * Math.log(hi / lo));
  for (let i = 0; i < randomSettings; i++) {
    const batchSize = Math.round(logUniform(1, 1000));
    const most = Math.max(1, Math.floor(20000 / Math.ceil(1000 / batchSize)));
    const settings = {
      learningRate: Number(logUniform(1e-4, 1).toPrecision(3)),
      batchSize,
      epochs: Math.min(most, Math.round(logUniform(1, 5000))),
      init: ["zeros", "glorot", "normal"][Math.floor(rnd() * 3)],
      gradient: rnd() < 0.5 ? "sum" : "mean",
    };
    const label = JSON.stringify(settings);
    put(`train ${label}`, () => {
      const t = L.train(p, settings);
      return [...t.theta, t.distance, t.mape, t.agrees ? 1 : 0];
    });
    if (i % 4 === 0) {
      put(`weightPaths ${settings.epochs}`, () => L.weightPaths(p, settings.epochs).theta);
      const start = [rnd() * 2 - 0.8, rnd() * 2 - 1.1];
      put(
        `paths from ${start}`,
        () =>
          L.pathsFrom(p2, start, { epochs: 100 }).flatMap((q: { distance: number }) => q.distance),
      );
    }
  }
  return out;
}

if (import.meta.main) {
  const [mode = "native", n = "0"] = Deno.args;
  if (!(mode in ENGINE_MODES)) throw new Error(`unknown mode ${mode}`);
  (0, eval)(ENGINE_MODES[mode]);
  const lib = await import("../../lib/mod.ts");
  console.log(JSON.stringify(liveCalls(lib, Number(n))));
}
