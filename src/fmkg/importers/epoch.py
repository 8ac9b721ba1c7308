"""Epoch AI's "Data on Notable AI Models" (CSV): one model per row.

Columns are found by name (see :data:`FIELDS`): a release that renames ("System" for "Model"),
reorders, drops or adds columns reads without code changes. Only facts are taken: name, organisations,
date, parameters, training compute, training datasets, links, base models and accessibility; the
notes, abstracts and other free text stay behind.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from fmkg.errors import LoadError
from fmkg.importers.fields import (
    Field,
    FieldMap,
    is_placeholder,
    parse_count,
    parse_date,
    parse_float,
    split_list,
    text,
    urls,
)
from fmkg.importers.matching import load_aliases
from fmkg.importers.readers import checksum, data_table, read_text
from fmkg.importers.records import Record, Ref, SourceData, SourceInfo
from fmkg.rdf.namespaces import FM

if TYPE_CHECKING:
    from rdflib import URIRef

INFO = SourceInfo(
    key="epoch",
    title="Epoch AI, Data on Notable AI Models",
    iri="https://epoch.ai/data/notable-ai-models",
    license="https://creativecommons.org/licenses/by/4.0/",
    citation="Epoch AI, 'Data on Notable AI Models'. Published online at epoch.ai. Retrieved from https://epoch.ai/data/notable-ai-models",
    reads="a CSV file of Epoch AI's notable AI models",
)
#: Epoch's full database, of which the notable models are a part: read the same way, imported after
#: them, so a model in both is one entity, and credited to the database its row comes from.
ALL_INFO = SourceInfo(
    key="epoch-all",
    title="Epoch AI, AI Models",
    iri="https://epoch.ai/data/ai-models",
    license="https://creativecommons.org/licenses/by/4.0/",
    citation="Epoch AI, 'AI Models'. Published online at epoch.ai. Retrieved from https://epoch.ai/data/ai-models",
    reads="a CSV file of Epoch AI's full AI models database",
)

FIELDS = (
    Field("name", ("Model", "System", "Model name", "System name", "Name", "AI system"), essential=True),
    Field(
        "organization",
        ("Organization", "Organisation", "Organization(s)", "Organisation(s)", "Organizations", "Developer"),
    ),
    Field("date", ("Publication date", "Publication date (DD/MM/YYYY)", "Release date", "Date", "Published")),
    Field("parameters", ("Parameters", "Parameter count", "Number of parameters", "Params")),
    Field("compute", ("Training compute (FLOP)", "Training compute (FLOPs)", "Training compute", "Compute (FLOP)")),
    Field("datasets", ("Training dataset", "Training datasets", "Training data", "Dataset", "Datasets")),
    Field("links", ("Link", "Links", "URL", "Source", "Source link", "Reference link")),
    # Not "Foundation model": in the full database that column is a flag (True or empty), not a name.
    Field("base", ("Base model", "Base models", "Base model(s)", "Finetuned from")),
    Field(
        "finetune",
        ("Finetune compute (FLOP)", "Fine-tune compute (FLOP)", "Finetune compute", "Fine-tuning compute (FLOP)"),
    ),
    Field("access", ("Model accessibility", "Accessibility", "Model access", "Access")),
    Field("domain", ("Domain", "Domains")),
    Field("task", ("Task", "Tasks")),
)


def _dialect(header_line: str, path: Path) -> str:
    if path.suffix.lower() == ".tsv" or ("\t" in header_line and "," not in header_line):
        return "\t"
    if ";" in header_line and "," not in header_line:
        return ";"
    return ","


def read(paths: list[Path], *, release: str | None = None) -> SourceData:
    """Read Epoch CSV files into records; a malformed file or a row without a name raises LoadError."""
    data = SourceData(records=[], files=[str(p) for p in paths], release=release, checksum=checksum(paths))
    keep_whole = load_aliases().keep_whole
    for path in paths:
        _read_file(path, data, keep_whole)
    return data


def _read_file(path: Path, data: SourceData, keep_whole: tuple[str, ...]) -> None:
    content = read_text(path)
    delimiter = _dialect(content.split("\n", 1)[0], path)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
    fmap: FieldMap | None = None
    header: list[str] = []
    last_line = 0
    row_no = 0
    try:
        for cells in reader:
            start = last_line + 1
            last_line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if fmap is None:
                header = [c.strip() for c in cells]
                fmap = FieldMap.match(FIELDS, header)
                if missing := fmap.missing_essential:
                    names = ", ".join(repr(n) for n in missing[0].synonyms)
                    raise LoadError(path, f"no column for the model's name (looked for {names})", line=start)
                data.columns_missing = sorted(set(data.columns_missing) | set(fmap.missing))
                data.columns_extra = sorted(set(data.columns_extra) | set(fmap.extra))
                continue
            row_no += 1
            if len(cells) > len(header):
                raise LoadError(
                    path,
                    f"row {row_no} has {len(cells)} cells but the header has {len(header)} columns (a stray delimiter or quote?)",
                    line=start,
                )
            if len(cells) < len(header):
                data.tolerate("short rows", f"{path}:{start}", f"{len(cells)} of {len(header)} cells")
                cells = cells + [""] * (len(header) - len(cells))
            row = dict(zip(header, cells, strict=True))
            if not text(fmap.get(row, "name")) and not any(text(fmap.get(row, f.name)) for f in FIELDS):
                # a row of the database's own bookkeeping (its confidence, when it was last modified)
                data.tolerate("rows that name no model and state no fact", f"{path}:{start}")
                continue
            data.rows += 1
            data.records.append(_record(fmap, row, f"{path}:{start}", row_no, data, keep_whole))
    except csv.Error as exc:
        raise LoadError(path, f"malformed CSV: {exc}", line=last_line + 1) from exc
    if fmap is None:
        raise LoadError(path, "no header row: the file is empty")


def _record(
    fmap: FieldMap, row: dict[str, str], where: str, row_no: int, data: SourceData, keep_whole: tuple[str, ...]
) -> Record:
    name = text(fmap.get(row, "name"))
    if not name:
        column = fmap.found["name"]
        raise LoadError(
            where.rsplit(":", 1)[0],
            f"row {row_no} has no model name (column {column!r})",
            line=int(where.rsplit(":", 1)[1]),
        )
    rec = Record(kind="model", name=name, where=where)
    rec.developers = split_list(text(fmap.get(row, "organization")), (",",), protected=keep_whole)
    raw_date = text(fmap.get(row, "date"))
    day_first = "dd/mm" in fmap.found.get("date", "").lower()
    if (date := parse_date(raw_date, day_first=day_first)) is not None:
        rec.dates.append(date)
    elif raw_date and not is_placeholder(raw_date):
        data.tolerate("dates not read", where, raw_date)
    raw_params = text(fmap.get(row, "parameters"))
    rec.parameters = parse_count(raw_params)
    if rec.parameters is None and raw_params and not is_placeholder(raw_params):
        data.tolerate("parameter counts not read", where, raw_params)
    rec.compute = parse_float(fmap.get(row, "compute"))
    for dataset in split_list(text(fmap.get(row, "datasets"))):
        if not is_placeholder(dataset):
            rec.refs.append(Ref(dataset, FM.trainedOn, ("dataset",), create=True))
    bases = [b for b in split_list(text(fmap.get(row, "base"))) if not is_placeholder(b)]
    finetune = parse_float(fmap.get(row, "finetune"))
    prop = FM.fineTunedFrom if len(bases) == 1 and finetune else FM.derivedFrom
    rec.refs += [Ref(base, prop, ("model",)) for base in bases]
    access = text(fmap.get(row, "access"))
    rec.access = None if is_placeholder(access) else access
    rec.sources = urls(fmap.get(row, "links"))
    rec.classes = classes(text(fmap.get(row, "domain")), text(fmap.get(row, "task")))
    return rec


def classes(domains: str, tasks: str) -> list[URIRef]:
    """The fmkg classes that Epoch's domains and tasks put a model in (:file:`classes.toml`)."""
    table = load_classes()
    found = [table["domain"].get(d.lower()) for d in split_list(domains)]
    found += [table["task"].get(t.lower()) for t in split_list(tasks)]
    return list(dict.fromkeys(c for c in found if c is not None))


@cache
def load_classes() -> dict[str, dict[str, URIRef]]:
    """Epoch's domain and task values, in lower case, with the class each puts a model in."""
    table = data_table("classes.toml")["epoch"]
    return {
        column: {k.lower(): FM[v.removeprefix("fm:")] for k, v in values.items()} for column, values in table.items()
    }
