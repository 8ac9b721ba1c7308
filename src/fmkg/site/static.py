"""The static site ``fmkg build`` writes under ``exports/site/``: every entity's page and RDF documents.

Layout (relative links throughout, so the folder works from disk or from any web host)::

    site/index.html                      every entity, by kind
    site/page/{kind}/{slug}.html         the entity's page (see fmkg.site.entity)
    site/data/{kind}/{slug}.ttl|.jsonld  its description in Turtle and JSON-LD
    site/context.jsonld                  the JSON-LD context, linked from every .jsonld (one copy, not thousands)

The viewer the pages link to is ``exports/graph.html``, beside ``site/``; host ``exports/`` as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fmkg.rdf.jsonld import CONTEXT_FILE
from fmkg.site.entity import Links, description, kind_and_slug, page_of, render_html

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph

FOLDER = "site"
#: The site's copy of the JSON-LD context.
CONTEXT = "context.jsonld"


def entities(kg: KnowledgeGraph) -> list[str]:
    """Every fmkg entity IRI the graph states something about, sorted."""
    from fmkg.sparql.library import internal_query

    rows = kg.query(internal_query("site-entities"), source="site-entities").rows
    return sorted({str(r[0]) for r in rows if kind_and_slug(str(r[0]))})


def files(kg: KnowledgeGraph) -> Iterator[tuple[str, bytes]]:
    """``(path under exports/, content)`` of every file of the site, the index last."""
    links = Links("static")
    fmts = links.formats()
    listed: dict[str, list[tuple[str, str]]] = {}
    for iri in entities(kg):
        kind, slug = kind_and_slug(iri) or ("", "")
        page = page_of(kg, iri)
        listed.setdefault(kind, []).append((page.card.label, f"page/{kind}/{slug}.html"))
        yield f"{FOLDER}/page/{kind}/{slug}.html", render_html(page, links).encode("utf-8")
        for fmt in fmts:
            doc = description(kg, iri, fmt)
            yield f"{FOLDER}/data/{kind}/{slug}{fmt.suffix}", shared_context(doc) if fmt.name == "jsonld" else doc
    yield f"{FOLDER}/{CONTEXT}", CONTEXT_FILE.read_bytes()
    yield f"{FOLDER}/index.html", index(listed).encode("utf-8")


def shared_context(doc: bytes) -> bytes:
    """A JSON-LD document of the site with its context as a link to the site's one copy of it
    (``../../context.jsonld``, relative to ``data/{kind}/``), instead of inline."""
    import json

    data = json.loads(doc)
    data["@context"] = f"../../{CONTEXT}"
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def index(listed: dict[str, list[tuple[str, str]]]) -> str:
    """The site's front page: every entity, by kind, in label order."""
    from fmkg.site.entity import environment

    groups = [(kind, sorted(items, key=lambda x: (x[0].casefold(), x[1]))) for kind, items in sorted(listed.items())]
    page = environment().get_template("index.html").render(groups=groups, total=sum(len(v) for v in listed.values()))
    return str(page)
