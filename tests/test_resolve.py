"""Names users type resolve to one IRI; unknown names get suggestions."""

from __future__ import annotations

import pytest
from rdflib import Dataset

from fmkg.cli import app
from fmkg.errors import AmbiguousEntityError, UnknownEntityError
from fmkg.resolve import NameIndex, normalise, resolve


@pytest.mark.parametrize(
    "name", ["dall-e", "DALL·E", "Dall E", "DALL-E 1", "model:dall-e", "https://w3id.org/fmkg/id/model/dall-e"]
)
def test_spellings_of_dall_e(shipped: Dataset, name: str) -> None:
    assert str(resolve(shipped, name)) == "https://w3id.org/fmkg/id/model/dall-e"


def test_alias_of_gpt3(shipped: Dataset) -> None:
    assert str(resolve(shipped, "GPT-3 175B (davinci)")).endswith("/model/gpt-3")


def test_normalise() -> None:
    assert normalise("DALL·E") == normalise("dall-e") == normalise("Dall E") == "dalle"
    assert normalise("Gémini 1.0 Pro") == "gemini10pro"


def test_unknown_name_suggests(shipped: Dataset) -> None:
    with pytest.raises(UnknownEntityError) as info:
        resolve(shipped, "gtp-3")
    assert "GPT-3" in info.value.suggestions


def test_kind_restricts_matches() -> None:
    index = NameIndex()
    index.add("https://w3id.org/fmkg/id/model/orca", "Orca", primary=True)
    index.add("https://w3id.org/fmkg/id/org/orca", "Orca", primary=True)
    with pytest.raises(AmbiguousEntityError):
        index.lookup("orca")
    assert index.lookup("orca", ("org",)).endswith("/org/orca")


def test_cli_unknown_model_exits_non_zero_with_suggestions(runner) -> None:
    result = runner.invoke(app, ["query", "ancestors", "-p", "model=lamdba"])
    assert result.exit_code == 1
    assert "did you mean" in result.output and "LaMDA" in result.output
