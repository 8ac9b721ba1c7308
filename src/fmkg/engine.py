"""Running SPARQL on a loaded graph, with values bound as RDF terms, never spliced into query text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Identifier

from fmkg.errors import QueryError, QuerySyntaxError
from fmkg.namespaces import PREFIXES
from fmkg.queries import ENTITY_TYPES, NamedQuery
from fmkg.resolve import NameIndex, index_for, resolve
from fmkg.sparqltext import with_values
from fmkg.store import is_oxigraph


def _syntax_error(source: str, exc: Exception) -> QuerySyntaxError:
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "col", None)
    msg = getattr(exc, "msg", None) or str(exc)
    found = getattr(exc, "pstr", None)
    loc = getattr(exc, "loc", None)
    if isinstance(found, str) and isinstance(loc, int):
        near = found[loc : loc + 20].split("\n")[0]
        if near:
            msg += f", near {near!r}"
    return QuerySyntaxError(source, " ".join(str(msg).split()), line, col)


def query(
    ds: Dataset,
    text: str,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    source: str = "<query>",
) -> Result:
    """Run a SPARQL query on ``ds``; ``bindings`` pre-bind variables to RDF terms (initBindings)."""
    if is_oxigraph(ds):
        return _query_oxigraph(ds, text, bindings, source)

    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except ParseException as exc:
        raise _syntax_error(source, exc) from exc
    except Exception as exc:  # rdflib raises e.g. plain Exception for unknown prefixes
        raise QuerySyntaxError(source, " ".join(str(exc).split())) from exc
    try:
        result = ds.query(prepared, initBindings=dict(bindings or {}))
        if result.type == "SELECT":
            result.bindings  # noqa: B018 - rdflib evaluates lazily: fail here, not while printing
        return result
    except Exception as exc:
        raise QueryError(f"{source}: query failed: {' '.join(str(exc).split())}") from exc


def _query_oxigraph(ds: Dataset, text: str, bindings: Mapping[str, Identifier] | None, source: str) -> Result:
    # The query text goes to Oxigraph as a string: a prepared rdflib query would make oxrdflib fall
    # back to rdflib's own, much slower, engine; values are bound with VALUES (see fmkg.sparqltext).
    try:
        result = ds.query(with_values(text, bindings or {}), initNs=PREFIXES)
        if result.type == "SELECT":
            result.bindings = list(result.bindings)
        return result
    except SyntaxError as exc:
        message = " ".join(str(exc.msg).split())
        if m := re.match(r"error at (\d+):(\d+): (.*)", message):
            raise QuerySyntaxError(source, m.group(3), int(m.group(1)), int(m.group(2))) from exc
        raise QuerySyntaxError(source, message, exc.lineno, exc.offset) from exc
    except Exception as exc:
        raise QueryError(f"{source}: query failed: {' '.join(str(exc).split())}") from exc


def convert(value: str, type_: str, ds: Dataset, index: NameIndex | None = None) -> Identifier:
    """Turn a parameter value typed by the user into the RDF term its declared type asks for."""
    if type_ in ENTITY_TYPES:
        return resolve(ds, value, ENTITY_TYPES[type_], index)
    if type_ == "iri":
        return URIRef(value.strip().removeprefix("<").removesuffix(">"))
    if type_ == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise QueryError(f"{value!r} is not an integer")
        return Literal(int(value), datatype=XSD.integer)
    if type_ == "decimal":
        try:
            return Literal(Decimal(value), datatype=XSD.decimal)
        except InvalidOperation:
            raise QueryError(f"{value!r} is not a decimal number") from None
    if type_ == "date":
        try:
            return Literal(dt.date.fromisoformat(value), datatype=XSD.date)
        except ValueError:
            raise QueryError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    return Literal(value)


def guess(value: str, ds: Dataset, index: NameIndex | None = None) -> Identifier:
    """Type an undeclared parameter: <iri>, "quoted string", integer, else a known entity, else a string."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return Literal(text[1:-1])
    if re.fullmatch(r"[+-]?\d+", text):
        return Literal(int(text), datatype=XSD.integer)
    from fmkg.errors import AmbiguousEntityError, UnknownEntityError

    try:
        return resolve(ds, text, (), index)
    except (UnknownEntityError, AmbiguousEntityError):
        return Literal(text)


def bind_params(nq: NamedQuery, values: Mapping[str, str], ds: Dataset) -> dict[str, Identifier]:
    """Check and convert ``name=value`` parameters against the query's declared parameters."""
    declared = {p.name: p for p in nq.params}
    if declared:
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise QueryError(f"{nq.name}: unknown parameter {', '.join(unknown)}; it takes {', '.join(declared)}")
        missing = [n for n in declared if n not in values]
        if missing:
            raise QueryError(f"{nq.name}: missing parameter {', '.join(missing)} (use --param {missing[0]}=VALUE)")
    index = index_for(ds) if values else None
    out: dict[str, Identifier] = {}
    for name, value in values.items():
        out[name] = convert(value, declared[name].type, ds, index) if name in declared else guess(value, ds, index)
    return out


def run(ds: Dataset, nq: NamedQuery, params: Mapping[str, str] | None = None) -> Result:
    """Run a named, file or inline query with its parameters bound."""
    return query(ds, nq.text, bind_params(nq, params or {}, ds), source=str(nq.path))
