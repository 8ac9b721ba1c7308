"""Regression tests for the parts of issue #15 fixed so far (names, formats, hostile inputs), one per bug."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fmkg.cli import app

BOMB = """<?xml version="1.0"?>
<!DOCTYPE r [
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
<rdf:Description rdf:about="http://example.org/x"><ex:p>&f;</ex:p></rdf:Description>
</rdf:RDF>
"""


def test_show_prefers_the_model_when_an_application_shares_its_name(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "Stable Diffusion", "--format", "json"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["iri"] == "https://w3id.org/fmkg/id/model/stable-diffusion"
    assert "app:stable-diffusion" in result.stderr  # and says what else the name could mean


def test_show_json_gives_labels_beside_developer_iris(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "gpt-3", "--format", "json"])
    assert result.exit_code == 0, result.output
    developers = json.loads(result.stdout)["developers"]
    assert {"iri": "https://w3id.org/fmkg/id/org/openai", "label": "OpenAI"} in developers


@pytest.mark.parametrize("name", ["nt", "ttl", "xml", "rdf", "json-ld", "nq"])
def test_format_names_as_the_field_writes_them(runner: CliRunner, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "--part", "ontology", "--format", name, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000


def test_an_rdf_xml_entity_bomb_is_refused_before_it_expands(runner: CliRunner, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(BOMB)
    for args in (["query", "--data", str(bomb), "--no-default", "ASK {}"], ["validate", "--no-default", str(bomb)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert f"{bomb}:11: entities would expand" in result.output


@pytest.mark.parametrize("context", ["http://127.0.0.1:9/context.jsonld", "file:///etc/passwd"])
def test_a_json_ld_context_is_never_fetched(runner: CliRunner, tmp_path: Path, context: str) -> None:
    doc = tmp_path / "doc.jsonld"
    doc.write_text(json.dumps({"@context": context, "@id": "http://example.org/x", "name": "x"}))
    result = runner.invoke(app, ["query", "--data", str(doc), "--no-default", "ASK {}"])
    assert result.exit_code == 2
    assert "never fetches contexts" in result.output


@pytest.mark.parametrize("target", ["http://127.0.0.1:9/sparql", "file:///etc/passwd"])
def test_service_is_refused_unless_allowed(runner: CliRunner, target: str) -> None:
    result = runner.invoke(app, ["query", f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"])
    assert result.exit_code == 2
    assert "SERVICE" in result.output


def test_a_deeply_nested_query_is_an_error_not_a_crash(runner: CliRunner) -> None:
    result = runner.invoke(app, ["query", "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000])
    assert result.exit_code == 2
    assert "nested more than" in result.output


def test_output_to_a_directory_is_a_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--part", "ontology", "--format", "nt", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "is a directory" in result.output


def test_output_through_a_symlink_writes_its_target(runner: CliRunner, tmp_path: Path) -> None:
    target, link = tmp_path / "target.ttl", tmp_path / "link.ttl"
    target.write_text("")
    link.symlink_to(target)
    result = runner.invoke(app, ["export", "--part", "ontology", "--format", "ttl", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.stat().st_size > 1000


def test_output_to_a_fifo_writes_through(runner: CliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    pid = os.fork()
    if pid == 0:  # a reader, as `cat fifo` would be
        with fifo.open("rb") as fh:
            size = len(fh.read())
        os._exit(0 if size > 1000 else 1)
    result = runner.invoke(app, ["export", "--part", "ontology", "--format", "nt", "-o", str(fifo)])
    _, status = os.waitpid(pid, 0)
    assert result.exit_code == 0, result.output
    assert os.waitstatus_to_exitcode(status) == 0
    assert fifo.is_fifo()


def test_validate_takes_data_like_every_other_command(runner: CliRunner, tmp_path: Path) -> None:
    # `fmkg validate --data FILE` was an internal error (exit 70) instead of a usage error or a run.
    extra = tmp_path / "extra.ttl"
    extra.write_text('<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    result = runner.invoke(app, ["validate", "--data", str(extra), "--no-default"])
    assert result.exit_code in (0, 1), result.output
    assert "internal error" not in result.output
