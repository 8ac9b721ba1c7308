"""Rendering query answers: rows as a table or in the SPARQL 1.1 result formats, graphs as RDF.

- ``table``: aligned columns for a terminal, IRIs shortened (``model:gpt-3``), long doubles shown in
  scientific notation; a last line counts the rows.
- ``json``, ``xml``, ``csv``, ``tsv``: SPARQL 1.1 Query Results JSON, XML, CSV and TSV, terms exactly
  as the store holds them.
- CONSTRUCT and DESCRIBE answers: any RDF syntax of :mod:`fmkg.rdf.formats`, written by
  :mod:`fmkg.rdf.write` (canonical order, lossless).
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from fmkg.errors import FmkgError
from fmkg.rdf import formats
from fmkg.rdf.terms import compact, nt

if TYPE_CHECKING:
    from rdflib.term import Node

    from fmkg.rdf.formats import Format
    from fmkg.store.results import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"

#: Formats for rows (SELECT) and booleans (ASK).
ROW_FORMATS = [f for f in formats.FORMATS if f.kind == "results"]
#: Formats for graphs (CONSTRUCT, DESCRIBE).
GRAPH_FORMATS = [f for f in formats.FORMATS if f.kind == "graph"] + [
    f for f in formats.FORMATS if f.kind == "dataset" and f.name != "hextuples"
]
#: What ASK answers are written in (CSV and TSV are defined for SELECT only).
ASK_FORMATS = [f for f in ROW_FORMATS if f.name in ("table", "json", "xml")]


def formats_for(form: str) -> list[Format]:
    """The formats an answer of a query form (SELECT, ASK, CONSTRUCT, DESCRIBE) can be written in."""
    if form == "ASK":
        return ASK_FORMATS
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_FORMATS
    return ROW_FORMATS


def choose(name: str, form: str) -> Format:
    """The format called ``name`` for an answer of ``form``; ``table`` stands for Turtle for graphs."""
    if form in ("CONSTRUCT", "DESCRIBE") and name in ("table", "text"):
        return formats.find("turtle")
    offered = formats_for(form)
    try:
        return formats.find(name, offered)
    except FmkgError:
        kind = "rows" if form == "SELECT" else "true or false" if form == "ASK" else "a graph"
        raise FmkgError(
            f"--format {name!r}: a {form} query gives {kind}: choose from {', '.join(f.name for f in offered)}"
        ) from None


def _display(term: Node | None) -> str:
    from rdflib import Literal

    if term is None:
        return ""
    if isinstance(term, Literal) and str(term.datatype or "") in (XSD + "double", XSD + "float"):
        text = str(term)
        if len(text) > 12 and "e" not in text.lower():
            try:
                return f"{float(text):.6g}"
            except ValueError:
                return text
    return compact(term)


def render_table(result: QueryResult) -> str:
    """Columns aligned for a terminal, IRIs shortened; a last line counts the rows."""
    names = result.vars
    table = [[_display(v) for v in row] for row in result.rows]
    widths = [min(60, max([len(n), *(len(r[i]) for r in table)])) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        out = []
        for cell, w in zip(cells, widths, strict=True):
            cell = cell.replace("\n", " ")
            out.append(cell if len(cell) <= w else cell[: w - 1] + "…")
        return "  ".join(c.ljust(w) for c, w in zip(out, widths, strict=True)).rstrip()

    text = [line(names), line(["-" * w for w in widths]), *(line(r) for r in table)]
    more = " (cut off)" if result.truncated else ""
    text.append(f"({len(table)} row{'s' if len(table) != 1 else ''}{more})")
    return "\n".join(text) + "\n"


def _csv_value(term: Node | None) -> str:
    from rdflib import BNode

    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def render_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: IRIs and literals as plain text, blank nodes as ``_:label``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(result.vars)
    for row in result.rows:
        writer.writerow([_csv_value(v) for v in row])
    return buf.getvalue()


def render_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: terms in their N-Triples form."""
    lines = ["\t".join(f"?{n}" for n in result.vars)]
    lines += ["\t".join("" if v is None else nt(v) for v in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def json_term(term: Node) -> dict[str, str]:
    """A term as SPARQL 1.1 Query Results JSON writes it."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and str(term.datatype) != XSD + "string":
        out["datatype"] = str(term.datatype)
    return out


def render_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (SELECT and ASK)."""
    if result.type == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.askAnswer)}) + "\n"
    names = result.vars
    bindings = [{n: json_term(v) for n, v in zip(names, row, strict=True) if v is not None} for row in result.rows]
    doc = {"head": {"vars": names}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _xml_term(term: Node) -> str:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
    if term.datatype and str(term.datatype) != XSD + "string":
        return f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def render_xml(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results XML (SELECT and ASK)."""
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n  <head>']
    if result.type == "ASK":
        out.append(f"</head>\n  <boolean>{'true' if result.askAnswer else 'false'}</boolean>\n</sparql>\n")
        return "".join(out)
    out += [f"\n    <variable name={quoteattr(n)}/>" for n in result.vars]
    out.append("\n  </head>\n  <results>\n")
    for row in result.rows:
        out.append("    <result>")
        for n, v in zip(result.vars, row, strict=True):
            if v is not None:
                out.append(f"<binding name={quoteattr(n)}>{_xml_term(v)}</binding>")
        out.append("</result>\n")
    out.append("  </results>\n</sparql>\n")
    return "".join(out)


def render_graph(result: QueryResult, fmt: Format) -> bytes:
    """The triples of a CONSTRUCT or DESCRIBE answer in an RDF syntax, in canonical order."""
    import pyoxigraph as ox

    from fmkg.rdf import write
    from fmkg.rdf.terms import to_ox

    triples = (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in result.triples)  # type: ignore[arg-type]
    return write.to_bytes(write.canonical(triples, dataset=False), fmt)


def render(result: QueryResult, fmt: Format | str) -> bytes:
    """Render any answer in ``fmt`` (a format or its name); an :class:`FmkgError` when it does not fit."""
    chosen = choose(fmt, result.type) if isinstance(fmt, str) else fmt
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return render_graph(result, chosen)
    if result.type == "ASK":
        if chosen.name == "json":
            return render_json(result).encode("utf-8")
        if chosen.name == "xml":
            return render_xml(result).encode("utf-8")
        return b"true\n" if result.askAnswer else b"false\n"
    renderers = {"table": render_table, "csv": render_csv, "tsv": render_tsv, "json": render_json, "xml": render_xml}
    return renderers[chosen.name](result).encode("utf-8")
