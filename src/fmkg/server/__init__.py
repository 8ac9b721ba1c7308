"""``fmkg serve``: a read-only SPARQL 1.1 Protocol endpoint (Starlette, run by uvicorn).

``create_app(ds)`` builds the ASGI app; each query runs in a forked child with a time limit and
size caps (:mod:`fmkg.server.worker`).
"""

from __future__ import annotations

from fmkg.server.app import ServerConfig, create_app
from fmkg.server.worker import Limits

__all__ = ["Limits", "ServerConfig", "create_app"]
