/**
 * The Deno side of the Python peers (`scripts/bench/peers.ts`): the data they read, the environment
 * they run in, and how their BLAS is described. The peers themselves need numpy and run only in
 * `deno task bench:glm --peers` and `deno task compare --peers`.
 */
import assert from "node:assert/strict";
import { describeBlas, encodeData, peerEnv } from "../scripts/bench/peers.ts";

Deno.test("encodeData lays out X row by row, then y, as little-endian doubles", () => {
  const bytes = encodeData(Float64Array.of(1.5, -2, 3e-300, Math.PI), Float64Array.of(0, 1));
  const view = new DataView(bytes.buffer);
  assert.equal(bytes.length, 48);
  assert.deepEqual(
    Array.from({ length: 6 }, (_, i) => view.getFloat64(8 * i, true)),
    [1.5, -2, 3e-300, Math.PI, 0, 1],
  );
  assert.deepEqual(Array.from(bytes.subarray(8, 16)), [0, 0, 0, 0, 0, 0, 0, 0xc0]); // −2
});

Deno.test("peerEnv leaves out OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, and only them", () => {
  const env = {
    PATH: "/usr/bin",
    OPENBLAS_CORETYPE: "Haswell",
    OPENBLAS_L2_SIZE: "1048576",
    OPENBLAS_NUM_THREADS: "2",
  };
  assert.deepEqual(peerEnv(env), { PATH: "/usr/bin", OPENBLAS_NUM_THREADS: "2" });
  assert.equal(env.OPENBLAS_CORETYPE, "Haswell"); // the caller's own is left alone
});

Deno.test("describeBlas names numpy's OpenBLAS, its kernels and threads", () => {
  const blas = (version: string, architecture: string, threads: number, numpy: boolean) => ({
    internal_api: "openblas",
    version,
    architecture,
    num_threads: threads,
    numpy,
  });
  const info = {
    blas: [blas("0.3.30", "Haswell", 1, false), blas("0.3.31", "SkylakeX", 2, true)], // scipy's, numpy's
  };
  assert.equal(describeBlas(info), "OpenBLAS 0.3.31 (SkylakeX kernels, 2 threads)");
  assert.equal(describeBlas({ blas: [] }), "no BLAS found by threadpoolctl");
});
