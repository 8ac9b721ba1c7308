"""Reading values by name: synonyms for columns, and the parsers for dates, counts, lists and links."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from fmkg.importers.fields import (
    Field,
    FieldMap,
    as_list,
    is_placeholder,
    lookup,
    parse_count,
    parse_date,
    split_list,
    text,
    urls,
)
from fmkg.importers.matching import name_key, org_names, slugify

FIELDS = (Field("name", ("Model", "System"), essential=True), Field("date", ("Publication date", "Release date")))


@pytest.mark.parametrize(
    ("header", "found"),
    [
        (["Model", "Publication date"], {"name": "Model", "date": "Publication date"}),
        (["Publication date", "System"], {"name": "System", "date": "Publication date"}),  # renamed, reordered
        (["MODEL", "release_date", "Extra"], {"name": "MODEL", "date": "release_date"}),  # case and punctuation
        (["System", "Notes"], {"name": "System"}),  # missing column
    ],
)
def test_columns_are_found_by_name_and_synonym(header: list[str], found: dict[str, str]) -> None:
    fmap = FieldMap.match(FIELDS, header)
    assert fmap.found == found
    assert fmap.missing == [f.name for f in FIELDS if f.name not in found]
    assert not fmap.missing_essential


def test_a_missing_essential_column_is_reported() -> None:
    fmap = FieldMap.match(FIELDS, ["Organization", "Publication date"])
    assert [f.name for f in fmap.missing_essential] == ["name"]
    assert fmap.extra == ["Organization"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-05-28", Literal("2020-05-28", datatype=XSD.date)),
        ("2020-05-28T00:00:00Z", Literal("2020-05-28", datatype=XSD.date)),
        ("2020-05", Literal("2020-05", datatype=XSD.gYearMonth)),
        ("2020", Literal("2020", datatype=XSD.gYear)),
        ("2020/05/28", Literal("2020-05-28", datatype=XSD.date)),
        ("28/05/2020", Literal("2020-05-28", datatype=XSD.date)),
        ("May 2020", Literal("2020-05", datatype=XSD.gYearMonth)),
        ("May 28, 2020", Literal("2020-05-28", datatype=XSD.date)),
        ("28 May 2020", Literal("2020-05-28", datatype=XSD.date)),
        ("03/04/2020", None),  # day and month cannot be told apart
        ("2020-02-30", None),
        ("unknown", None),
        ("", None),
        ("soon", None),
    ],
)
def test_dates_keep_their_precision(value: str, expected: Literal | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("175000000000", None, 175000000000),
        ("175000000000.0", None, 175000000000),
        ("1.75e11", None, 175000000000),
        ("249000000.00000003", None, 249000000),  # float noise in the source
        ("7B parameters (dense)", "parameters", 7000000000),
        ("1.5B parameters", "parameters", 1500000000),
        ("540B parameters (dense model)", "parameters", 540000000000),
        ("900M", None, 900000000),
        ("7B-13B parameters", "parameters", None),  # a range
        ("61B parameters (sparse); 6.6B active parameters", "parameters", None),
        ("unknown", None, None),
        ("2.5", None, None),  # not a whole number
        ("-5", None, None),
        ("0", None, None),
    ],
)
def test_counts_are_read_only_when_the_source_gives_one_number(
    value: str, unit: str | None, expected: int | None
) -> None:
    assert parse_count(value, unit=unit) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A, B,C", ["A", "B", "C"]),
        (
            "BookCorpus (BooksCorpus, Toronto Book Corpus), Wikipedia",
            ["BookCorpus (BooksCorpus, Toronto Book Corpus)", "Wikipedia"],
        ),
        ("Runway AI, Inc., Example Lab", ["Runway AI, Inc.", "Example Lab"]),
        ("A, and B.", ["A", "B"]),
        ("", []),
    ],
)
def test_lists_split_outside_parentheses(value: str, expected: list[str]) -> None:
    assert split_list(value) == expected


def test_protected_names_are_not_split() -> None:
    value = "ByteDance, University of Maryland, College Park"
    assert split_list(value, protected=["University of Maryland, College Park"]) == [
        "ByteDance",
        "University of Maryland, College Park",
    ]


def test_values_may_be_plain_or_objects() -> None:
    assert text({"value": "2022-01-01", "explanation": "prose"}) == "2022-01-01"
    assert as_list({"value": ["a", "b"], "explanation": "prose"}) == ["a", "b"]
    assert as_list("just one") == ["just one"]
    assert as_list(None) == []
    assert lookup({"Organisation": "X"}, Field("organization", ("organisation",))) == "X"


def test_links_are_valid_iris_only() -> None:
    cell = "https://a.example/x\n\nhttps://b.example/y), not a link, http://bad example"
    assert urls(cell) == ["https://a.example/x", "https://b.example/y", "http://bad"]
    assert urls("none") == []


@pytest.mark.parametrize("value", ["unknown", "None", "N/A", "", "custom", "Unspecified unreleased"])
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("GPT-3 175B (davinci)", "gpt-3-175b-davinci"),
        ("Qwen2.5-72B", "qwen2.5-72b"),
        ("DALL·E 2", "dall-e-2"),
        ("Zephyr 7B β", "zephyr-7b"),
        ("Texas A&M", "texas-a-m"),
    ],
)
def test_slugs(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_a_name_without_ascii_gets_a_stable_slug() -> None:
    assert slugify("文心") == slugify("文心")
    assert slugify("文心").startswith("x-")


def test_plus_is_part_of_a_name() -> None:
    assert name_key("Command R+") != name_key("Command R")
    assert name_key("LLaMA 2") == name_key("Llama-2")


@pytest.mark.parametrize(
    ("name", "label", "others"),
    [
        ("Carnegie Mellon University (CMU)", "Carnegie Mellon University", ["Carnegie Mellon University (CMU)", "CMU"]),
        (
            "University of Montreal / Université de Montréal",
            "University of Montreal",
            ["University of Montreal / Université de Montréal", "Université de Montréal"],
        ),
        ("Northeastern University (China)", "Northeastern University (China)", []),
        ("OpenAI", "OpenAI", []),
    ],
)
def test_organization_names(name: str, label: str, others: list[str]) -> None:
    assert org_names(name) == (label, others)
