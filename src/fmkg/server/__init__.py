"""``fmkg serve``: a read-only SPARQL 1.1 Protocol endpoint (Starlette, run by uvicorn).

``create_app(kg)`` builds the ASGI app; every request is answered by a pool of pre-started worker
processes with a time limit and size caps (:mod:`fmkg.server.pool`).
"""

from __future__ import annotations

from fmkg.server.app import ServerConfig, create_app
from fmkg.server.pool import Limits

__all__ = ["Limits", "ServerConfig", "create_app"]
