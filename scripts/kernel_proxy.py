"""A proxy in front of the Deno Jupyter kernel: one cell at a time, interrupts, safe starts.

    python scripts/kernel_proxy.py CONNECTION_FILE DENO_KERNEL_ARGV...

The project's kernelspec (written by scripts/setup.ts) starts Deno's kernel behind this proxy. It
binds the sockets the front end expects (from CONNECTION_FILE), starts the real kernel on ports of
its own, and passes every message through unchanged (same signing key), so the kernel and the front
end see ordinary Jupyter traffic. What it adds, for Deno 2.9.6's kernel:

One cell at a time. The kernel sometimes publishes a cell's result just after it has reported the
cell finished. When JupyterLab queues several cells at once ("Run All"), the next request has by then
reached the kernel, the late result is published under that next request, and JupyterLab shows it
one cell too low. The proxy holds each execute request back until the previous one is completely
done: its reply has arrived, the kernel has gone idle, and IOPub has stayed quiet for a moment.

Interrupts. The kernelspec says `"interrupt_mode": "message"`, so the front end asks for an
interrupt with an interrupt_request on the control channel, which goes straight to the kernel
(never behind the queue); the kernel ends the running cell with an error and keeps its state. The
cells still waiting in the proxy's queue are then answered "aborted" without being run, as the
messaging spec's `stop_on_error` asks and as JupyterLab expects (ipykernel does the same). A SIGINT
sent to the proxy becomes the same message (a SIGINT would kill Deno's kernel).

Safe starts. The kernel listens on five TCP ports that the proxy chooses; a port picked by binding
port 0 and closing it can be taken by another program before Deno binds it, and Deno then dies with
AddrInUse. So the proxy binds its own (outer) ports first, as early as it can (the front end picked
them the same way, and they are free for anyone until bound), then reserves the kernel's five ports
by binding them (exclusively, then marked SO_REUSEADDR) and keeps them bound until the kernel
answers: no other bind to port 0 can be given them meanwhile, while Deno, which listens with
SO_REUSEADDR, can take them (Linux; elsewhere they are released just before the kernel starts). If
the kernel still dies before its first message, or says AddrInUse, it is started again on fresh
ports, up to RELAUNCHES more times, and the requests sent so far are passed to the new one: the
front end sees a slower start, not a dead kernel. (A port that the front end picked and another
program took before the proxy could bind it is beyond repair here: the proxy says so and exits.)

Nothing left behind. The kernel's connection file (it holds the signing key) is a memfd passed to
the kernel, never a file on disk (elsewhere: a private temporary file, removed as soon as the kernel
has answered). The kernel gets SIGTERM if the proxy dies, and the proxy if its front end dies (Linux
PR_SET_PDEATHSIG), so no kernel outlives the program that started it.
"""

from __future__ import annotations

import os
import signal
import socket
import sys

from lifetime import die_with_parent

PORTS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
DELIMITER = b"<IDS|MSG>"
# How long IOPub must stay quiet after the kernel goes idle before the next request may go in.
QUIET_SECONDS = 0.1
# A reply whose idle status never comes (should not happen) releases the queue after this long.
GIVE_UP_SECONDS = 2.0
# How many times a kernel that dies before its first message is started again.
RELAUNCHES = 3
# Linux lets a port stay bound by the proxy while Deno listens on it (both with SO_REUSEADDR).
HOLD_PORTS = sys.platform.startswith("linux")


def log(text: str) -> None:
    sys.stderr.write(f"kernel_proxy: {text}\n")
    sys.stderr.flush()


