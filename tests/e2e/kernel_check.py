"""Checks of the project's Deno kernel (scripts/kernel_proxy.py and the kernelspec), run by
tests/e2e/kernel_test.ts. Each check prints one JSON object on its last line; the Deno test asserts.

    python tests/e2e/kernel_check.py CHECK SCRATCH_DIR

Needs the environment of scripts/jupyter.ts (JUPYTER_PATH etc.) and `deno` on PATH or in DENO.
The kernel's own command is given by `kernel_argv()`; some checks put `fake-kernel` in front of it,
a stand-in that misbehaves the way Deno does when its port is taken, then runs the real kernel.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROXY = str(ROOT / "scripts" / "kernel_proxy.py")
PORTS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
ADDR_IN_USE = (
    "error: Uncaught (in promise) AddrInUse: Address already in use (os error 98)\n"
    "    at Object.listen (ext:deno_net/01_net.js:1:7011)\n"
)


def kernel_argv() -> list[str]:
    """The Deno part of the project's kernelspec (everything after the proxy's connection file)."""
    spec = json.loads((ROOT / ".jupyter" / "data" / "kernels" / "deno" / "kernel.json").read_text())
    return spec["argv"][3:]


def fake_kernel(args: list[str]) -> None:
    """`fake-kernel [--fail N] [--hang] [--delay S] [--report FILE] -- KERNEL_ARGV... CONN`.

    The first N times (counted in SCRATCH/launches) it prints Deno's AddrInUse error and exits 1
    (with --hang: stays up without answering, as Deno did once); otherwise it writes the ports of
    its connection file to FILE, waits S seconds, and becomes the real kernel.
    """
    sep = args.index("--")
    opts, argv = args[:sep], args[sep + 1 :]
    get = lambda name, default: opts[opts.index(name) + 1] if name in opts else default  # noqa: E731
    scratch = Path(get("--scratch", "."))
    counter = scratch / "launches"
    launches = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(launches))
    conn = json.loads(Path(argv[-1]).read_text())
    report = get("--report", None)
    if report:
        with open(report, "a") as f:
            f.write(json.dumps({"launch": launches, **{k: conn[k] for k in PORTS}}) + "\n")
    if launches <= int(get("--fail", "0")):
        sys.stderr.write(ADDR_IN_USE)
        sys.stderr.flush()
        if "--hang" in opts:
            time.sleep(600)
        sys.exit(1)
    time.sleep(float(get("--delay", "0")))
    os.execvp(argv[0], argv)


def connection(scratch: Path) -> Path:
    from jupyter_client.connect import write_connection_file

    path, _ = write_connection_file(str(scratch / "kernel.json"), ip="127.0.0.1", key=os.urandom(16).hex().encode())
    return Path(path)


def start_proxy(scratch: Path, front: list[str] = ()) -> tuple[subprocess.Popen, Path]:
    conn = connection(scratch)
    err = open(scratch / "proxy.stderr", "wb")
    env = {**os.environ, "TMPDIR": str(scratch)}
    proxy = subprocess.Popen(
        [sys.executable, PROXY, str(conn), *front, *kernel_argv()], stderr=err, env=env, start_new_session=True
    )
    return proxy, conn


def client(conn: Path):
    from jupyter_client import BlockingKernelClient

    kc = BlockingKernelClient(connection_file=str(conn))
    kc.load_connection_file()
    kc.start_channels()
    return kc


def ready(kc, timeout: float = 60) -> None:
    """Waits until the kernel answers kernel_info and its IOPub messages arrive, as jupyter_client's
    wait_for_ready does, without that method's heartbeat-based "died" check (a stand-in kernel may
    take a while to start)."""
    from queue import Empty

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kc.kernel_info()
        try:
            msg = kc.get_shell_msg(timeout=1)
        except Empty:
            continue
        if msg["msg_type"] != "kernel_info_reply":  # (any of them: requests queue up while it starts)
            continue
        try:
            kc.get_iopub_msg(timeout=0.2)  # IOPub is connected all the way to the kernel
        except Empty:
            continue
        while True:
            try:
                kc.get_iopub_msg(timeout=0.2)
            except Empty:
                return
    raise TimeoutError(f"the kernel did not answer within {timeout} s")


def run(kc, code: str, timeout: float = 30) -> dict:
    """Executes `code`; its reply's status and the text/plain of its result."""
    msg_id = kc.execute(code)
    replies, outputs = collect(kc, [msg_id], timeout)
    result = {"status": replies[0]["status"]}
    for out in outputs[0]:
        if out.startswith("result "):
            result["value"] = out[len("result ") :]
    return result


