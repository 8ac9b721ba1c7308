"""Running one query with a real time limit: in a forked child process that can be killed.

rdflib evaluates SPARQL in pure Python and offers no way to interrupt a query, and a thread cannot
be stopped from outside. So each query runs in a child made with ``os.fork()``: the child already
holds the loaded graph (copy-on-write, nothing is copied or re-parsed), evaluates the query,
serializes the answer and writes it to a pipe. The parent reads the pipe from its event loop and
kills the child with SIGKILL when the time limit passes. The child also caps its memory, cannot
open network connections or start processes, and can never change the parent's graph.

Linux and other POSIX systems only (``os.fork``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import select
import signal
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Audit events refused inside a query child: rdflib would otherwise fetch SERVICE and FROM IRIs.
_BLOCKED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "urllib.Request",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
    }
)


@dataclass(frozen=True)
class Limits:
    """What a query may use: seconds of wall time, rows (or triples), bytes of answer, MiB of memory."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_bytes: int = 20_000_000
    max_memory_mib: int = 2048


@dataclass(frozen=True)
class Answer:
    """What a query child sent back: an HTTP status, a Content-Type and the body."""

    status: int
    media_type: str
    body: bytes


def too_large(why: str) -> Answer:
    """The answer to a query whose result is over a cap: 413 with the reason."""
    return Answer(413, "text/plain", f"result too large: {why}\n".encode())


def _deny_network(event: str, _args: Any) -> None:
    if event in _BLOCKED_EVENTS:
        raise PermissionError(f"{event} is not allowed while answering a query")


def _limit_memory(mib: int) -> None:
    # The child's address space may grow by ``mib`` past what it inherited.
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:  # noqa: PTH123 - fast path, Linux only
            pages = int(statm.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
        limit = current + mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass


def _child(write_fd: int, task: Callable[[], Answer], limits: Limits) -> None:
    """The body of a query child: run ``task``, write ``STATUS MEDIA-TYPE\\n`` and the body to the pipe."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, OSError):
            signal.signal(sig, signal.SIG_DFL)
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(-1)
    _limit_memory(limits.max_memory_mib)
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM <iri> must never fetch <iri>
    sys.addaudithook(_deny_network)
    try:
        answer = task()
        if len(answer.body) > limits.max_bytes:
            answer = too_large(f"the answer is larger than {limits.max_bytes} bytes (the server's --max-bytes)")
    except MemoryError:
        answer = Answer(503, "text/plain", b"query stopped: it needed more memory than the server allows\n")
    except Exception as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        answer = Answer(500, "text/plain", f"query failed: {message}\n".encode())
    data = memoryview(f"{answer.status} {answer.media_type}\n".encode("ascii") + answer.body)
    while data:
        written = os.write(write_fd, data)
        data = data[written:]
    os.close(write_fd)  # the parent sees the end now, not when this process has been torn down


def _fork() -> int:
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() in a process with threads; the child only evaluates the
        # query with rdflib and exits with os._exit, touching no lock another thread could hold.
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


#: Children that were killed or have finished but are not yet reaped (they exit within milliseconds).
_unreaped: set[int] = set()


def _reap() -> None:
    for pid in list(_unreaped):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _unreaped.discard(pid)


def _start_child(task: Callable[[], Answer], limits: Limits) -> tuple[int, int]:
    """Fork a child that runs ``task`` and writes its answer to a pipe; returns (pid, read end)."""
    read_fd, write_fd = os.pipe()
    try:
        pid = _fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        raise
    if pid == 0:  # the child: never returns into the server's code
        code = 0
        try:
            os.close(read_fd)
            _child(write_fd, task, limits)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def run_in_child_blocking(task: Callable[[], Answer], limits: Limits) -> Answer:
    """:func:`run_in_child` for a thread that may block: used for work that should not grow the
    server process (such as rendering the viewer, which imports numpy and networkx)."""
    pid, read_fd = _start_child(task, limits)
    chunks: list[bytes] = []
    deadline = time.monotonic() + limits.timeout
    finished = False
    try:
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                break
            data = os.read(read_fd, 1 << 16)
            if not data:
                finished = True
                break
            chunks.append(data)
    finally:
        os.close(read_fd)
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not finished:
        return Answer(503, "text/plain", b"cut off at the time limit\n")
    head, _, body = b"".join(chunks).partition(b"\n")
    status, _, media_type = head.decode("ascii", "replace").partition(" ")
    return Answer(int(status) if status.isdigit() else 500, media_type, body)


async def run_in_child(task: Callable[[], Answer], limits: Limits) -> Answer:
    """Run ``task`` in a forked child and return its answer; the child is killed after ``limits.timeout``
    seconds (answer 503) or when its answer grows past ``limits.max_bytes`` (answer 413)."""
    loop = asyncio.get_running_loop()
    try:
        pid, read_fd = _start_child(task, limits)
    except OSError as exc:  # out of processes or memory: the server goes on, this query does not
        return Answer(503, "text/plain", f"cannot start a query process: {exc.strerror or exc}\n".encode())
    os.set_blocking(read_fd, False)
    chunks: list[bytes] = []
    size = 0
    done: asyncio.Future[str] = loop.create_future()
    cap = limits.max_bytes + 4096

    def on_readable() -> None:
        nonlocal size
        try:
            data = os.read(read_fd, 1 << 16)
        except BlockingIOError:
            return
        except OSError:
            if not done.done():
                done.set_result("broken pipe")
            return
        if not data:
            if not done.done():
                done.set_result("eof")
            return
        chunks.append(data)
        size += len(data)
        if size > cap and not done.done():
            done.set_result("too large")

    loop.add_reader(read_fd, on_readable)
    outcome = "cancelled"  # stays so when the client goes away while the query runs
    try:
        outcome = await asyncio.wait_for(done, limits.timeout)
    except TimeoutError:
        outcome = "timeout"
    finally:
        loop.remove_reader(read_fd)
        os.close(read_fd)
        if outcome != "eof":
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _unreaped.add(pid)
        _reap()
        if _unreaped:
            loop.call_later(0.05, _reap)
    if outcome == "timeout":
        return Answer(
            503,
            "text/plain",
            f"query cut off: it ran longer than the time limit of {limits.timeout:g} s (the server's --timeout)\n".encode(),
        )
    if outcome == "too large":
        return too_large(f"the answer is larger than {limits.max_bytes} bytes (the server's --max-bytes)")
    raw = b"".join(chunks)
    head, sep, body = raw.partition(b"\n")
    status, _, media_type = head.decode("ascii", "replace").partition(" ")
    if not sep or not status.isdigit():
        return Answer(500, "text/plain", b"query failed: the query process ended without an answer\n")
    return Answer(int(status), media_type, body)
