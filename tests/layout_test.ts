/**
 * The shape of lib/, checked: folders that import only from the layers below them, the speed
 * code of lib/_kernels/ reached through one door per model, no import circles, short files and
 * short functions outside the kernels.
 */
import assert from "node:assert/strict";

const LIB = new URL("../lib/", import.meta.url);

/** The floors, bottom first: a folder imports only from folders on lower floors (and itself). */
const FLOOR: Record<string, number> = {
  core: 0,
  r: 1,
  _kernels: 2,
  data: 2,
  nn: 3,
  glm: 3,
  view: 4,
  book: 5,
  ".": 6, // mod.ts
};
/** The only files outside lib/_kernels/ that may import from it. */
const DOORS = ["nn/engine.ts", "glm/engine.ts"];

function libFiles(dir = LIB, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) out.push(...libFiles(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`));
    else if (e.name.endsWith(".ts")) out.push(prefix + e.name);
  }
  return out.sort();
}

const files = libFiles();
const text = Object.fromEntries(files.map((f) => [f, Deno.readTextFileSync(new URL(f, LIB))]));
const folder = (f: string) => f.includes("/") ? f.slice(0, f.indexOf("/")) : ".";

/** The lib files a file imports or re-exports (type imports included; doc examples are not code). */
function imports(f: string): string[] {
  const out: string[] = [];
  for (const m of text[f].matchAll(/^(?:import|export)\b[^;]*?\bfrom "(\.[^"]+)";/gm)) {
    out.push(new URL(m[1], new URL(f, LIB)).href.slice(LIB.href.length));
  }
  return out;
}

Deno.test("lib/: every folder imports only from the floors below it", () => {
  for (const f of files) {
    for (const g of imports(f)) {
      const [a, b] = [folder(f), folder(g)];
      assert.ok(b in FLOOR, `${f} imports ${g}, outside the known folders`);
      assert.ok(a === b || FLOOR[b] < FLOOR[a], `${f} (${a}) imports ${g} (${b}), not below it`);
    }
  }
});

Deno.test("lib/: the speed code is reached only through nn/engine.ts and glm/engine.ts", () => {
  for (const f of files) {
    if (folder(f) === "_kernels") continue;
    const kernels = imports(f).filter((g) => folder(g) === "_kernels");
    if (kernels.length > 0) assert.ok(DOORS.includes(f), `${f} imports ${kernels.join(", ")}`);
  }
});

Deno.test("lib/: no import circles", () => {
  const state = new Map<string, "open" | "done">();
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === "done") return;
    assert.notEqual(state.get(f), "open", `import circle: ${[...path, f].join(" → ")}`);
    state.set(f, "open");
    for (const g of imports(f)) visit(g, [...path, f]);
    state.set(f, "done");
  };
  for (const f of files) visit(f, []);
});

Deno.test("lib/: no file over 400 lines", () => {
  for (const f of files) {
    const lines = text[f].split("\n").length - 1;
    assert.ok(lines <= 400, `${f} has ${lines} lines`);
  }
});

/**
 * Functions (declarations, methods, and arrow functions given a name) and their lengths in lines,
 * found by matching braces outside strings and comments: good enough for this code base, which
 * has no braces in regular expressions or in quoted strings that are not balanced.
 */
function functions(source: string): { name: string; line: number; length: number }[] {
  const lines = source.split("\n");
  const start =
    /^\s*(?:export\s+)?(?:async\s+)?(?:function\*?\s+(\w+)|(?:get |set |static |\*)?(#?\w+)\s*\(|(?:const|let)\s+(\w+)\s*=\s*(?:async\s*)?\()/;
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(start);
    if (!m || /^\s*(if|for|while|switch|return|catch)\b/.test(lines[i])) continue;
    let depth = 0, opened = false, j = i;
    for (; j < lines.length; j++) {
      const code = lines[j].replace(/\/\/.*$/, "").replace(
        /"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g,
        "",
      );
      if (/^\s*\*/.test(code)) continue;
      for (const ch of code) {
        if (ch === "{") [depth, opened] = [depth + 1, true];
        else if (ch === "}") depth--;
      }
      if (opened && depth <= 0) break;
      if (!opened && /;\s*$/.test(code)) break; // a declaration without a body
    }
    if (opened) out.push({ name: m[1] ?? m[2] ?? m[3], line: i + 1, length: j - i + 1 });
  }
  return out;
}

Deno.test("lib/: no function over 80 lines outside lib/_kernels/", () => {
  for (const f of files) {
    if (folder(f) === "_kernels") continue;
    for (const fn of functions(text[f])) {
      assert.ok(fn.length <= 80, `${f}:${fn.line} ${fn.name} has ${fn.length} lines`);
    }
  }
});

Deno.test("the function finder sees a long function", () => {
  const body = Array.from({ length: 90 }, (_, i) => `  const a${i} = "{";`).join("\n");
  const found = functions(`export function long(x: number): number {\n${body}\n  return x;\n}\n`);
  assert.deepEqual(found.map((f) => [f.name, f.length]), [["long", 93]]);
});
