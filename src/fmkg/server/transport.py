"""The connection side of ``fmkg serve``: uvicorn's h11 protocol with a deadline on reading each request.

uvicorn closes a keep-alive connection that stays idle, but a client that opens a connection and
then trickles its headers or body a byte at a time holds it for as long as it likes (the slow-loris
attack): hundreds of them exhaust the server's sockets. Here each request must arrive whole (request
line, headers and body) within :attr:`Bounds.read_timeout` seconds of its first byte, or of the
connection opening: else the client gets ``408 Request Timeout`` (when no answer has begun) and the
connection is closed. The application then sees a disconnect, which it answers quietly.

:func:`run` starts uvicorn with this protocol, a cap on open connections and the keep-alive limit.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    from starlette.applications import Starlette

_TIMEOUT_BODY = b"the request did not arrive whole within the server's read timeout\n"
REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
    b"content-length: " + str(len(_TIMEOUT_BODY)).encode() + b"\r\n\r\n" + _TIMEOUT_BODY
)


@dataclass(frozen=True)
class Bounds:
    """How long and how many: seconds to read one request, seconds a keep-alive connection may idle,
    and how many connections and requests the server holds at once (more are answered 503)."""

    read_timeout: float = 10.0
    keep_alive: float = 5.0
    max_connections: int = 1000


class DeadlineProtocol(H11Protocol):
    """h11 with a deadline on each request's arrival (see the module's docstring)."""

    read_timeout: float = Bounds.read_timeout

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and self.conn.their_state is h11.IDLE:
            self._arm()  # the first byte of the next request on a kept-alive connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE and self.conn.their_state is not h11.SEND_BODY:
            self._disarm()  # the request is whole (or the connection is ending)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.read_timeout, self._too_slow)

    def _disarm(self) -> None:
        if getattr(self, "_deadline", None) is not None:
            self._deadline.cancel()  # type: ignore[union-attr]
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            self.transport.write(REQUEST_TIMEOUT)
        self.transport.close()


def protocol(read_timeout: float) -> type[DeadlineProtocol]:
    """The protocol class with its read timeout (uvicorn makes one instance per connection)."""
    return type("DeadlineProtocol", (DeadlineProtocol,), {"read_timeout": read_timeout})


def run(app: Starlette, host: str, port: int, bounds: Bounds | None = None, **options: Any) -> None:
    """Serve ``app`` with uvicorn until stopped, bounded as ``bounds`` says."""
    import uvicorn

    bounds = bounds or Bounds()
    uvicorn.run(
        app,
        host=host,
        port=port,
        http=protocol(bounds.read_timeout),
        timeout_keep_alive=int(max(1, bounds.keep_alive)),
        limit_concurrency=bounds.max_connections,
        server_header=False,
        **options,
    )
