"""The label rule: which name fmkg shows for an entity. Every command, export and page uses it.

An entity's label is one of its ``rdfs:label`` values, else one of its ``skos:prefLabel`` values,
chosen so that the same graph always shows the same name:

1. English first (``@en`` or ``@en-...``), then literals without a language, then any other;
2. among those, the smallest text in code-point order.

Without either property an entity has no label, and callers show its short IRI (``model:gpt-3``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib.term import Node

#: Where labels come from, in order of preference.
LABEL_PROPERTIES = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")


def rank(text: str, language: str | None) -> tuple[int, str]:
    """The sort key of a candidate label: lower is better."""
    lang = (language or "").lower()
    group = 0 if lang == "en" or lang.startswith("en-") else 1 if not lang else 2
    return group, text


def best(values: Iterable[Node]) -> str | None:
    """The label to show among literals (other terms are ignored), or None when there is none."""
    from rdflib import Literal

    found = [(rank(str(v), v.language), str(v)) for v in values if isinstance(v, Literal)]
    return min(found)[1] if found else None


def choose(candidates: Iterable[tuple[str, str, str | None]]) -> str | None:
    """The label among ``(property IRI, text, language)`` candidates: ``rdfs:label`` before ``skos:prefLabel``."""
    ranked = [
        (LABEL_PROPERTIES.index(prop), *rank(text, lang), text)
        for prop, text, lang in candidates
        if prop in LABEL_PROPERTIES
    ]
    return min(ranked)[-1] if ranked else None
