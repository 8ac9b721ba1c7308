"""Answering requests in pre-started worker processes, each killed and replaced when it runs too long.

No engine can stop a running query from outside, and a thread cannot be stopped either, so every
request runs in a **worker process** that can be killed. Workers are started before the server
serves, and each answers one request after another; a request costs a round trip over a Unix socket,
not a process. A worker that runs past the time limit gets ``SIGKILL`` and a fresh one takes its
place, so the server keeps serving.

Workers are forked from a **zygote**, a process forked at start-up, before the server has threads,
that has imported everything a worker needs: a replacement is one ``fork()`` away. On a persistent
store each worker opens the store read-only itself (in milliseconds); a graph held in memory is
loaded once, in the zygote, and shared with every worker copy-on-write.

A worker caps its memory, refuses network connections and new processes (an audit hook), and never
writes to the graph.

**Lanes.** The pool remembers the shortest time each request (header and query text) took. A request
known to be light (it once answered within :data:`LIGHT_SECONDS`) may use any idle worker; any other query may hold at most all
workers but :attr:`Pool.reserved`, so heavy queries can never take the last workers from light ones.

Linux and other POSIX systems only (``fork``, ``SCM_RIGHTS``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import select
import signal
import socket
import struct
import sys
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: A query that answered within this many seconds is light: it may use the reserved workers.
LIGHT_SECONDS = 0.1
#: How many query texts the pool remembers the time of.
HISTORY = 20_000

#: Audit events refused inside a worker: nothing it runs may reach the network or start programs.
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
    """What a request may use: seconds of wall time, rows (or triples), bytes of answer, MiB of memory."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_bytes: int = 20_000_000
    max_memory_mib: int = 2048


@dataclass(frozen=True)
class Answer:
    """What a worker sent back: an HTTP status, a Content-Type, extra headers and the body."""

    status: int
    media_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


class AnswerCache:
    """Answers kept by request (header and body), least recently used dropped past ``capacity`` bytes.

    The graph a server answers from never changes while it runs (its store is open read-only), so
    the same request always gets the same answer: a kept one is sent without a worker. Only answers
    that say something of the graph are kept (200 and 404), and none larger than a sixteenth of the
    capacity.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.size = 0
        self.hits = 0
        self._kept: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Answer | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                self.hits += 1
            return found

    def put(self, key: str, answer: Answer) -> None:
        if answer.status not in (200, 404) or len(answer.body) * 16 > self.capacity:
            return
        with self._lock:
            if key in self._kept:
                return
            self._kept[key] = answer
            self.size += len(answer.body)
            while self.size > self.capacity:
                _, dropped = self._kept.popitem(last=False)
                self.size -= len(dropped.body)


def too_large(why: str) -> Answer:
    """The answer to a request whose result is over a cap: 413 with the reason."""
    return Answer(413, "text/plain", f"result too large: {why}\n".encode())


def unavailable(why: str) -> Answer:
    return Answer(503, "text/plain", f"{why}\n".encode())


# --- framing --------------------------------------------------------------------------------------------

_LEN = struct.Struct("!I")


def _send(sock: socket.socket, header: dict[str, Any], body: bytes = b"") -> None:
    head = json.dumps(header).encode("utf-8")
    sock.sendall(_LEN.pack(len(head)) + head + _LEN.pack(len(body)) + body)


def _read_exactly(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                raise TimeoutError
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise ConnectionError("the worker closed its socket")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _receive(sock: socket.socket, deadline: float | None = None) -> tuple[dict[str, Any], bytes]:
    (size,) = _LEN.unpack(_read_exactly(sock, 4, deadline))
    header = json.loads(_read_exactly(sock, size, deadline))
    (size,) = _LEN.unpack(_read_exactly(sock, 4, deadline))
    return header, _read_exactly(sock, size, deadline)


# --- the worker side --------------------------------------------------------------------------------------

#: Handles a request in a worker: (request header, request body) -> Answer.
Handler = Callable[[dict[str, Any], bytes], Answer]


def _deny(event: str, _args: Any) -> None:
    if event in _BLOCKED_EVENTS:
        raise PermissionError(f"{event} is not allowed while answering a request")


def _limit_memory(mib: int) -> None:
    # The worker's address space may grow by ``mib`` past what it has when it starts.
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:  # noqa: PTH123 - Linux only
            pages = int(statm.read().split()[0])
        limit = pages * os.sysconf("SC_PAGE_SIZE") + mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass


def _serve_requests(sock: socket.socket, make_handler: Callable[[], Handler], limits: Limits) -> None:
    """The worker's loop: read a request, answer it, until the socket closes."""
    handler = make_handler()
    _limit_memory(limits.max_memory_mib)
    sys.addaudithook(_deny)
    while True:
        try:
            header, body = _receive(sock)
        except (ConnectionError, OSError, ValueError):
            return
        try:
            answer = handler(header, body)
            if len(answer.body) > limits.max_bytes:
                answer = too_large(f"the answer is larger than {limits.max_bytes} bytes (the server's --max-bytes)")
        except MemoryError:
            answer = unavailable("stopped: the answer needed more memory than the server allows")
        except Exception as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            answer = Answer(500, "text/plain", f"failed: {message}\n".encode())
        try:
            _send(sock, {"status": answer.status, "type": answer.media_type, "headers": answer.headers}, answer.body)
        except OSError:
            return


