"""The SPARQL editor at ``/query``: YASGUI with fmkg's prefixes, named queries and entity links.

The page is fmkg's own (``editor.html``, ``editor.js``, ``editor.css`` in this folder); the editor
itself is YASGUI (``@zazuko/yasgui``, MIT), whose built bundle ``scripts/install-editor.sh`` puts in
``vendor/``, pinned by version and SHA-512. Nothing is fetched from the network by the page: the
endpoint is this server's ``/sparql``, prefix completion reads ``editor/prefixes.json``, and YASGUI's
completers that ask outside services (LOV) are off.

A named query opens with its parameters bound as a VALUES block (:func:`fmkg.sparql.text.with_values`,
never by formatting values into the text); the server resolves the names a user types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from fmkg.errors import FmkgError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from fmkg.sparql.library import NamedQuery
    from fmkg.store import KnowledgeGraph

#: The files the server serves under ``/editor/``: name -> (folder, media type). Nothing else is served.
ASSETS: dict[str, tuple[str, str]] = {
    "yasgui.min.js": ("vendor", "text/javascript; charset=utf-8"),
    "yasgui.min.css": ("vendor", "text/css; charset=utf-8"),
    "editor.js": ("", "text/javascript; charset=utf-8"),
    "editor.css": ("", "text/css; charset=utf-8"),
}
INSTALL = "scripts/install-editor.sh"

#: The query a new editor tab opens with.
FIRST_QUERY = """SELECT ?model ?label ?released WHERE {
  ?model a fm:FoundationModel ;
    rdfs:label ?label ;
    fm:releaseDate ?released .
}
ORDER BY DESC(?released)
LIMIT 20
"""

_PARAM = re.compile(r"(?:--param|-p)\s+([A-Za-z_]\w*)=(\S+)")


def _folder() -> Any:
    return resources.files("fmkg.server.editor")


def asset(name: str) -> tuple[bytes, str] | None:
    """The bytes and media type of one editor file, or None for a name not served (or not installed)."""
    if name not in ASSETS:
        return None
    sub, media_type = ASSETS[name]
    path = _folder().joinpath(sub, name) if sub else _folder().joinpath(name)
    try:
        return path.read_bytes(), media_type
    except OSError:
        return None


def installed() -> bool:
    """Whether YASGUI's bundle is in ``vendor/`` (``scripts/install-editor.sh`` puts it there)."""
    return all(asset(name) is not None for name, (sub, _) in ASSETS.items() if sub == "vendor")


def vendored() -> str:
    """The package and version of the vendored editor, as ``scripts/install-editor.sh`` recorded it."""
    try:
        return str(_folder().joinpath("vendor", "VERSION").read_text(encoding="utf-8").splitlines()[0])
    except (OSError, IndexError):
        return ""


def example_values(query: NamedQuery) -> dict[str, str]:
    """The parameter values a query's ``example:`` header line uses (``--param model=dall-e``)."""
    values: dict[str, str] = {}
    for line in query.examples:
        for name, value in _PARAM.findall(line):
            values.setdefault(name, value)
    return values


@dataclass(frozen=True)
class Example:
    """A named query as the editor lists it: its parameters with their example values."""

    name: str
    title: str
    description: str
    params: tuple[tuple[str, str, str, str], ...]  # name, type, doc, example value


@cache
def examples() -> tuple[Example, ...]:
    """Every query of the library, as the editor lists them (the library is read once per process)."""
    from fmkg.sparql.library import library

    found = []
    for query in library().values():
        values = example_values(query)
        params = tuple((p.name, p.type, p.doc, values.get(p.name, "")) for p in query.params)
        found.append(Example(query.name, query.title or query.name, query.description, params))
    return tuple(found)


def prefixes() -> dict[str, str]:
    """The prefixes every query on this server may use undeclared (offered by prefix completion)."""
    from fmkg.rdf.namespaces import PREFIXES

    return dict(sorted(PREFIXES.items()))


class ExampleError(FmkgError):
    """A named query the editor cannot open with the parameters given."""


class UnknownExample(ExampleError):
    """No named query has that name."""


def bound_example(kg: KnowledgeGraph, name: str, values: Mapping[str, str]) -> dict[str, Any]:
    """A named query's text with ``values`` bound as a VALUES block, and notes on ambiguous names.

    Missing values take the query's example values; an unknown query, parameter or name raises
    :class:`ExampleError` (or the resolver's own error) with a one-line message.
    """
    from fmkg.sparql import text as sparqltext
    from fmkg.sparql.library import library
    from fmkg.sparql.params import Bound, convert

    query = library().get(name)
    if query is None:
        raise UnknownExample(f"no named query {name!r}; the editor lists them all")
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise ExampleError(f"{name} has no parameter {', '.join(unknown)}; it takes {', '.join(declared) or 'none'}")
    chosen = {**example_values(query), **{k: v for k, v in values.items() if v.strip()}}
    bound = Bound()
    for param in query.params:
        if param.name not in chosen:
            raise ExampleError(f"{name} needs a value for {param.name} ({param.type}: {param.doc})")
        bound.values[param.name] = convert(chosen[param.name], param.type, kg, bound.notes)
    text = sparqltext.with_values(query.text, bound.values) if bound.values else query.text
    return {"name": name, "query": text, "notes": bound.notes}


def render_page(version: str) -> str:
    """The editor page; without YASGUI's bundle, a page that says how to install it and offers a plain form."""
    from jinja2 import Environment, FileSystemLoader

    from fmkg.rdf.namespaces import ID
    from fmkg.sparql.text import with_prefixes

    config = {
        "query": with_prefixes(FIRST_QUERY),
        "prefixes": prefixes(),
        "prefixesUrl": "editor/prefixes.json",
        "idBase": str(ID),
    }
    env = Environment(loader=FileSystemLoader(str(_folder())), autoescape=True, keep_trailing_newline=True)
    return env.get_template("editor.html").render(
        installed=installed(),
        vendored=vendored(),
        install=INSTALL,
        version=version,
        examples=examples(),
        config=config,
    )
