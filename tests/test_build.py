"""fmkg build: every artifact written, byte-identical from build to build, and --check catching staleness."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fmkg import export
from fmkg.cli import app
from fmkg.export.artifacts import artifacts
from fmkg.rdf.formats import Format
from fmkg.rdf.sources import ontology_dir
from fmkg.store import KnowledgeGraph

from .conftest import FIXTURES

TINY = ["--no-default", "--data", str(ontology_dir() / "fmkg.ttl"), "--data", str(FIXTURES / "tiny.ttl")]


def test_every_export_format_is_an_artifact() -> None:
    names = {a.name for a in artifacts()}
    assert {f"fmkg{f.suffix}" for f in export.EXPORT_FORMATS} <= names
    assert {"graph.html", "ontology.html"} <= names
    assert len(names) == len(artifacts()), "two artifacts with one file name"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_build_writes_every_artifact(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == sorted([*(a.name for a in artifacts()), "site"])
    assert b"<title>" in (built / "ontology.html").read_bytes()
    assert (built / "site" / "index.html").is_file() and (built / "site" / "page" / "model" / "gpt-3.html").is_file()


@pytest.mark.slow
def test_a_second_build_in_another_process_is_byte_identical(built: Path) -> None:
    # Another process with another string-hash seed must find nothing to change.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    proc = subprocess.run(
        [sys.executable, "-m", "fmkg", "build", "--check", "--out", str(built)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "up to date" in proc.stdout


def test_check_reports_a_stale_and_a_missing_file(runner, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    assert runner.invoke(app, ["build", "--out", str(out), *TINY]).exit_code == 0
    assert runner.invoke(app, ["build", "--check", "--out", str(out), *TINY]).exit_code == 0
    (out / "fmkg.ttl").write_text("# edited by hand\n", encoding="utf-8")
    (out / "graph.html").unlink()
    result = runner.invoke(app, ["build", "--check", "--out", str(out), *TINY])
    assert result.exit_code == 1
    assert f"{out / 'fmkg.ttl'}: out of date" in result.output
    assert f"{out / 'graph.html'}: missing" in result.output
    assert (out / "fmkg.ttl").read_text(encoding="utf-8") == "# edited by hand\n", "--check writes nothing"


def test_build_without_an_ontology_says_so(runner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--out", str(tmp_path), "--no-default", "--data", str(FIXTURES / "tiny.ttl")])
    assert result.exit_code == 2
    assert "no ontology to document" in result.output


@pytest.mark.parametrize("fmt", export.EXPORT_FORMATS, ids=lambda f: f.name)
def test_export_artifacts_are_what_fmkg_export_writes(fmt: Format, built: Path, shipped: KnowledgeGraph) -> None:
    assert (built / f"fmkg{fmt.suffix}").read_bytes() == export.to_bytes(shipped, fmt)
