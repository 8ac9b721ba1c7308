"""fmkg export: every registered format parses back to the same graph, output is byte-stable, --infer works.

Tests are parametrised over ``export.EXPORT_FORMATS`` (from the registry :mod:`fmkg.rdf.formats`), so a
new format is tested as soon as it is registered. Graphs are compared as graphs
(``rdflib.compare.isomorphic``, per named graph for dataset formats), never as text; pyoxigraph is the
independent second parser, and the one that checks lexical forms exactly (rdflib rewrites numbers).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Literal as Literal_

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD

from fmkg import export
from fmkg.cli import app
from fmkg.errors import FmkgError
from fmkg.export import property_graph
from fmkg.quality.infer import INFERRED, infer, rules
from fmkg.rdf.formats import Format
from fmkg.rdf.jsonld import context
from fmkg.rdf.namespaces import FM, GRAPH, ID, PREFIXES, PROV
from fmkg.rdf.sources import part_of
from fmkg.rdf.terms import from_ox
from fmkg.rdf.write import Canonical
from fmkg.sparql import results
from fmkg.sparql.library import NamedQuery
from fmkg.store import KnowledgeGraph, QueryResult, open_graph

from .conftest import FIXTURES

EXPORTS: dict[str, Format] = {f.name: f for f in export.EXPORT_FORMATS}
FORMATS = list(EXPORTS)
RDF_FORMATS = [name for name, f in EXPORTS.items() if f.is_rdf]
DATASET_FORMATS = [name for name, f in EXPORTS.items() if f.kind == "dataset"]
PG_FORMATS = [name for name, f in EXPORTS.items() if f.kind == "property-graph"]
#: rdflib's parser for a format, where rdflib does not know the format's media type.
RDFLIB_PARSERS = {"hextuples": "hext"}
BNODES = FIXTURES / "export.trig"  # blank nodes (one shared by two graphs), a list, odd literals
XSD_STRING = str(XSD.string)
Output = Callable[[str, str], bytes]
Triples = set[tuple[object, object, object]]  # rdflib or pyoxigraph terms
#: Named graphs by name ("" for the default graph), as sets of rdflib triples.
Graphs = dict[str, Triples]


# ---------------------------------------------------------------------------------------------
# Fixtures: what is exported, and the exports (made once per module)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bnodes() -> Iterator[KnowledgeGraph]:
    with open_graph([BNODES], default=False, cache=False) as kg:
        yield kg


@pytest.fixture(scope="module")
def sources(shipped: KnowledgeGraph, bnodes: KnowledgeGraph) -> dict[str, KnowledgeGraph]:
    """What is exported: the shipped graph, and the small dataset with blank nodes."""
    return {"shipped": shipped, "bnodes": bnodes}


@pytest.fixture(scope="module")
def inferred_lines(shipped: KnowledgeGraph) -> dict[bool, list[str]]:
    """The canonical lines of the shipped graph with ``--infer``, as a dataset and merged (the costly part)."""
    return {dataset: list(export.prepare(shipped, infer=True, dataset=dataset).lines) for dataset in (True, False)}


def write_lines(lines: list[str], spec: Format) -> bytes:
    buf = io.BytesIO()
    export.write_prepared(Canonical(lines, spec.kind == "dataset"), spec, buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def output(sources: dict[str, KnowledgeGraph], inferred_lines: dict[bool, list[str]]) -> Output:
    """``output(format, source)``: the export's bytes (source ``shipped``, ``bnodes`` or ``inferred``)."""
    cache: dict[tuple[str, str], bytes] = {}

    def get(name: str, label: str) -> bytes:
        if (name, label) not in cache:
            spec = EXPORTS[name]
            if label == "inferred":
                cache[name, label] = write_lines(inferred_lines[spec.kind == "dataset"], spec)
            else:
                cache[name, label] = export.to_bytes(sources[label], spec)
        return cache[name, label]

    return get


# ---------------------------------------------------------------------------------------------
# Comparing graphs
# ---------------------------------------------------------------------------------------------


