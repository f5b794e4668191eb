"""A thin proxy in front of the Deno Jupyter kernel that runs one request at a time.

    python scripts/kernel_proxy.py CONNECTION_FILE DENO_KERNEL_ARGV...

Why: Deno 2.9.6's kernel sometimes publishes a cell's result just after it has reported the cell
finished. When JupyterLab queues several cells at once ("Run All"), the next request has by then
reached the kernel, the late result is published under that next request, and JupyterLab shows it
one cell too low. This proxy holds each shell request back until the previous one is completely
done: its reply has arrived, the kernel has gone idle, and IOPub has stayed quiet for a moment.

It binds the sockets Jupyter expects (from CONNECTION_FILE), starts the real kernel on a second
connection file with other ports, and passes every message through unchanged (same signing key),
so the kernel and the front end see ordinary Jupyter traffic. Interrupts (SIGINT) are passed on;
the proxy exits when the kernel does.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import zmq

DELIMITER = b"<IDS|MSG>"
# How long IOPub must stay quiet after the kernel goes idle before the next request may go in.
QUIET_SECONDS = 0.1
# A reply whose idle status never comes (should not happen) releases the queue after this long.
GIVE_UP_SECONDS = 2.0


def free_port(ip: str) -> int:
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def die_with_parent() -> None:
    """In the kernel's process: on Linux, get SIGTERM if the proxy dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main() -> int:
    outer = json.load(open(sys.argv[1]))
    ip, transport = outer["ip"], outer["transport"]
    inner = dict(outer)
    for name in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"):
        inner[name] = free_port(ip)
    fd, inner_path = tempfile.mkstemp(prefix="kernel-inner-", suffix=".json",
                                      dir=os.path.dirname(os.path.abspath(sys.argv[1])))
    with os.fdopen(fd, "w") as f:
        json.dump(inner, f)

    child = subprocess.Popen([*sys.argv[2:], inner_path], preexec_fn=die_with_parent)
    # Interrupts go to the kernel; termination ends both.
    signal.signal(signal.SIGINT, lambda *_: child.send_signal(signal.SIGINT))
    signal.signal(signal.SIGTERM, lambda *_: (child.terminate(), sys.exit(0)))

    ctx = zmq.Context()
    url = lambda conn, name: f"{transport}://{ip}:{conn[name]}"  # noqa: E731

    def pair(front_type, back_type, name):
        front = ctx.socket(front_type)
        front.bind(url(outer, name))
        back = ctx.socket(back_type)
        back.connect(url(inner, name))
        return front, back

    shell_f, shell_b = pair(zmq.ROUTER, zmq.DEALER, "shell_port")
    control_f, control_b = pair(zmq.ROUTER, zmq.DEALER, "control_port")
    stdin_f, stdin_b = pair(zmq.ROUTER, zmq.DEALER, "stdin_port")
    iopub_f = ctx.socket(zmq.XPUB)
    iopub_f.bind(url(outer, "iopub_port"))
    iopub_b = ctx.socket(zmq.XSUB)
    iopub_b.connect(url(inner, "iopub_port"))
    iopub_b.send(b"\x01")  # subscribe to everything: the proxy must see every status message
    hb_f = ctx.socket(zmq.ROUTER)
    hb_f.bind(url(outer, "hb_port"))
    hb_b = ctx.socket(zmq.DEALER)
    hb_b.connect(url(inner, "hb_port"))

    poller = zmq.Poller()
    for s in (shell_f, shell_b, control_f, control_b, stdin_f, stdin_b, iopub_f, iopub_b, hb_f, hb_b):
        poller.register(s, zmq.POLLIN)

    # The kernel sees the proxy as its only client: routing identities are taken off on the way
    # in and put back on the way out, by the request's msg_id.
    routes: dict[str, list[bytes]] = {}
    last_stdin_ids: list[bytes] = []

    def inward(frames: list[bytes]) -> tuple[list[bytes], dict]:
        i = frames.index(DELIMITER)
        header = json.loads(frames[i + 2])
        routes[header["msg_id"]] = frames[:i]
        return frames[i:], header

    def outward(frames: list[bytes]) -> list[bytes] | None:
        i = frames.index(DELIMITER)
        ids = routes.get(json.loads(frames[i + 3]).get("msg_id"))
        return None if ids is None else ids + frames[i:]

    queue: collections.deque[list[bytes]] = collections.deque()  # execute requests waiting
    in_flight: str | None = None  # msg_id of the execute request the kernel is working on
    replied = idle = False
    quiet_since = 0.0

    def send_next() -> None:
        nonlocal in_flight, replied, idle
        if in_flight is None and queue:
            frames = queue.popleft()
            in_flight = json.loads(frames[2])["msg_id"]
            replied = idle = False
            shell_b.send_multipart(frames)

    try:
        while child.poll() is None:
            events = dict(poller.poll(50))
            now = time.monotonic()
            if shell_f in events:
                frames, header = inward(shell_f.recv_multipart())
                if header.get("msg_type") == "execute_request":
                    queue.append(frames)  # one cell at a time
                else:
                    shell_b.send_multipart(frames)  # completions, kernel info, comms: straight on
            if shell_b in events:
                frames = shell_b.recv_multipart()
                routed = outward(frames)
                if routed is not None:
                    shell_f.send_multipart(routed)
                if json.loads(frames[frames.index(DELIMITER) + 3]).get("msg_id") == in_flight:
                    replied, quiet_since = True, now
            if control_f in events:
                control_b.send_multipart(inward(control_f.recv_multipart())[0])
            if control_b in events:
                routed = outward(control_b.recv_multipart())
                if routed is not None:
                    control_f.send_multipart(routed)
            if stdin_f in events:
                frames = stdin_f.recv_multipart()
                last_stdin_ids = frames[: frames.index(DELIMITER)]
                stdin_b.send_multipart(frames[len(last_stdin_ids):])
            if stdin_b in events:
                frames = stdin_b.recv_multipart()
                ids = outward(frames)
                stdin_f.send_multipart(ids if ids is not None else last_stdin_ids + frames)
            if iopub_b in events:
                frames = iopub_b.recv_multipart()
                iopub_f.send_multipart(frames)
                quiet_since = now
                try:
                    i = frames.index(DELIMITER)
                    if (
                        json.loads(frames[i + 2]).get("msg_type") == "status"
                        and json.loads(frames[i + 3]).get("msg_id") == in_flight
                        and json.loads(frames[i + 5]).get("execution_state") == "idle"
                    ):
                        idle = True
                except (ValueError, json.JSONDecodeError):
                    pass
            if iopub_f in events:
                iopub_b.send_multipart(iopub_f.recv_multipart())  # subscriptions
            if hb_f in events:
                hb_b.send_multipart(hb_f.recv_multipart())
            if hb_b in events:
                hb_f.send_multipart(hb_b.recv_multipart())
            if in_flight is not None and replied and (
                (idle and now - quiet_since >= QUIET_SECONDS) or now - quiet_since >= GIVE_UP_SECONDS
            ):
                in_flight = None
            send_next()
    finally:
        for s in (shell_f, shell_b, control_f, control_b, stdin_f, stdin_b, iopub_f, iopub_b, hb_f, hb_b):
            s.close(linger=0)
        ctx.term()
        if child.poll() is None:
            child.terminate()
        try:
            os.unlink(inner_path)
        except OSError:
            pass
    return child.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
