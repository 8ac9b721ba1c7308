"""What every importer produces: records of the source's entities, in terms no source owns.

A reader turns its input into :class:`Record` objects (one per row, asset or model card) and
:class:`Ref` references to other things by name; :mod:`fmkg.importers.build` resolves the names and
writes the triples. Readers know their format; nothing else does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

#: Kinds of entity a record can describe (the ``{kind}`` of ``https://w3id.org/fmkg/id/{kind}/{slug}``).
KINDS = ("model", "dataset", "app")


@dataclass(frozen=True)
class Ref:
    """A reference by name from a record to another entity.

    ``prop`` is the property to state when the reference resolves; None lets the builder type the
    edge from the kinds at both ends (an untyped dependency). ``kinds`` restricts what it may name.
    ``create`` makes a new entity of ``kinds[0]`` when the name matches nothing: for fields whose
    type the source states (a training dataset), never for untyped dependencies.
    """

    name: str
    prop: URIRef | None = None
    kinds: tuple[str, ...] = KINDS
    create: bool = False
    create_source: str | None = None  # the IRI to cite as source of a created entity
    exact_match: str | None = None  # a Wikidata IRI that identifies the target
    alternatives: tuple[str, ...] = ()  # other names to try when ``name`` matches nothing
    #: Facts about the edge itself (e.g. the source's confidence in it), stated on an rdf:Statement of it.
    about: tuple[tuple[URIRef, Literal], ...] = ()


def statement_iri(subject: str, predicate: str, obj: str) -> str:
    """The IRI of the rdf:Statement that qualifies an edge: the same edge, the same IRI, whichever
    importer states it."""
    import hashlib

    from fmkg.rdf.namespaces import ID

    digest = hashlib.sha1(f"<{subject}> <{predicate}> <{obj}>".encode()).hexdigest()[:20]
    return f"{ID}statement/{digest}"


@dataclass
class Record:
    """One entity as a source describes it: names, facts and references, all still as text or literals."""

    kind: str
    name: str
    where: str  # file:line, for messages
    aliases: list[str] = field(default_factory=list)
    classes: list[URIRef] = field(default_factory=list)
    developers: list[str] = field(default_factory=list)
    dates: list[Literal] = field(default_factory=list)
    parameters: int | None = None
    compute: float | None = None
    access: str | None = None
    licenses: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    homepage: str | None = None
    refs: list[Ref] = field(default_factory=list)
    exact_match: list[str] = field(default_factory=list)
    developer_matches: dict[str, str] = field(default_factory=dict)  # developer name -> Wikidata IRI


@dataclass(frozen=True)
class SourceInfo:
    """A data set fmkg imports: what it is, where it lives, its licence and how to credit it."""

    key: str  # also the name of its graph: data/imported/{key}
    title: str
    iri: str
    license: str | None
    citation: str
    reads: str  # what the importer reads, for help texts


@dataclass
class SourceData:
    """What a reader got from its input: the records and counts of what it tolerated."""

    records: list[Record]
    files: list[str]
    rows: int = 0
    checksum: str = ""
    release: str | None = None
    counts: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    columns_missing: list[str] = field(default_factory=list)
    columns_extra: list[str] = field(default_factory=list)

    def tolerate(self, what: str, where: str | None = None, detail: str = "") -> None:
        """Count something the reader skipped or could not parse; keep a few examples as warnings."""
        self.counts[what] += 1
        if where is not None and self.counts[what] <= 5:
            self.warnings.append(f"{where}: {what}" + (f": {detail}" if detail else ""))