def children(pid: int) -> list[int]:
    found = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/children") as f:
            found += [int(c) for c in f.read().split()]
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stop(proxy: subprocess.Popen) -> None:
    if proxy.poll() is None:
        os.killpg(proxy.pid, signal.SIGKILL)
        proxy.wait()


def check_ports_held(scratch: Path) -> dict:
    """While the kernel starts, its ports are held: no bind to port 0 returns them, no one else can
    bind them exclusively, and they are none of the front end's ports."""
    report = scratch / "ports.jsonl"
    front = [sys.executable, __file__, "fake-kernel", "--scratch", str(scratch), "--delay", "3",
             "--report", str(report), "--"]
    proxy, conn = start_proxy(scratch, front)
    try:
        deadline = time.monotonic() + 30
        while not report.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        inner = json.loads(report.read_text().splitlines()[0])
        ports = [inner[k] for k in PORTS]
        outer = json.loads(conn.read_text())
        taken = 0
        for port in ports:  # an exclusive bind (as any program without SO_REUSEADDR makes) must fail
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                taken += 1
            finally:
                s.close()
        handed_out = 0
        for _ in range(3000):  # other programs asking for any free port must not get these
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            handed_out += s.getsockname()[1] in ports
            s.close()
        kc = client(conn)
        ready(kc)
        result = run(kc, "1 + 1")
        kc.stop_channels()
        return {
            "ports": ports,
            "held": taken,
            "handed_out": handed_out,
            "overlap": sorted(set(ports) & {outer[k] for k in PORTS}),
            "result": result,
        }
    finally:
        stop(proxy)


def check_relaunch(scratch: Path, hang: bool) -> dict:
    """A kernel that fails with AddrInUse twice before it answers is started again transparently."""
    front = [sys.executable, __file__, "fake-kernel", "--scratch", str(scratch), "--fail", "2",
             *(["--hang"] if hang else []), "--report", str(scratch / "ports.jsonl"), "--"]
    proxy, conn = start_proxy(scratch, front)
    try:
        kc = client(conn)
        try:
            ready(kc)
            result = run(kc, "let x = 41; x + 1")
        except Exception as e:  # noqa: BLE001
            result = {"error": f"{type(e).__name__}: {e}"}
        kc.stop_channels()
        launches = [json.loads(line) for line in (scratch / "ports.jsonl").read_text().splitlines()]
        return {
            "launches": len(launches),
            "distinct_ports": len({tuple(launch[k] for k in PORTS) for launch in launches}),
            "result": result,
            "proxy_alive": proxy.poll() is None,
            "stderr": (scratch / "proxy.stderr").read_text()[-2000:],
        }
    finally:
        stop(proxy)


def check_garbage(scratch: Path) -> dict:
    """Frames that are no Jupyter message (no delimiter, bad JSON) on any channel are ignored."""
    import zmq

    proxy, conn = start_proxy(scratch)
    try:
        kc = client(conn)
        ready(kc)
        info = json.loads(conn.read_text())
        ctx = zmq.Context()
        for name in ("shell_port", "control_port", "stdin_port"):
            s = ctx.socket(zmq.DEALER)
            s.linger = 0
            s.connect(f"tcp://127.0.0.1:{info[name]}")
            s.send_multipart([b"no delimiter"])
            s.send_multipart([b"<IDS|MSG>", b"", b"{not json", b"{}", b"{}", b"{}"])
            time.sleep(0.2)
            s.close()
        ctx.term()
        result = run(kc, "2 + 2")
        kc.stop_channels()
        return {"result": result, "proxy_alive": proxy.poll() is None}
    finally:
        stop(proxy)


def check_proxy_killed(scratch: Path) -> dict:
    """SIGKILL to the proxy: its kernel ends too, and no connection file with the key is left."""
    proxy, conn = start_proxy(scratch)
    kc = client(conn)
    ready(kc)
    kc.stop_channels()
    kernels = children(proxy.pid)
    files_while_running = sorted(p.name for p in scratch.rglob("kernel-inner-*"))
    os.kill(proxy.pid, signal.SIGKILL)
    proxy.wait()
    deadline = time.monotonic() + 10
    while any(alive(k) for k in kernels) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [k for k in kernels if alive(k)]
    for k in left:
        os.kill(k, signal.SIGKILL)
    key = json.loads(conn.read_text())["key"]
    files_with_key = [str(p) for p in scratch.rglob("*") if p.is_file() and p != conn and key in p.read_text(errors="replace")]
    return {
        "kernels": len(kernels),
        "kernels_left": len(left),
        "inner_files_while_running": files_while_running,
        "files_with_key_after": files_with_key,
    }


