"""Parameters of queries: values typed by users turned into RDF terms, checked against a query's header.

Entity types (``model``, ``org``, ...) are resolved by name (:mod:`fmkg.names.resolve`); ``integer``,
``decimal``, ``date``, ``string`` and ``iri`` become terms of their type. A parameter that a query does
not declare is guessed: ``<iri>``, ``"a string"``, an integer, a name of an entity, else a string.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from fmkg.errors import AmbiguousEntityError, QueryError, UnknownEntityError
from fmkg.names.resolve import resolve_name
from fmkg.sparql.library import ENTITY_TYPES, NamedQuery

if TYPE_CHECKING:
    from rdflib.term import Node

    from fmkg.store import KnowledgeGraph

XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class Bound:
    """Parameters as terms, and notes on names that named more than one entity."""

    values: dict[str, Node] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def convert(value: str, type_: str, kg: KnowledgeGraph, notes: list[str] | None = None) -> Node:
    """Turn a value typed by the user into the RDF term its declared type asks for."""
    from rdflib import Literal, URIRef

    if type_ in ENTITY_TYPES:
        found = resolve_name(kg.names, value, ENTITY_TYPES[type_])
        if found.also and notes is not None:
            notes.append(f"{value!r} is taken as {kg.label(found.iri)}; it also names {', '.join(found.also)}")
        return URIRef(found.iri)
    if type_ == "iri":
        return URIRef(value.strip().removeprefix("<").removesuffix(">"))
    if type_ == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise QueryError(f"{value!r} is not an integer")
        return Literal(str(int(value)), datatype=URIRef(XSD + "integer"))
    if type_ == "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise QueryError(f"{value!r} is not a decimal number") from None
        if not number.is_finite():
            raise QueryError(f"{value!r} is not a decimal number")
        return Literal(str(number), datatype=URIRef(XSD + "decimal"), normalize=False)
    if type_ == "date":
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise QueryError(f"{value!r} is not a date (YYYY-MM-DD)") from None
        return Literal(day.isoformat(), datatype=URIRef(XSD + "date"))
    return Literal(value)


def guess(value: str, kg: KnowledgeGraph) -> Node:
    """Type an undeclared parameter: <iri>, "quoted string", integer, else a known entity, else a string."""
    from rdflib import Literal, URIRef

    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return Literal(text[1:-1])
    if re.fullmatch(r"[+-]?\d+", text):
        return Literal(str(int(text)), datatype=URIRef(XSD + "integer"))
    try:
        return URIRef(resolve_name(kg.names, text).iri)
    except (UnknownEntityError, AmbiguousEntityError):
        return Literal(text)


def bind_params(nq: NamedQuery, values: Mapping[str, str], kg: KnowledgeGraph) -> Bound:
    """Check and convert ``name=value`` parameters against the query's declared parameters."""
    declared = {p.name: p for p in nq.params}
    if declared:
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise QueryError(f"{nq.name}: unknown parameter {', '.join(unknown)}; it takes {', '.join(declared)}")
        missing = [n for n in declared if n not in values]
        if missing:
            raise QueryError(f"{nq.name}: missing parameter {', '.join(missing)} (use --param {missing[0]}=VALUE)")
    out = Bound()
    for name, value in values.items():
        if name in declared:
            out.values[name] = convert(value, declared[name].type, kg, out.notes)
        else:
            out.values[name] = guess(value, kg)
    return out
