"""Resolving the names users type (IRI, prefixed name, slug, label or alias) to entity IRIs.

The rule, the same for every command and parameter:

1. ``<iri>``, an ``http(s):``/``urn:`` IRI or a prefixed name (``model:gpt-3``) is taken as it is;
2. otherwise the name is looked up in the name index: primary names (labels, slugs) before
   alternative labels;
3. when it names several entities and exactly one of them is a model, the model is meant, and the
   others are reported as what else the name could mean (``Stable Diffusion`` is a model and an
   application); otherwise the name is ambiguous and the error lists the candidates;
4. a name that matches nothing is an error with "did you mean" suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fmkg.errors import AmbiguousEntityError, UnknownEntityError
from fmkg.names.index import NameIndex, kind_of
from fmkg.rdf.namespaces import PREFIXES
from fmkg.rdf.terms import shorten

#: The kind meant when a name names several kinds of entity and one of them is of this kind.
PREFERRED_KIND = "model"


@dataclass(frozen=True)
class Resolution:
    """The entity a name means, and the other entities it also names (as short IRIs)."""

    iri: str
    also: list[str] = field(default_factory=list)


def resolve_name(index: NameIndex, name: str, kinds: tuple[str, ...] = ()) -> Resolution:
    """Resolve ``name`` among entities of ``kinds`` (any kind when empty), as the module docstring says."""
    text = name.strip()
    if text.startswith("<") and text.endswith(">"):
        return Resolution(text[1:-1])
    if text.startswith(("http://", "https://", "urn:")):
        return Resolution(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and " " not in local:
        return Resolution(PREFIXES[prefix] + local)
    found = index.candidates(text, kinds)
    pool = [c for c in found if c.primary] or found
    if not pool:
        raise UnknownEntityError(name, index.suggest(text, kinds))
    if len(pool) > 1:
        preferred = [c for c in pool if kind_of(c.iri) == PREFERRED_KIND]
        if len(preferred) != 1 or len(kinds) == 1:
            raise AmbiguousEntityError(name, [shorten(c.iri) for c in pool])
        pool = preferred
    chosen = pool[0].iri
    return Resolution(chosen, sorted({shorten(c.iri) for c in found if c.iri != chosen}))
