/**
 * Where the project keeps its Jupyter: a `.venv` with pinned Jupyter and a `.jupyter/` folder with
 * the Deno kernelspec, config and runtime files. Nothing goes to the user's home.
 *
 * @module
 */

/** The repository root (this file lives in `scripts/`). */
export const root: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The venv's Python, which runs Jupyter and `scripts/notebooks.py`. */
export const python: string = `${root}/.venv/bin/python`;

/** Whether `path` exists (a file or a folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The SHA-256 of the file at `path`, in hexadecimal (the stamps of the installed requirements). */
export async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The environment under which Jupyter finds the project's kernel and writes only inside the repo. */
export function jupyterEnv(): Record<string, string> {
  const j = `${root}/.jupyter`;
  return {
    JUPYTER_PATH: `${j}/data`,
    JUPYTER_DATA_DIR: `${j}/data`,
    JUPYTER_CONFIG_DIR: `${j}/config`,
    JUPYTER_RUNTIME_DIR: `${j}/runtime`,
    JUPYTERLAB_WORKSPACES_DIR: `${j}/workspaces`,
    JUPYTERLAB_SETTINGS_DIR: `${j}/settings`,
    JUPYTER_PLATFORM_DIRS: "1",
    IPYTHONDIR: `${j}/ipython`,
    PIP_CACHE_DIR: `${root}/.cache/pip`,
    NO_COLOR: "1",
    PYTHONDONTWRITEBYTECODE: "1",
  };
}

/**
 * The project's JupyterLab settings, for `deno task lab` and the JupyterLab test: JupyterLab
 * neither asks about nor fetches Jupyter news, does not check for updates, and its Extension
 * Manager lists what is installed without asking a package index. `scripts/lab/overrides.json`
 * holds the defaults of the settings behind this (a reader can still change them in JupyterLab).
 */
export const LAB_ARGS: readonly string[] = [
  "--LabApp.news_url=None",
  "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
  "--LabApp.extension_manager=readonly",
  // No search for language servers (none serves TypeScript here); it runs `npm`, which logs to ~.
  "--LanguageServerManager.autodetect=False",
  `--LabApp.app_settings_dir=${root}/scripts/lab`,
];

/** How {@link spawnManaged} runs a command. */
export interface ManagedOptions {
  /** Extra environment variables (on top of this process's and the project's Jupyter ones). */
  env?: Record<string, string>;
  /** Leave the project's Jupyter variables out of the environment (default: put them in). */
  withoutJupyterEnv?: boolean;
  /** Discard the command's stdout. */
  quiet?: boolean;
  /** Hand the command's stdout to the caller (`Managed.stdout`) instead of this process's. */
  pipeStdout?: boolean;
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** What a SIGINT sent to this process becomes for the child (default SIGTERM). */
  onInterrupt?: Deno.Signal;
}

/** A command started by {@link spawnManaged}. */
export interface Managed {
  /** The child's process id. */
  pid: number;
  /** The child's stdout, with `pipeStdout`. */
  stdout: ReadableStream<Uint8Array> | null;
  /** Resolves with the child's exit code once it has ended (128 + signal number if a signal ended it). */
  code: Promise<number>;
  /**
   * The signal that made this process stop the child (SIGINT, SIGTERM, SIGHUP, or SIGTERM for
   * "this process was orphaned"), or `undefined` while none came.
   */
  stoppedBy(): Deno.Signal | undefined;
}

/** How long a child has to exit after it was asked to, before it is killed. */
const STOP_GRACE_MS = 15_000;

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGTERM: 15,
};

/** The parent process id of `pid` (Linux `/proc`), or `undefined` when it cannot be read. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** Whether this process ignores SIGHUP (it was started with `nohup`), from Linux `/proc`. */
function hangupIgnored(): boolean {
  try {
    const m = Deno.readTextFileSync("/proc/self/status").match(/^SigIgn:\s*([0-9a-f]+)/m);
    return m !== null && (BigInt(`0x${m[1]}`) & 1n) === 1n; // SIGHUP is signal 1: bit 0
  } catch {
    return false;
  }
}

