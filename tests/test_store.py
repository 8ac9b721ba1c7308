"""Loading: one named graph per file, the merge as default graph, errors naming file and line, and
the content-keyed persistent store."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from fmkg.errors import FmkgError, LoadError
from fmkg.rdf.namespaces import FM, GRAPH
from fmkg.rdf.sources import graph_files, graph_iri, ontology_dir
from fmkg.store import KnowledgeGraph, open_graph

from .conftest import FIXTURES

BASE_ONE = URIRef("https://w3id.org/fmkg/id/model/base-one")


def test_every_shipped_file_is_its_own_named_graph(shipped: KnowledgeGraph) -> None:
    names = {g for g, n in shipped.graph_sizes().items() if n}
    assert names == {graph_iri(p) for p in graph_files()}
    assert str(GRAPH["data/core"]) in names and str(GRAPH["fmkg"]) in names


def test_shapes_and_queries_are_not_part_of_the_graph() -> None:
    files = graph_files()
    assert all("shapes" not in p.parts and p.suffix != ".rq" for p in files)
    assert ontology_dir() / "fmkg.ttl" in files


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_the_default_graph_is_the_merge_of_the_sources(backend: str, shipped: KnowledgeGraph) -> None:
    kg = shipped if backend == "oxigraph" else open_graph(backend="memory")
    total = int(str(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]))
    per_graph = int(str(kg.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]))
    distinct = int(
        str(
            kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }").rows[
                0
            ][0]
        )
    )
    assert total == distinct == len(kg)
    assert per_graph == sum(kg.graph_sizes().values()) > total  # some facts come from several sources


@pytest.mark.parametrize("suffix", [".nt", ".ttl"])
@pytest.mark.parametrize("blank", [False, True])
def test_both_load_paths_store_each_file_in_its_graph_and_in_the_merge(
    tmp_path: Path, suffix: str, blank: bool
) -> None:
    subject = "_:b1" if blank else "<http://x/a>"
    data = tmp_path / f"d{suffix}"
    data.write_text(f'{subject} <http://x/p> "1" .\n{subject} <http://x/q> <http://x/c> .\n', encoding="utf-8")
    kg = open_graph([data], default=False, cache=False)
    join = """SELECT (COUNT(*) AS ?n) WHERE { ?s <http://x/p> "1" . GRAPH ?g { ?s <http://x/q> ?o } }"""
    assert len(kg) == 2 and kg.graph_sizes() == {graph_iri(data): 2}
    assert int(str(kg.query(join).rows[0][0])) == 1  # a blank node is the same node in both copies


def test_data_files_add_to_the_shipped_graph(shipped: KnowledgeGraph, tiny: KnowledgeGraph) -> None:
    kg = open_graph([FIXTURES / "tiny.ttl"])
    assert len(kg) == len(shipped) + len(tiny)
    assert (BASE_ONE, FM.developer, URIRef("https://w3id.org/fmkg/id/org/acme")) in kg


def test_no_default_uses_only_the_given_files(tiny: KnowledgeGraph) -> None:
    assert next(tiny.triples((None, FM.fineTunedFrom, None)), None) is not None
    assert next(tiny.triples((URIRef("https://w3id.org/fmkg/id/model/gpt-3"), None, None)), None) is None


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_turtle_syntax_error_names_file_and_line(tmp_path: Path, backend: str) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix a: <http://x/> .\na:b a:c a:d .\na:e a:f\n a:g a:h .\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        open_graph([bad], default=False, backend=backend, cache=False)
    assert info.value.path == str(bad)
    assert info.value.line == 4
    assert str(info.value).startswith(f"{bad}:4: ")


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        open_graph([tmp_path / "nope.ttl"], default=False)
    odd = tmp_path / "data.xyz"
    odd.write_text("", encoding="utf-8")
    with pytest.raises(LoadError, match="unknown RDF file type"):
        open_graph([odd], default=False)
    folder = tmp_path / "dir.ttl"
    folder.mkdir()
    with pytest.raises(LoadError, match="directory"):
        open_graph([folder], default=False)


def test_numbers_are_held_in_canonical_form_on_both_stores(tmp_path: Path) -> None:
    data = tmp_path / "n.ttl"
    data.write_text(
        '<http://x/a> <http://x/c> "5.9158815e+17"^^<http://www.w3.org/2001/XMLSchema#double> , '
        '"0010"^^<http://www.w3.org/2001/XMLSchema#integer> , "x"@EN-gb .\n',
        encoding="utf-8",
    )
    found = []
    for backend in ("oxigraph", "memory"):
        kg = open_graph([data], default=False, backend=backend, cache=False)
        found.append(
            sorted(
                (str(o), str(getattr(o, "datatype", "")), o.language or "")
                for o in kg.objects(URIRef("http://x/a"), URIRef("http://x/c"))
            )
        )  # type: ignore[union-attr]
    assert found[0] == found[1]
    assert ("591588150000000000", "http://www.w3.org/2001/XMLSchema#double", "") in found[0]
    assert ("10", "http://www.w3.org/2001/XMLSchema#integer", "") in found[0]


def test_store_is_built_once_and_never_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("FMKG_CACHE_DIR", str(cache))
    data = tmp_path / "data.ttl"
    data.write_bytes((FIXTURES / "tiny.ttl").read_bytes())
    first = open_graph([data], default=False)
    assert first.location is not None and first.location.parent == cache / "stores"
    built = (first.location / "fmkg.json").stat().st_ino
    again = open_graph([data], default=False)
    assert again.location == first.location and (again.location / "fmkg.json").stat().st_ino == built
    data.write_text(data.read_text(encoding="utf-8").replace('"Base One"@en', '"Base Uno"@en'), encoding="utf-8")
    changed = open_graph([data], default=False)
    assert changed.location != first.location
    assert (BASE_ONE, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Base Uno", lang="en")) in changed


def test_a_corrupt_store_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FMKG_CACHE_DIR", str(tmp_path / "cache"))
    kg = open_graph([FIXTURES / "tiny.ttl"], default=False)
    assert kg.location is not None
    n = len(kg)
    kg.close()
    (kg.location / "fmkg.json").write_text("not json", encoding="utf-8")
    assert len(open_graph([FIXTURES / "tiny.ttl"], default=False)) == n


def _open_tiny(cache: str) -> int:
    os.environ["FMKG_CACHE_DIR"] = cache
    return len(open_graph([FIXTURES / "tiny.ttl"], default=False))


def test_two_processes_starting_at_once_share_one_store(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        sizes = pool.map(_open_tiny, [cache] * 8)
    assert len(set(sizes)) == 1
    assert len(list((tmp_path / "cache" / "stores").glob("*/fmkg.json"))) == 1
    assert not list((tmp_path / "cache" / "stores").glob(".*building"))


def test_persistent_store_in_a_folder_of_ones_own(tmp_path: Path) -> None:
    data = tmp_path / "data.ttl"
    data.write_bytes((FIXTURES / "tiny.ttl").read_bytes())
    store = tmp_path / "store"
    kg = open_graph([data], default=False, location=store)
    n = len(kg)
    built = (store / "fmkg.json").stat().st_ino
    kg.close()
    assert len(open_graph([data], default=False, location=store)) == n
    assert (store / "fmkg.json").stat().st_ino == built  # opened, not built again
    data.write_text(data.read_text(encoding="utf-8") + '\n<http://x/a> <http://x/b> "c" .\n', encoding="utf-8")
    assert len(open_graph([data], default=False, location=store)) == n + 1
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(LoadError, match="not a store fmkg built"):
        open_graph([data], default=False, location=foreign)
    with pytest.raises(FmkgError, match="--store-path needs the oxigraph store"):
        open_graph([data], default=False, location=store, backend="memory")


def test_the_rdflib_view_sees_the_merge_once(shipped: KnowledgeGraph) -> None:
    ds = shipped.dataset
    openai = URIRef("https://w3id.org/fmkg/id/org/openai")
    via_rdflib = set(ds.subjects(FM.developer, openai))
    via_sparql = {r[0] for r in shipped.query("SELECT ?m WHERE { ?m fm:developer org:openai }")}
    assert via_rdflib == via_sparql
    counted = ds.query(
        "SELECT (COUNT(?m) AS ?n) WHERE { ?m <https://w3id.org/fmkg/ontology#developer> <https://w3id.org/fmkg/id/org/openai> }"
    )
    assert int(next(iter(counted))[0]) == len(via_sparql)  # type: ignore[index]


def test_a_resident_copy_answers_like_the_store_on_disk(shipped: KnowledgeGraph) -> None:
    copy = shipped.resident()
    assert copy is not shipped and copy.location is None
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    assert copy.query(text).rows == shipped.query(text).rows
    assert len(copy) == len(shipped) == int(str(copy.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]))
    assert copy.label("https://w3id.org/fmkg/id/model/gpt-3") == "GPT-3"  # names from the store's index
    assert copy.resident() is copy and shipped.resident(limit=10) is shipped


@pytest.mark.parametrize("damage", ["garbage names index", "garbage store files", "store folder gone", "bad manifest"])
def test_a_damaged_cached_store_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    from .conftest import FIXTURES

    monkeypatch.setenv("FMKG_CACHE_DIR", str(tmp_path / "cache"))
    files = [FIXTURES / "tiny.ttl"]
    with open_graph(files, default=False) as kg:
        expected = len(kg)
    (folder,) = (tmp_path / "cache" / "stores").glob("[0-9a-f]*[0-9a-f]")
    if damage == "garbage names index":
        (folder / "names.sqlite").write_bytes(b"not a database")
    elif damage == "garbage store files":
        for f in (folder / "oxigraph").iterdir():
            if f.is_file():
                f.write_bytes(os.urandom(64))
    elif damage == "store folder gone":
        shutil.rmtree(folder / "oxigraph")
    else:
        (folder / "fmkg.json").write_text("{not json")
    with open_graph(files, default=False) as kg:
        assert len(kg) == expected
        assert kg.names.label("https://w3id.org/fmkg/id/model/base-one")  # the name index works again


def test_a_damaged_store_in_a_users_folder_is_an_error_saying_what_to_do(tmp_path: Path) -> None:
    from .conftest import FIXTURES

    files, where = [FIXTURES / "tiny.ttl"], tmp_path / "mine"
    with open_graph(files, default=False, location=where):
        pass
    (where / "names.sqlite").write_bytes(b"not a database")
    with pytest.raises(LoadError, match="remove the folder"):
        open_graph(files, default=False, location=where)


def test_a_large_file_s_digest_is_remembered_but_never_for_other_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fmkg.store import cache

    monkeypatch.setenv("FMKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "DIGEST_MEMO_BYTES", 10)
    data = tmp_path / "big.nt"
    data.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    first = cache.sources_key([data])
    assert (tmp_path / "cache" / "digests.json").is_file()
    reads: list[Path] = []
    real_open = Path.open

    def counting_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == data:
            reads.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", counting_open)
    assert cache.sources_key([data]) == first and reads == []  # remembered: not read again
    before = data.stat()
    data.write_bytes(b"<urn:a> <urn:b> <urn:d> .\n")  # same size, then the old modification time
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads.clear()
    assert cache.sources_key([data]) != first  # the status-change time moved: read again
    assert reads == [data]
