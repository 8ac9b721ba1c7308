"""Entity pages: what fmkg answers for one of its IRIs, as HTML and as RDF documents.

An IRI such as ``https://w3id.org/fmkg/id/model/gpt-3`` names a thing (a model), not a document
about it. Following the W3C note *Cool URIs for the Semantic Web* (the 303 solution), the server
answers a request for ``/id/{kind}/{slug}`` with ``303 See Other`` to a document chosen by the
``Accept`` header, and every document names the others in ``Link`` headers:

- ``/page/{kind}/{slug}``: the fact card in HTML (every fact with its source graph, lineage up and
  down, the entities that point at it, a link into the viewer focused on it);
- ``/data/{kind}/{slug}.ttl`` (``.nt``, ``.jsonld``, ``.rdf``): its description in RDF, the triples
  it is the subject of and those that point at it.

``fmkg build`` writes the same documents as a static site (:mod:`fmkg.site.static`); only the links
differ (:class:`Links`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from fmkg.rdf.namespaces import GRAPH, ID

if TYPE_CHECKING:
    from fmkg.graph.card import Card
    from fmkg.rdf.formats import Format
    from fmkg.store import KnowledgeGraph

Style = Literal["server", "static"]

#: The RDF syntaxes an entity's description is offered in by the server, and in the static site.
DOCUMENT_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
STATIC_FORMATS = ("turtle", "jsonld")

#: The most rows a page lists in one section (lineage up, lineage down, pointed at by).
MAX_ROWS = 500

_KIND = re.compile(r"[a-z][a-z0-9-]{0,63}\Z")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,199}\Z")
HERE = Path(__file__).parent


def entity_iri(kind: str, slug: str) -> str | None:
    """The fmkg IRI for a kind and slug taken from a URL path, or None when they cannot be one."""
    if _KIND.match(kind) and _SLUG.match(slug):
        return f"{ID}{kind}/{slug}"
    return None


def kind_and_slug(iri: str) -> tuple[str, str] | None:
    """``(kind, slug)`` of an fmkg instance IRI, or None for any other IRI."""
    if not iri.startswith(str(ID)):
        return None
    kind, _, slug = iri[len(str(ID)) :].partition("/")
    return (kind, slug) if entity_iri(kind, slug) else None


def document_formats() -> list[Format]:
    """The formats an entity is offered in: its HTML page first (what a browser asks for), then RDF."""
    from fmkg.rdf import formats

    return [formats.find("html"), *(formats.find(n) for n in DOCUMENT_FORMATS)]


@dataclass(frozen=True)
class Links:
    """Where a page's links point: the server's routes (``server``) or the static site's files (``static``).

    The static site is laid out as ``site/page/{kind}/{slug}.html`` and ``site/data/{kind}/{slug}.ttl``
    beside the viewer ``graph.html``, so its links are relative and work from a folder or any host.
    """

    style: Style = "server"

    def page(self, iri: str) -> str | None:
        """The page of an fmkg entity; None for any other IRI."""
        found = kind_and_slug(iri)
        if found is None:
            return None
        kind, slug = found
        return f"/page/{kind}/{slug}" if self.style == "server" else f"../{kind}/{slug}.html"

    def data(self, iri: str, fmt: Format) -> str:
        kind, slug = kind_and_slug(iri) or ("", "")
        where = "/data" if self.style == "server" else "../../data"
        return f"{where}/{kind}/{slug}{fmt.suffix}"

    def viewer(self, iri: str) -> str:
        from fmkg.rdf.terms import compact

        where = "/" if self.style == "server" else "../../../graph.html"
        return f"{where}#focus={quote(compact(iri), safe=':')}"

    def formats(self) -> list[Format]:
        """The RDF documents offered beside the page."""
        from fmkg.rdf import formats

        return [formats.find(n) for n in (DOCUMENT_FORMATS if self.style == "server" else STATIC_FORMATS)]

    def home(self) -> str:
        return "/sparql" if self.style == "server" else "../../index.html"


@dataclass(frozen=True)
class Edge:
    """A lineage edge shown on a page: child, relation, parent (IRIs and labels)."""

    child: str
    child_label: str
    relation: str
    parent: str
    parent_label: str


@dataclass
class EntityPage:
    """What an entity's page shows."""

    card: Card
    kind: str
    up: list[Edge] = field(default_factory=list)
    down: list[Edge] = field(default_factory=list)
    pointed_at_by: list[tuple[str, str, str]] = field(default_factory=list)  # (subject, its label, property label)
    more: set[str] = field(default_factory=set)  # the sections cut at MAX_ROWS


