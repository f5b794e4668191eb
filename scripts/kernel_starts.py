"""Start the project's Deno kernelspec many times, several at once, and count the starts that fail.

    deno run -A scripts/kernel_starts.ts [--starts 2000] [--parallel 4] [--minutes M] [--kernel deno]

Each start goes through jupyter_client's KernelManager, as JupyterLab and the notebook runner do:
start the kernel, wait for its kernel_info reply (60 s at most), shut it down. The starts run in
PARALLEL separate processes (like the notebook runner's workers), so their port choices race each
other as they would on a busy machine. A failed start is reported with the kernel's stderr.
At the end it checks that no kernel process and no file (connection files hold the signing key) was
left behind by this run.

Not part of the test run (it takes minutes); see the README's notes on the kernel.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time

from lifetime import die_with_parent

KERNEL = "deno"


def worker_init() -> None:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop


def one_start(kernel: str, index: int) -> dict:
    """Starts one kernel, waits for kernel_info, shuts it down; says how it went."""
    from jupyter_client import KernelManager

    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        km = KernelManager(kernel_name=kernel)
        error = None
        ready = None
        try:
            km.start_kernel(stderr=err)
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=60)
                ready = time.monotonic() - started
            finally:
                kc.stop_channels()
        except Exception as e:  # noqa: BLE001 - every failure is counted and reported
            error = f"{type(e).__name__}: {e}"
        finally:
            try:
                km.shutdown_kernel(now=error is not None)
            except Exception as e:  # noqa: BLE001
                error = error or f"shutdown failed: {type(e).__name__}: {e}"
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return {"index": index, "error": error, "ready": ready, "stderr": stderr,
            "seconds": time.monotonic() - started}


MARK = "KERNEL_STARTS_RUN"  # set in the environment of every kernel this script starts


def kernel_processes(mark: str) -> list[str]:
    """Processes started by this run (their environment carries MARK=mark), as 'pid: command'."""
    found = []
    for environ in glob.glob("/proc/[0-9]*/environ"):
        pid = environ.split("/")[2]
        try:
            if f"{MARK}={mark}".encode() not in open(environ, "rb").read().split(b"\0"):
                continue
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if int(pid) != os.getpid() and ("kernel_proxy.py" in cmd or re.search(r"jupyter .*--kernel", cmd)):
            found.append(f"{pid}: {cmd.strip()}")
    return found


def cause(r: dict) -> str:
    """The reason a start failed, in a few words."""
    err = r["stderr"]
    if "AddrInUse" in err:
        return "the kernel's port was taken (Deno: AddrInUse)"
    if "cannot listen on" in err or "ZMQError: Address already in use" in err:
        return "a port the front end chose was taken before the proxy bound it"
    if "Traceback" in err:
        return "the proxy crashed: " + err.strip().splitlines()[-1][:80]
    return r["error"][:80]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=2000)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=None, help="stop starting new kernels after this long")
    parser.add_argument("--kernel", default=KERNEL)
    args = parser.parse_args()

    die_with_parent()
    # Everything this run starts is marked, and its connection files go to a private folder, so
    # that leftovers can be told apart from other programs' kernels and files.
    mark = str(os.getpid())
    os.environ[MARK] = mark
    scratch = tempfile.mkdtemp(prefix="kernel-starts-")
    os.environ["TMPDIR"] = tempfile.tempdir = scratch
    t0 = time.monotonic()
    deadline = t0 + args.minutes * 60 if args.minutes else None
    results: list[dict] = []
    # SIGINT/SIGTERM: start no more kernels, let those under way finish, and report.
    stopping = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.parallel, initializer=worker_init) as pool:
        pending: set[concurrent.futures.Future] = set()
        submitted = 0
        while True:
            while (
                not stopping
                and submitted < args.starts
                and len(pending) < 2 * args.parallel
                and (deadline is None or time.monotonic() < deadline)
            ):
                pending.add(pool.submit(one_start, args.kernel, submitted))
                submitted += 1
            if not pending:
                break
            done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for f in done:
                r = f.result()
                results.append(r)
                if r["error"]:
                    tail = "\n    ".join(r["stderr"].strip().splitlines()[-8:])
                    print(f"start {r['index'] + 1} FAILED: {r['error']} ({cause(r)})\n    {tail}", flush=True)
                if len(results) % 100 == 0:
                    failed = sum(1 for x in results if x["error"])
                    print(f"{len(results)} starts, {failed} failed, {time.monotonic() - t0:.0f} s", flush=True)

    wall = time.monotonic() - t0
    failures = [r for r in results if r["error"]]
    relaunched = sum(1 for r in results if not r["error"] and "starting it again on other ports" in r["stderr"])
    ready = [r["ready"] for r in results if r["ready"] is not None]
    causes: dict[str, int] = {}
    for r in failures:
        causes[cause(r)] = causes.get(cause(r), 0) + 1
    # Give kernels that are shutting down a moment, then look for leftovers.
    time.sleep(2)
    left = kernel_processes(mark)
    files = sorted(glob.glob(os.path.join(scratch, "**", "*"), recursive=True))
    shutil.rmtree(scratch, ignore_errors=True)
    if stopping:
        print(f"\nstopped by {signal.Signals(stopping[0]).name} after {len(results)} starts")
    print(
        f"\nkernel starts: {len(results)} ({args.parallel} at a time) in {wall:.0f} s, "
        f"failed: {len(failures)}"
        + (f" ({', '.join(f'{k}: {v}' for k, v in causes.items())})" if causes else "")
    )
    print(f"started only after the proxy started the kernel again on other ports: {relaunched}")
    if ready:
        q = statistics.quantiles(ready, n=20)
        print(f"time to kernel_info reply: median {statistics.median(ready):.2f} s, 95th percentile {q[18]:.2f} s, "
              f"max {max(ready):.2f} s")
    print(f"kernel processes left running: {len(left)}" + "".join(f"\n  {p}" for p in left))
    print(f"files left in the kernels' TMPDIR: {len(files)}" + "".join(f"\n  {p}" for p in files))
    return 1 if failures or left or files else 0


if __name__ == "__main__":
    sys.exit(main())
