"""Stanford CRFM's Ecosystem Graphs (YAML): models, datasets and applications with untyped dependencies.

Each ``assets/*.yaml`` file is a list of assets. Keys are found by name with synonyms; any value may
be plain or a ``{value, explanation}`` object (only the value is read: explanations, descriptions and
other prose stay behind). Old styles read the same: flow lists, comments, a plain string where a
list is expected. Dependencies are typed by what they point at (see
:func:`fmkg.importers.build.typed_edge`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from fmkg.errors import LoadError
from fmkg.importers.fields import (
    Field,
    as_list,
    is_placeholder,
    lookup,
    parse_count,
    parse_date,
    split_list,
    text,
    unwrap,
    urls,
)
from fmkg.importers.matching import load_aliases
from fmkg.importers.readers import LINE, checksum, data_table, load_yaml, read_text
from fmkg.importers.records import Record, Ref, SourceData, SourceInfo
from fmkg.rdf.namespaces import FM

if TYPE_CHECKING:
    from rdflib import URIRef

INFO = SourceInfo(
    key="ecosystem-graphs",
    title="Stanford CRFM, Ecosystem Graphs",
    iri="https://github.com/stanford-crfm/ecosystem-graphs",
    license=None,
    citation="Stanford Center for Research on Foundation Models, Ecosystem Graphs, https://github.com/stanford-crfm/ecosystem-graphs",
    reads="the assets/*.yaml files of a copy of stanford-crfm/ecosystem-graphs",
)

NAME = Field("name", ("title", "asset", "asset_name"), essential=True)
TYPE = Field("type", ("asset_type", "kind", "category"))
ORGANIZATION = Field("organization", ("organisation", "organizations", "org", "developer", "developers"))
DATE = Field("created_date", ("date", "release_date", "created", "published_date"))
URL = Field("url", ("link", "website", "paper"))
CARD = Field("model_card", ("modelcard", "card"))
DATASHEET = Field("datasheet", ("data_sheet",))
DEPENDENCIES = Field("dependencies", ("deps", "depends_on", "dependency"))
LICENSE = Field("license", ("licence", "licenses"))
SIZE = Field("size", ("parameters", "model_size"))
ACCESS = Field("access", ("availability",))
MODALITY = Field("modality", ("modalities",))

TYPES = {
    "model": "model",
    "dataset": "dataset",
    "data": "dataset",
    "application": "app",
    "app": "app",
    "product": "app",
}
#: Keys that only one type of asset has, to tell the type of an asset that does not state it.
TYPE_HINTS = {
    "model": ("model_card", "training_emissions", "training_time", "training_hardware"),
    "dataset": ("datasheet", "included", "excluded", "sample"),
    "app": ("adaptation", "output_space", "monthly_active_users", "user_distribution", "terms_of_service"),
}
#: Access values that tell how a model can be reached (only models: for other assets they mean less).
MODEL_ACCESS = {"open": "open weights", "closed": "closed"}


def asset_files(directory: Path) -> list[Path]:
    """The asset files of a copy of the repository: ``assets/*.yaml`` or, failing that, ``*.yaml``."""
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        raise LoadError(directory, "no such directory")
    folder = directory / "assets" if (directory / "assets").is_dir() else directory
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file())
    if not files:
        raise LoadError(directory, "no .yaml asset files here (nor in assets/)")
    return files


def read(paths: list[Path], *, release: str | None = None) -> SourceData:
    """Read asset files (or directories of them); malformed YAML or an asset without a name raises LoadError."""
    files = [f for p in paths for f in asset_files(p)]
    data = SourceData(records=[], files=[str(f) for f in files], release=release, checksum=checksum(files))
    keep_whole = load_aliases().keep_whole
    for path in files:
        documents = load_yaml(read_text(path), path)
        for doc in documents:
            if doc is None:
                continue
            assets = [doc] if isinstance(doc, dict) else doc
            if not isinstance(assets, list):
                raise LoadError(path, "expected a list of assets", line=1)
            for asset in assets:
                if not isinstance(asset, dict):
                    data.tolerate("entries that are not assets", str(path))
                    continue
                data.rows += 1
                rec = _record(asset, path, data, keep_whole)
                if rec is not None:
                    data.records.append(rec)
    return data


def _kind(asset: dict[str, object]) -> str | None:
    stated = text(lookup(asset, TYPE)).lower()
    if stated in TYPES:
        return TYPES[stated]
    keys = {k.lower() for k in asset}
    kinds = [kind for kind, hints in TYPE_HINTS.items() if keys & set(hints)]
    return kinds[0] if len(kinds) == 1 else None


_CONNECTIVES = re.compile(r"\s(?:of|in|for|de|du|des|la|le|for|on)\s", re.IGNORECASE)


def split_organizations(value: str, keep_whole: tuple[str, ...]) -> list[str]:
    """Organisations listed in one value: split on commas and semicolons, and on " and " between two
    names: "ByteDance and University of Maryland" is two, but "University of Science and Technology",
    "Medicine and Imaging" (one word after "and") and names in ``keep_whole`` stay one."""
    out: list[str] = []
    for part in split_list(value, (",", ";"), protected=keep_whole):
        pieces = [p.strip() for p in re.split(r"\s+(?:and|&)\s+", part)]
        splittable = (
            len(pieces) == 2
            and part not in keep_whole
            and not _CONNECTIVES.search(f" {pieces[0]} ")
            and len(pieces[1].split()) >= 2
            and all(p[:1].isupper() for p in pieces)
        )
        out += pieces if splittable else [part]
    return out


def _record(asset: dict[str, object], path: Path, data: SourceData, keep_whole: tuple[str, ...]) -> Record | None:
    line = asset.get(LINE)
    where = f"{path}:{line}"
    name = text(lookup(asset, NAME))
    if not name:
        raise LoadError(path, "an asset has no name", line=line if isinstance(line, int) else None)
    kind = _kind(asset)
    if kind is None:
        data.tolerate("assets of unknown type", where, name)
        return None
    rec = Record(kind=kind, name=name, where=where)
    rec.developers = split_organizations(text(lookup(asset, ORGANIZATION)), keep_whole)
    raw_date = lookup(asset, DATE)
    if (date := parse_date(unwrap(raw_date))) is not None:
        rec.dates.append(date)
    elif text(raw_date) and not is_placeholder(text(raw_date)):
        data.tolerate("dates not read", where, text(raw_date))
    for key in (URL, CARD, DATASHEET):
        for link in urls(lookup(asset, key)):
            if link not in rec.sources:
                rec.sources.append(link)
    for dep in as_list(lookup(asset, DEPENDENCIES)):
        rec.refs.append(Ref(dep))
    lic = text(lookup(asset, LICENSE))
    if lic and not is_placeholder(lic):
        rec.licenses.append(lic)
    if kind == "model":
        size = text(lookup(asset, SIZE))
        rec.parameters = parse_count(size, unit="parameters")
        if rec.parameters is None and size and not is_placeholder(size):
            data.tolerate("sizes not read as parameter counts", where, size)
        rec.access = MODEL_ACCESS.get(text(lookup(asset, ACCESS)).lower())
        rec.classes = modality_classes(text(lookup(asset, MODALITY)))
    return rec


def modality_classes(value: str) -> list[URIRef]:
    """The classes a model's ``modality`` puts it in (the words and classes are in :file:`classes.toml`).

    "inputs; outputs" is matched against the directed rules; a single list, which does not say
    which way, only decides what holds either way (text alone is language, two media are multimodal).
    """
    directed, undirected = load_modalities()
    sides = [set(split_list(side.lower())) for side in value.split(";")] if value.strip() else []
    found: list[str] = []
    if len(sides) == 2:
        inputs, outputs = sides
        for rule in directed:
            only = rule.only or inputs | outputs
            if rule.inputs <= inputs and rule.outputs <= outputs and inputs | outputs <= only:
                found.append(rule.cls)
    elif len(sides) == 1 and (named := sides[0]):
        if named <= undirected["language"]:
            found.append("fm:LanguageModel")
        if named & undirected["speech"]:
            found.append("fm:SpeechModel")
        if len(named & undirected["media"]) >= 2:
            found.append("fm:MultimodalModel")
    return [FM[c.removeprefix("fm:")] for c in dict.fromkeys(found)]


@dataclass(frozen=True)
class _Rule:
    cls: str
    inputs: frozenset[str] = frozenset()
    outputs: frozenset[str] = frozenset()
    only: frozenset[str] = frozenset()


@cache
def load_modalities() -> tuple[list[_Rule], dict[str, set[str]]]:
    """The ``[[ecosystem.modality]]`` rules of :file:`classes.toml`, in order, and its
    ``[ecosystem.undirected]`` word lists."""
    table = data_table("classes.toml")["ecosystem"]
    rules = [
        _Rule(str(r["class"]), *(frozenset(str(w) for w in r.get(k, [])) for k in ("inputs", "outputs", "only")))
        for r in table["modality"]
    ]
    return rules, {k: {str(w) for w in v} for k, v in table["undirected"].items()}
