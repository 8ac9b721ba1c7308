"""The HTTP application: a read-only SPARQL 1.1 Protocol endpoint over a loaded dataset.

Routes: ``/sparql`` (queries by GET and POST, the service description on a GET without a query),
``/`` (the viewer), ``/health``. CORS is open to every origin so that browser clients (YASGUI,
notebooks) can call the endpoint; the server is read-only, so there is nothing to protect by origin.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import importlib
import os
import threading
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from fmkg.server.protocol import MAX_BODY, ProtocolError, negotiate, read_query
from fmkg.server.worker import Answer, Limits, run_in_child, run_in_child_blocking

if TYPE_CHECKING:
    from rdflib import Dataset


#: Seconds the viewer may take to render before the fallback page is served instead.
VIEWER_TIMEOUT = 300.0


def _default_concurrency() -> int:
    return max(4, 2 * (os.cpu_count() or 1))


@dataclass(frozen=True)
class ServerConfig:
    """How the endpoint runs: per-query limits and how many queries run at once (others wait)."""

    limits: Limits = field(default_factory=Limits)
    concurrency: int = field(default_factory=_default_concurrency)
    #: Render the viewer in a background thread when the server starts (it takes seconds), rather
    #: than on the first request for ``/``.
    prerender_viewer: bool = False


class _Slots:
    """One semaphore per event loop (a test client may run each request on a loop of its own)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def get(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._by_loop:
            self._by_loop[loop] = asyncio.Semaphore(self.size)
        return self._by_loop[loop]


def _error(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status)


async def _read_body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it grows past MAX_BODY bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise ProtocolError(413, f"the request body is larger than {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ProtocolError(413, f"the request body is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _fallback_page(triples: int, graphs: int) -> str:
    from fmkg import __version__

    template = resources.files("fmkg.server").joinpath("index.html").read_text(encoding="utf-8")
    return (
        template.replace("{{version}}", html.escape(__version__))
        .replace("{{triples}}", str(triples))
        .replace("{{graphs}}", str(graphs))
    )


def viewer_html(ds: Dataset, triples: int, graphs: int) -> str:
    """The page at ``/``: fmkg's viewer (``fmkg.viz.render``) when it is installed, else a small page
    that explains the endpoint and has a query form."""
    try:
        render: Any = importlib.import_module("fmkg.viz").render
        page = render(ds)
    except Exception:  # no viewer module, or one that cannot render this dataset: the fallback page
        return _fallback_page(triples, graphs)
    return page if isinstance(page, str) else _fallback_page(triples, graphs)


def warm_up(ds: Dataset, limits: Limits) -> None:
    """Parse, run and serialize small queries once in this process, in every format.

    Each query child is a copy of this process, so imports and parser set-up done here (about
    0.1 s on the first query) are not repeated by every child.
    """
    from fmkg.server.answer import answer
    from fmkg.server.protocol import GRAPH_FORMATS, RESULT_FORMATS

    for fmt in RESULT_FORMATS:
        answer(ds, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", fmt.media_type, None, limits)
    answer(ds, "ASK { ?s ?p ?o }", None, None, limits)
    for fmt in GRAPH_FORMATS:
        answer(ds, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", fmt.media_type, None, limits)


def create_app(ds: Dataset, config: ServerConfig | None = None) -> Starlette:
    """A Starlette (ASGI) app serving ``ds`` read-only over the SPARQL 1.1 Protocol at ``/sparql``."""
    from fmkg import __version__
    from fmkg.server.answer import answer
    from fmkg.server.description import named_graph_sizes, service_description

    config = config or ServerConfig()
    limits = config.limits
    slots = _Slots(config.concurrency)
    graphs = named_graph_sizes(ds)
    triples = len(ds)
    warm_up(ds, limits)

    @functools.lru_cache(maxsize=16)  # keyed by the URL the client used: a few hosts and formats at most
    def description(endpoint: str, key: str) -> bytes:
        graph = service_description(endpoint, graphs, triples)
        rdflib_format = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[key]
        return graph.serialize(format=rdflib_format, encoding="utf-8")

    async def sparql(request: Request) -> Response:
        try:
            body = await _read_body(request) if request.method == "POST" else b""
            operation = read_query(
                request.method,
                request.headers.get("content-type"),
                {k: request.query_params.getlist(k) for k in request.query_params},
                body,
            )
        except ProtocolError as exc:
            return _error(exc.status, exc.message)
        accept = request.headers.get("accept")
        if operation.query is None:
            if request.method == "POST":
                return _error(400, "missing query: send query=... (form) or an application/sparql-query body")
            fmt = negotiate("CONSTRUCT", accept, operation.format_hint)
            # The URL the client used, as an IRI (the Host header is the client's: escape what it sent).
            endpoint = quote(str(request.url.replace(query="", fragment="")), safe=":/?#[]@!$&'()*+,;=%")
            data = await run_in_threadpool(description, endpoint, fmt.key)
            return Response(data, media_type=fmt.media_type, headers={"Vary": "Accept"})
        text = operation.query
        hint = operation.format_hint
        slot = slots.get()
        try:
            await asyncio.wait_for(slot.acquire(), limits.timeout)
        except TimeoutError:
            return _error(503, f"the server is busy: no query slot came free within {limits.timeout:g} s")
        try:
            result = await run_in_child(lambda: answer(ds, text, accept, hint, limits), limits)
        finally:
            slot.release()
        return Response(
            result.body, status_code=result.status, media_type=result.media_type, headers={"Vary": "Accept"}
        )

    page: list[str] = []
    page_lock = threading.Lock()

    def render() -> Answer:
        return Answer(200, "text/html", viewer_html(ds, triples, len(graphs)).encode("utf-8"))

    def viewer_page() -> str:
        with page_lock:  # rendered once, by whoever asks first
            if not page:
                # In a child process: the viewer's imports and layout would otherwise stay in this
                # process, and every query's fork would copy their page tables.
                viewer_limits = Limits(timeout=VIEWER_TIMEOUT, max_bytes=200_000_000, max_memory_mib=8192)
                rendered = run_in_child_blocking(render, viewer_limits)
                ok = rendered.status == 200
                page.append(rendered.body.decode("utf-8") if ok else _fallback_page(triples, len(graphs)))
            return page[0]

    async def index(request: Request) -> Response:
        return HTMLResponse(page[0] if page else await run_in_threadpool(viewer_page))

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "triples": triples, "graphs": len(graphs), "version": __version__})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if config.prerender_viewer:
            threading.Thread(target=viewer_page, name="fmkg-viewer", daemon=True).start()
        yield

    return Starlette(
        lifespan=lifespan,
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/sparql", sparql, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Accept", "Content-Type", "Authorization", "X-Requested-With"],
                expose_headers=["Content-Type", "Vary"],
                max_age=3600,
            )
        ],
    )
