"""The Python API: fmkg.open_graph(), fmkg.load() and fmkg.query(); and a wheel that finds its data anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from rdflib import Dataset

import fmkg
from fmkg.store import KnowledgeGraph

from .conftest import FIXTURES, ROOT


def test_open_graph_returns_a_knowledge_graph() -> None:
    with fmkg.open_graph() as kg:
        assert isinstance(kg, KnowledgeGraph)
        assert kg.backend == "oxigraph"
        assert len(kg) > 1000


def test_load_returns_a_dataset() -> None:
    ds = fmkg.load()
    assert isinstance(ds, Dataset)
    assert len(ds) > 1000


def test_query_runs_named_queries_with_params() -> None:
    rows = list(fmkg.query("powered-by-model", {"model": "lamda"}))
    assert "Bard" in {str(r.applicationLabel) for r in rows}


def test_query_on_a_given_graph() -> None:
    text = "PREFIX fm: <https://w3id.org/fmkg/ontology#> SELECT ?c WHERE { ?c fm:quantizedFrom ?p }"
    with fmkg.open_graph([FIXTURES / "tiny.ttl"], default=False) as tiny:
        rows = list(fmkg.query(text, graph=tiny))
    assert [str(r.c) for r in rows] == ["https://w3id.org/fmkg/id/model/grandchild-q"]
    # Without graph= the same query runs on the shipped graph, which has other quantized models.
    shipped = {str(r.c) for r in fmkg.query(text)}
    assert shipped and "https://w3id.org/fmkg/id/model/grandchild-q" not in shipped


def test_query_resolves_params_on_the_given_graph() -> None:
    text = "PREFIX fm: <https://w3id.org/fmkg/ontology#> SELECT ?c WHERE { ?c fm:fineTunedFrom ?model }"
    with fmkg.open_graph([FIXTURES / "tiny.ttl"], default=False) as tiny:
        rows = list(fmkg.query(text, {"model": "Base One"}, graph=tiny))
    assert [str(r.c) for r in rows] == ["https://w3id.org/fmkg/id/model/child-one"]


def test_cli_help_does_not_import_rdflib() -> None:
    code = "import sys; from fmkg.cli import app; assert 'rdflib' not in sys.modules, 'rdflib imported at start-up'"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("FMKG_SKIP_WHEEL") == "1", reason="FMKG_SKIP_WHEEL=1")
def test_wheel_ships_the_graph_and_works_from_any_folder(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next((tmp_path / "dist").glob("fmkg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "fmkg/ontology/fmkg.ttl" in names
    assert "fmkg/ontology/shapes/fmkg-shapes.ttl" in names
    assert "fmkg/ontology/queries/ancestors.rq" in names
    assert "fmkg/sparql/rq/labels.rq" in names
    assert {"fmkg/server/editor/editor.html", "fmkg/server/editor/editor.js"} <= set(names)
    if (ROOT / "src/fmkg/server/editor/vendor/yasgui.min.js").exists():  # git ignores it; the wheel carries it
        assert "fmkg/server/editor/vendor/yasgui.min.js" in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], check=True
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import fmkg, fmkg.rdf.sources; "
        f"assert fmkg.__file__.startswith({str(target)!r}), fmkg.__file__; "
        f"assert str(fmkg.rdf.sources.ontology_dir()).startswith({str(target)!r}); "
        "rows = list(fmkg.query('ancestors', {'model': 'dall-e'})); assert rows, rows"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=elsewhere, env=env)
