"""Fuzzy search over the names of entities: labels, alternative labels and slugs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from fmkg.names.index import NameIndex, kind_of, normalise


@dataclass(frozen=True, order=True)
class Hit:
    """One entity that matches, with how well (1.0 is an exact match of a name)."""

    score: float
    iri: str
    label: str
    kind: str
    matched: str


def _score(query: str, key: str) -> float:
    if key == query:
        return 1.0
    if key.startswith(query):
        return 0.9 + 0.05 * len(query) / len(key)
    if query in key:
        return 0.75 + 0.1 * len(query) / len(key)
    return 0.7 * difflib.SequenceMatcher(None, query, key).ratio()


def search(
    index: NameIndex, text: str, *, kinds: tuple[str, ...] = (), limit: int = 10, cutoff: float = 0.45
) -> list[Hit]:
    """The best matching entities for ``text``, best first; each entity once, with its best name."""
    query = normalise(text)
    if not query:
        return []
    best: dict[str, tuple[float, str]] = {}
    for key, iri, _primary in index.entries():
        if kinds and kind_of(iri) not in kinds:
            continue
        score = _score(query, key)
        if score >= cutoff and score > best.get(iri, (0.0, ""))[0]:
            best[iri] = (score, key)
    hits = [
        Hit(round(score, 3), iri, index.label(iri) or iri, kind_of(iri) or "", matched)
        for iri, (score, matched) in best.items()
    ]
    return sorted(hits, key=lambda h: (-h.score, h.label.casefold(), h.iri))[:limit]