def _spawn(body: Callable[[], None]) -> int:
    """Fork a process that runs ``body`` and exits (1 if it raised); the parent gets its pid."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() in a process with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # never returns into the caller's code
        code = 0
        try:
            body()
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    return pid


def _zygote(control: socket.socket, make_handler: Callable[[], Handler], limits: Limits) -> None:
    """The zygote's loop: on each ``spawn`` request fork a worker, send back its pid and socket."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    while True:
        try:
            request = control.recv(16)
        except OSError:
            return
        if not request:
            return  # the server is gone
        ours, theirs = socket.socketpair()

        def worker(ours: socket.socket = ours, theirs: socket.socket = theirs) -> None:
            control.close()
            ours.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _serve_requests(theirs, make_handler, limits)

        pid = _spawn(worker)
        theirs.close()
        try:
            socket.send_fds(control, [str(pid).encode()], [ours.fileno()])
        except OSError:
            return
        finally:
            ours.close()


# --- the server side ----------------------------------------------------------------------------------------


@dataclass
class _Worker:
    pid: int
    sock: socket.socket


class Pool:
    """``size`` workers answering requests with ``make_handler()`` (called once in each worker)."""

    def __init__(
        self,
        make_handler: Callable[[], Handler],
        limits: Limits,
        size: int,
        reserved: int = 1,
        cache_bytes: int = 0,
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.limits = limits
        self.size = size
        self.reserved = min(reserved, size - 1)
        self._control, zygote_end = socket.socketpair()

        def zygote() -> None:
            self._control.close()
            _zygote(zygote_end, make_handler, limits)

        pid = _spawn(zygote)
        zygote_end.close()
        self._zygote_pid = pid
        self._spawn_lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._idle_ready = threading.Condition()
        self._heavy = threading.BoundedSemaphore(self.size - self.reserved)
        self.cache = AnswerCache(cache_bytes) if cache_bytes > 0 else None
        self._history: OrderedDict[str, float] = OrderedDict()
        self._history_lock = threading.Lock()
        self._closed = False
        self._all: dict[int, _Worker] = {}
        for _ in range(size):
            self._idle.append(self._spawn())

    def _spawn(self) -> _Worker:
        with self._spawn_lock:
            self._control.sendall(b"spawn")
            message, fds, _, _ = socket.recv_fds(self._control, 32, 1)
            if not fds:
                raise OSError("the worker pool's zygote did not start a worker")
            worker = _Worker(int(message.decode()), socket.socket(fileno=fds[0]))
            self._all[worker.pid] = worker
            return worker

    # --- lanes -------------------------------------------------------------------------------------

    @staticmethod
    def _key(header: dict[str, Any], body: bytes) -> str:
        """What identifies a request: its header and its body (a query's text travels in the body)."""
        h = hashlib.sha1(json.dumps(header, sort_keys=True).encode())
        h.update(b"\0")
        h.update(body)
        return h.hexdigest()

    def is_light(self, header: dict[str, Any], body: bytes = b"") -> bool:
        """Whether this very request answered within :data:`LIGHT_SECONDS` last time."""
        with self._history_lock:
            took = self._history.get(self._key(header, body))
        return took is not None and took <= LIGHT_SECONDS

    def _remember(self, header: dict[str, Any], body: bytes, seconds: float) -> None:
        """Keep the shortest time a request took: the graph is read-only, so a request once light stays
        light, even when a busy machine slowed it down later (else load would push light requests into
        the heavy lane, behind the very queries the lane protects them from)."""
        key = self._key(header, body)
        with self._history_lock:
            self._history[key] = min(seconds, self._history.get(key, seconds))
            self._history.move_to_end(key)
            while len(self._history) > HISTORY:
                self._history.popitem(last=False)

    # --- running -----------------------------------------------------------------------------------

    def run(self, header: dict[str, Any], body: bytes = b"", *, timeout: float | None = None) -> Answer:
        """Answer one request in a worker (blocking: call it from a thread), within the time limit;
        a request answered before is answered from the cache, when the pool has one."""
        key = self._key(header, body)
        if self.cache is not None and (kept := self.cache.get(key)) is not None:
            return kept
        answer = self._run(header, body, timeout)
        if self.cache is not None:
            self.cache.put(key, answer)
        return answer

    def _run(self, header: dict[str, Any], body: bytes, timeout: float | None) -> Answer:
        limit = self.limits.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        light = self.is_light(header, body)
        if not light and not self._heavy.acquire(timeout=limit):
            return unavailable(f"the server is busy: no worker came free within {limit:g} s")
        try:
            worker = self._take(deadline)
            if worker is None:
                return unavailable(f"the server is busy: no worker came free within {limit:g} s")
            started = time.monotonic()
            try:
                _send(worker.sock, header, body)
                reply, payload = _receive(worker.sock, deadline)
            except TimeoutError:
                self._replace(worker)
                self._remember(header, body, limit)
                return unavailable(
                    f"query cut off: it ran longer than the time limit of {limit:g} s (the server's --timeout)"
                )
            except (ConnectionError, OSError, ValueError):
                self._replace(worker)
                return Answer(500, "text/plain", b"failed: the worker ended without an answer\n")
            self._remember(header, body, time.monotonic() - started)
            self._give_back(worker)
            headers = tuple((str(k), str(v)) for k, v in reply.get("headers", ()))
            return Answer(int(reply["status"]), str(reply["type"]), payload, headers)
        finally:
            if not light:
                self._heavy.release()

    def _take(self, deadline: float) -> _Worker | None:
        with self._idle_ready:
            while not self._idle:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    return None
                self._idle_ready.wait(left)
            return self._idle.pop()

    def _give_back(self, worker: _Worker) -> None:
        with self._idle_ready:
            self._idle.append(worker)
            self._idle_ready.notify()

    def _replace(self, worker: _Worker) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        worker.sock.close()
        self._all.pop(worker.pid, None)
        if self._closed:
            return
        try:
            fresh = self._spawn()
        except OSError:
            return  # the pool shrinks by one; requests still get the others
        with self._idle_ready:  # taken last: a worker that has answered before is warm (imports, caches)
            self._idle.insert(0, fresh)
            self._idle_ready.notify()

    def close(self) -> None:
        """Stop every worker and the zygote."""
        self._closed = True
        with self._idle_ready:
            self._idle = []
            self._idle_ready.notify_all()
        for w in list(self._all.values()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(w.pid, signal.SIGKILL)
            w.sock.close()
        self._control.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._zygote_pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._zygote_pid, 0)
