"""ModelForest (JSON): curated models of a few developers and typed parent -> child edges, each with
the confidence ModelForest gives it.

Each ``data/curated/*.json`` file holds ``models`` (id, name, company, releaseDate, parameters, ...)
and ``relationships`` (parent, child, type, confidence). Keys are found by name with synonyms. Edge
types map onto fmkg's properties through :file:`relations.toml`; the confidence is kept on an
rdf:Statement of the edge (``fm:confidence``). A model whose ``parameters`` names several sizes
("7B/14B/72B") is a family, and its size is not read. Descriptions and other prose stay behind.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from rdflib import Literal, URIRef

from fmkg.errors import LoadError
from fmkg.importers.fields import Field, is_placeholder, lookup, parse_count, parse_date, text, urls
from fmkg.importers.readers import checksum, data_table, read_text
from fmkg.importers.records import Record, Ref, SourceData, SourceInfo
from fmkg.rdf.namespaces import FM

INFO = SourceInfo(
    key="modelforest",
    title="ModelForest",
    iri="https://github.com/MrUnreal/ModelForest",
    license="https://opensource.org/licenses/MIT",
    citation="MrUnreal, ModelForest: a curated lineage of AI models, https://github.com/MrUnreal/ModelForest",
    reads="the data/curated/*.json files of a copy of MrUnreal/ModelForest",
)

ID = Field("id", ("slug", "key"))
NAME = Field("name", ("title", "model"), essential=True)
SHORT = Field("shortName", ("short_name", "alias"))
COMPANY = Field("company", ("organization", "organisation", "developer"))
DATE = Field("releaseDate", ("release_date", "date", "released"))
SIZES = Field("parameters", ("params", "size"))
PARAMETERS = Field("parametersRaw", ("parameters_raw", "parameterCount", "parameter_count"))
LICENSE = Field("license", ("licence",))
LICENSE_TYPE = Field("licenseType", ("license_type", "access"))
LINKS = Field("url", ("link", "paper", "homepage", "website"))
PARENT = Field("parent", ("from", "source_model"), essential=True)
CHILD = Field("child", ("to", "target_model"), essential=True)
TYPE = Field("type", ("relation", "relationship", "kind"))
CONFIDENCE = Field("confidence", ("certainty",))

#: Sizes that name more than one model: "7B/14B/72B", "0.5B-72B", "1B, 3B".
SEVERAL = re.compile(r"\d\s*[BMK]?\s*[/,–-]\s*\d|\bto\b", re.IGNORECASE)
#: ModelForest's licence types that mean the weights are published. Its "open-source" is given to
#: models under use-restricted licences too (Stable Diffusion 1.5's CreativeML OpenRAIL-M), so
#: neither says more than that the weights are open; the licence says the rest.
OPEN = {"open-weight": "Open weights", "open-source": "Open weights"}


@cache
def relations() -> dict[str, URIRef | None]:
    """ModelForest's edge types, in lower case, with the property each maps to (None: not read)."""
    table = data_table("relations.toml")["modelforest"]
    return {k.lower(): FM[v.removeprefix("fm:")] if v else None for k, v in table.items()}


def files(path: Path) -> list[Path]:
    """The JSON files of ``path``: itself, or those in a folder (of a whole copy, its data/curated)."""
    if path.is_dir():
        curated = path / "data" / "curated"
        return sorted(curated.glob("*.json")) if curated.is_dir() else sorted(path.rglob("*.json"))
    return [path]


def read(paths: list[Path], *, release: str | None = None) -> SourceData:
    """Read ModelForest files; malformed JSON or a model without a name raises LoadError."""
    found = [f for p in paths for f in files(p)]
    data = SourceData(records=[], files=[str(f) for f in found], release=release, checksum=checksum(found))
    docs = [(f, _load(f)) for f in found]
    records: dict[str, Record] = {}
    names: dict[str, tuple[str, tuple[str, ...]]] = {}  # ModelForest id -> (name, other names)
    for path, doc in docs:
        for n, model in enumerate(_list(doc, "models", path), 1):
            data.rows += 1
            rec = _record(model, f"{path}:model {n}", data)
            key = text(lookup(model, ID)) or rec.name
            records[key] = rec
            names[key] = (rec.name, tuple(rec.aliases))
            data.records.append(rec)
    table = relations()
    for path, doc in docs:
        for n, edge in enumerate(_list(doc, "relationships", path), 1):
            where = f"{path}:relationship {n}"
            parent, child = text(lookup(edge, PARENT)), text(lookup(edge, CHILD))
            kind = text(lookup(edge, TYPE)).lower()
            if child not in records or parent not in names:
                data.tolerate("edges to a model the files do not list", where, f"{parent} -> {child}")
                continue
            if kind not in table:
                data.tolerate("edges of an unknown type", where, kind)
                continue
            prop = table[kind]
            if prop is None:
                data.tolerate("edges of a type not read", where, kind)
                continue
            confidence = text(lookup(edge, CONFIDENCE))
            about = ((FM.confidence, Literal(confidence)),) if confidence else ()
            name, others = names[parent]
            records[child].refs.append(Ref(name, prop, ("model",), alternatives=others, about=about))
    return data


def _load(path: Path) -> object:
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise LoadError(path, f"malformed JSON: {exc.msg}", line=exc.lineno) from None


def _list(doc: object, key: str, path: Path) -> list[dict[str, object]]:
    if not isinstance(doc, dict):
        raise LoadError(path, "expected an object with 'models' and 'relationships'", line=1)
    items = doc.get(key, [])
    if not isinstance(items, list):
        raise LoadError(path, f"'{key}' is not a list", line=1)
    return [i for i in items if isinstance(i, dict)]


def _record(model: dict[str, object], where: str, data: SourceData) -> Record:
    name = text(lookup(model, NAME))
    if not name:
        raise LoadError(where.split(":model ")[0], f"model {where.rsplit(' ', 1)[1]} has no name")
    rec = Record(kind="model", name=name, where=where)
    short = text(lookup(model, SHORT))
    if short and short != name:
        rec.aliases.append(short)
    if company := text(lookup(model, COMPANY)):
        rec.developers.append(company)
    raw_date = text(lookup(model, DATE))
    if (date := parse_date(raw_date)) is not None:
        rec.dates.append(date)
    elif raw_date and not is_placeholder(raw_date):
        data.tolerate("dates not read", where, raw_date)
    sizes = text(lookup(model, SIZES))
    if sizes and SEVERAL.search(sizes):
        data.tolerate("sizes of a model family not read", where, sizes)
    else:
        rec.parameters = parse_count(text(lookup(model, PARAMETERS))) or parse_count(sizes)
    if (license_id := text(lookup(model, LICENSE))) and not is_placeholder(license_id):
        rec.licenses.append(license_id)
    rec.access = OPEN.get(text(lookup(model, LICENSE_TYPE)).lower())
    rec.sources = urls(lookup(model, LINKS))
    return rec
