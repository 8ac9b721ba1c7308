"""The static site ``fmkg build`` writes under ``exports/site/``: every entity's page and RDF documents.

Layout (relative links throughout, so the folder works from disk or from any web host)::

    site/index.html                      every entity, by kind
    site/page/{kind}/{slug}.html         the entity's page (see fmkg.site.entity)
    site/data/{kind}/{slug}.ttl|.jsonld  its description in Turtle and JSON-LD

The viewer the pages link to is ``exports/graph.html``, beside ``site/``; host ``exports/`` as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fmkg.site.entity import Links, description, kind_and_slug, page_of, render_html

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph

FOLDER = "site"


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
            yield f"{FOLDER}/data/{kind}/{slug}{fmt.suffix}", description(kg, iri, fmt)
    yield f"{FOLDER}/index.html", index(listed).encode("utf-8")


def index(listed: dict[str, list[tuple[str, str]]]) -> str:
    """The site's front page: every entity, by kind, in label order."""
    from fmkg.site.entity import environment

    groups = [(kind, sorted(items, key=lambda x: (x[0].casefold(), x[1]))) for kind, items in sorted(listed.items())]
    page = environment().get_template("index.html").render(groups=groups, total=sum(len(v) for v in listed.values()))
    return str(page)
