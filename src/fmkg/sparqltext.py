"""SPARQL text that fmkg writes itself: terms in N-Triples form, and values put into a query.

Where rdflib's initBindings are not available (Oxigraph, whose substitutions need the variables
projected, and remote endpoints), parameters become a ``VALUES`` block at the start of the query's
WHERE group, built from the terms' N-Triples form: a value is never pasted into a query as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fmkg.errors import QueryError

if TYPE_CHECKING:
    from rdflib.term import Identifier, Node


# --- terms in N-Triples form -------------------------------------------------------------------

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def iri_term(value: str) -> str:
    """``<value>``, refusing characters an IRI cannot hold."""
    if _IRI_FORBIDDEN.search(value):
        raise QueryError(f"{value!r} is not an IRI that can be sent to a SPARQL endpoint")
    return f"<{value}>"


def ntriples_term(term: Node, bnodes: dict[Node, str] | None = None) -> str:
    """A term in N-Triples syntax, which is also valid SPARQL: ``<iri>``, ``"text"@en``, ``"5"^^<dt>``.

    Blank nodes get labels from ``bnodes`` (filled as needed); without it a blank node is an error.
    """
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return iri_term(str(term))
    if isinstance(term, Literal):
        text = "".join(_ECHAR.get(c, c) for c in str(term))
        if term.language:
            if not _LANG.fullmatch(term.language):
                raise QueryError(f"bad language tag {term.language!r}")
            return f'"{text}"@{term.language}'
        if term.datatype:
            return f'"{text}"^^{iri_term(str(term.datatype))}'
        return f'"{text}"'
    if isinstance(term, BNode) and bnodes is not None:
        return bnodes.setdefault(term, f"_:b{len(bnodes)}")
    raise QueryError(f"cannot send {term!r} to a SPARQL endpoint")


# --- putting VALUES and prefixes into a query --------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    depth: int  # brackets open before this token


def _tokens(text: str) -> Iterator[_Token]:
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        if kind == "close":
            depth -= 1
        yield _Token(kind, m.group(), m.start(), depth)
        if kind == "open":
            depth += 1


def _where_group(text: str) -> tuple[int, int] | None:
    """Where the query's WHERE group opens and closes (offsets of ``{`` and ``}``), or None for the
    short form ``CONSTRUCT WHERE { template }``, which cannot hold a VALUES block."""
    tokens = list(_tokens(text))
    form_at = next(
        (
            i
            for i, t in enumerate(tokens)
            if t.depth == 0 and t.kind == "word" and t.text.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
        ),
        None,
    )
    if form_at is None:
        raise QueryError("not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE")
    is_construct = tokens[form_at].text.upper() == "CONSTRUCT"
    rest = tokens[form_at + 1 :]
    if is_construct and rest and rest[0].kind == "word" and rest[0].text.upper() == "WHERE":
        return None
    skip_template = is_construct
    for i, tok in enumerate(rest):
        if tok.depth == 0 and tok.text == "{":
            if skip_template:
                skip_template = False
                continue
            close = next(t for t in rest[i + 1 :] if t.depth == 0 and t.text == "}")
            return tok.start, close.start
    raise QueryError("the query has no WHERE clause")


def values_block(bindings: Mapping[str, Identifier]) -> str:
    """``VALUES (?a ?b) { (<iri> "text") }`` for the given bindings, terms in N-Triples form."""
    names = list(bindings)
    for name in names:
        if not _VARNAME.fullmatch(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
    variables = " ".join(f"?{n}" for n in names)
    row = " ".join(ntriples_term(bindings[n]) for n in names)
    return f"VALUES ({variables}) {{ ({row}) }}"


def with_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with ``bindings`` as a VALUES block at the start of its WHERE group.

    There it joins before any FILTER, OPTIONAL or aggregate of the group, as rdflib's initBindings
    do locally. A WHERE group that is a sub-select is wrapped in braces first; the short form
    ``CONSTRUCT WHERE`` gets a trailing VALUES clause instead.
    """
    if not bindings:
        return text
    return _insert(text, values_block(bindings))


def with_choices(text: str, name: str, terms: Iterable[Identifier]) -> str:
    """The query with ``?name`` ranging over ``terms`` (a one-variable VALUES block)."""
    if not _VARNAME.fullmatch(name):
        raise QueryError(f"{name!r} is not a SPARQL variable name")
    return _insert(text, f"VALUES ?{name} {{ " + " ".join(ntriples_term(t) for t in terms) + " }")


def _insert(text: str, block: str) -> str:
    where = _where_group(text)
    if where is None:
        return f"{text.rstrip()}\n{block}\n"
    start, end = where
    first = next((t for t in _tokens(text[start + 1 : end])), None)
    if first is not None and first.kind == "word" and first.text.upper() == "SELECT":
        return f"{text[: start + 1]}\n  {block}\n  {{{text[start + 1 : end]}}}\n{text[end:]}"
    return f"{text[: start + 1]}\n  {block}\n{text[start + 1 :]}"