#: How terms are compared: ``ox`` as pyoxigraph terms (exact), ``exact`` as rdflib terms with the lexical
#: form kept, ``rdflib`` as rdflib's parsers make them (it rewrites "591588150000000000"^^xsd:double).
Form = Literal_["ox", "exact", "rdflib"]


def term(t: object, form: Form) -> object:
    """A pyoxigraph term in the form asked for."""
    if form == "ox":
        return t
    if form == "rdflib" and isinstance(t, ox.Literal) and not t.language and t.datatype.value != XSD_STRING:
        return Literal(t.value, datatype=URIRef(t.datatype.value))  # rdflib's normalised form, as it parses
    return from_ox(t)


def graphs_from_ox(quads: Iterable[ox.Quad | ox.Triple], form: Form) -> Graphs:
    """Quads as sets of triples by graph name (triples, and quads in the default graph, under "")."""
    out: Graphs = {}
    for q in quads:
        graph = getattr(q, "graph_name", None)
        name = "" if graph is None or isinstance(graph, ox.DefaultGraph) else str(graph.value)
        out.setdefault(name, set()).add(tuple(term(x, form) for x in (q.subject, q.predicate, q.object)))
    return out


def graphs_of(ds: Dataset) -> Graphs:
    """The non-empty graphs of an rdflib dataset by name."""
    out: Graphs = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = "" if g is None or URIRef(g) == DATASET_DEFAULT_GRAPH_ID else str(g)
        out.setdefault(name, set()).add((s, p, o))
    return out


def union(graphs: Graphs) -> Triples:
    return set().union(*graphs.values())


def plain(triples: Triples) -> Triples:
    """``"x"^^xsd:string`` is ``"x"`` in RDF 1.1; rdflib keeps them apart, so compare them as one."""
    return {
        (s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o) for s, p, o in triples
    }


