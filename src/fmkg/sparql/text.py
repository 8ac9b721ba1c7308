"""SPARQL text that fmkg reads and writes itself, by a tokenizer that knows strings, IRIs and comments.

- :func:`check` refuses, before any engine sees a query, what must not run: SPARQL Update, ``SERVICE``
  (a query would call out to the network or open a file) unless asked for, groups nested deeper than
  :data:`MAX_DEPTH` (Oxigraph's parser recurses: 3,000 nested groups overflow its stack) and texts
  longer than :data:`MAX_CHARS`.
- :func:`with_values` binds parameters: a ``VALUES`` block at the start of the query's WHERE group,
  built from the terms' N-Triples form (:func:`fmkg.rdf.terms.nt`). A value is never pasted into a
  query as text, and every store (and remote endpoints) gets the same text.
- :func:`with_prefixes` declares fmkg's prefixes that a query uses without declaring, for endpoints
  that do not predefine them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fmkg.errors import QueryError, QuerySyntaxError

if TYPE_CHECKING:
    from rdflib.term import Node

#: The deepest nesting of brackets a query may have.
MAX_DEPTH = 200
#: The longest query text accepted, in characters.
MAX_CHARS = 1_000_000

FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:(?:[\w\-:%.\u00B7\u00C0-\uFFFF]|\\.)*)
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Token:
    """A token of a query: its kind, text, offset and how many brackets are open before it."""

    kind: str
    text: str
    start: int
    depth: int

    @property
    def keyword(self) -> str:
        """The upper-cased word of a keyword token, else ``""``."""
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` without spaces and comments."""
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        if kind == "close":
            depth = max(0, depth - 1)
        yield Token(kind, m.group(), m.start(), depth)
        if kind == "open":
            depth += 1


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@dataclass(frozen=True)
class QueryInfo:
    """What :func:`check` found out about a query: its form and whether it names a dataset (FROM)."""

    form: str
    from_clause: bool
    service: bool


def check(text: str, *, source: str = "<query>", allow_service: bool = False) -> QueryInfo:
    """Refuse what must not run (see the module docstring) and tell the query's form.

    Raises :class:`~fmkg.errors.QuerySyntaxError` for a text that is not a query at all, and
    :class:`~fmkg.errors.QueryError` (with ``refused`` set) for updates, SERVICE and depth.
    """
    if len(text) > MAX_CHARS:
        raise RefusedQuery(f"{source}: the query is longer than {MAX_CHARS:,} characters", "size")
    form = ""
    first_keyword = ""
    from_clause = service = False
    for tok in tokens(text):
        if tok.kind == "open" and tok.depth + 1 > MAX_DEPTH:
            line, col = _position(text, tok.start)
            raise RefusedQuery(f"{source}:{line}:{col}: brackets nested more than {MAX_DEPTH} deep", "depth")
        word = tok.keyword
        if not word:
            continue
        if not first_keyword and word not in ("PREFIX", "BASE"):
            first_keyword = word
        if not form and word in FORMS:
            form = word
        elif word == "SERVICE":
            service = True
            if not allow_service:
                line, col = _position(text, tok.start)
                raise RefusedQuery(
                    f"{source}:{line}:{col}: SERVICE (a federated query) is not run: it would reach out to "
                    "another endpoint or a file",
                    "service",
                )
        elif word == "FROM" and tok.depth == 0:
            from_clause = True
    if first_keyword in UPDATES:
        raise RefusedQuery(f"{source}: SPARQL Update is not accepted: fmkg's graph is read-only here", "update")
    if not form:
        raise QuerySyntaxError(source, "not a query: it has no SELECT, CONSTRUCT, ASK or DESCRIBE")
    return QueryInfo(form, from_clause, service)


class RefusedQuery(QueryError):
    """A query fmkg will not run; ``reason`` is ``update``, ``service``, ``depth`` or ``size``."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


# --- putting VALUES and prefixes into a query --------------------------------------------------------------


def _where_group(text: str) -> tuple[int, int] | None:
    """Where the query's WHERE group opens and closes (offsets of ``{`` and ``}``), or None for the
    short form ``CONSTRUCT WHERE { template }``, which cannot hold a VALUES block."""
    toks = list(tokens(text))
    form_at = next((i for i, t in enumerate(toks) if t.depth == 0 and t.keyword in FORMS), None)
    if form_at is None:
        raise QueryError("not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE")
    is_construct = toks[form_at].keyword == "CONSTRUCT"
    rest = toks[form_at + 1 :]
    if is_construct and rest and rest[0].keyword == "WHERE":
        return None
    skip_template = is_construct
    for i, tok in enumerate(rest):
        if tok.depth == 0 and tok.text == "{":
            if skip_template:
                skip_template = False
                continue
            close = next((t for t in rest[i + 1 :] if t.depth == 0 and t.text == "}"), None)
            if close is None:
                raise QueryError("the query's WHERE group is not closed")
            return tok.start, close.start
    raise QueryError("the query has no WHERE clause")


def values_block(bindings: Mapping[str, Node]) -> str:
    """``VALUES (?a ?b) { (<iri> "text") }`` for the given bindings, terms in N-Triples form."""
    from fmkg.rdf.terms import nt

    names = list(bindings)
    for name in names:
        if not _VARNAME.match(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
    variables = " ".join(f"?{n}" for n in names)
    row = " ".join(nt(bindings[n]) for n in names)
    return f"VALUES ({variables}) {{ ({row}) }}"


def with_values(text: str, bindings: Mapping[str, Node]) -> str:
    """The query with ``bindings`` as a VALUES block at the start of its WHERE group.

    There it joins before any FILTER, OPTIONAL or aggregate of the group, as rdflib's initBindings
    do. A WHERE group that is a sub-select is wrapped in braces first; the short form
    ``CONSTRUCT WHERE`` gets a trailing VALUES clause instead.
    """
    if not bindings:
        return text
    return _insert(text, values_block(bindings))


def with_choices(text: str, name: str, terms: Iterable[Node]) -> str:
    """The query with ``?name`` ranging over ``terms`` (a one-variable VALUES block)."""
    from fmkg.rdf.terms import nt

    if not _VARNAME.match(name):
        raise QueryError(f"{name!r} is not a SPARQL variable name")
    return _insert(text, f"VALUES ?{name} {{ " + " ".join(nt(t) for t in terms) + " }")


def _insert(text: str, block: str) -> str:
    where = _where_group(text)
    if where is None:
        return f"{text.rstrip()}\n{block}\n"
    start, end = where
    first = next(tokens(text[start + 1 : end]), None)
    if first is not None and first.keyword == "SELECT":
        return f"{text[: start + 1]}\n  {block}\n  {{{text[start + 1 : end]}}}\n{text[end:]}"
    return f"{text[: start + 1]}\n  {block}\n{text[start + 1 :]}"


_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def with_prefixes(text: str) -> str:
    """The query with fmkg's prefixes declared, those it uses without declaring them."""
    from fmkg.rdf.namespaces import PREFIXES

    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
    used = {t.text.split(":", 1)[0] for t in tokens(text) if t.kind == "pname"}
    missing = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p in used and p not in declared]
    return "\n".join([*missing, text]) if missing else text
