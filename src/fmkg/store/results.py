"""What a query gives back, the same on every store: rows of rdflib terms, a boolean or triples."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


class Row(tuple):  # type: ignore[type-arg]
    """A row of a SELECT answer: a tuple of terms (None where unbound), also readable by variable name."""

    __slots__ = ()
    _names: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Node | None:
        try:
            return self[type(self)._names.index(name)]  # type: ignore[no-any-return]
        except ValueError:
            raise AttributeError(name) from None

    def asdict(self) -> dict[str, Node]:
        """The bound variables of the row, by name."""
        return {n: v for n, v in zip(type(self)._names, self, strict=True) if v is not None}


def row_type(names: Sequence[str]) -> type[Row]:
    """A :class:`Row` class for these variable names."""
    return type("Row", (Row,), {"__slots__": (), "_names": tuple(names)})


@dataclass
class QueryResult:
    """The answer to a query: ``type`` is SELECT, ASK, CONSTRUCT or DESCRIBE.

    SELECT fills ``vars`` and ``rows``; ASK ``askAnswer``; CONSTRUCT and DESCRIBE ``triples``.
    ``truncated`` is set when a row or triple limit cut the answer short. Iterating gives the rows
    (or the triples), as rdflib's ``Result`` does.
    """

    type: str
    vars: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    askAnswer: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False

    def __iter__(self) -> Iterator[Any]:
        if self.type == "SELECT":
            return iter(self.rows)
        if self.type == "ASK":
            return iter([self.askAnswer])
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.rows) if self.type == "SELECT" else len(self.triples) if self.type != "ASK" else 1

    def __bool__(self) -> bool:
        return bool(self.askAnswer) if self.type == "ASK" else len(self) > 0

    @property
    def graph(self) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE answer as an rdflib Graph, with fmkg's prefixes."""
        from rdflib import Graph

        from fmkg.rdf.namespaces import PREFIXES

        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True, replace=True)
        for t in self.triples:
            g.add(t)
        return g