def as_graph(triples: Triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(tuple(from_ox(x) if isinstance(x, ox.NamedNode | ox.BlankNode | ox.Literal) else x for x in t))
    return g


def assert_same_graph(got: Triples, want: Triples, what: str = "graph") -> None:
    """Equal as RDF graphs: isomorphic where there are blank nodes; without any, that is equal sets."""
    got, want = plain(got), plain(want)
    assert len(got) == len(want), what
    if any(isinstance(x, BNode | ox.BlankNode) for t in (*got, *want) for x in t):
        assert isomorphic(as_graph(got), as_graph(want)), f"{what} differs"
    else:
        assert got == want, f"{what} differs: missing {sorted(want - got)[:3]}, extra {sorted(got - want)[:3]}"


def assert_same_graphs(got: Graphs, want: Graphs) -> None:
    assert sorted(got) == sorted(want)
    for name, graph in want.items():
        assert_same_graph(got[name], graph, f"graph {name!r}")


def assert_same_export(name: str, got: Graphs, want: Graphs) -> None:
    """Dataset formats keep the named graphs; the other formats hold their merge."""
    if EXPORTS[name].kind == "dataset":
        assert_same_graphs(got, want)
    else:
        assert_same_graph(union(got), union(want))


def parse_rdflib(name: str, data: bytes) -> Graphs:
    ds = Dataset()
    ds.parse(data=data, format=RDFLIB_PARSERS.get(name, EXPORTS[name].media_type))
    return graphs_of(ds)


def hextuples_to_oxigraph(data: bytes) -> list[ox.Quad]:
    """HexTuples read by the spec (https://github.com/ontola/hextuples) into pyoxigraph terms."""

    def node(value: str) -> ox.NamedNode | ox.BlankNode:
        return ox.BlankNode(value[2:]) if value.startswith("_:") else ox.NamedNode(value)

    quads = []
    for line in data.decode("utf-8").splitlines():
        row = json.loads(line)
        assert isinstance(row, list) and len(row) == 6 and all(isinstance(x, str) for x in row), line
        s, p, value, datatype, language, graph = row
        obj: ox.NamedNode | ox.BlankNode | ox.Literal
        if datatype == "globalId":
            obj = ox.NamedNode(value)
        elif datatype == "localId":
            obj = ox.BlankNode(value[2:])
        elif language:
            obj = ox.Literal(value, language=language)
        else:
            obj = ox.Literal(value, datatype=ox.NamedNode(datatype))
        quads.append(ox.Quad(node(s), ox.NamedNode(p), obj, node(graph) if graph else ox.DefaultGraph()))
    return quads


def parse_oxigraph_quads(spec: Format, data: bytes) -> list[ox.Quad]:
    if spec.name == "hextuples":
        return hextuples_to_oxigraph(data)
    return list(ox.parse(data, spec.rdf_format()))


def parse_oxigraph(name: str, data: bytes) -> Graphs:
    """Parse with pyoxigraph; terms stay pyoxigraph terms, compared exactly."""
    return graphs_from_ox(parse_oxigraph_quads(EXPORTS[name], data), "ox")


Expected = Callable[[str, Form], Graphs]


@pytest.fixture(scope="module")
def want(sources: dict[str, KnowledgeGraph]) -> Expected:
    """``want(source, form)``: the named graphs of a source, read once per term form for the module."""
    cache: dict[tuple[str, Form], Graphs] = {}

    def get(label: str, form: Form) -> Graphs:
        if (label, form) not in cache:
            cache[label, form] = graphs_from_ox(sources[label].quads(), form)
        return cache[label, form]

    return get


# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_format_is_described(name: str) -> None:
    spec = EXPORTS[name]
    assert spec.name == name
    assert spec.kind in ("graph", "dataset", "property-graph")
    assert spec.suffix.startswith(".") and len(spec.suffix) > 1
    assert "/" in spec.media_type
    assert spec.title
    assert export.get_format(name) is spec
    for alias in spec.aliases:
        assert export.get_format(alias) is spec


def test_help_lists_every_format_and_no_other(runner) -> None:
    """The --format help lists exactly the export formats (with their aliases), derived from the registry."""
    result = runner.invoke(app, ["export", "--help"], terminal_width=10_000, max_content_width=10_000)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    m = re.search(r"Output format: (.*?) \(csvzip: ", text)
    assert m, text
    listed = re.findall(r"([\w+-]+)(?: \(([^)]*)\))?(?:, |$)", m[1])
    assert [n for n, _ in listed] == FORMATS
    for n, aliases in listed:
        assert tuple(a for a in aliases.split(", ") if a) == EXPORTS[n].aliases


def test_context_binds_fmkg_prefixes() -> None:
    """The context has fmkg's prefixes, except those whose name is a property key (license, ...)."""
    ctx = context()
    for prefix, ns in PREFIXES.items():
        if isinstance(ctx.get(prefix), dict):  # e.g. "license" is the key of fm:license
            assert ctx[prefix]["@id"] == f"fm:{prefix}"
        else:
            assert ctx.get(prefix) == ns, prefix


# ---------------------------------------------------------------------------------------------
# RDF formats: parse back (rdflib and pyoxigraph) to the same graph
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["shipped", "bnodes"])
@pytest.mark.parametrize("name", RDF_FORMATS)
def test_rdf_export_parses_back_isomorphic(name: str, label: str, output: Output, want: Expected) -> None:
    # rdflib rewrites lexical forms as it parses ("591588150000000000"^^xsd:double): compare as rdflib sees both.
    assert_same_export(name, parse_rdflib(name, output(name, label)), want(label, "rdflib"))


@pytest.mark.parametrize("label", ["shipped", "bnodes"])
@pytest.mark.parametrize("name", RDF_FORMATS)
def test_rdf_export_is_read_by_pyoxigraph(name: str, label: str, output: Output, want: Expected) -> None:
    assert_same_export(name, parse_oxigraph(name, output(name, label)), want(label, "ox"))


def literals(items: Iterable[ox.Quad | ox.Triple]) -> set[tuple[str, str, str | None]]:
    """Every literal object: (lexical form, datatype IRI, language tag)."""
    return {
        (t.object.value, t.object.datatype.value, t.object.language) for t in items if isinstance(t.object, ox.Literal)
    }


LITERAL_PATHS = [pytest.param("export", f, id=f"export-{f.name}") for f in export.EXPORT_FORMATS if f.is_rdf] + [
    pytest.param("construct", f, id=f"construct-{f.name}") for f in results.GRAPH_FORMATS
]


