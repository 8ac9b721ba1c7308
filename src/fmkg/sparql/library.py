"""The library of named SPARQL queries: ``.rq`` files whose header comment documents them.

A header is a run of ``# key: value`` comment lines at the top of the file; a line that starts with
``#`` followed by more spaces continues the previous value. Keys: ``title``, ``description``,
``param`` (repeatable: ``NAME (TYPE) what it is``), ``columns`` and ``example``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from fmkg.errors import QueryError
from fmkg.rdf.sources import PACKAGE, queries_dir

#: Parameter types: entity kinds are resolved by name to IRIs; the others become typed literals.
ENTITY_TYPES: dict[str, tuple[str, ...]] = {
    "entity": (),
    "model": ("model",),
    "org": ("org",),
    "app": ("app",),
    "dataset": ("dataset",),
    "architecture": ("architecture",),
    "modality": ("modality",),
    "license": ("license",),
}
LITERAL_TYPES = ("string", "integer", "decimal", "date", "iri")
PARAM_TYPES = (*ENTITY_TYPES, *LITERAL_TYPES)

_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s+\((?P<type>[a-z]+)\)\s*(?P<doc>.*)$")
_KEY = re.compile(r"^#\s?(?P<key>[a-z]+):\s*(?P<value>.*)$")


@dataclass(frozen=True)
class Param:
    """A declared query parameter: the variable it binds, its type and what it means."""

    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library, with its parsed header."""

    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    examples: tuple[str, ...] = field(default_factory=tuple)


def parse_header(name: str, path: Path, text: str) -> NamedQuery:
    """Read the comment header of a query file."""
    values: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if m := _KEY.match(line):
            last = values.setdefault(m["key"], [])
            last.append(m["value"].strip())
        elif last is not None and line.startswith("#  "):
            last[-1] += " " + line[1:].strip()
    params = []
    for raw in values.get("param", []):
        m = _PARAM.match(raw)
        if not m or m["type"] not in PARAM_TYPES:
            raise QueryError(
                f"{path}: bad param line {raw!r}: expected 'NAME (TYPE) doc' with TYPE one of {', '.join(PARAM_TYPES)}"
            )
        params.append(Param(m["name"], m["type"], m["doc"]))
    columns = tuple(c.strip() for c in " ".join(values.get("columns", [])).split(",") if c.strip())
    return NamedQuery(
        name=name,
        path=path,
        text=text,
        title=" ".join(values.get("title", [])),
        description=" ".join(values.get("description", [])),
        params=tuple(params),
        columns=columns,
        examples=tuple(values.get("example", [])),
    )


#: fmkg's own queries: ``rq/NAME.rq`` beside this module.
INTERNAL = PACKAGE / "sparql" / "rq"


def internal_query(name: str) -> str:
    """The text of one of fmkg's own queries (``sparql/rq/NAME.rq``)."""
    return (INTERNAL / f"{name}.rq").read_text(encoding="utf-8")


def library(directory: Path | None = None) -> dict[str, NamedQuery]:
    """All named queries, by name (the file name without ``.rq``), sorted."""
    folder = directory or queries_dir()
    return {p.stem: parse_header(p.stem, p, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.rq"))}


def from_file(path: Path) -> NamedQuery:
    """A query read from a user's ``.rq`` file; its header, if any, declares its parameters."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read: {exc}") from exc
    return parse_header(path.stem, path, text)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # an inline query longer than a file name can be
        return False


def get(reference: str) -> NamedQuery:
    """Find a query by shipped name or ``.rq`` path; anything else is treated as inline SPARQL."""
    lib = library()
    if reference in lib:
        return lib[reference]
    path = Path(reference)
    if reference.endswith(".rq") or ("\n" not in reference and _is_file(path)):
        if not path.is_file():
            raise QueryError(f"{reference}: no such query file")
        return from_file(path)
    if re.fullmatch(r"[\w-]+", reference):
        raise QueryError(f"no named query {reference!r}; run 'fmkg queries' to list them")
    return NamedQuery(name="<inline>", path=Path("<inline>"), text=reference)
