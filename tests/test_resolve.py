"""Names users type resolve to one IRI; unknown names get suggestions."""

from __future__ import annotations

import pytest
from rdflib.namespace import RDFS

from fmkg.cli import app
from fmkg.errors import AmbiguousEntityError, UnknownEntityError
from fmkg.names.index import NameIndex, normalise
from fmkg.names.resolve import resolve_name
from fmkg.store import KnowledgeGraph

LABEL = str(RDFS.label)
ID = "https://w3id.org/fmkg/id/"


def resolve(kg: KnowledgeGraph, name: str, kinds: tuple[str, ...] = ()) -> str:
    return resolve_name(kg.names, name, kinds).iri


@pytest.mark.parametrize(
    "name", ["dall-e", "DALL·E", "Dall E", "DALL-E 1", "model:dall-e", "https://w3id.org/fmkg/id/model/dall-e"]
)
def test_spellings_of_dall_e(shipped: KnowledgeGraph, name: str) -> None:
    assert resolve(shipped, name) == "https://w3id.org/fmkg/id/model/dall-e"


def test_alias_of_gpt3(shipped: KnowledgeGraph) -> None:
    assert resolve(shipped, "GPT-3 175B (davinci)").endswith("/model/gpt-3-175b")


def test_normalise() -> None:
    assert normalise("DALL·E") == normalise("dall-e") == normalise("Dall E") == "dalle"
    assert normalise("Gémini 1.0 Pro") == "gemini10pro"


@pytest.mark.parametrize("text", ["".join(map(chr, range(128))), "Llama-2 7B (chat)", "", "GPT_3.5\tTurbo"])
def test_the_ascii_fast_path_folds_as_the_unicode_rule_does(text: str) -> None:
    import unicodedata

    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text).casefold() if ch.isalnum())
    assert normalise(text) == folded


def test_unknown_name_suggests(shipped: KnowledgeGraph) -> None:
    with pytest.raises(UnknownEntityError) as info:
        resolve(shipped, "gtp-3")
    assert "GPT-3" in info.value.suggestions


def index_of(*iris: str) -> NameIndex:
    """An index in which every one of ``iris`` is labelled "Orca"."""
    return NameIndex.build([(ID + iri, LABEL, "Orca", "en") for iri in iris])


def test_kind_restricts_matches() -> None:
    index = index_of("org/orca", "app/orca")
    with pytest.raises(AmbiguousEntityError) as info:
        resolve_name(index, "orca")
    assert sorted(info.value.candidates) == ["app:orca", "org:orca"]
    assert resolve_name(index, "orca", ("org",)).iri == ID + "org/orca"
    assert resolve_name(index, "orca", ("app",)).iri == ID + "app/orca"


def test_a_name_of_several_kinds_prefers_the_model() -> None:
    index = index_of("model/orca", "org/orca")
    found = resolve_name(index, "orca")
    assert found.iri == ID + "model/orca"
    assert found.also == ["org:orca"]
    assert resolve_name(index, "orca", ("org",)).iri == ID + "org/orca"
    assert resolve_name(index, "orca", ("org",)).also == []


def test_two_models_of_one_name_are_ambiguous() -> None:
    index = index_of("model/orca", "model/orca-2", "org/orca")
    with pytest.raises(AmbiguousEntityError):
        resolve_name(index, "orca")
    with pytest.raises(AmbiguousEntityError):
        resolve_name(index, "orca", ("model",))


def test_stable_diffusion_is_the_model(shipped: KnowledgeGraph) -> None:
    found = resolve_name(shipped.names, "Stable Diffusion")
    assert found.iri == ID + "model/stable-diffusion"
    assert "app:stable-diffusion" in found.also


def test_cli_show_says_what_else_a_name_means(runner) -> None:
    out = runner.invoke(app, ["show", "Stable Diffusion"])
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[0].startswith("Stable Diffusion  (model:stable-diffusion)")
    assert "also names app:stable-diffusion" in out.stderr


def test_cli_unknown_model_exits_non_zero_with_suggestions(runner) -> None:
    result = runner.invoke(app, ["query", "ancestors", "-p", "model=lamdba"])
    assert result.exit_code == 1
    assert "did you mean" in result.output and "LaMDA" in result.output