@pytest.fixture(scope="module")
def literal_construct(shipped: KnowledgeGraph) -> QueryResult:
    """The answer ``fmkg query`` renders for a CONSTRUCT of every statement with a literal."""
    result = shipped.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }")
    assert result.type == "CONSTRUCT"
    return result


@pytest.mark.parametrize(("path", "spec"), LITERAL_PATHS)
def test_every_literal_round_trips_through_every_output_path(
    path: str, spec: Format, shipped: KnowledgeGraph, output: Output, literal_construct: QueryResult
) -> None:
    """Lexical form, datatype and language of every literal survive writing and reading back, exactly:
    ``"591588150000000000"^^xsd:double`` stays itself, never ``5.9158815e+17`` or ``5.915882e+17``."""
    want = literals(shipped.merged())
    assert ("591588150000000000", str(XSD.double), None) in want  # from ontology/data/imported/epoch.ttl
    assert len({dt for _, dt, _ in want}) >= 5 and any(lang for _, _, lang in want)
    if path == "export":
        data = output(spec.name, "shipped")
    else:
        data = results.render(literal_construct, spec)
        assert data == results.render(literal_construct, spec.name)
    got = literals(parse_oxigraph_quads(spec, data))
    assert got == want, f"lost: {sorted(want - got)[:5]}, new: {sorted(got - want)[:5]}"


def test_jsonld_reads_as_plain_json(output: Output) -> None:
    doc = json.loads(output("jsonld", "shipped"))
    assert list(doc) == ["@context", "@graph"]
    gpt3 = next(node for node in doc["@graph"] if node["id"] == "model:gpt-3-175b")
    assert gpt3["label"] == "GPT-3 175B"
    assert gpt3["developer"] == "org:openai"
    assert gpt3["parameterCount"] == "175000000000"
    assert "2020-05-28" in gpt3["releaseDate"]
    assert "fm:LargeLanguageModel" in (gpt3["type"] if isinstance(gpt3["type"], list) else [gpt3["type"]])