def exists(kg: KnowledgeGraph, iri: str) -> bool:
    """Whether the graph states anything about ``iri`` or points at it."""
    from rdflib import URIRef

    term = URIRef(iri)
    return (
        next(kg.triples((term, None, None)), None) is not None or next(kg.triples((None, None, term)), None) is not None
    )


def page_of(kg: KnowledgeGraph, iri: str) -> EntityPage:
    """Collect an entity's page: its card, its lineage both ways and what points at it."""
    from rdflib import URIRef

    from fmkg.graph.card import card
    from fmkg.sparql import library

    term = URIRef(iri)
    named = library.library()
    page = EntityPage(card(kg, term), (kind_and_slug(iri) or ("", ""))[0])
    for section, name in (("up", "ancestors"), ("down", "descendants")):
        rows = kg.query(named[name].text, {"model": term}, source=name, max_rows=MAX_ROWS)
        if rows.truncated:
            page.more.add(section)
        edges = [Edge(*(str(v) if v is not None else "" for v in row)) for row in rows]
        getattr(page, section).extend(edges)
    links = kg.query(library.internal_query("entity-links"), {"entity": term}, source="entity-links")
    for subject, prop, prop_label in list(links)[:MAX_ROWS]:
        page.pointed_at_by.append((str(subject), kg.label(subject), str(prop_label) if prop_label else _short(prop)))
    if len(links.rows) > MAX_ROWS:
        page.more.add("pointed_at_by")
    return page


def _short(term: Any) -> str:
    from fmkg.rdf.terms import compact

    return compact(term)


#: Where a property's rows go on a page: names and kind first, the sources last, the rest by label.
_ORDER = {
    "http://www.w3.org/2000/01/rdf-schema#label": 0,
    "http://www.w3.org/2004/02/skos/core#prefLabel": 0,
    "http://www.w3.org/2004/02/skos/core#altLabel": 1,
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": 2,
    "http://purl.org/dc/terms/description": 3,
    "http://www.w3.org/2004/02/skos/core#definition": 3,
    "http://purl.org/dc/terms/source": 9,
}


def render_html(page: EntityPage, links: Links) -> str:
    """The HTML page of an entity; every text from the graph is escaped."""
    c = page.card
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for f in c.facts:  # one row per property and value, with every graph that states it
        row = rows.setdefault(
            (f.property, f.value),
            {
                "order": (_ORDER.get(f.property, 5), f.property_label.casefold()),
                "property": f.property_label,
                "value": f.value_label or (_short(f.value) if f.is_iri else f.value),
                "href": (links.page(f.value) or (f.value if f.value.startswith(("http://", "https://")) else None))
                if f.is_iri
                else None,
                "graphs": [],
            },
        )
        row["graphs"].append(f.graph.removeprefix(str(GRAPH)))
    facts = sorted(rows.values(), key=lambda r: (r["order"], str(r["value"]).casefold()))
    documents = [{"title": f.title, "href": links.data(c.iri, f), "type": f.media_type} for f in links.formats()]
    return str(
        _template().render(
            page=page,
            card=c,
            facts=facts,
            links=links,
            documents=documents,
            viewer=links.viewer(c.iri),
            home=links.home(),
            max_rows=MAX_ROWS,
        )
    )


def description(kg: KnowledgeGraph, iri: str, fmt: Format) -> bytes:
    """The entity's description in the RDF syntax ``fmt`` (see :mod:`fmkg.rdf.write`)."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from fmkg.rdf import write
    from fmkg.rdf.terms import to_ox
    from fmkg.sparql import library

    result = kg.query(
        library.internal_query("entity-description"), {"entity": URIRef(iri)}, source="entity-description"
    )
    triples = (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in result.triples)  # type: ignore[arg-type]
    return write.to_bytes(write.canonical(triples, dataset=False), fmt)


@cache
def environment() -> Any:
    """The Jinja environment of the site's templates (this folder), escaping every value."""
    from jinja2 import Environment, FileSystemLoader

    return Environment(loader=FileSystemLoader(str(HERE)), autoescape=True, keep_trailing_newline=True)


def _template() -> Any:
    return environment().get_template("entity.html")