/**
 * Starts a command (with the project's Jupyter environment) so that it never outlives this process:
 *
 * - SIGINT, SIGTERM and SIGHUP sent to this process are passed on to the child (a SIGINT as
 *   `onInterrupt`, SIGTERM by default); the child is killed if it has not exited
 *   `STOP_GRACE_MS` later, or at once on a second signal;
 * - when this process is orphaned (its parent goes away, or under `npx` the parent's parent, as
 *   when `npx` is stopped and leaves `deno task` running on its own) the child is stopped as well
 *   (Linux); `nohup` (SIGHUP ignored) keeps it running when its own parent goes away.
 *
 * The caller decides what to do once `code` resolves; {@link exitLikeChild} ends this process the
 * way a stopped child calls for.
 */
export function spawnManaged(cmd: string, args: string[], opts: ManagedOptions = {}): Managed {
  const child = new Deno.Command(cmd, {
    args,
    cwd: opts.cwd ?? root,
    env: { ...(opts.withoutJupyterEnv ? {} : jupyterEnv()), ...opts.env },
    stdin: "inherit",
    stdout: opts.pipeStdout ? "piped" : opts.quiet ? "null" : "inherit",
    stderr: "inherit",
  }).spawn();
  let stoppedBy: Deno.Signal | undefined;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const send = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch { /* already gone */ }
  };
  const stop = (signal: Deno.Signal) => {
    if (stoppedBy !== undefined) return send("SIGKILL");
    stoppedBy = signal;
    send(signal === "SIGINT" ? opts.onInterrupt ?? "SIGTERM" : "SIGTERM");
    killTimer = setTimeout(() => send("SIGKILL"), STOP_GRACE_MS);
  };
  // Under `nohup` (SIGHUP ignored) a hangup stays ignored.
  const keep = hangupIgnored();
  const listeners: [Deno.Signal, () => void][] = [];
  const signals: Deno.Signal[] = keep ? ["SIGINT", "SIGTERM"] : ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) {
    const listener = () => stop(signal);
    try {
      Deno.addSignalListener(signal, listener);
      listeners.push([signal, listener]);
    } catch { /* not supported on this platform */ }
  }
  // Orphan watch (Linux; elsewhere `parentOf` reads nothing). The parent going away means that
  // `deno task` (or whatever ran this) was killed, unless this runs under `nohup`, which asks to
  // outlive the shell. The grandparent is watched only under npm (`npx`): there it is npm's `sh -c`,
  // which dies on SIGTERM without passing it on; elsewhere it is the user's shell, which may end.
  const underNpm = Deno.env.get("npm_command") !== undefined;
  const parent = Deno.ppid;
  const grandparent = parent > 1 && underNpm ? parentOf(parent) : undefined;
  const watch = setInterval(() => {
    if (stoppedBy !== undefined) return;
    const orphaned = (Deno.ppid !== parent && (!keep || underNpm)) ||
      (grandparent !== undefined && grandparent > 1 && parentOf(parent) !== grandparent);
    if (orphaned) {
      console.error(`stopping \`${cmd}\`: the process that started this one has gone away`);
      stop("SIGTERM");
    }
  }, 500);
  const code = child.status.then((status) => {
    clearInterval(watch);
    clearTimeout(killTimer);
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    if (status.signal) return 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
    return status.code;
  });
  return {
    pid: child.pid,
    stdout: opts.pipeStdout ? child.stdout : null,
    code,
    stoppedBy: () => stoppedBy,
  };
}

/**
 * Ends this process after a {@link spawnManaged} child stopped on a signal: with 128 + that
 * signal's number, as a shell reports it. Returns (does nothing) when no signal came.
 */
export function exitLikeChild(child: Managed): void {
  const signal = child.stoppedBy();
  if (signal !== undefined) Deno.exit(128 + (SIGNAL_NUMBERS[signal] ?? 15));
}

/**
 * Runs a command with the project's Jupyter environment (see {@link spawnManaged}); throws with its
 * name if it fails. A stop by signal ends this process too, with 128 + the signal's number.
 */
export async function run(
  cmd: string,
  args: string[],
  opts: ManagedOptions = {},
): Promise<void> {
  const child = spawnManaged(cmd, args, opts);
  const code = await child.code;
  exitLikeChild(child);
  if (code !== 0) throw new Error(`\`${cmd} ${args.join(" ")}\` failed with exit code ${code}`);
}
