"""Rendering query results: SELECT as table, CSV, TSV or SPARQL JSON; graphs as RDF; ASK as a word."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import cast

from rdflib import BNode, Literal, URIRef
from rdflib.query import Result, ResultRow
from rdflib.term import Node

from fmkg.namespaces import PREFIXES

SELECT_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}
FORMATS = (*SELECT_FORMATS, *GRAPH_FORMATS)

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def rows(result: Result) -> Iterator[ResultRow]:
    """The rows of a SELECT result, typed as rows."""
    return cast(Iterator[ResultRow], iter(result))


def compact(term: Node | None) -> str:
    """A short human form of a term: ``model:gpt-3`` for IRIs with a known prefix, the text of literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        s = str(term)
        for prefix, ns in _BY_LENGTH:
            if s.startswith(ns) and len(s) > len(ns) and prefix != "graph":
                return f"{prefix}:{s[len(ns) :]}"
        return s
    return str(term)


def compact_iri(iri: str) -> str:
    """:func:`compact` for an IRI given as a string."""
    return compact(URIRef(iri))


def render_table(result: Result) -> str:
    """Columns aligned for a terminal, IRIs shortened; a last line counts the rows."""
    names = [str(v) for v in result.vars or []]
    table = [[compact(row[i]) for i in range(len(names))] for row in rows(result)]
    widths = [max([len(n), *(len(r[i]) for r in table)]) for i, n in enumerate(names)]
    widths = [min(w, 60) for w in widths]

    def line(cells: list[str]) -> str:
        out = []
        for cell, w in zip(cells, widths, strict=True):
            cell = cell.replace("\n", " ")
            out.append(cell if len(cell) <= w else cell[: w - 1] + "…")
        return "  ".join(c.ljust(w) for c, w in zip(out, widths, strict=True)).rstrip()

    text = [line(names), line(["-" * w for w in widths]), *(line(r) for r in table)]
    text.append(f"({len(table)} row{'s' if len(table) != 1 else ''})")
    return "\n".join(text) + "\n"


def _csv_value(term: Node | None) -> str:
    # SPARQL 1.1 CSV: IRIs and literals as their plain text, blank nodes as _:label.
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def render_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV."""
    buf = io.StringIO()
    names = [str(v) for v in result.vars or []]
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows(result):
        writer.writerow([_csv_value(row[i]) for i in range(len(names))])
    return buf.getvalue()


def render_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV: terms in their Turtle/N-Triples form."""
    names = [str(v) for v in result.vars or []]
    lines = ["\t".join(f"?{n}" for n in names)]
    for row in rows(result):
        cells = []
        for i in range(len(names)):
            term = row[i]
            cells.append("" if term is None else term.n3().replace("\t", "\\t"))
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def render_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON (SELECT and ASK)."""
    if result.type == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.askAnswer)}, indent=2) + "\n"
    names = [str(v) for v in result.vars or []]
    bindings = [{n: _json_term(row[i]) for i, n in enumerate(names) if row[i] is not None} for row in rows(result)]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, indent=2, ensure_ascii=False) + "\n"


def render(result: Result, fmt: str) -> str:
    """Render any result in ``fmt``; raises ValueError when the format does not fit the query form."""
    if result.type == "ASK":
        return render_json(result) if fmt == "json" else ("true\n" if result.askAnswer else "false\n")
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        fmt = "turtle" if fmt == "table" else fmt
        if fmt not in GRAPH_FORMATS:
            raise ValueError(f"a {result.type} query gives a graph: use --format {'|'.join(GRAPH_FORMATS)}")
        graph = result.graph
        assert graph is not None
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, override=True, replace=True)
        return graph.serialize(format=GRAPH_FORMATS[fmt])
    renderers = {"table": render_table, "csv": render_csv, "tsv": render_tsv, "json": render_json}
    if fmt not in renderers:
        raise ValueError(f"a SELECT query gives rows: use --format {'|'.join(SELECT_FORMATS)}")
    return renderers[fmt](result)
