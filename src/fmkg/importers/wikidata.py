"""Wikidata: the SPARQL 1.1 JSON results of the shipped query ``wikidata-models.rq``.

Variables are found by name with synonyms, so an edited query reads too. Items become models with
``skos:exactMatch wd:Q...``; developers become organisations (matched first by their QID, then by
name); "based on" (P144) becomes ``fm:basedOn``. Dates keep the precision Wikidata states; without
a precision, a date on the first of a month or of January is read as a month or a year, never as
a day that Wikidata may not know.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import XSD

from fmkg.errors import LoadError
from fmkg.importers.fields import Field, FieldMap, is_iri, parse_date
from fmkg.importers.readers import checksum, load_json, read_text
from fmkg.importers.records import Record, Ref, SourceData, SourceInfo
from fmkg.rdf.namespaces import FM, WD

QUERY = Path(__file__).with_name("wikidata-models.rq")

INFO = SourceInfo(
    key="wikidata",
    title="Wikidata",
    iri="https://www.wikidata.org/",
    license="https://creativecommons.org/publicdomain/zero/1.0/",
    citation="Wikidata, the free knowledge base, https://www.wikidata.org/ (CC0)",
    reads="a SPARQL 1.1 JSON results file of the query wikidata-models.rq",
)

FIELDS = (
    Field("item", ("model", "entity", "qid"), essential=True),
    Field("itemLabel", ("modelLabel", "label", "name", "entityLabel"), essential=True),
    Field("developer", ("organization", "org", "dev")),
    Field("developerLabel", ("organizationLabel", "orgLabel", "devLabel")),
    Field("date", ("publicationDate", "published", "releaseDate", "inception")),
    Field("datePrecision", ("precision", "publicationDatePrecision")),
    Field("basedOn", ("base", "parent", "baseModel")),
    Field("basedOnLabel", ("baseLabel", "parentLabel", "baseModelLabel")),
    Field("license", ("licence", "copyrightLicense")),
    Field("licenseLabel", ("licenceLabel", "copyrightLicenseLabel")),
    Field("website", ("officialWebsite", "url", "homepage")),
)

_QID = re.compile(r"Q\d+")


def _entity(value: str) -> str | None:
    """The canonical Wikidata entity IRI for a QID or any form of its IRI."""
    qid = value.rstrip("/").rsplit("/", 1)[-1]
    return f"{WD}{qid}" if _QID.fullmatch(qid) else None


def _value(binding: Mapping[str, object], fmap: FieldMap, name: str) -> str:
    cell = fmap.get(binding, name)
    if isinstance(cell, Mapping):
        return " ".join(str(cell.get("value", "")).split())
    return ""


def wikidata_date(value: str, precision: str) -> Literal | None:
    """A Wikidata time value at its precision (11 day, 10 month, 9 year)."""
    m = re.match(r"^\+?(\d{4})-(\d\d)-(\d\d)", value)
    if not m:
        return None
    year, month, day = m.groups()
    if precision == "9" or (not precision and month == "01" and day == "01"):
        return Literal(year, datatype=XSD.gYear)
    if precision == "10" or (not precision and day == "01"):
        return Literal(f"{year}-{month}", datatype=XSD.gYearMonth)
    if precision in ("", "11", "12", "13", "14"):
        return parse_date(f"{year}-{month}-{day}")
    return None  # decades, centuries: too coarse for a release date


def read(paths: list[Path], *, release: str | None = None) -> SourceData:
    """Read SPARQL JSON results; malformed JSON or a row without an item and a name raises LoadError."""
    data = SourceData(records=[], files=[str(p) for p in paths], release=release, checksum=checksum(paths))
    for path in paths:
        _read_file(path, data)
    return data


def _read_file(path: Path, data: SourceData) -> None:
    doc = load_json(read_text(path), path)
    head = doc.get("head") if isinstance(doc, dict) else None
    results = doc.get("results") if isinstance(doc, dict) else None
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(head, dict) or not isinstance(bindings, list):
        raise LoadError(path, "not SPARQL 1.1 JSON results (expected head.vars and results.bindings)", line=1)
    variables = [str(v) for v in head.get("vars", [])] or sorted(
        {k for b in bindings if isinstance(b, dict) for k in b}
    )
    fmap = FieldMap.match(FIELDS, variables)
    if fmap.missing_essential:
        wanted = " or ".join(f"?{n}" for f in fmap.missing_essential for n in f.keys[:1])
        raise LoadError(path, f"the results have no {wanted} variable", line=1)
    data.columns_missing = sorted(set(data.columns_missing) | set(fmap.missing))
    data.columns_extra = sorted(set(data.columns_extra) | set(fmap.extra))
    by_item: dict[str, Record] = {}
    for i, binding in enumerate(bindings, 1):
        if not isinstance(binding, dict):
            raise LoadError(path, f"result {i} is not an object of variable bindings")
        data.rows += 1
        item = _entity(_value(binding, fmap, "item"))
        label = _value(binding, fmap, "itemLabel")
        if item is None or not label:
            raise LoadError(path, f"result {i} has no {'item' if item is None else 'model name (?itemLabel)'}")
        rec = by_item.get(item)
        if rec is None:
            qid = item.rsplit("/", 1)[1]
            name = label if label != qid else qid
            rec = by_item[item] = Record(kind="model", name=name, where=f"{path}: result {i}")
            rec.exact_match.append(item)
            rec.sources.append(f"https://www.wikidata.org/wiki/{qid}")
            data.records.append(rec)
        _add(rec, binding, fmap, data)


def _add(rec: Record, binding: Mapping[str, object], fmap: FieldMap, data: SourceData) -> None:
    dev = _entity(_value(binding, fmap, "developer"))
    dev_label = _value(binding, fmap, "developerLabel")
    if dev_label and dev_label not in rec.developers and (dev is None or dev_label != dev.rsplit("/", 1)[1]):
        rec.developers.append(dev_label)
        if dev:
            rec.developer_matches[dev_label] = dev
    raw_date = _value(binding, fmap, "date")
    if raw_date:
        date = wikidata_date(raw_date, _value(binding, fmap, "datePrecision"))
        if date is None:
            data.tolerate("dates not read", rec.where, raw_date)
        elif date not in rec.dates:
            rec.dates.append(date)
    base = _entity(_value(binding, fmap, "basedOn"))
    if base:
        base_label = _value(binding, fmap, "basedOnLabel") or base.rsplit("/", 1)[1]
        ref = Ref(base_label, FM.basedOn, ("model",), exact_match=base)
        if ref not in rec.refs:
            rec.refs.append(ref)
    lic = _value(binding, fmap, "licenseLabel")
    if lic and not _QID.fullmatch(lic) and lic not in rec.licenses:
        rec.licenses.append(lic)
    site = _value(binding, fmap, "website")
    if site and is_iri(site) and rec.homepage is None:
        rec.homepage = site
