/**
 * Logistic regression is a neural network: the typed helpers behind the notebooks.
 *
 * Re-exports only; each file of `lib/` holds one idea.
 *
 * @module
 */

export * from "./validate.ts";
export * from "./matrix.ts";
export * from "./random.ts";
export * from "./data.ts";
export * from "./qr.ts";
export * from "./glm.ts";
export * from "./glm_summary.ts";
