"""The HTTP application: a read-only SPARQL 1.1 Protocol endpoint over a loaded graph.

Routes: ``/sparql`` (queries by GET and POST, the service description on a GET without a query),
``/`` (the viewer), ``/id/{kind}/{slug}`` (an entity IRI: 303 to its page or RDF document by ``Accept``),
``/page/{kind}/{slug}`` and ``/data/{kind}/{slug}.ttl`` (those documents, see :mod:`fmkg.site.entity`),
``/query`` (the SPARQL editor, :mod:`fmkg.server.editor`, with its files under ``/editor/`` and the
named queries bound at ``/query/examples/{name}``), ``/health``. Every query and page is answered by the worker pool
(:mod:`fmkg.server.pool`), never in the server's own process. CORS is open to every origin so that
browser clients (YASGUI, notebooks) can call the endpoint; the server is read-only, so there is
nothing to protect by origin.
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from fmkg.server.pool import Answer, Handler, Limits, Pool
from fmkg.server.protocol import MAX_BODY, ProtocolError, choose, negotiate, read_query

if TYPE_CHECKING:
    from fmkg.rdf.formats import Format
    from fmkg.store import KnowledgeGraph

#: Seconds the viewer may take to render before the fallback page is served instead.
VIEWER_TIMEOUT = 300.0


def default_workers() -> int:
    return max(4, 2 * (os.cpu_count() or 1))


@dataclass(frozen=True)
class ServerConfig:
    """How the endpoint runs: per-request limits, how many workers answer at once (others wait), and
    how many of them only queries known to be light may use."""

    limits: Limits = field(default_factory=Limits)
    workers: int = field(default_factory=default_workers)
    reserved: int = 1
    #: Bytes of answers kept for requests that come again (the graph does not change while serving); 0: none.
    cache_bytes: int = 64 * 1024 * 1024
    #: Render the viewer when the server starts (it takes seconds), rather than on the first request for ``/``.
    prerender_viewer: bool = False


def _error(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status)


def _response(answer: Answer) -> Response:
    return Response(
        answer.body,
        status_code=answer.status,
        media_type=answer.media_type,
        headers={"Vary": "Accept", **dict(answer.headers)},
    )


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


def create_app(kg: KnowledgeGraph, config: ServerConfig | None = None, pool: Pool | None = None) -> Starlette:
    """A Starlette (ASGI) app serving ``kg`` read-only over the SPARQL 1.1 Protocol at ``/sparql``.

    The worker pool starts here (it forks); it stops when the app's lifespan ends.
    """
    from fmkg import __version__
    from fmkg.server.answer import handler

    config = config or ServerConfig()
    limits = config.limits
    graphs = {g: n for g, n in kg.graph_sizes().items() if n}
    triples = len(kg)

    def make_handler() -> Handler:
        return handler(kg.reopened(), limits)

    workers = pool or Pool(make_handler, limits, config.workers, config.reserved, config.cache_bytes)

    @functools.lru_cache(maxsize=16)  # keyed by the URL the client used: a few hosts and formats at most
    def description(endpoint: str, fmt_name: str) -> bytes:
        from fmkg.rdf import formats, write
        from fmkg.server.description import service_description

        data = write.canonical(service_description(endpoint, graphs, triples), dataset=False)
        return write.to_bytes(data, formats.find(fmt_name))

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
        except ClientDisconnect:  # the client went away mid-body: nobody to answer, nothing to log
            return _error(400, "the client disconnected before sending the whole request")
        accept = request.headers.get("accept")
        if operation.query is None:
            if request.method == "POST":
                return _error(400, "missing query: send query=... (form) or an application/sparql-query body")
            fmt = negotiate("CONSTRUCT", accept, operation.format_hint)
            # The URL the client used, as an IRI (the Host header is the client's: escape what it sent).
            endpoint = quote(str(request.url.replace(query="", fragment="")), safe=":/?#[]@!$&'()*+,;=%")
            data = await run_in_threadpool(description, endpoint, fmt.name)
            return Response(data, media_type=fmt.media_type, headers={"Vary": "Accept"})
        header = {"kind": "sparql", "accept": accept, "hint": operation.format_hint}
        answer = await run_in_threadpool(workers.run, header, operation.query.encode("utf-8"))
        return _response(answer)

    page: list[str] = []
    page_lock = threading.Lock()

    def viewer_page() -> str:
        with page_lock:  # rendered once, by whoever asks first
            if not page:
                rendered = workers.run({"kind": "viewer"}, timeout=VIEWER_TIMEOUT)
                ok = rendered.status == 200
                page.append(rendered.body.decode("utf-8") if ok else _fallback_page(triples, len(graphs)))
            return page[0]

    async def index(request: Request) -> Response:
        return HTMLResponse(page[0] if page else await run_in_threadpool(viewer_page))

    def alternates(iri: str, rel: str = "alternate") -> str:
        from fmkg.site.entity import Links, document_formats

        links = Links("server")
        return ", ".join(
            f'<{links.page(iri) if f.name == "html" else links.data(iri, f)}>; rel="{rel}"; type="{f.media_type}"'
            for f in document_formats()
        )

    def split_document(name: str) -> tuple[str, Format | None]:
        """``gpt-3.ttl`` -> (``gpt-3``, Turtle); a name without a document suffix -> (name, None)."""
        from fmkg.site.entity import document_formats

        for fmt in document_formats():
            for suffix in fmt.suffixes:
                if name.endswith(suffix) and len(name) > len(suffix):
                    return name[: -len(suffix)], fmt
        return name, None

    async def document(request: Request, kind: str, slug: str, fmt: Format) -> Response:
        from fmkg.site.entity import entity_iri

        iri = entity_iri(kind, slug)
        if iri is None:
            return _error(404, f"no entity /{kind}/{slug}: a kind and a slug of letters, digits and - . _ ~")
        answer = await run_in_threadpool(workers.run, {"kind": "entity", "iri": iri, "format": fmt.name}, b"")
        response = _response(answer)
        if answer.status == 200:
            response.headers["Link"] = alternates(iri)
        return response

    async def entity_iri_route(request: Request) -> Response:
        """The IRI of a thing: 303 See Other to the document the client accepts (Cool URIs, 303 solution)."""
        from fmkg.site.entity import Links, document_formats, entity_iri

        kind, (slug, fmt) = request.path_params["kind"], split_document(request.path_params["slug"])
        if fmt is not None:  # a document asked for by suffix: answered here
            return await document(request, kind, slug, fmt)
        iri = entity_iri(kind, slug)
        if iri is None:
            return _error(404, f"no entity /{kind}/{slug}: a kind and a slug of letters, digits and - . _ ~")
        known = await run_in_threadpool(
            workers.run, {"kind": "entity", "iri": iri, "format": "html", "exists_only": True}, b""
        )
        if known.status != 204:
            return _response(known)
        chosen = choose(document_formats(), request.headers.get("accept"), request.query_params.get("format"))
        links = Links("server")
        target = links.page(iri) if chosen.name == "html" else links.data(iri, chosen)
        return Response(
            status_code=303, headers={"Location": str(target), "Vary": "Accept", "Link": alternates(iri, "describedby")}
        )

    async def entity_page(request: Request) -> Response:
        from fmkg.rdf import formats

        kind, slug = request.path_params["kind"], request.path_params["slug"]
        return await document(request, kind, slug.removesuffix(".html"), formats.find("html"))

    async def entity_data(request: Request) -> Response:
        slug, fmt = split_document(request.path_params["slug"])
        if fmt is None or fmt.name == "html":
            return _error(404, "an entity's data is at /data/{kind}/{slug}.ttl (or .nt, .jsonld, .rdf)")
        return await document(request, request.path_params["kind"], slug, fmt)

    async def query_editor(request: Request) -> Response:
        from fmkg.server import editor

        return HTMLResponse(await run_in_threadpool(editor.render_page, __version__))

    async def editor_asset(request: Request) -> Response:
        from fmkg.server import editor

        name = request.path_params["name"]
        if name == "prefixes.json":  # what YASGUI's prefix completion reads (prefix.cc's shape)
            return JSONResponse(editor.prefixes(), headers={"Cache-Control": "max-age=3600"})
        found = await run_in_threadpool(editor.asset, name)
        if found is None:
            return _error(404, f"no editor file {name!r}")
        return Response(found[0], media_type=found[1], headers={"Cache-Control": "max-age=3600"})

    async def query_example(request: Request) -> Response:
        values = {k: request.query_params[k] for k in request.query_params}
        header = {"kind": "example", "name": request.path_params["name"], "values": values}
        return _response(await run_in_threadpool(workers.run, header, b""))

    async def health(request: Request) -> Response:
        return JSONResponse(
            {"status": "ok", "triples": triples, "graphs": len(graphs), "store": kg.backend, "version": __version__}
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if config.prerender_viewer:
            threading.Thread(target=viewer_page, name="fmkg-viewer", daemon=True).start()
        try:
            yield
        finally:
            if pool is None:
                workers.close()

    return Starlette(
        lifespan=lifespan,
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/sparql", sparql, methods=["GET", "POST"]),
            Route("/id/{kind}/{slug}", entity_iri_route, methods=["GET"]),
            Route("/page/{kind}/{slug}", entity_page, methods=["GET"]),
            Route("/data/{kind}/{slug}", entity_data, methods=["GET"]),
            Route("/query", query_editor, methods=["GET"]),
            Route("/query/examples/{name}", query_example, methods=["GET"]),
            Route("/editor/{name}", editor_asset, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Accept", "Content-Type", "Authorization", "X-Requested-With"],
                expose_headers=["Content-Type", "Vary", "Link", "Location"],
                max_age=3600,
            )
        ],
    )