def claim(ip: str, port: int = 0, exclusive: bool = True) -> socket.socket:
    """Binds `port` on `ip` (0: a free one), marked SO_REUSEADDR, without listening.

    While it is bound, no bind to port 0 anywhere on the machine returns this port, and a program
    that binds it with SO_REUSEADDR and listens (Deno, ZeroMQ) still can. `exclusive` binds before
    setting SO_REUSEADDR, so that the bind fails if any socket holds the port, even one that another
    proxy only reserved; otherwise it succeeds over those, and over connections of an earlier kernel
    on the same port that linger in TIME_WAIT (a restart on the same ports).
    """
    s = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET)
    try:
        if not exclusive:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((ip, port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    except OSError:
        s.close()
        raise
    return s


# Bind the front end's ports before anything slow (importing ZeroMQ) happens: until they are bound,
# another program may be handed them.
if __name__ == "__main__":
    die_with_parent()
    import json

    if len(sys.argv) < 3:
        sys.exit(__doc__.splitlines()[2].strip())
    OUTER = json.load(open(sys.argv[1]))
    PLACEHOLDERS = []
    if OUTER["transport"] == "tcp":
        for _name in PORTS:
            try:
                PLACEHOLDERS.append(claim(OUTER["ip"], OUTER[_name], exclusive=False))
            except OSError as _e:
                log(
                    f"cannot listen on {OUTER['ip']}:{OUTER[_name]} ({_name} in {sys.argv[1]}): {_e.strerror}; "
                    "another program took the port the front end chose. Start the kernel again."
                )
                sys.exit(1)

import collections  # noqa: E402
import datetime  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402
import json  # noqa: E402
import select  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import zmq  # noqa: E402


class Signer:
    """Builds signed Jupyter messages (for the replies the proxy writes itself)."""

    def __init__(self, conn: dict):
        key = conn.get("key", "").encode()
        scheme = conn.get("signature_scheme", "hmac-sha256")
        self.digest = getattr(hashlib, scheme.split("-", 1)[1]) if key else None
        self.key = key
        self.session = uuid.uuid4().hex

    def frames(self, msg_type: str, content: dict, parent: dict, metadata: dict | None = None) -> list[bytes]:
        header = {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "username": "kernel",
            "session": self.session,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "version": "5.3",
        }
        parts = [json.dumps(p).encode() for p in (header, parent, metadata or {}, content)]
        sig = b""
        if self.digest is not None:
            h = hmac.new(self.key, digestmod=self.digest)
            for p in parts:
                h.update(p)
            sig = h.hexdigest().encode()
        return [DELIMITER, sig, *parts]


def connection_file(conn: dict, near: str) -> tuple[str, tuple[int, ...], str | None]:
    """(path for the kernel's --conn, fds to pass, temporary file to remove later or None)."""
    data = json.dumps(conn).encode()
    if hasattr(os, "memfd_create") and os.path.isdir("/dev/fd"):
        fd = os.memfd_create("kernel-connection", os.MFD_CLOEXEC)
        os.write(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
        return f"/dev/fd/{fd}", (fd,), None
    fd, path = tempfile.mkstemp(prefix="kernel-inner-", suffix=".json", dir=near)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path, (), path


class Kernel:
    """One launch of Deno's kernel on freshly reserved ports, and the proxy's sockets to it."""

    def __init__(self, ctx: zmq.Context, argv: list[str], conn: dict, near: str):
        self.reserved = [claim("127.0.0.1") for _ in PORTS]
        ports = {name: s.getsockname()[1] for name, s in zip(PORTS, self.reserved)}
        inner = {**conn, "transport": "tcp", "ip": "127.0.0.1", **ports}
        path, fds, self.tmp = connection_file(inner, near)
        if not HOLD_PORTS:
            self.release()
        try:
            self.process = subprocess.Popen(
                [*argv, path], pass_fds=fds, preexec_fn=die_with_parent, stdin=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        finally:
            for fd in fds:
                os.close(fd)
        os.set_blocking(self.process.stderr.fileno(), False)
        self.stderr_tail = b""
        self.stderr_open = True
        self.confirmed = False  # the kernel has sent something: it is up
        self.sent: list[tuple[str, list[bytes]]] = []  # requests passed on before that, to resend
        url = lambda name: f"tcp://127.0.0.1:{ports[name]}"  # noqa: E731
        self.sockets: dict[str, zmq.Socket] = {}
        for name, kind in (("shell", zmq.DEALER), ("control", zmq.DEALER), ("stdin", zmq.DEALER),
                           ("iopub", zmq.XSUB), ("hb", zmq.DEALER)):
            s = ctx.socket(kind)
            s.linger = 0
            s.connect(url(f"{name}_port"))
            self.sockets[name] = s
        self.sockets["iopub"].send(b"\x01")  # subscribe to everything: the proxy sees every status

    def send(self, channel: str, frames: list[bytes]) -> None:
        if not self.confirmed and channel != "hb":
            self.sent.append((channel, frames))
        self.sockets[channel].send_multipart(frames)

    def confirm(self) -> None:
        if not self.confirmed:
            self.confirmed = True
            self.sent = []
            self.release()
            self.remove_file()

    def release(self) -> None:
        for s in self.reserved:
            s.close()
        self.reserved = []

    def remove_file(self) -> None:
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None

    def read_stderr(self) -> bool:
        """Passes on what the kernel wrote to stderr; False at its end."""
        try:
            chunk = os.read(self.process.stderr.fileno(), 65536)
        except BlockingIOError:
            return True
        if not chunk:
            self.stderr_open = False
            return False
        sys.stderr.buffer.write(chunk)
        sys.stderr.flush()
        self.stderr_tail = (self.stderr_tail + chunk)[-4096:]
        return True

    def drain(self) -> None:
        """Passes on whatever the kernel's stderr still holds, without waiting for more."""
        while self.stderr_open and self.read_stderr():
            try:
                if not select.select([self.process.stderr], [], [], 0)[0]:
                    return
            except (OSError, ValueError):
                return

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for s in self.sockets.values():
            s.close(linger=0)
        self.process.stderr.close()
        self.release()
        self.remove_file()


# The error shown under a cell that an interrupt ended.
INTERRUPTED = {
    "ename": "Interrupted",
    "evalue": "Execution was terminated by an interrupt; the kernel keeps its state",
    "traceback": ["Interrupted: Execution was terminated by an interrupt; the kernel keeps its state"],
}


def iopub_summary(frames: list[bytes]) -> tuple[str | None, str | None, str | None]:
    """(msg_type, parent msg_id, execution_state) of an IOPub message, as far as they can be read."""
    try:
        i = frames.index(DELIMITER)
        kind = json.loads(frames[i + 2]).get("msg_type")
        parent = json.loads(frames[i + 3]).get("msg_id")
        state = json.loads(frames[i + 5]).get("execution_state") if kind == "status" else None
        return kind, parent, state
    except (ValueError, IndexError, AttributeError):
        return None, None, None


def describe(code: int) -> str:
    if code < 0:
        try:
            return f"was ended by {signal.Signals(-code).name}"
        except ValueError:
            return f"was ended by signal {-code}"
    return f"exited with code {code}"


def main() -> int:
    outer, argv = OUTER, sys.argv[2:]
    near = os.path.dirname(os.path.abspath(sys.argv[1]))
    ip, transport = outer["ip"], outer["transport"]
    signer = Signer(outer)
    requests = {"interrupt": False, "stop": 0}

    def on_signal(signum, _frame):
        if signum == signal.SIGINT:
            requests["interrupt"] = True
        else:
            requests["stop"] = signum

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    ctx = zmq.Context()

    def url(name: str) -> str:
        port = outer[name]
        return f"tcp://{ip}:{port}" if transport == "tcp" else f"{transport}://{ip}-{port}"

    front: dict[str, zmq.Socket] = {}
    for name, kind in (("shell", zmq.ROUTER), ("control", zmq.ROUTER), ("stdin", zmq.ROUTER),
                       ("iopub", zmq.XPUB), ("hb", zmq.ROUTER)):
        s = ctx.socket(kind)
        s.linger = 0
        try:
            s.bind(url(f"{name}_port"))
        except zmq.ZMQError as e:
            log(f"cannot listen on {url(name + '_port')}: {e}")
            return 1
        front[name] = s
    for s in PLACEHOLDERS:
        s.close()

    conn = {k: v for k, v in outer.items() if k not in PORTS}
    launches = 1
    try:
        kernel = Kernel(ctx, argv, conn, near)
    except OSError as e:
        log(f"cannot start the kernel `{' '.join(argv)}`: {e}")
        return 1

    # The kernel sees the proxy as its only client: routing identities are taken off on the way
    # in and put back on the way out, by the request's msg_id.
    routes: dict[str, list[bytes]] = {}
    last_stdin_ids: list[bytes] = []
    queue: collections.deque[tuple[list[bytes], dict]] = collections.deque()  # execute requests waiting
    in_flight: dict | None = None  # the execute request the kernel is working on
    interrupting = False  # an interrupt came while a cell was running: abort the queue at its reply
    held_idle: list[bytes] | None = None  # the interrupted cell's idle status, sent after its error
    quiet_since = 0.0

    def split(frames: list[bytes]) -> tuple[list[bytes], list[bytes]] | None:
        try:
            i = frames.index(DELIMITER)
        except ValueError:
            return None
        return frames[:i], frames[i:]

    def inward(frames: list[bytes]) -> tuple[list[bytes], dict] | None:
        """A front end's request without its routing frames, and its header (None: not a message)."""
        parts = split(frames)
        if parts is None or len(parts[1]) < 6:
            return None
        try:
            header = json.loads(parts[1][2])
            routes[header["msg_id"]] = parts[0]
        except (ValueError, KeyError, TypeError):
            return None
        return parts[1], header

    def body(frames: list[bytes]) -> list[bytes] | None:
        """A message from the kernel without any routing frames: [DELIMITER, sig, header, ...]."""
        parts = split(frames)
        return parts[1] if parts is not None and len(parts[1]) >= 6 else None

    def parent_id(msg: list[bytes]) -> str | None:
        try:
            return json.loads(msg[3]).get("msg_id")
        except (IndexError, ValueError, AttributeError):
            return None

    def abort_queue() -> None:
        """Answers every waiting execute request 'aborted' without running it (stop_on_error)."""
        while queue:
            msg, header = queue.popleft()
            ids = routes.pop(header["msg_id"], None)
            front["iopub"].send_multipart(signer.frames("status", {"execution_state": "busy"}, header))
            if ids is not None:
                front["shell"].send_multipart(
                    ids + signer.frames("execute_reply", {"status": "aborted"}, header, {"status": "aborted"})
                )
            front["iopub"].send_multipart(signer.frames("status", {"execution_state": "idle"}, header))

    def interrupt() -> None:
        nonlocal interrupting
        if in_flight is None or in_flight["replied"]:
            abort_queue()  # nothing is running: the interrupt stops what is waiting
        else:
            interrupting = True

    poller = zmq.Poller()

    def watch(k: Kernel) -> None:
        for s in k.sockets.values():
            poller.register(s, zmq.POLLIN)
        if k.stderr_open:
            poller.register(k.process.stderr.fileno(), zmq.POLLIN)  # (poll reports it by fd)

    def unwatch(k: Kernel) -> None:
        for s in k.sockets.values():
            poller.unregister(s)
        if k.stderr_open:
            poller.unregister(k.process.stderr.fileno())

    for s in front.values():
        poller.register(s, zmq.POLLIN)
    watch(kernel)
    code = 0
    try:
        while True:
            if requests["stop"]:
                code = 128 + requests["stop"]
                break
            if requests["interrupt"]:
                requests["interrupt"] = False
                kernel.send("control", signer.frames("interrupt_request", {}, {}))
                interrupt()
            dead = kernel.process.poll() is not None
            if dead or (not kernel.confirmed and b"AddrInUse" in kernel.stderr_tail):
                if not kernel.confirmed and launches <= RELAUNCHES:
                    why = "said AddrInUse" if b"AddrInUse" in kernel.stderr_tail else describe(kernel.process.returncode)
                    log(f"the kernel {why} before it answered; starting it again on other ports "
                        f"(launch {launches + 1} of {RELAUNCHES + 1})")
                    unwatch(kernel)
                    kernel.drain()
                    kernel.close()
                    old = kernel
                    try:
                        kernel = Kernel(ctx, argv, conn, near)
                    except OSError as e:
                        log(f"cannot start the kernel again: {e}")
                        code = 1
                        break
                    launches += 1
                    for channel, frames in old.sent:
                        kernel.send(channel, frames)
                    watch(kernel)
                    continue
                kernel.drain()
                if not dead:
                    log(f"the kernel said AddrInUse before it answered, {launches} times; giving up")
                    code = 1
                    break
                code = kernel.process.returncode
                if not kernel.confirmed:
                    log(f"the kernel {describe(code)} before it answered, {launches} times; giving up")
                elif code != 0:
                    log(f"the kernel {describe(code)}")
                code = 128 - code if code < 0 else code
                break

            events = dict(poller.poll(50))
            now = time.monotonic()
            k = kernel.sockets
            if kernel.process.stderr.fileno() in events and not kernel.read_stderr():
                poller.unregister(kernel.process.stderr.fileno())
            if front["shell"] in events:
                got = inward(front["shell"].recv_multipart())
                if got is not None:
                    msg, header = got
                    if header.get("msg_type") == "execute_request":
                        queue.append((msg, header))  # one cell at a time
                    else:
                        kernel.send("shell", msg)  # completions, kernel info, comms: straight on
            if k["shell"] in events and (msg := body(k["shell"].recv_multipart())) is not None:
                kernel.confirm()
                pid = parent_id(msg)
                ids = routes.pop(pid, None) if pid is not None else None
                if ids is not None:
                    front["shell"].send_multipart(ids + msg)
                if in_flight is not None and pid == in_flight["msg_id"]:
                    in_flight["replied"], quiet_since = True, now
                    try:
                        status = json.loads(msg[5]).get("status")
                    except (IndexError, ValueError, AttributeError):
                        status = None
                    if interrupting and status == "error" and not in_flight["error_shown"]:
                        # Deno ends an interrupted cell with an error reply but publishes no error,
                        # so the cell would show nothing: publish one, before the cell's idle status.
                        front["iopub"].send_multipart(signer.frames("error", INTERRUPTED, in_flight["header"]))
                    if held_idle is not None:
                        front["iopub"].send_multipart(held_idle)
                        held_idle = None
                    if interrupting or (status == "error" and in_flight["stop_on_error"]):
                        abort_queue()
                    interrupting = False
            if front["control"] in events:
                got = inward(front["control"].recv_multipart())
                if got is not None:
                    kernel.send("control", got[0])  # interrupts and shutdowns: never queued
                    if got[1].get("msg_type") == "interrupt_request":
                        interrupt()
            if k["control"] in events and (msg := body(k["control"].recv_multipart())) is not None:
                kernel.confirm()
                ids = routes.pop(parent_id(msg) or "", None)
                if ids is not None:
                    front["control"].send_multipart(ids + msg)
            if front["stdin"] in events:
                parts = split(front["stdin"].recv_multipart())
                if parts is not None:
                    last_stdin_ids = parts[0]
                    kernel.send("stdin", parts[1])
            if k["stdin"] in events and (msg := body(k["stdin"].recv_multipart())) is not None:
                kernel.confirm()
                ids = routes.get(parent_id(msg) or "")
                front["stdin"].send_multipart((ids if ids is not None else last_stdin_ids) + msg)
            if k["iopub"] in events:
                frames = k["iopub"].recv_multipart()
                kernel.confirm()
                quiet_since = now
                kind, parent, state = iopub_summary(frames)
                if in_flight is not None and parent == in_flight["msg_id"]:
                    if kind == "error":
                        in_flight["error_shown"] = True
                    elif kind == "status" and state == "idle":
                        in_flight["idle"] = True
                        if interrupting and not in_flight["replied"]:
                            held_idle, frames = frames, None  # until the reply says how the cell ended
                if frames is not None:
                    front["iopub"].send_multipart(frames)
            if front["iopub"] in events:
                kernel.send("iopub", front["iopub"].recv_multipart())  # subscriptions
            if front["hb"] in events:
                kernel.send("hb", front["hb"].recv_multipart())
            if k["hb"] in events:
                front["hb"].send_multipart(k["hb"].recv_multipart())
                kernel.confirm()
            if in_flight is not None and in_flight["replied"] and (
                (in_flight["idle"] and now - quiet_since >= QUIET_SECONDS) or now - quiet_since >= GIVE_UP_SECONDS
            ):
                in_flight = None
            if in_flight is None and queue:
                msg, header = queue.popleft()
                content = json.loads(msg[5]) if len(msg) > 5 else {}
                in_flight = {
                    "msg_id": header["msg_id"],
                    "header": header,
                    "error_shown": False,
                    "stop_on_error": content.get("stop_on_error", True) is not False,
                    "replied": False,
                    "idle": False,
                }
                kernel.send("shell", msg)
    finally:
        kernel.close()
        for s in front.values():
            s.close(linger=0)
        ctx.term()
    return code


if __name__ == "__main__":
    sys.exit(main())
