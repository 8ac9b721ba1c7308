"""fmkg export: every registered format parses back to the same graph, output is byte-stable, --infer works.

Tests are parametrised over ``export.REGISTRY``, so a new format is tested as soon as it is registered.
Graphs are compared as graphs (``rdflib.compare.isomorphic``, per named graph for quad formats), never
as text; pyoxigraph is the independent second parser.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD

from fmkg import export
from fmkg.cli import app
from fmkg.cli.export import FORMAT_NAMES
from fmkg.errors import FmkgError
from fmkg.infer import INFERRED, infer, rules
from fmkg.namespaces import FM, GRAPH, ID, PREFIXES, PROV
from fmkg.queries import NamedQuery
from fmkg.store import load, merged

from .conftest import FIXTURES

FORMATS = list(export.REGISTRY)
RDF_FORMATS = [name for name, f in export.REGISTRY.items() if f.kind == "rdf"]
GRAPH_FORMATS = [name for name, f in export.REGISTRY.items() if f.kind == "graph"]
#: rdflib's parser for a format, where rdflib does not know the format's media type.
RDFLIB_PARSERS = {"hextuples": "hext"}
BNODES = FIXTURES / "export.trig"
Output = Callable[[str, str], bytes]  # blank nodes (one shared by two graphs), a list, odd literals


def as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


@pytest.fixture(scope="module")
def bnodes() -> Dataset:
    return load([BNODES], default=False)


@pytest.fixture(scope="module")
def sources(shipped: Dataset, bnodes: Dataset) -> dict[str, Dataset]:
    """What is exported: the shipped graph, and the small dataset with blank nodes."""
    return {"shipped": shipped, "bnodes": bnodes}


@pytest.fixture(scope="module")
def prepared(sources: dict[str, Dataset]) -> dict[str, Dataset]:
    """The sources prepared once for writing (the costly part: selection, inference, canonical form)."""
    out = {label: export.prepare(ds) for label, ds in sources.items()}
    out["inferred"] = export.prepare(sources["shipped"], infer=True)
    return out


@pytest.fixture(scope="module")
def output(prepared: dict[str, Dataset]) -> Output:
    """``output(format, source)``: the export's bytes, written once per module."""
    cache: dict[tuple[str, str], bytes] = {}

    def get(name: str, label: str) -> bytes:
        if (name, label) not in cache:
            cache[name, label] = as_bytes(export.write(prepared[label], name))
        return cache[name, label]

    return get


# ---------------------------------------------------------------------------------------------
# Comparing graphs
# ---------------------------------------------------------------------------------------------


def plain(graph: Graph) -> Graph:
    """``"x"^^xsd:string`` is ``"x"`` in RDF 1.1; rdflib keeps them apart, so compare them as one."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def graphs_of(ds: Dataset) -> dict[URIRef, Graph]:
    """The non-empty graphs of a dataset by name (the default graph under its rdflib name)."""
    out: dict[URIRef, Graph] = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        out.setdefault(URIRef(g or DATASET_DEFAULT_GRAPH_ID), Graph()).add((s, p, o))
    return out


def assert_same_dataset(parsed: Dataset, expected: Dataset) -> None:
    got, want = graphs_of(parsed), graphs_of(expected)
    assert sorted(got) == sorted(want)
    for name, graph in want.items():
        assert isomorphic(plain(got[name]), plain(graph)), f"graph {name} differs"


def assert_same_graph(parsed: Graph, expected: Graph) -> None:
    assert len(parsed) == len(expected)
    assert isomorphic(plain(parsed), plain(expected))


def parse_rdflib(name: str, data: bytes) -> Dataset:
    spec = export.REGISTRY[name]
    ds = Dataset()
    ds.parse(data=data, format=RDFLIB_PARSERS.get(name, spec.media_type))
    return ds


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


def parse_oxigraph(name: str, data: bytes) -> Dataset:
    """Parse with pyoxigraph, then hand the quads to rdflib as N-Quads for a graph comparison."""
    spec = export.REGISTRY[name]
    if name == "hextuples":
        quads = hextuples_to_oxigraph(data)
    else:
        rdf_format = ox.RdfFormat.from_media_type(spec.media_type)
        assert rdf_format is not None, f"pyoxigraph does not know {spec.media_type}"
        quads = list(ox.parse(data, rdf_format))
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    ds = Dataset()
    ds.parse(data=nquads, format="nquads")
    assert len(list(ds.quads((None, None, None, None)))) == len(quads)
    return ds


# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_format_is_described(name: str) -> None:
    spec = export.REGISTRY[name]
    assert spec.name == name
    assert spec.kind in ("rdf", "graph")
    assert spec.extension and not spec.extension.startswith(".")
    assert "/" in spec.media_type
    assert spec.description
    assert name in FORMAT_NAMES.split(", "), "list the format in the --format help of fmkg.cli.export"


def test_help_lists_no_unknown_format() -> None:
    assert set(FORMAT_NAMES.split(", ")) == set(export.REGISTRY)


def test_context_binds_fmkg_prefixes() -> None:
    """The context has fmkg's prefixes, except those whose name is a property key (license, ...)."""
    ctx = export.context()
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
def test_rdf_export_parses_back_isomorphic(name: str, label: str, output: Output, sources: dict[str, Dataset]) -> None:
    parsed = parse_rdflib(name, output(name, label))
    if export.REGISTRY[name].quads:
        assert_same_dataset(parsed, sources[label])
    else:
        assert_same_graph(merged(parsed), merged(sources[label]))


