"""HexTuples (https://github.com/ontola/hextuples): one JSON array of six strings per quad. Called by
:func:`fmkg.rdf.write.write`."""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fmkg.rdf.write import Canonical

RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _hext_term(term: Any) -> str:
    import pyoxigraph as ox

    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)


def write_hextuples(data: Canonical, out: IO[bytes]) -> None:
    """HexTuples (https://github.com/ontola/hextuples): one JSON array per quad and line, in canonical order.

    The six strings are subject, predicate, value, datatype, language and graph. The datatype of an
    IRI object is ``globalId``, of a blank node ``localId``; a language-tagged literal has
    ``rdf:langString``; the default graph is ``""``.
    """
    import pyoxigraph as ox

    rows = []
    for q in data.quads():
        o = q.object
        if isinstance(o, ox.Literal):
            datatype = RDF_LANGSTRING if o.language else o.datatype.value
            row = [_hext_term(q.subject), q.predicate.value, o.value, datatype, o.language or ""]
        else:
            kind = "localId" if isinstance(o, ox.BlankNode) else "globalId"
            row = [_hext_term(q.subject), q.predicate.value, _hext_term(o), kind, ""]
        graph = getattr(q, "graph_name", None)
        row.append("" if graph is None or isinstance(graph, ox.DefaultGraph) else _hext_term(graph))
        rows.append(json.dumps(row, ensure_ascii=False))
    out.write("".join(f"{r}\n" for r in sorted(rows)).encode("utf-8"))
