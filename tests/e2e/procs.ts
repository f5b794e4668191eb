/**
 * Helpers for the end-to-end tests that start, stop and kill the project's commands: process trees
 * from Linux's /proc, scratch folders under `.cache/e2e/` and small notebooks to run.
 *
 * @module
 */

import { jupyterEnv, python, root } from "../../scripts/jupyter.ts";
import { scratchDir } from "./browser.ts";
export { removeTree } from "./browser.ts";

/** True on Linux, where /proc tells a process's children and state. */
export const linux: boolean = Deno.build.os === "linux";

/** The command line of `pid`, or `undefined` once it has gone (or is a zombie). */
export function commandOf(pid: number): string | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return undefined;
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ").trim();
  } catch {
    return undefined;
  }
}

/** `pid` and all its descendants, with their command lines. */
export function tree(pid: number): Map<number, string> {
  const found = new Map<number, string>();
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop()!;
    const cmd = commandOf(p);
    if (cmd === undefined) continue;
    found.set(p, cmd);
    try {
      for (const t of Deno.readDirSync(`/proc/${p}/task`)) {
        const children = Deno.readTextFileSync(`/proc/${p}/task/${t.name}/children`);
        todo.push(...children.split(" ").filter((c) => c !== "").map(Number));
      }
    } catch { /* gone meanwhile */ }
  }
  return found;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `test` every 100 ms until it returns a value other than `undefined`/`false`, or throws. */
export async function waitFor<T>(
  what: string,
  test: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await test();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(100);
  }
}

/**
 * Waits (up to `timeoutMs`) for every process of `procs` to be gone; returns those still there
 * (then killed, so that a failing test leaves nothing behind).
 */
export async function survivors(procs: Map<number, string>, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = [...procs.keys()].filter((p) => commandOf(p) !== undefined);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(200);
    left = left.filter((p) => commandOf(p) !== undefined);
  }
  const described = left.map((p) => `${p}: ${procs.get(p)}`);
  for (const p of left) {
    try {
      Deno.kill(p, "SIGCONT");
      Deno.kill(p, "SIGKILL");
    } catch { /* gone */ }
  }
  return described;
}

/** A fresh folder under `.cache/e2e/` (see `scratchDir`); remove it with `removeTree`. */
export function scratch(prefix: string): Promise<string> {
  return scratchDir(prefix);
}

/** A code cell for {@link notebook}: its source, and its tags if any. */
export interface Cell {
  source: string;
  tags?: string[];
}

/** Writes a notebook with these code cells for the project's Deno kernel; returns its text. */
export function notebook(path: string, cells: Cell[]): string {
  const text = JSON.stringify(
    {
      cells: cells.map((c, i) => ({
        cell_type: "code",
        id: `cell-${i + 1}`,
        metadata: c.tags ? { tags: c.tags } : {},
        source: c.source,
        outputs: [],
        execution_count: null,
      })),
      metadata: {
        kernelspec: { name: "deno", display_name: "Deno", language: "typescript" },
      },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  ) + "\n";
  Deno.writeTextFileSync(path, text);
  return text;
}

/** A cell that writes `marker` (so a test knows it runs) and then waits `ms`. */
export function markerCell(marker: string, ms: number): Cell {
  return {
    source: `Deno.writeTextFileSync(${JSON.stringify(marker)}, "running");\n` +
      `await new Promise((resolve) => setTimeout(resolve, ${ms}));`,
  };
}

/** A process started by {@link start}, with its output collected. */
export interface Started {
  child: Deno.ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (128 + n for signal n) and all output, once it has exited. */
  done: Promise<{ code: number; output: string }>;
  /**
   * Kills whatever is left of it: every process that inherited its environment marker, including
   * those orphaned by a failed stop. For `finally` blocks, so that a failing test leaves nothing.
   */
  cleanup(): Promise<void>;
}

/** Processes whose environment holds `E2E_PROCESS=marker`. */
function marked(marker: string): number[] {
  const found: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name) || Number(e.name) === Deno.pid) continue;
    try {
      const env = Deno.readFileSync(`/proc/${e.name}/environ`);
      if (new TextDecoder().decode(env).split("\0").includes(`E2E_PROCESS=${marker}`)) {
        found.push(Number(e.name));
      }
    } catch { /* gone, or not ours */ }
  }
  return found;
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Starts a command in the repository with the project's Jupyter environment, collecting output. */
export function start(cmd: string, args: string[], env: Record<string, string> = {}): Started {
  const marker = crypto.randomUUID();
  // The environment of this test run without npm's variables: when the tests themselves run under
  // `npx` (as in CI), a child would otherwise believe it runs under npm too. A test that wants
  // that says so in `env`.
  const inherited = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([k]) => !/^npm_/i.test(k)),
  );
  const child = new Deno.Command(cmd, {
    args,
    cwd: root,
    clearEnv: true,
    env: { ...inherited, ...jupyterEnv(), ...env, E2E_PROCESS: marker },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const readers = Promise.all([collect(child.stdout), collect(child.stderr)]);
  const done = child.status.then(async (s) => {
    await readers;
    return { code: s.signal ? 128 + (SIGNALS[s.signal] ?? 0) : s.code, output: text };
  });
  const cleanup = async () => {
    for (let round = 0; round < 3; round++) {
      const left = linux ? marked(marker) : [];
      for (const p of left) {
        try {
          Deno.kill(p, "SIGCONT");
          Deno.kill(p, "SIGKILL");
        } catch { /* gone */ }
      }
      if (left.length === 0) break;
      await sleep(200);
    }
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await done;
  };
  return { child, output: () => text, done, cleanup };
}

/** Starts `scripts/notebooks.py ARGS` with the venv's Python. */
export function startNotebooks(args: string[]): Started {
  return start(python, [`${root}/scripts/notebooks.py`, ...args]);
}

/** The pid of the first process in `pid`'s tree whose command line matches `pattern`. */
export function find(pid: number, pattern: RegExp): number | undefined {
  for (const [p, cmd] of tree(pid)) if (pattern.test(cmd)) return p;
  return undefined;
}

/** A Deno kernel (the process behind the proxy, whose command line also names it). */
export const DENO_KERNEL: RegExp = /^\S*deno jupyter --quiet --kernel --conn/;
/** A kernel proxy under `pid`. */
export const PROXY: RegExp = /kernel_proxy\.py/;
