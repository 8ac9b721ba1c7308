"""RDF terms, written in one place: their N-Triples form, their short display form, and the conversion
between rdflib's terms (the library's public term type) and pyoxigraph's (the store's).

- :func:`nt` writes a term in N-Triples syntax, which is also valid Turtle and SPARQL; every writer of
  terms (SPARQL ``VALUES`` blocks, ``INSERT DATA``, synthetic graphs) uses it.
- :func:`compact` shortens an IRI with fmkg's prefixes for people (``model:gpt-3``); it is the one
  prefix shortener. Writers of RDF syntaxes use pyoxigraph's prefix handling instead.
- :func:`from_ox` / :func:`to_ox` convert terms without touching lexical forms: rdflib would otherwise
  rewrite ``"591588150000000000"^^xsd:double`` as ``"5.9158815e+17"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from fmkg.errors import FmkgError
from fmkg.rdf.namespaces import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class TermError(FmkgError):
    """A term that cannot be written: an IRI with forbidden characters, a bad language tag."""


def iri(value: str) -> str:
    """``<value>`` in N-Triples form, refusing what an absolute IRI cannot hold (so nothing breaks out)."""
    import pyoxigraph as ox

    try:
        return str(ox.NamedNode(value))
    except ValueError as exc:
        raise TermError(f"{value!r} is not an absolute IRI: {exc}") from None


def literal(text: str, *, datatype: str | None = None, language: str | None = None) -> str:
    """A literal in N-Triples form (Oxigraph's canonical escapes); ``xsd:string`` is written plain."""
    import pyoxigraph as ox

    try:
        if language:
            return str(ox.Literal(text, language=language))
        return str(ox.Literal(text, datatype=ox.NamedNode(datatype) if datatype else None))
    except ValueError as exc:
        raise TermError(f"cannot write the literal {text!r}: {exc}") from None


def nt(term: Node, bnodes: dict[Any, str] | None = None) -> str:
    """An rdflib term in N-Triples form (Oxigraph's canonical form): ``<iri>``, ``"text"@en``, ``_:b0``.

    Blank nodes get labels from ``bnodes`` (filled as needed); without it their own label is used.
    """
    from rdflib import BNode

    if isinstance(term, BNode) and bnodes is not None:
        return bnodes.setdefault(term, f"_:b{len(bnodes)}")
    try:
        return str(to_ox(term))
    except ValueError as exc:
        raise TermError(f"cannot write {term!r} as an RDF term: {exc}") from None


# --- short forms for people ----------------------------------------------------------------------------


@cache
def _by_length(prefixes: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    # Longest namespace first, so that ``model:`` wins over a shorter namespace holding it.
    return tuple(sorted(prefixes, key=lambda kv: (-len(kv[1]), kv[0])))


#: Prefixes used for display: every fmkg prefix but ``graph:`` (graph names are shown without it).
DISPLAY_PREFIXES: tuple[tuple[str, str], ...] = tuple((p, ns) for p, ns in PREFIXES.items() if p != "graph")


@cache
def _by_namespace(prefixes: tuple[tuple[str, str], ...]) -> dict[str, str] | None:
    """Namespace -> prefix (the first in :func:`_by_length` order), when every namespace ends in
    ``/`` or ``#``; else None."""
    if not all(ns.endswith(("/", "#")) for _, ns in prefixes):
        return None
    table: dict[str, str] = {}
    for prefix, ns in _by_length(prefixes):
        table.setdefault(ns, prefix)
    return table


def shorten(value: str, prefixes: Mapping[str, str] | tuple[tuple[str, str], ...] = DISPLAY_PREFIXES) -> str:
    """``prefix:local`` for an IRI in one of ``prefixes`` (the longest namespace wins), else the IRI."""
    items = tuple(prefixes.items()) if isinstance(prefixes, Mapping) else prefixes
    table = _by_namespace(items)
    if table is not None:  # each namespace ends at a "/" or "#" of the IRI: try those, longest first
        end = len(value) - 1  # a namespace must leave a local part
        while (cut := max(value.rfind("/", 0, end), value.rfind("#", 0, end))) >= 0:
            if (prefix := table.get(value[: cut + 1])) is not None:
                return f"{prefix}:{value[cut + 1 :]}"
            end = cut
        return value
    for prefix, ns in _by_length(items):
        if value.startswith(ns) and len(value) > len(ns):
            return f"{prefix}:{value[len(ns) :]}"
    return value


def compact(term: Node | str | None) -> str:
    """A short human form of a term: ``model:gpt-3`` for an IRI (an rdflib ``URIRef`` or a plain string)
    with a known prefix, the text of a literal, the label of a blank node."""
    if term is None:
        return ""
    if type(term) is str:
        return shorten(term)
    from rdflib import BNode, Literal

    if isinstance(term, Literal | BNode):
        return str(term)
    return shorten(str(term))


def local_words(iri_text: str) -> str:
    """The local name of an IRI in words: ``fm:fineTunedFrom`` -> ``fine tuned from``."""
    local = re.split(r"[#/:]", iri_text)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


# --- rdflib <-> pyoxigraph -----------------------------------------------------------------------------


def from_ox(term: Any) -> Node:
    """The rdflib term for a pyoxigraph term, with the lexical form kept exactly."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return _typed(term.value, datatype)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TermError(f"cannot convert {term!r} (RDF-star triples are not supported)")


def _typed(value: str, datatype: str) -> Node:
    from rdflib import Literal, URIRef

    return Literal(value, datatype=URIRef(datatype), normalize=False)


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TermError(f"cannot convert {term!r} to a store term")