def test_hextuples_lines_are_six_strings(output: Output, bnodes: KnowledgeGraph) -> None:
    lines = output("hextuples", "bnodes").decode("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == len(list(bnodes.quads()))
    assert all(len(row) == 6 and all(isinstance(x, str) for x in row) for row in rows)
    assert lines == sorted(lines)
    alpha = "https://w3id.org/fmkg/id/model/alpha"
    assert [alpha, str(RDF.type), str(FM.LargeLanguageModel), "globalId", "", str(GRAPH["data/test-one"])] in rows
    assert any(r[0] == alpha and r[3] == "localId" and r[2].startswith("_:") for r in rows)
    assert any(r[2] == "Alpha" and r[3] == str(RDF.langString) and r[4] == "en" for r in rows)


# ---------------------------------------------------------------------------------------------
# Graph-tool formats: nodes are entities, edges object-property triples between them
# ---------------------------------------------------------------------------------------------


def node_id(t: object) -> str:
    return f"_:{t.value}" if isinstance(t, ox.BlankNode) else str(t.value)  # type: ignore[attr-defined]


def expected_counts(kg: KnowledgeGraph) -> tuple[int, int]:
    triples = list(kg.merged())
    subjects = {node_id(t.subject) for t in triples}
    edges = sum(
        1
        for t in triples
        if t.predicate.value != str(RDF.type) and not isinstance(t.object, ox.Literal) and node_id(t.object) in subjects
    )
    return len(subjects), edges


def read_csv_zip(data: bytes) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["nodes.csv", "edges.csv"]
        tables = [list(csv.DictReader(io.StringIO(archive.read(n).decode("utf-8")))) for n in archive.namelist()]
    return tables[0], tables[1]


def read_graph_format(name: str, data: bytes) -> nx.MultiDiGraph:
    """Read a graph-tool export back into networkx (csvzip: built from its two tables)."""
    if name == "graphml":
        return nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    if name == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    if name == "csvzip":
        nodes, edges = read_csv_zip(data)
        graph = nx.MultiDiGraph()
        for row in nodes:
            graph.add_node(row.pop("id"), **row)
        for row in edges:
            graph.add_edge(row.pop("source"), row.pop("target"), **row)
        return graph
    raise AssertionError(f"add a reader for the graph format {name!r} to this test")


@pytest.mark.parametrize("label", ["shipped", "bnodes"])
@pytest.mark.parametrize("name", PG_FORMATS)
def test_graph_export_has_the_expected_nodes_and_edges(
    name: str, label: str, output: Output, sources: dict[str, KnowledgeGraph]
) -> None:
    graph = read_graph_format(name, output(name, label))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == expected_counts(sources[label])


@pytest.mark.parametrize("name", PG_FORMATS)
def test_graph_export_attributes(name: str, output: Output) -> None:
    graph = read_graph_format(name, output(name, "shipped"))
    gpt3 = str(ID["model/gpt-3-175b"])
    attrs = graph.nodes[gpt3]
    assert attrs["label"] == "GPT-3 175B"
    assert "fm:LargeLanguageModel" in attrs["class"].split(" | ")
    assert "2020-05-28" in attrs["releaseDate"].split(" | ")
    assert attrs["parameterCount"] == "175000000000"
    assert "https://arxiv.org/abs/2005.14165" in attrs["source"].split(" | ")
    assert not any(isinstance(node, str) and node.startswith('"') for node in graph.nodes)  # no literal nodes
    chat, base = str(ID["model/llama-2-chat"]), str(ID["model/llama-2"])
    edges = [d for _, v, d in graph.out_edges(chat, data=True) if v == base]
    assert [(e["predicate"], e["label"]) for e in edges] == [(str(FM.fineTunedFrom), "fineTunedFrom")]


def test_gexf_has_no_date(output: Output) -> None:
    assert b"lastmodifieddate" not in output("gexf", "shipped")


# ---------------------------------------------------------------------------------------------
# Determinism: byte-identical output, in one process and across processes with other hash seeds
# ---------------------------------------------------------------------------------------------

_HASH_SCRIPT = """
import hashlib, json, sys
from fmkg import export
from fmkg.store import open_graph
shipped, bnodes = open_graph(), open_graph([sys.argv[1]], default=False, cache=False)
share, of = int(sys.argv[2]), int(sys.argv[3])
out = {}
for i, fmt in enumerate(export.EXPORT_FORMATS):
    out[f"{fmt.name}/bnodes"] = hashlib.sha256(export.to_bytes(bnodes, fmt)).hexdigest()
    if i % of == share:  # the shipped graph is shared out between the processes
        out[f"{fmt.name}/shipped"] = hashlib.sha256(export.to_bytes(shipped, fmt)).hexdigest()
inferred = export.to_bytes(shipped, "nquads", infer=True)
out["nquads/inferred"] = hashlib.sha256(inferred).hexdigest()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def process_digests(shipped: KnowledgeGraph) -> list[dict[str, str]]:
    """Digests of the exports made in two other processes (at once), each with another hash seed: every
    export of the small dataset and the inferred N-Quads in both, each format of the shipped graph in one."""
    seeds = ("1", "2")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _HASH_SCRIPT, str(BNODES), str(i), str(len(seeds))],
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, seed in enumerate(seeds)
    ]
    runs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        runs.append(json.loads(stdout))
    return runs


@pytest.mark.parametrize("name", FORMATS)
def test_two_exports_are_byte_identical(name: str, bnodes: KnowledgeGraph) -> None:
    assert export.to_bytes(bnodes, name) == export.to_bytes(bnodes, name)


def test_to_bytes_with_infer_is_the_prepared_export(shipped: KnowledgeGraph, output: Output) -> None:
    """The ``inferred`` outputs of this module (written from lines prepared once) are what ``export`` writes."""
    assert export.to_bytes(shipped, "nquads", infer=True) == output("nquads", "inferred")


@pytest.mark.parametrize("name", FORMATS)
def test_exports_are_byte_identical_across_processes(
    name: str, process_digests: list[dict[str, str]], output: Output
) -> None:
    labels = ("shipped", "bnodes", "inferred") if name == "nquads" else ("shipped", "bnodes")
    here = {f"{name}/{label}": hashlib.sha256(output(name, label)).hexdigest() for label in labels}
    for key, digest in here.items():
        found = [run[key] for run in process_digests if key in run]
        assert found and all(d == digest for d in found), key
    assert all(f"{name}/bnodes" in run for run in process_digests)


def write_nquads(path: Path, lines: Iterable[str]) -> Path:
    path.write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    return path


def test_blank_node_labels_do_not_depend_on_parsing(bnodes: KnowledgeGraph, tmp_path: Path) -> None:
    """The same graph with other blank-node labels gives the same bytes: labels are made from content."""
    fresh: dict[ox.BlankNode, ox.BlankNode] = {}

    def relabel(t):  # type: ignore[no-untyped-def]
        return fresh.setdefault(t, ox.BlankNode(f"other{len(fresh)}x")) if isinstance(t, ox.BlankNode) else t

    quads = [ox.Quad(relabel(q.subject), q.predicate, relabel(q.object), q.graph_name) for q in bnodes.quads()]
    assert fresh and all(old.value != new.value for old, new in fresh.items())
    path = write_nquads(tmp_path / "relabelled.nq", (f"{q} ." for q in quads))
    with open_graph([path], default=False, cache=False) as relabelled:
        assert {node_id(q.subject) for q in relabelled.quads()} != {node_id(q.subject) for q in bnodes.quads()}
        for name in FORMATS:
            assert export.to_bytes(relabelled, name) == export.to_bytes(bnodes, name), name


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_xsd_string_is_plain(backend: str, bnodes: KnowledgeGraph, tmp_path: Path) -> None:
    """``"x"`` and ``"x"^^xsd:string`` are the same RDF 1.1 term: the same bytes, on every store."""
    lines = []
    for q in bnodes.quads():
        o = q.object
        text = f"{q} ."
        if isinstance(o, ox.Literal) and not o.language and o.datatype.value == XSD_STRING:
            text = f"{q.subject} {q.predicate} {o}^^<{XSD_STRING}> {q.graph_name} ."
        lines.append(text)
    path = write_nquads(tmp_path / "typed.nq", lines)
    assert f"^^<{XSD_STRING}>" in path.read_text(encoding="utf-8")
    with open_graph([path], default=False, backend=backend, cache=False) as typed:
        assert typed.backend == backend
        for name in FORMATS:
            assert export.to_bytes(typed, name) == export.to_bytes(bnodes, name), name


# ---------------------------------------------------------------------------------------------
# --part
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("graph", "part"),
    [
        (GRAPH["fmkg"], "ontology"),
        (GRAPH["vocabularies/concepts"], "ontology"),
        (GRAPH["data/core"], "data"),
        (GRAPH["data/models-google"], "data"),
        (URIRef("file:///tmp/my-models.ttl"), "data"),
        (INFERRED, "data"),
    ],
)
def test_part_of(graph: URIRef, part: str) -> None:
    assert part_of(str(graph)) == part


@pytest.mark.parametrize("part", export.PARTS)
def test_part_selects_named_graphs(part: str, shipped: KnowledgeGraph) -> None:
    parsed = parse_oxigraph("hextuples", export.to_bytes(shipped, "hextuples", part=part))
    names = set(parsed)
    everything = {g for g, size in shipped.graph_sizes().items() if size}
    data = {g for g in everything if g.startswith(str(GRAPH["data/"]))}
    wanted = {"all": everything, "data": data, "ontology": everything - data}[part]
    assert names == wanted
    assert (str(GRAPH["fmkg"]) in names) == (part != "data")
    assert_same_graphs(parsed, graphs_from_ox(shipped.quads(sorted(wanted)), "ox"))


@pytest.mark.parametrize("part", ["ontology", "data"])
def test_part_of_a_merge_format(part: str, shipped: KnowledgeGraph) -> None:
    """A one-graph format of a part holds the merge of that part's graphs only."""
    graphs = [g for g in shipped.graph_sizes() if part_of(g) == part]
    got = parse_oxigraph("ntriples", export.to_bytes(shipped, "ntriples", part=part))
    assert_same_graph(union(got), union(graphs_from_ox(shipped.quads(graphs), "ox")))


def test_unknown_part_and_format_are_errors(shipped: KnowledgeGraph) -> None:
    with pytest.raises(FmkgError, match=re.escape("--part 'tbox': choose from ontology, data, all")):
        export.to_bytes(shipped, "turtle", part="tbox")
    with pytest.raises(FmkgError, match=re.escape("--format 'n3': unknown format; choose from turtle, ")):
        export.to_bytes(shipped, "n3")
    with pytest.raises(FmkgError, match="unknown format"):  # a SPARQL results format is no export format
        export.get_format("tsv")


# ---------------------------------------------------------------------------------------------
# --infer
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inferred_shipped(inferred_lines: dict[bool, list[str]]) -> Graphs:
    """The named graphs of the shipped graph exported with ``--infer``."""
    return graphs_from_ox(Canonical(inferred_lines[True], True).quads(), "exact")


@pytest.mark.parametrize(
    "triple",
    [
        # transitive lineage: quantized from Llama 2-Chat 7B, itself fine-tuned from Llama 2 7B
        (ID["model/llama-2-7b-chat-gptq"], FM.descendsFrom, ID["model/llama-2-7b"]),
        # super-properties of fm:fineTunedFrom
        (ID["model/llama-2-chat"], FM.derivedFrom, ID["model/llama-2"]),
        (ID["model/llama-2-chat"], FM.descendsFrom, ID["model/llama-2"]),
        (ID["model/llama-2-chat"], PROV.wasDerivedFrom, ID["model/llama-2"]),
        (ID["model/llama-2-7b-chat-gptq"], PROV.wasDerivedFrom, ID["model/llama-2-7b"]),
        # inverse: app:bard fm:poweredBy model:lamda
        (ID["model/lamda"], FM.powers, ID["app/bard"]),
        # class membership along rdfs:subClassOf
        (ID["model/gpt-3"], RDF.type, FM.AIModel),
        (ID["model/gpt-3"], RDF.type, PROV.Entity),
    ],
)
def test_inferred_triples(
    triple: tuple[URIRef, URIRef, URIRef], inferred_shipped: Graphs, shipped: KnowledgeGraph
) -> None:
    assert triple in inferred_shipped[str(INFERRED)]
    assert triple not in shipped


def test_successor_is_not_lineage(inferred_shipped: Graphs) -> None:
    """Llama 2 is only fm:successorOf LLaMA, which is no derivation: Llama 2-Chat does not descend from LLaMA."""
    assert (ID["model/llama-2-chat"], FM.descendsFrom, ID["model/llama"]) not in union(inferred_shipped)


def test_inferred_graph_holds_only_new_triples(
    inferred_shipped: Graphs, shipped: KnowledgeGraph, want: Expected
) -> None:
    inferred = inferred_shipped[str(INFERRED)]
    assert len(inferred) > 1000
    asserted = union(want("shipped", "exact"))
    assert not [t for t in inferred if t in asserted]
    assert set(inferred_shipped) == {g for g, n in shipped.graph_sizes().items() if n} | {str(INFERRED)}


def test_descends_from_is_closed(inferred_shipped: Graphs) -> None:
    pairs = {(s, o) for s, p, o in union(inferred_shipped) if p == FM.descendsFrom}
    assert pairs
    assert all((a, c) in pairs for a, b in pairs for b2, c in pairs if b == b2)


def test_merged_inferred_export_adds_the_inferred_triples(
    output: Output, inferred_lines: dict[bool, list[str]]
) -> None:
    """A one-graph format with --infer holds the merge of the asserted and the inferred triples."""
    got = union(parse_oxigraph("ntriples", output("ntriples", "inferred")))
    assert_same_graph(got, union(graphs_from_ox(Canonical(inferred_lines[True], True).quads(), "ox")))


@pytest.mark.parametrize("name", DATASET_FORMATS)
def test_inferred_export_round_trips(name: str, output: Output, inferred_lines: dict[bool, list[str]]) -> None:
    expected = graphs_from_ox(Canonical(inferred_lines[True], True).quads(), "ox")
    assert_same_graphs(parse_oxigraph(name, output(name, "inferred")), expected)


def test_rules_are_generic() -> None:
    """The rules read the axioms from the graph: they work on an ontology that is not fmkg's."""
    basis = list(
        ox.parse(
            """
            @prefix ex: <http://example.org/> .
            @prefix owl: <http://www.w3.org/2002/07/owl#> .
            @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
            ex:partOf a owl:TransitiveProperty ; owl:inverseOf ex:hasPart .
            ex:inRoom rdfs:subPropertyOf ex:partOf .
            ex:Chair rdfs:subClassOf ex:Furniture . ex:Furniture rdfs:subClassOf ex:Thing .
            ex:leg ex:partOf ex:chair . ex:chair ex:inRoom ex:room . ex:room ex:partOf ex:house .
            ex:chair a ex:Chair .
            """,
            format=ox.RdfFormat.TURTLE,
        )
    )
    ex = "http://example.org/"

    def t(s: str, p: str, o: str) -> ox.Triple:
        return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))

    result = infer(basis)
    new = set(result.triples)
    assert t(ex + "leg", ex + "partOf", ex + "house") in new
    assert t(ex + "house", ex + "hasPart", ex + "leg") in new
    assert t(ex + "chair", ex + "partOf", ex + "room") in new
    assert t(ex + "chair", str(RDF.type), ex + "Thing") in new
    assert not new & set(basis)
    assert result.evaluations > len(rules())


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r.name)
def test_rule_files_document_themselves(rule: NamedQuery) -> None:
    assert rule.title and rule.description
    assert "CONSTRUCT" in rule.text


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------


