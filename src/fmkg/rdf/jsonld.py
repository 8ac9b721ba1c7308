"""JSON-LD: the context fmkg ships (prefixes and short keys of the main properties) and the compact
JSON-LD writer (pyoxigraph writes expanded JSON-LD only). Called by :func:`fmkg.rdf.write.write`."""

from __future__ import annotations

import json
from functools import cache
from typing import IO, TYPE_CHECKING, Any

from fmkg.rdf.sources import PACKAGE

if TYPE_CHECKING:
    from fmkg.rdf.write import Canonical

#: The JSON-LD context shipped with fmkg: its prefixes and the short keys of the main properties.
CONTEXT_FILE = PACKAGE / "rdf" / "context.jsonld"

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@cache
def context() -> dict[str, Any]:
    """The shipped JSON-LD context (the object under ``@context``)."""
    return dict(json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"])


@cache
def _context_prefixes() -> list[tuple[str, str]]:
    ctx = context()
    found = [(k, v) for k, v in ctx.items() if isinstance(v, str) and v.endswith(("/", "#")) and not k.startswith("@")]
    return sorted(found, key=lambda kv: (-len(kv[1]), kv[0]))


def _expand(curie: str) -> str:
    prefix, sep, local = curie.partition(":")
    ns = dict(_context_prefixes()).get(prefix)
    return ns + local if sep and ns is not None else curie


@cache
def _jsonld_terms() -> dict[str, tuple[str, str | None]]:
    """IRI of a property -> (its key in the context, its coercion: ``@id``, a datatype IRI or None)."""
    out: dict[str, tuple[str, str | None]] = {}
    for term, value in context().items():
        if term.startswith("@") or (isinstance(value, str) and (value.startswith("@") or value.endswith(("/", "#")))):
            continue
        iri, coerce = (value, None) if isinstance(value, str) else (value["@id"], value.get("@type"))
        out[_expand(iri)] = (term, coerce if coerce in (None, "@id") else _expand(coerce))
    return out


def context_key(iri: str) -> str | None:
    """The short key the JSON-LD context gives a property (``fm:releaseDate`` -> ``releaseDate``), or None."""
    found = _jsonld_terms().get(iri)
    return found[0] if found else None


def _jsonld_iri(term: Any) -> str:
    """A node reference: ``_:label``, a compact IRI with a prefix of the context, else the IRI."""
    import pyoxigraph as ox

    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    value = term.value
    for prefix, ns in _context_prefixes():
        local = value[len(ns) :]
        if value.startswith(ns) and local and not local.startswith("//"):
            return f"{prefix}:{local}"
    return str(value)


def _jsonld_value(term: Any) -> Any:
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal):
        return {"id": _jsonld_iri(term)}
    if term.language:
        if term.language == context().get("@language"):
            return term.value
        return {"@language": term.language, "@value": term.value}
    if term.datatype.value != XSD + "string":
        return {"@value": term.value, "type": _jsonld_iri(term.datatype)}
    return {"@value": term.value}


def _jsonld_entry(p: Any, o: Any) -> tuple[str, Any]:
    """The key and value of one statement in compact form, by the terms of the context."""
    import pyoxigraph as ox

    literal = isinstance(o, ox.Literal)
    if p.value == RDF_TYPE and not literal:
        return "type", _jsonld_iri(o)
    term, coerce = _jsonld_terms().get(p.value, ("", None))
    if term:
        if coerce == "@id" and not literal:
            return term, _jsonld_iri(o)
        if literal and coerce not in (None, "@id") and not o.language and o.datatype.value == coerce:
            return term, o.value
        if coerce is None:
            return term, _jsonld_value(o)
    return _jsonld_iri(p), _jsonld_value(o)


def write_jsonld(data: Canonical, out: IO[bytes]) -> None:
    """Compact JSON-LD with fmkg's context inline; nodes, keys and values sorted."""
    nodes: dict[str, dict[str, list[Any]]] = {}
    for q in data.quads():
        key, value = _jsonld_entry(q.predicate, q.object)
        nodes.setdefault(_jsonld_iri(q.subject), {}).setdefault(key, []).append(value)
    graph = []
    for node_id, props in nodes.items():
        node: dict[str, Any] = {"id": node_id}
        for key, values in props.items():
            unique = sorted({_dump(v): v for v in values}.items())
            node[key] = unique[0][1] if len(unique) == 1 else [v for _, v in unique]
        graph.append(node)
    doc = {"@context": context(), "@graph": graph}
    out.write((json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