def check_interrupt(scratch: Path) -> dict:
    """Through jupyter_client and the project's kernelspec: interrupt a long loop with two cells
    queued behind it; the loop ends with an error, the queued cells are aborted, state is kept.
    Then the same with SIGINT sent to the kernel's process."""
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="deno")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        out: dict = {"interrupt_mode": km.kernel_spec.interrupt_mode, "setup": run(kc, "let x = 42; x")}
        ids = [kc.execute("let i = 0; while (true) { i++ }"), kc.execute("'B ran'"), kc.execute("x + 1")]
        wait_busy(kc, ids[0])
        time.sleep(1)
        km.interrupt_kernel()
        out["replies"], out["outputs"] = collect(kc, ids)
        out["after"] = run(kc, "x")
        out["alive"] = km.is_alive()
        # A SIGINT to the kernel's process (what a front end that ignores interrupt_mode sends).
        loop = kc.execute("while (true) {}")
        wait_busy(kc, loop)
        time.sleep(1)
        os.kill(km.provisioner.process.pid, signal.SIGINT)
        out["sigint_replies"], _ = collect(kc, [loop])
        out["after_sigint"] = run(kc, "x")
        out["alive_after_sigint"] = km.is_alive()
        return out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def check_restart(scratch: Path) -> dict:
    """A restart on the same ports (what JupyterLab's "Restart Kernel" does) right after a run:
    the new kernel comes up although the old one's connections still linger on those ports."""
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="deno")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        out = {"before": run(kc, "let x = 1; x")}
        ports = [km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port]
        km.restart_kernel(now=False)
        out["same_ports"] = ports == [km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port]
        kc.wait_for_ready(timeout=60)
        out["after"] = run(kc, "typeof x")
        return out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def wait_busy(kc, msg_id: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=timeout)
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == "status"
            and msg["content"]["execution_state"] == "busy"
        ):
            return
    raise TimeoutError("the cell never started")


def collect(kc, ids: list[str], timeout: float = 30) -> tuple[list[dict], list[list[str]]]:
    """The replies to `ids` (status, ename) and each one's IOPub outputs, up to its idle status and
    0.3 s beyond (Deno's kernel sometimes publishes a result just after its idle status)."""
    replies: dict[str, dict] = {}
    outputs: dict[str, list[str]] = {i: [] for i in ids}
    idle: set[str] = set()
    deadline = time.monotonic() + timeout
    drained = None
    while time.monotonic() < deadline and (drained is None or time.monotonic() < drained):
        if drained is None and len(replies) == len(ids) and len(idle) == len(ids):
            drained = time.monotonic() + 0.3
        try:
            msg = kc.get_shell_msg(timeout=0.05)
            pid = msg["parent_header"].get("msg_id")
            if pid in outputs:
                replies[pid] = {"status": msg["content"]["status"], "ename": msg["content"].get("ename")}
        except Exception:  # noqa: BLE001 - queue.Empty
            pass
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except Exception:  # noqa: BLE001
            continue
        pid = msg["parent_header"].get("msg_id")
        if pid not in outputs:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            idle.add(pid)
        elif msg["msg_type"] == "error":
            outputs[pid].append(f"error {msg['content']['ename']}: {msg['content']['evalue']}")
        elif msg["msg_type"] == "execute_result":
            outputs[pid].append(f"result {msg['content']['data'].get('text/plain')}")
    return [replies.get(i, {"status": "no reply"}) for i in ids], [outputs[i] for i in ids]


def main() -> None:
    if sys.argv[1] == "fake-kernel":
        fake_kernel(sys.argv[2:])
        return
    check, scratch = sys.argv[1], Path(sys.argv[2])
    scratch.mkdir(parents=True, exist_ok=True)
    checks = {
        "ports-held": lambda: check_ports_held(scratch),
        "relaunch": lambda: check_relaunch(scratch, hang=False),
        "relaunch-hang": lambda: check_relaunch(scratch, hang=True),
        "proxy-killed": lambda: check_proxy_killed(scratch),
        "garbage": lambda: check_garbage(scratch),
        "interrupt": lambda: check_interrupt(scratch),
        "restart": lambda: check_restart(scratch),
    }
    print(json.dumps(checks[check]()))


if __name__ == "__main__":
    main()