@pytest.mark.parametrize("label", ["shipped", "bnodes"])
@pytest.mark.parametrize("name", RDF_FORMATS)
def test_rdf_export_is_read_by_pyoxigraph(name: str, label: str, output: Output, sources: dict[str, Dataset]) -> None:
    parsed = parse_oxigraph(name, output(name, label))
    if export.REGISTRY[name].quads:
        assert_same_dataset(parsed, sources[label])
    else:
        assert_same_graph(merged(parsed), merged(sources[label]))


def test_jsonld_reads_as_plain_json(output: Output) -> None:
    doc = json.loads(output("jsonld", "shipped"))
    assert list(doc) == ["@context", "@graph"]
    gpt3 = next(node for node in doc["@graph"] if node["id"] == "model:gpt-3")
    assert gpt3["label"] == "GPT-3"
    assert gpt3["developer"] == "org:openai"
    assert gpt3["parameterCount"] == "175000000000"
    assert "2020-05-28" in gpt3["releaseDate"]
    assert "fm:LargeLanguageModel" in (gpt3["type"] if isinstance(gpt3["type"], list) else [gpt3["type"]])


def test_hextuples_lines_are_six_strings(output: Output, bnodes: Dataset) -> None:
    lines = output("hextuples", "bnodes").decode("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == len(list(bnodes.quads((None, None, None, None))))
    assert all(len(row) == 6 and all(isinstance(x, str) for x in row) for row in rows)
    assert lines == sorted(lines)
    alpha = "https://w3id.org/fmkg/id/model/alpha"
    assert [alpha, str(RDF.type), str(FM.LargeLanguageModel), "globalId", "", str(GRAPH["data/test-one"])] in rows
    assert any(r[0] == alpha and r[3] == "localId" and r[2].startswith("_:") for r in rows)
    assert any(r[2] == "Alpha" and r[3] == str(RDF.langString) and r[4] == "en" for r in rows)


# ---------------------------------------------------------------------------------------------
# Graph-tool formats: nodes are entities, edges object-property triples between them
# ---------------------------------------------------------------------------------------------


def expected_counts(ds: Dataset) -> tuple[int, int]:
    g = merged(ds)
    subjects = set(g.subjects())
    edges = sum(1 for s, p, o in g if p != RDF.type and o in subjects)
    return len(subjects), edges


def read_csv_zip(data: bytes) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["nodes.csv", "edges.csv"]
        tables = [list(csv.DictReader(io.StringIO(archive.read(n).decode("utf-8")))) for n in archive.namelist()]
    return tables[0], tables[1]


def read_graph_format(name: str, data: bytes) -> nx.MultiDiGraph:
    """Read a graph-tool export back into networkx (csv: built from its two tables)."""
    if name == "graphml":
        return nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    if name == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    if name == "csv":
        nodes, edges = read_csv_zip(data)
        graph = nx.MultiDiGraph()
        for row in nodes:
            graph.add_node(row.pop("id"), **row)
        for row in edges:
            graph.add_edge(row.pop("source"), row.pop("target"), **row)
        return graph
    raise AssertionError(f"add a reader for the graph format {name!r} to this test")


@pytest.mark.parametrize("label", ["shipped", "bnodes"])
@pytest.mark.parametrize("name", GRAPH_FORMATS)
def test_graph_export_has_the_expected_nodes_and_edges(
    name: str, label: str, output: Output, sources: dict[str, Dataset]
) -> None:
    graph = read_graph_format(name, output(name, label))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == expected_counts(sources[label])


@pytest.mark.parametrize("name", GRAPH_FORMATS)
def test_graph_export_attributes(name: str, output: Output) -> None:
    graph = read_graph_format(name, output(name, "shipped"))
    gpt3 = str(ID["model/gpt-3"])
    attrs = graph.nodes[gpt3]
    assert attrs["label"] == "GPT-3"
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
# Determinism: byte-identical output: Output, in one process and across processes with other hash seeds
# ---------------------------------------------------------------------------------------------

_HASH_SCRIPT = """
import hashlib, json, sys
from fmkg import export
from fmkg.store import load
prepared = {
    "inferred": export.prepare(load(), infer=True),
    "bnodes": export.prepare(load([sys.argv[1]], default=False)),
}
out = {}
for name in export.REGISTRY:
    for label, ds in prepared.items():
        data = export.write(ds, name)
        out[f"{name}/{label}"] = hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def process_digests() -> list[dict[str, str]]:
    """Digests of every export made in other processes, each with another hash seed."""
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _HASH_SCRIPT, str(BNODES)], env=env, capture_output=True, text=True, check=True
        )
        runs.append(json.loads(done.stdout))
    return runs


@pytest.mark.parametrize("name", FORMATS)
def test_two_exports_are_byte_identical(name: str, bnodes: Dataset) -> None:
    assert export.export(bnodes, name) == export.export(bnodes, name)


@pytest.mark.parametrize("name", FORMATS)
def test_exports_are_byte_identical_across_processes(
    name: str, process_digests: list[dict[str, str]], output: Output
) -> None:
    here = {f"{name}/{label}": hashlib.sha256(output(name, label)).hexdigest() for label in ("inferred", "bnodes")}
    for run in process_digests:
        assert {k: run[k] for k in here} == here


def test_blank_node_labels_do_not_depend_on_parsing(bnodes: Dataset) -> None:
    """The same graph with other blank-node labels gives the same bytes: labels are made from content."""
    fresh: dict[BNode, BNode] = {}
    relabelled = Dataset()
    for s, p, o, g in bnodes.quads((None, None, None, None)):
        s, o = (fresh.setdefault(t, BNode()) if isinstance(t, BNode) else t for t in (s, o))
        relabelled.graph(g).add((s, p, o))
    assert fresh and set(relabelled.subjects()) != set(bnodes.subjects())
    for name in FORMATS:
        assert export.export(relabelled, name) == export.export(bnodes, name), name


def test_xsd_string_is_plain(bnodes: Dataset) -> None:
    """Some stores (oxigraph) give plain literals the datatype xsd:string: the same RDF 1.1 term, the same bytes."""
    typed = Dataset()
    for s, p, o, g in bnodes.quads((None, None, None, None)):
        if isinstance(o, Literal) and o.datatype is None and not o.language:
            o = Literal(str(o), datatype=XSD.string)
        typed.graph(g).add((s, p, o))
    assert set(typed.objects()) != set(bnodes.objects())
    for name in FORMATS:
        assert export.export(typed, name) == export.export(bnodes, name), name


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
    assert export.part_of(graph) == part


@pytest.mark.parametrize("part", export.PARTS)
def test_part_selects_named_graphs(part: str, shipped: Dataset) -> None:
    parsed = parse_rdflib("hextuples", as_bytes(export.export(shipped, "hextuples", part=part)))
    names = set(graphs_of(parsed))
    everything = set(graphs_of(shipped))
    data = {g for g in everything if str(g).startswith(str(GRAPH["data/"]))}
    expected = {"all": everything, "data": data, "ontology": everything - data}[part]
    assert names == expected
    assert (GRAPH["fmkg"] in names) == (part != "data")
    assert_same_dataset(parsed, export.select(shipped, part))


def test_unknown_part_and_format_are_errors(shipped: Dataset) -> None:
    with pytest.raises(FmkgError, match="unknown part 'tbox'; choose from ontology, data, all"):
        export.export(shipped, "turtle", part="tbox")
    with pytest.raises(FmkgError, match="unknown format 'n3'; choose from turtle, "):
        export.export(shipped, "n3")


# ---------------------------------------------------------------------------------------------
# --infer
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inferred_shipped(prepared: dict[str, Dataset]) -> Dataset:
    return prepared["inferred"]


def asserted(shipped: Dataset, triple: tuple[URIRef, URIRef, URIRef]) -> bool:
    return any(triple in shipped.graph(g) for g in graphs_of(shipped))


@pytest.mark.parametrize(
    "triple",
    [
        # transitive lineage: quantized from Llama 2-Chat, itself fine-tuned from Llama 2
        (ID["model/llama-2-7b-chat-gptq"], FM.descendsFrom, ID["model/llama-2"]),
        # super-properties of fm:fineTunedFrom
        (ID["model/llama-2-chat"], FM.derivedFrom, ID["model/llama-2"]),
        (ID["model/llama-2-chat"], FM.descendsFrom, ID["model/llama-2"]),
        (ID["model/llama-2-chat"], PROV.wasDerivedFrom, ID["model/llama-2"]),
        (ID["model/llama-2-7b-chat-gptq"], PROV.wasDerivedFrom, ID["model/llama-2"]),
        # inverse: app:bard fm:poweredBy model:lamda
        (ID["model/lamda"], FM.powers, ID["app/bard"]),
        # class membership along rdfs:subClassOf
        (ID["model/gpt-3"], RDF.type, FM.AIModel),
        (ID["model/gpt-3"], RDF.type, PROV.Entity),
    ],
)
def test_inferred_triples(triple: tuple[URIRef, URIRef, URIRef], inferred_shipped: Dataset, shipped: Dataset) -> None:
    assert triple in inferred_shipped.graph(INFERRED)
    assert not asserted(shipped, triple)


def test_successor_is_not_lineage(inferred_shipped: Dataset) -> None:
    """Llama 2 is only fm:successorOf LLaMA, which is no derivation: Llama 2-Chat does not descend from LLaMA."""
    assert (ID["model/llama-2-chat"], FM.descendsFrom, ID["model/llama"]) not in inferred_shipped


def test_inferred_graph_holds_only_new_triples(inferred_shipped: Dataset, shipped: Dataset) -> None:
    inferred = inferred_shipped.graph(INFERRED)
    assert len(inferred) > 1000
    union = merged(shipped)
    assert not [t for t in inferred if t in union]
    assert set(graphs_of(inferred_shipped)) == set(graphs_of(shipped)) | {INFERRED}


def test_descends_from_is_closed(inferred_shipped: Dataset) -> None:
    g = merged(inferred_shipped)
    pairs = set(g.subject_objects(FM.descendsFrom))
    assert pairs
    assert all((a, c) in pairs for a, b in pairs for b2, c in pairs if b == b2)


@pytest.mark.parametrize("name", [n for n in RDF_FORMATS if export.REGISTRY[n].quads])
def test_inferred_export_round_trips(name: str, output: Output, inferred_shipped: Dataset) -> None:
    assert_same_dataset(parse_rdflib(name, output(name, "inferred")), inferred_shipped)


def test_rules_are_generic() -> None:
    """The rules read the axioms from the graph: they work on an ontology that is not fmkg's."""
    g = Graph().parse(
        format="turtle",
        data="""
        @prefix ex: <http://example.org/> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ex:partOf a owl:TransitiveProperty ; owl:inverseOf ex:hasPart .
        ex:inRoom rdfs:subPropertyOf ex:partOf .
        ex:Chair rdfs:subClassOf ex:Furniture . ex:Furniture rdfs:subClassOf ex:Thing .
        ex:leg ex:partOf ex:chair . ex:chair ex:inRoom ex:room . ex:room ex:partOf ex:house .
        ex:chair a ex:Chair .
        """,
    )
    ex = "http://example.org/"
    result = infer(g)
    new = result.graph
    assert (URIRef(ex + "leg"), URIRef(ex + "partOf"), URIRef(ex + "house")) in new
    assert (URIRef(ex + "house"), URIRef(ex + "hasPart"), URIRef(ex + "leg")) in new
    assert (URIRef(ex + "chair"), URIRef(ex + "partOf"), URIRef(ex + "room")) in new
    assert (URIRef(ex + "chair"), RDF.type, URIRef(ex + "Thing")) in new
    assert not [t for t in new if t in g]
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
    assert "unknown format 'yaml'; choose from turtle, ntriples" in result.output


def test_bad_part_exits_2(runner) -> None:
    result = runner.invoke(app, ["export", "--format", "turtle", "--part", "tbox"])
    assert result.exit_code == 2
    assert "unknown part 'tbox'" in result.output


@pytest.mark.parametrize("name", ["turtle", "csv"])
def test_cli_writes_file_and_stdout(runner, name: str, tmp_path: Path, output: Output) -> None:
    out = tmp_path / f"fmkg.{export.REGISTRY[name].extension}"
    result = runner.invoke(app, ["export", "-f", name, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == output(name, "shipped")
    printed = runner.invoke(app, ["export", "-f", name])
    assert printed.stdout_bytes == out.read_bytes()


def test_cli_data_and_no_default(runner, tmp_path: Path) -> None:
    out = tmp_path / "tiny.nq"
    result = runner.invoke(
        app, ["export", "-f", "nquads", "--no-default", "--data", str(FIXTURES / "tiny.ttl"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert_same_dataset(parse_rdflib("nquads", out.read_bytes()), load([FIXTURES / "tiny.ttl"], default=False))


def test_failed_export_leaves_the_previous_file(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(ds: Dataset) -> str:
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(export.REGISTRY, "broken", export.Format("broken", "x", "text/plain", "rdf", broken))
    out = tmp_path / "graph.ttl"
    out.write_text("previous export\n", encoding="utf-8")
    result = runner.invoke(
        app, ["export", "-f", "broken", "-o", str(out), "--no-default", "-d", str(FIXTURES / "tiny.ttl")]
    )
    assert result.exit_code == 2
    assert "cannot write broken: disk on fire" in result.output
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]  # no temporary file left behind
