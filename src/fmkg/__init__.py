"""fmkg: the open knowledge graph of foundation models.

``fmkg.load()`` returns the shipped graph as an rdflib Dataset; ``fmkg.query()`` runs SPARQL on it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("fmkg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from fmkg.sparql_run import query
    from fmkg.store import load

__all__ = ["__version__", "load", "query"]


def __getattr__(name: str) -> Any:
    # rdflib is heavy: import it only when the API is used, so the CLI starts fast.
    if name == "load":
        from fmkg.store import load

        return load
    if name == "query":
        from fmkg.sparql_run import query

        return query
    raise AttributeError(f"module 'fmkg' has no attribute {name!r}")
