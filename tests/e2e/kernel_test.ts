/**
 * The project's Deno kernel as a front end meets it: scripts/kernel_proxy.py behind the kernelspec
 * that scripts/setup.ts writes. Each test runs one check of `kernel_check.py` (Python, because
 * jupyter_client is) in a scratch folder under `.cache/e2e/` and asserts on the JSON it prints.
 *
 * Needs the set-up of `deno task test` (the .venv with Jupyter, the kernelspec). Linux: the checks
 * read /proc.
 */

import assert from "node:assert/strict";
import { jupyterEnv, python, root } from "../../scripts/jupyter.ts";
import { removeTree, scratchDir } from "./browser.ts";

const linux = Deno.build.os === "linux";

/** Runs `kernel_check.py CHECK` in a fresh scratch folder (removed afterwards); its JSON result. */
// deno-lint-ignore no-explicit-any
async function check(name: string): Promise<any> {
  const scratch = await scratchDir("kernel");
  try {
    const { code, stdout, stderr } = await new Deno.Command(python, {
      args: [`${root}/tests/e2e/kernel_check.py`, name, scratch],
      cwd: root,
      env: jupyterEnv(),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(stdout).trim();
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, `kernel_check.py ${name} failed:\n${out}\n${err}`);
    return JSON.parse(out.slice(out.lastIndexOf("\n") + 1));
  } finally {
    await removeTree(scratch);
  }
}

Deno.test({
  name: "kernel proxy holds the kernel's ports until it listens: no one else can be given them",
  ignore: !linux,
  async fn() {
    const r = await check("ports-held");
    assert.equal(r.held, 5, `only ${r.held} of the 5 kernel ports were held while it started`);
    assert.equal(r.handed_out, 0, "a bind to port 0 was given one of the kernel's ports");
    assert.deepEqual(r.overlap, [], "a kernel port is also one of the front end's ports");
    assert.deepEqual(r.result, { status: "ok", value: "2" });
  },
});

Deno.test({
  name: "kernel proxy starts a kernel that died with AddrInUse again, unseen by the front end",
  ignore: !linux,
  async fn() {
    const r = await check("relaunch");
    assert.deepEqual(r.result, { status: "ok", value: "42" }, r.stderr);
    assert.equal(r.launches, 3, r.stderr);
    assert.equal(r.distinct_ports, 3, "each launch must get fresh ports");
    assert.ok(r.proxy_alive);
    assert.match(r.stderr, /starting it again on other ports/);
  },
});

Deno.test({
  name: "kernel proxy starts a kernel again that says AddrInUse but stays up without answering",
  ignore: !linux,
  async fn() {
    const r = await check("relaunch-hang");
    assert.deepEqual(r.result, { status: "ok", value: "42" }, r.stderr);
    assert.equal(r.launches, 3, r.stderr);
  },
});

Deno.test({
  name:
    "kernel proxy ignores frames that are no Jupyter message (it crashed on them: 2 of 2000 starts)",
  ignore: !linux,
  async fn() {
    const r = await check("garbage");
    assert.deepEqual(r.result, { status: "ok", value: "4" });
    assert.ok(r.proxy_alive);
  },
});

Deno.test({
  name: "a killed kernel proxy leaves neither its kernel nor a file holding the signing key",
  ignore: !linux,
  async fn() {
    const r = await check("proxy-killed");
    assert.equal(r.kernels, 1);
    assert.equal(r.kernels_left, 0, "the kernel outlived its proxy");
    assert.deepEqual(r.inner_files_while_running, []);
    assert.deepEqual(r.files_with_key_after, []);
  },
});

Deno.test({
  name: "interrupt ends a running loop with an error, aborts the queued cells and keeps the state",
  ignore: !linux,
  async fn() {
    const r = await check("interrupt");
    assert.equal(r.interrupt_mode, "message");
    assert.deepEqual(r.setup, { status: "ok", value: "42" });
    assert.deepEqual(r.replies.map((x: { status: string }) => x.status), [
      "error",
      "aborted",
      "aborted",
    ]);
    assert.equal(r.outputs[0].length, 1, `the interrupted cell shows: ${r.outputs[0]}`);
    assert.match(r.outputs[0][0], /^error Interrupted: Execution was terminated/);
    assert.deepEqual(r.outputs[1], [], "an aborted cell ran");
    assert.deepEqual(r.outputs[2], [], "an aborted cell ran");
    assert.deepEqual(r.after, { status: "ok", value: "42" }, "the state was lost");
    assert.ok(r.alive);
    // SIGINT to the kernel's process is an interrupt too, not its end.
    assert.equal(r.sigint_replies[0].status, "error");
    assert.deepEqual(r.after_sigint, { status: "ok", value: "42" });
    assert.ok(r.alive_after_sigint);
  },
});

Deno.test({
  name: "a kernel restarted on the same ports comes up (and starts afresh)",
  ignore: !linux,
  async fn() {
    const r = await check("restart");
    assert.deepEqual(r.before, { status: "ok", value: "1" });
    assert.equal(r.same_ports, true);
    assert.deepEqual(r.after, { status: "ok", value: '"undefined"' });
  },
});
