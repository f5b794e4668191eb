/**
 * Turns every runnable `@example` in `lib/` into a test in `tests/doc_examples_test.ts`, so that a
 * plain `deno test` (which has no setting for `--doc`) runs the documentation's examples too.
 *
 *     deno run -A scripts/doc_examples.ts           write tests/doc_examples_test.ts
 *     deno run -A scripts/doc_examples.ts --check   fail if that file is not up to date
 *
 * Each example becomes one `Deno.test`; the modules it imports are imported once at the top of the
 * file (paths made relative to `tests/`) and the example takes its names from them inside its own
 * test, so examples never clash over names. Examples fenced as `ts ignore` are skipped, as `deno test --doc` skips them.
 *
 * @module
 */

import { root, writeOrCheck } from "./generated.ts";

const OUT = "tests/doc_examples_test.ts";

interface Example {
  file: string; // relative to the root, e.g. "lib/core/metrics.ts"
  line: number; // 1-based line of the opening fence
  symbol: string;
  code: string;
}

function* walk(dir: URL, rel: string): Generator<string> {
  const entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1);
  for (const e of entries) {
    if (e.isDirectory) yield* walk(new URL(`${e.name}/`, dir), `${rel}${e.name}/`);
    else if (e.isFile && e.name.endsWith(".ts")) yield `${rel}${e.name}`;
  }
}

/** The examples of one file, in order. */
export function examplesOf(file: string, text: string): Example[] {
  const out: Example[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^\s*\*\s?```(ts|typescript)(\s+\S.*)?$/);
    if (!open) continue;
    const ignored = (open[2] ?? "").trim().split(/\s+/).includes("ignore");
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*\*\s?```\s*$/.test(lines[i]); i++) {
      body.push(lines[i].replace(/^\s*\*( |$)/, ""));
    }
    if (ignored) continue;
    let symbol = "module";
    for (let j = i; j < lines.length; j++) {
      const m = lines[j].match(
        /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum|abstract\s+class)\s+([A-Za-z_$][\w$]*)/,
      );
      if (m) {
        symbol = m[1];
        break;
      }
      if (/^\/\*\*/.test(lines[j]) && j > i + 1) break;
    }
    out.push({ file, line: start + 1, symbol, code: body.join("\n") });
  }
  return out;
}

/**
 * The modules the examples import. Each module is imported once at the top of the file as a
 * namespace, and each example takes its bindings from it inside its own test, so two examples may
 * bind one name to different modules. `node:assert/strict`'s default is imported by name (an
 * assertion function must be declared with a type), and so are type-only imports.
 */
export class Imports {
  #modules = new Map<string, string>(); // module -> namespace alias
  #types = new Map<string, Set<string>>();
  #typeOwner = new Map<string, string>();
  #assert = false;

  /** Records one import clause from `module`; returns the statement that replaces it in the test. */
  add(clause: string, module: string, where: string): string {
    if (clause.startsWith("type ")) {
      const names = clause.slice(5).trim().replace(/^\{|\}$/g, "").split(",").map((x) => x.trim());
      for (const n of names.filter(Boolean)) {
        const local = n.split(/\s+as\s+/).pop()!;
        const had = this.#typeOwner.get(local);
        if (had !== undefined && had !== module) {
          throw new Error(`${where}: type \`${local}\` is imported from ${had} and ${module}`);
        }
        this.#typeOwner.set(local, module);
        const set = this.#types.get(module) ?? new Set();
        set.add(n);
        this.#types.set(module, set);
      }
      return "";
    }
    if (module === "node:assert/strict" && clause === "assert") {
      this.#assert = true;
      return "";
    }
    let ns = this.#modules.get(module);
    if (ns === undefined) {
      ns = `module${this.#modules.size + 1}`;
      this.#modules.set(module, ns);
    }
    if (clause.startsWith("* as ")) return `const ${clause.slice(5).trim()} = ${ns};`;
    const m = clause.match(/^(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\{([\s\S]*)\})?$/);
    if (!m) throw new Error(`${where}: cannot read the import \`${clause}\``);
    // One typed `const` a name, so that unique symbols and assertion functions keep their types.
    const lines = (m[2] ?? "").split(",").map((x) => x.trim()).filter(Boolean).map((n) => {
      if (/^type\s/.test(n)) throw new Error(`${where}: write type imports as \`import type\``);
      const [a, b] = n.split(/\s+as\s+/);
      return `const ${b ?? a}: typeof ${ns}.${a} = ${ns}.${a};`;
    });
    if (m[1]) lines.unshift(`const ${m[1]}: typeof ${ns}.default = ${ns}.default;`);
    return lines.join("\n");
  }

  /** The import statements for the top of the file. */
  statements(): string[] {
    const out = this.#assert ? ['import assert from "node:assert/strict";'] : [];
    for (const [module, ns] of this.#modules) {
      out.push(`import * as ${ns} from ${JSON.stringify(module)};`);
    }
    for (const [module, names] of [...this.#types].sort(([a], [b]) => a < b ? -1 : 1)) {
      out.push(`import type { ${[...names].sort().join(", ")} } from ${JSON.stringify(module)};`);
    }
    return out;
  }
}

/** Replaces an example's imports (resolved from `tests/`) with bindings from `imports`. */
export function hoistImports(ex: Example, imports: Imports): string {
  const fromDir = new URL(ex.file.replace(/[^/]+$/, ""), root);
  const tests = new URL("tests/", root);
  const resolve = (spec: string): string => {
    if (!spec.startsWith(".")) return spec;
    const target = new URL(spec, fromDir).pathname;
    const base = tests.pathname.split("/").filter(Boolean);
    const parts = target.split("/").filter(Boolean);
    let k = 0;
    while (k < base.length && base[k] === parts[k]) k++;
    return [...base.slice(k).map(() => ".."), ...parts.slice(k)].join("/");
  };
  return ex.code.replace(
    /^import\s+([\s\S]+?)\s+from\s+"([^"]+)";?\n?/gm,
    (_all, clause: string, spec: string) => {
      const line = imports.add(clause.trim(), resolve(spec), `${ex.file}:${ex.line}`);
      return line ? `${line}\n` : "";
    },
  );
}

/** The whole generated test file. */
export function generate(): string {
  const examples: Example[] = [];
  for (const file of walk(new URL("lib/", root), "lib/")) {
    examples.push(...examplesOf(file, Deno.readTextFileSync(new URL(file, root))));
  }
  const imports = new Imports();
  const tests: string[] = [];
  for (const ex of examples) {
    const body = hoistImports(ex, imports).split("\n").map((l) => (l ? `  ${l}` : l)).join("\n");
    tests.push(
      `Deno.test(${JSON.stringify(`${ex.symbol} example (${ex.file}:${ex.line})`)}, ${
        /\bawait\b/.test(body) ? "async " : ""
      }() => {`,
      body,
      "});",
      "",
    );
  }
  return [
    "// Generated by scripts/doc_examples.ts from the @example blocks in lib/; do not edit.",
    "// `deno task check` fails when this file is out of date.",
    // Examples are not linted (as under `deno test --doc`): an import may be there for its text.
    "// deno-lint-ignore-file no-unused-vars ban-unused-ignore",
    "",
    ...imports.statements(),
    "",
    ...tests,
  ].join("\n");
}

if (import.meta.main) {
  await writeOrCheck(
    OUT,
    generate(),
    Deno.args.includes("--check"),
    "deno run -A scripts/doc_examples.ts",
  );
}
