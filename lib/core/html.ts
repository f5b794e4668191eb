/**
 * What every displayable value shares: one HTML escape, and the key under which Deno's Jupyter
 * kernel finds a value's own MIME bundle.
 *
 * @module
 */

/**
 * Escapes `&`, `<` and `>` so that text shows as itself inside HTML (cells, captions, `<pre>`).
 * Attribute values are not written from user text anywhere, so quotes are left alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./html.ts";
 * assert.equal(escapeHtml("Pr(>|z|) < 0.05 & more"), "Pr(&gt;|z|) &lt; 0.05 &amp; more");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The key under which Deno's Jupyter kernel looks for a value's display method:
 * `Symbol.for("Jupyter.display")`, typed so that `value[jupyterDisplay]()` type-checks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jupyterDisplay } from "./html.ts";
 * const value = { [jupyterDisplay]: () => ({ "text/plain": "x" }) };
 * assert.ok(value[jupyterDisplay]()["text/plain"] === "x");
 * assert.ok(jupyterDisplay === Symbol.for("Jupyter.display"));
 * ```
 */
export const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display") as never;

/** The MIME bundle a Jupyter front end renders. */
export interface DisplayBundle {
  /** Plain text, shown in terminals and as a fallback. */
  "text/plain": string;
  /** Other representations, e.g. `text/html` or `image/svg+xml`. */
  [mime: string]: string;
}
