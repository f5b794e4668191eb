/**
 * The Python peers of the speed comparisons (`deno task bench:glm --peers`, `deno task compare
 * --peers`): numpy and scikit-learn, installed into the project's `.venv` on first use from the
 * pins of `scripts/bench/requirements-peers.txt` (the default set-up does not install them), and run on
 * data handed over as a binary file in `.cache/`.
 *
 * @module
 */

import { exists, python, root, sha256 } from "../jupyter.ts";

/** The pins of the peers. */
const requirements = `${root}/scripts/bench/requirements-peers.txt`;

/**
 * Variables that make OpenBLAS pick a kernel for an older CPU or cache size. Some machines set
 * them to work around old OpenBLAS builds; a user's machine does not, so the peers run without.
 */
const OPENBLAS_OVERRIDES = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

async function check(cmd: string, args: string[], what: string): Promise<void> {
  const { code } = await new Deno.Command(cmd, { args, cwd: root, stdout: "null" }).output();
  if (code !== 0) throw new Error(`${what} failed (\`${cmd} ${args.join(" ")}\`, exit ${code})`);
}

/**
 * Makes sure `.venv` has the pinned peers and returns its Python: runs `deno task setup` first
 * when there is no `.venv`, then `pip install -r scripts/bench/requirements-peers.txt` once per version
 * of that file (a stamp in `.venv` remembers which).
 */
export async function ensurePeers(): Promise<string> {
  if (!await exists(python)) {
    console.error("peers: no .venv yet, running `deno task setup` first…");
    await check(Deno.execPath(), ["run", "-A", `${root}/scripts/setup.ts`], "deno task setup");
  }
  const stamp = `${root}/.venv/.peers.sha256`, want = await sha256(requirements);
  if (await exists(stamp) && (await Deno.readTextFile(stamp)) === want) return python;
  console.error("peers: installing numpy and scikit-learn into .venv (once, about 15 s)…");
  await check(
    python,
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements],
    "installing the peers",
  );
  await Deno.writeTextFile(stamp, want);
  return python;
}

/** The environment `env` (default: this process's) without the OpenBLAS overrides, for the peers. */
export function peerEnv(
  env: Record<string, string> = Deno.env.toObject(),
): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !OPENBLAS_OVERRIDES.includes(k)));
}

/** The OpenBLAS overrides set in this process's environment (which the peers run without). */
export function overridesHere(): string[] {
  return OPENBLAS_OVERRIDES.filter((k) => Deno.env.get(k) !== undefined)
    .map((k) => `${k}=${Deno.env.get(k)}`);
}

/** X (row-major, N × K) and then y as little-endian doubles: the peers' data file. */
export function encodeData(X: Float64Array, y: Float64Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(8 * (X.length + y.length));
  const view = new DataView(bytes.buffer);
  X.forEach((v, i) => view.setFloat64(8 * i, v, true));
  y.forEach((v, i) => view.setFloat64(8 * (X.length + i), v, true));
  return bytes;
}

/**
 * Writes {@linkcode encodeData}'s bytes to `path`, through a temporary file renamed into place, so
 * that a reader never sees half a file.
 */
export async function writeData(path: string, X: Float64Array, y: Float64Array): Promise<void> {
  await Deno.mkdir(path.replace(/\/[^/]+$/, ""), { recursive: true });
  await Deno.writeFile(`${path}.tmp`, encodeData(X, y));
  await Deno.rename(`${path}.tmp`, path);
}

/**
 * A process that answers one JSON line per request line (`run`, `done`, …) on its standard
 * streams: a peer kept alive so that its runs can alternate with others' runs, a load burst on a
 * shared machine then falling on all of them alike. Its first line, read by `start`, says it is
 * ready.
 */
export class LineServer {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  /** The first line the process printed (its description of itself). */
  ready: Record<string, unknown> = {};

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = lines(child.stdout)[Symbol.asyncIterator]();
  }

  /** Starts `cmd args` (environment `env`) and waits for its first line. */
  static async start(
    cmd: string,
    args: string[],
    env?: Record<string, string>,
  ): Promise<LineServer> {
    const child = new Deno.Command(cmd, {
      args,
      cwd: root,
      ...(env ? { env, clearEnv: true } : {}),
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const server = new LineServer(child);
    server.ready = await server.#next(`${cmd} ${args.join(" ")}`);
    return server;
  }

  async #next(what: string): Promise<Record<string, unknown>> {
    const { value, done } = await this.#lines.next();
    if (done) throw new Error(`${what}: the process ended without an answer`);
    return JSON.parse(value);
  }

  /** Sends `request` and returns the JSON line it answers with. */
  async send(request: string): Promise<Record<string, unknown>> {
    await this.#writer.write(new TextEncoder().encode(request + "\n"));
    return await this.#next(request);
  }

  /** Sends `done`, returns the last answer and waits for the process to end. */
  async close(): Promise<Record<string, unknown>> {
    const last = await this.send("done");
    await this.#writer.close();
    const status = await this.#child.status;
    if (!status.success) throw new Error(`a peer process failed (exit ${status.code})`);
    return last;
  }
}

/** The lines of a byte stream (a child's output, or `Deno.stdin.readable`). */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let i;
    while ((i = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
    }
  }
  if (buffer) yield buffer;
}

/** Starts `scripts/bench/peers.py` with `args` as a {@linkcode LineServer}, in the peers' environment. */
export async function startPeers(args: string[]): Promise<LineServer> {
  const py = await ensurePeers();
  return await LineServer.start(py, [`${root}/scripts/bench/peers.py`, ...args], peerEnv());
}

/** What the peers' numpy runs on, in a few words: "OpenBLAS 0.3.31 (SkylakeX kernels, 2 threads)". */
export function describeBlas(info: Record<string, unknown>): string {
  const blas = (info.blas as Record<string, unknown>[] | undefined) ?? [];
  const np = blas.find((b) => b.numpy === true) ?? blas[0];
  if (!np) return "no BLAS found by threadpoolctl";
  return `${np.internal_api === "openblas" ? "OpenBLAS" : np.internal_api} ${np.version} ` +
    `(${np.architecture} kernels, ${np.num_threads} threads)`;
}
