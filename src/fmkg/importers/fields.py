"""Reading values by field name: synonyms for columns and keys, and parsers for the values in them.

Importers never rely on column positions: a :class:`FieldMap` finds each field by its name or one
of its synonyms, compared after :func:`fmkg.names.index.normalise` (case, spaces and punctuation do not
matter), so a release with renamed, reordered, missing or extra columns reads the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Literal
from rdflib.namespace import XSD

from fmkg.names.index import normalise

#: Values that say "nothing is known" rather than name something.
PLACEHOLDERS = frozenset(
    normalise(v)
    for v in (
        "unknown",
        "unknkown",
        "none",
        "n/a",
        "na",
        "null",
        "nil",
        "-",
        "tbd",
        "not applicable",
        "not known",
        "unspecified",
        "unspecified unreleased",
        "undisclosed",
        "custom",
        "other",
        "various",
    )
)


def is_placeholder(text: str) -> bool:
    """True for empty values and values such as "unknown", "none" or "N/A"."""
    return normalise(text) in PLACEHOLDERS or not normalise(text)


@dataclass(frozen=True)
class Field:
    """A field an importer reads: its canonical name and the other names it goes by."""

    name: str
    synonyms: tuple[str, ...] = ()
    essential: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        """The normalised names that select this field, the canonical name first."""
        return tuple(dict.fromkeys(normalise(n) for n in (self.name, *self.synonyms)))


@dataclass
class FieldMap:
    """Where each field is in one input: column or key names matched by name, with synonyms."""

    fields: tuple[Field, ...]
    found: dict[str, str] = field(default_factory=dict)  # field name -> the input's own column name
    extra: list[str] = field(default_factory=list)  # input columns no field asked for

    @classmethod
    def match(cls, fields: Iterable[Field], names: Iterable[str]) -> FieldMap:
        """Match ``fields`` against the column ``names`` of an input (e.g. a CSV header)."""
        fmap = cls(tuple(fields))
        by_key: dict[str, str] = {}
        for name in names:
            by_key.setdefault(normalise(name), name)
        used: set[str] = set()
        for f in fmap.fields:
            for key in f.keys:
                if key in by_key:
                    fmap.found[f.name] = by_key[key]
                    used.add(by_key[key])
                    break
        fmap.extra = [n for n in names if n not in used and normalise(n)]
        return fmap

    @property
    def missing(self) -> list[str]:
        """Fields that the input has no column for."""
        return [f.name for f in self.fields if f.name not in self.found]

    @property
    def missing_essential(self) -> list[Field]:
        """Essential fields that the input has no column for."""
        return [f for f in self.fields if f.essential and f.name not in self.found]

    def get(self, row: Mapping[str, object], name: str) -> object:
        """The raw value of field ``name`` in ``row``, or None."""
        column = self.found.get(name)
        return None if column is None else row.get(column)


def lookup(mapping: Mapping[str, object], f: Field) -> object:
    """The value of field ``f`` in a mapping whose keys are names (e.g. a YAML object), or None."""
    keys = {normalise(str(k)): k for k in mapping}
    for key in f.keys:
        if key in keys:
            return mapping[keys[key]]
    return None


def text(value: object) -> str:
    """A value as stripped text: None becomes "", a ``{value: ...}`` object its value."""
    value = unwrap(value)
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())


def unwrap(value: object) -> object:
    """The ``value`` of a ``{value, explanation}`` object; anything else unchanged."""
    if isinstance(value, Mapping):
        for k in value:
            if normalise(str(k)) == "value":
                return value[k]
        return None
    return value


def split_list(value: str, separators: tuple[str, ...] = (",",), *, protected: Iterable[str] = ()) -> list[str]:
    """Split ``value`` on ``separators`` outside parentheses and brackets; names in ``protected`` stay whole.

    ``"BookCorpus (BooksCorpus, Toronto Book Corpus), Wikipedia"`` gives two items, not three.
    """
    keep: dict[str, str] = {}
    for i, name in enumerate(sorted(protected, key=len, reverse=True)):
        if name and name in value:
            token = f"\x00{i}\x00"
            keep[token] = name
            value = value.replace(name, token)
    items: list[str] = []
    depth = 0
    current = ""
    i = 0
    while i < len(value):
        ch = value[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        if depth == 0:
            sep = next((s for s in separators if value.startswith(s, i)), None)
            if sep is not None:
                items.append(current)
                current = ""
                i += len(sep)
                continue
        current += ch
        i += 1
    items.append(current)
    out: list[str] = []
    for item in items:
        for token, name in keep.items():
            item = item.replace(token, name)
        item = " ".join(item.split()).strip(" ;")
        if not _ABBREVIATION.search(item):
            item = item.rstrip(" .")
        if item.lower().startswith("and "):
            item = item[4:].strip()
        if not item:
            continue
        if out and _COMPANY_SUFFIX.fullmatch(item):
            out[-1] = f"{out[-1]}, {item}"  # "Runway AI, Inc." is one name
        else:
            out.append(item)
    return out


_ABBREVIATION = re.compile(r"\b(?:[A-Z][a-z]{1,3}|[A-Z](?:\.[A-Z])+)\.$")
_COMPANY_SUFFIX = re.compile(r"(?i)(inc|ltd|llc|l\.l\.c|co|corp|corporation|gmbh|ag|s\.a|e\.v|plc|limited|pte)\.?")


def as_list(value: object) -> list[str]:
    """A YAML value that may be a list, a ``{value: [...]}`` object or a plain string, as strings."""
    value = unwrap(value)
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [t for v in value if (t := text(v))]
    t = text(value)
    return [t] if t else []


# --- dates ---------------------------------------------------------------------------------------

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}


def _date(year: int, month: int | None = None, day: int | None = None) -> Literal | None:
    if not 1900 <= year <= 2100:
        return None
    if month is None:
        return Literal(f"{year:04d}", datatype=XSD.gYear)
    if not 1 <= month <= 12:
        return None
    if day is None:
        return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
    try:
        return Literal(dt.date(year, month, day).isoformat(), datatype=XSD.date)
    except ValueError:
        return None


def parse_date(value: object, *, day_first: bool = False) -> Literal | None:
    """A date typed ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` as precise as the text, or None.

    Reads ISO forms (``2020-05-28``, ``2020-05``, ``2020``, with or without a time), ``2020/05/28``,
    ``28/05/2020`` (only when the day cannot be a month, or ``day_first``), ``May 2020``,
    ``May 28, 2020`` and ``28 May 2020``.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    s = text(value)
    if not s or is_placeholder(s):
        return None
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?", s):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", s):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
        return _date(int(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})(?:\.0)?", s):
        return _date(int(m[1]))
    if m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", s):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if day_first or a > 12:
            return _date(year, b, a)
        if b > 12:
            return _date(year, a, b)
        return None  # 03/04/2020: the day and month cannot be told apart
    words = re.findall(r"[A-Za-z]+|\d+", s)
    months = [_MONTHS[w.lower()] for w in words if w.lower() in _MONTHS]
    numbers = [int(w) for w in words if w.isdigit()]
    rest = [w for w in words if not w.isdigit() and w.lower() not in _MONTHS]
    years = [n for n in numbers if n >= 1000]
    if len(months) == 1 and len(years) == 1 and not rest:
        days = [n for n in numbers if n < 1000]
        if not days:
            return _date(years[0], months[0])
        if len(days) == 1:
            return _date(years[0], months[0], days[0])
    return None


def date_value(literal: Literal) -> str:
    """The lexical form of a date literal, for sorting and comparing dates of any precision."""
    return str(literal)


# --- numbers -------------------------------------------------------------------------------------

_SCALE = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "bn": 10**9, "t": 10**12}
_SCALE_WORDS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}


def parse_decimal(value: object) -> Decimal | None:
    """A plain number (``175000000000``, ``1.75e11``, ``175,000,000,000``), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = repr(value)
    s = text(value).replace(",", "").replace("_", "")
    if not s or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", s):
        return None
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def parse_count(value: object, *, unit: str | None = None) -> int | None:
    """A positive whole count such as a number of parameters, or None when the text is not one number.

    Accepts plain numbers (rounding away float noise such as ``249000000.00000003``) and sizes such as
    ``7B``, ``1.5 billion`` or ``175B parameters (dense)`` when ``unit`` ("parameters") is named or
    absent. Ranges, lists, "unknown" and approximations ("~7B", "<1B") give None.
    """
    d = parse_decimal(value)
    if d is None:
        s = text(value).lower()
        if unit is not None:
            s = re.sub(rf"\b{unit}\b", "", s)
        s = re.sub(r"\([^()0-9]*\)", "", s).strip()  # "(dense)", "(dense model)"
        s = " ".join(s.split())
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(k|m|bn|b|t|thousand|million|billion|trillion)?", s)
        if not m:
            return None
        scale = _SCALE.get(m[2] or "") or _SCALE_WORDS.get(m[2] or "", 1)
        d = Decimal(m[1]) * scale
    n = int(d.to_integral_value())
    if n <= 0 or abs(d - n) > max(Decimal("1e-6"), abs(d) * Decimal("1e-9")):
        return None  # not a whole number: 2.5 parameters is not a count
    return n


def parse_float(value: object) -> float | None:
    """A positive finite number as a float (e.g. training compute in FLOP), or None."""
    d = parse_decimal(value)
    if d is None or d <= 0:
        return None
    return float(d)


# --- links ---------------------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"'{}|\\^`\[\]]+")
_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def urls(value: object) -> list[str]:
    """The web links in a value (a cell may hold several), each a valid absolute IRI, in order."""
    out: list[str] = []
    for item in as_list(value) if isinstance(unwrap(value), list) else [text(value)]:
        for m in _URL.findall(item):
            link = m.rstrip(".,;:)")
            if link.count("(") < link.count(")"):
                link = link.rstrip(")")
            if _IRI.fullmatch(link) and link not in out:
                out.append(link)
    return out


def is_iri(value: str) -> bool:
    """True when ``value`` is an absolute http(s) IRI that Turtle can write."""
    return bool(_IRI.fullmatch(value))