def test_help(runner) -> None:
    result = runner.invoke(app, ["export", "--help"])
    assert result.exit_code == 0
    assert "--format" in result.output and "--part" in result.output and "--infer" in result.output


def test_bad_format_exits_2(runner) -> None:
    result = runner.invoke(app, ["export", "--format", "yaml"])
    assert result.exit_code == 2
    assert "--format 'yaml': unknown format; choose from turtle, ntriples" in result.output


def test_bad_part_exits_2(runner) -> None:
    result = runner.invoke(app, ["export", "--format", "turtle", "--part", "tbox"])
    assert result.exit_code == 2
    assert "--part 'tbox'" in result.output


@pytest.mark.parametrize("name", ["turtle", "csv"])
def test_cli_writes_file_and_stdout(runner, name: str, tmp_path: Path, output: Output) -> None:
    spec = export.get_format(name)  # "csv" is the zip of CSV tables
    out = tmp_path / f"fmkg{spec.suffix}"
    result = runner.invoke(app, ["export", "-f", name, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == output(spec.name, "shipped")
    printed = runner.invoke(app, ["export", "-f", name])
    assert printed.stdout_bytes == out.read_bytes()


def test_cli_data_and_no_default(runner, tmp_path: Path, tiny: KnowledgeGraph) -> None:
    out = tmp_path / "tiny.nq"
    result = runner.invoke(
        app, ["export", "-f", "nquads", "--no-default", "--data", str(FIXTURES / "tiny.ttl"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert_same_graphs(parse_rdflib("nquads", out.read_bytes()), graphs_from_ox(tiny.quads(), "rdflib"))


def test_failed_export_leaves_the_previous_file(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(pg: object, out: io.BufferedIOBase) -> None:
        out.write(b"half an export")
        raise OSError("disk on fire")

    spec = Format("broken", "Broken", "property-graph", "text/plain", (".broken",), export=True)
    monkeypatch.setattr(export, "EXPORT_FORMATS", [*export.EXPORT_FORMATS, spec])
    monkeypatch.setitem(property_graph.WRITERS, "broken", broken)
    out = tmp_path / "graph.ttl"
    out.write_text("previous export\n", encoding="utf-8")
    result = runner.invoke(
        app, ["export", "-f", "broken", "-o", str(out), "--no-default", "-d", str(FIXTURES / "tiny.ttl")]
    )
    assert result.exit_code == 2
    assert "cannot write broken: disk on fire" in result.output
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]  # no temporary file left behind
