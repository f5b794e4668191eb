/**
 * The types shared by the fused passes (`fused_irls.ts`, `fused_rows.ts`, `fused_logit.ts`).
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import type { LogitRowsKernel } from "./logit_rows_wasm.ts";

/** The link functions the fused pass needs (logit is inlined; the others are called). */
export interface FusedLink {
  /** `"logit"` takes the inlined fast path. */
  name: string;
  linkfun(mu: number): number;
  linkinv(eta: number): number;
  muEta(eta: number): number;
}

/** What the fused loop (`fused_irls.ts`) needs. */
export interface FusedInput {
  X: Matrix;
  intercept: boolean;
  link: FusedLink;
  /** The response as given. */
  y: ArrayLike<number>;
  /** Prior weights (null: all 1). */
  weights: Float64Array | null;
  /** Offset (null: none). */
  offset: Float64Array | null;
  etastart?: Float64Array;
  mustart?: Float64Array;
  maxit: number;
  epsilon: number;
  /** Also sum the deviance at η = offset (R's null deviance without an intercept). */
  nullAtOffset: boolean;
  /** Whether the logit may use the WebAssembly row kernel (default true; false: the JS loop). */
  rowKernel?: boolean;
}

/** The state of the passes (made by `createPass` of `fused_rows.ts`). */
export interface Pass {
  readonly inp: FusedInput;
  /** The logit's row kernel (WebAssembly SIMD), null for the other links or without SIMD. */
  kernel: LogitRowsKernel | null;
  /** R's y: 0 where the weight is 0 (the kernel's buffer when there is a kernel). */
  readonly y: Float64Array;
  /** η, μ and the unit deviances of every row (the kernel's buffers when there is one). */
  readonly eta: Float64Array;
  readonly mu: Float64Array;
  readonly dev: Float64Array;
  /** Whether some y is neither 0 nor 1 (the row kernel then adds H(y)). */
  readonly fractional: boolean;
  /**
   * Where η = Xβ reads X: null for X itself, else a copy of rows xFirst.. (the chunk that
   * `fused_crossprod.ts` has just copied into the kernels' memory, read again from cache).
   */
  xRows: Float64Array | null;
  xFirst: number;
  /** null: the start pass. */
  beta: Float64Array | null;
  /**
   * [deviance sum, compensation, null-deviance sum (the start pass), compensation,
   * log-likelihood sum of the row kernel's `ROWS` runs, compensation, their exceptions, the least
   * and the greatest μ of those runs].
   */
  readonly acc: Float64Array;
  /** {@linkcode logitAt}'s output. */
  readonly scratch: Float64Array;
  valid: boolean;
}
