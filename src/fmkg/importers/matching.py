"""Entity resolution: finding the entity of the graph that a source's name means, or minting a new IRI.

Names are compared after :func:`fmkg.names.index.normalise`, labels before alternative labels (and
slugs count as labels), then through the shipped alias table (``aliases.toml``). A name that
matches several entities is ambiguous: the caller reports it and guesses nothing.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from fmkg.names.index import kind_of, normalise
from fmkg.rdf.namespaces import ID

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph

ALIASES_FILE = Path(__file__).with_name("aliases.toml")


@dataclass(frozen=True)
class Aliases:
    """Names the data sets use for entities of the graph beyond their labels, and names not to split."""

    names: dict[str, dict[str, str]]  # kind -> normalised name -> slug or name of the entity meant
    keep_whole: tuple[str, ...]  # names that contain a list separator, e.g. "University of Maryland, College Park"

    def target(self, kind: str, name: str) -> str | None:
        """What the alias table says ``name`` means among entities of ``kind``: a slug or another name."""
        return self.names.get(kind, {}).get(name_key(name))


@cache
def load_aliases(path: Path = ALIASES_FILE) -> Aliases:
    """Read the alias table (TOML: a table per kind mapping a name to a slug, plus ``[split] keep``)."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    names: dict[str, dict[str, str]] = {}
    for kind, table in data.items():
        if kind == "split":
            continue
        names[kind] = {name_key(name): str(slug) for name, slug in table.items()}
    keep = tuple(str(n) for n in data.get("split", {}).get("keep", []))
    return Aliases(names, keep)


def name_key(name: str) -> str:
    """The key names are compared by: :func:`fmkg.names.index.normalise`, keeping "+" ("Command R+" is
    not "Command R")."""
    key = normalise(name)
    return key + "+" * name.count("+") if key else ""


def slugify(name: str) -> str:
    """A slug for a name: lower-case ASCII letters, digits, '.' and '-' (``"GPT-3 175B (davinci)"`` →
    ``gpt-3-175b-davinci``); a name with no ASCII letters or digits gets a short hash."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    spaced = "".join(c if c.isalnum() or c == "." else " " for c in letters)  # "DALL·E" -> "DALL E"
    ascii_name = spaced.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9.]+", "-", ascii_name)
    slug = re.sub(r"-*\.+-*", ".", slug)  # "a. b" -> "a.b"
    slug = re.sub(r"-{2,}", "-", slug).strip("-.")
    if not slug:
        slug = "x-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return slug[:80].strip("-.")


_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,9}")
_TRAILING = re.compile(r"^(?P<outer>.*\S)\s*\((?P<inner>[^()]+)\)$")


def org_names(name: str) -> tuple[str, list[str]]:
    """The label and other names of an organisation named ``name`` by a source.

    ``"Carnegie Mellon University (CMU)"`` is labelled "Carnegie Mellon University" and also called
    "CMU" and by its full form; ``"University of Montreal / Université de Montréal"`` is labelled by
    the first form.
    """
    if " / " in name:
        parts = [p.strip() for p in name.split(" / ") if p.strip()]
        if len(parts) > 1:
            return parts[0], [name, *parts[1:]]
    m = _TRAILING.match(name)
    if m and _ACRONYM.fullmatch(m["inner"].strip()):
        return m["outer"].strip(), [name, m["inner"].strip()]
    return name, []


def name_variants(name: str) -> list[str]:
    """Other forms to try when an organisation's name matches nothing: without a trailing
    parenthesis, each side of a " / "."""
    out: list[str] = []
    if " / " in name:
        out += [p.strip() for p in name.split(" / ") if p.strip()]
    if m := _TRAILING.match(name):
        out.append(m["outer"].strip())
        if _ACRONYM.fullmatch(m["inner"].strip()):
            out.append(m["inner"].strip())
    return [v for v in out if v != name]


@dataclass
class Resolver:
    """An index of the names of the entities in the graph, which grows as an import adds entities."""

    aliases: Aliases
    primary: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    secondary: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # iri -> exact names
    matches: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # exactMatch -> iris
    existing: set[str] = field(default_factory=set)  # IRIs described before this import
    taken: set[str] = field(default_factory=set)  # every IRI in use, existing or minted

    @classmethod
    def from_graph(cls, ds: KnowledgeGraph, aliases: Aliases | None = None) -> Resolver:
        """Index every label, alternative label, slug and exact match of the entities in ``ds``."""
        r = cls(aliases or load_aliases())
        for prop, primary in ((RDFS.label, True), (SKOS.prefLabel, True), (SKOS.altLabel, False)):
            for s, _, o in ds.triples((None, prop, None)):
                if isinstance(s, URIRef) and kind_of(str(s)):
                    r.add(str(s), str(o), primary=primary)
        for s, _, o in ds.triples((None, SKOS.exactMatch, None)):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                r.matches[str(o)].add(str(s))
        for (s,) in ds.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }", source="subjects"):
            if isinstance(s, URIRef) and kind_of(str(s)):
                r.taken.add(str(s))
        r.existing = set(r.taken)
        for iri in r.existing:
            slug = iri.rsplit("/", 1)[1]
            r.primary[name_key(slug)].add(iri)
        return r

    def add(self, iri: str, name: str, *, primary: bool) -> None:
        """Record that ``name`` names ``iri``."""
        key = name_key(name)
        self.names[iri].add(name)
        self.taken.add(iri)
        if key:
            (self.primary if primary else self.secondary)[key].add(iri)

    def find(self, name: str, kinds: tuple[str, ...], *, variants: bool = False) -> list[str]:
        """The entities of ``kinds`` that ``name`` names: by the alias table, then labels, then other
        names; with ``variants``, also by the forms of :func:`name_variants`. Empty when none."""
        for kind in kinds:
            target = self.aliases.target(kind, name)
            if target is None:
                continue
            if f"{ID}{kind}/{target}" in self.taken:
                return [f"{ID}{kind}/{target}"]
            if name_key(target) != name_key(name) and (found := self.find(target, (kind,))):
                return found
        key = name_key(name)
        if not key:
            return []
        for table in (self.primary, self.secondary):
            found = sorted(i for i in table.get(key, ()) if kind_of(i) in kinds)
            if found:
                return found
        if variants:
            for variant in name_variants(name):
                found = self.find(variant, kinds)
                if found:
                    return found
        return []

    def find_match(self, iri: str, kinds: tuple[str, ...]) -> list[str]:
        """The entities of ``kinds`` that state ``skos:exactMatch iri``."""
        return sorted(i for i in self.matches.get(iri, ()) if kind_of(i) in kinds)

    def mint(self, kind: str, name: str) -> str:
        """A new IRI for an entity of ``kind`` called ``name``: its slug, or the slug with a number
        appended when another entity already has it."""
        base = slugify(name)
        iri = f"{ID}{kind}/{base}"
        n = 2
        while iri in self.taken:
            iri = f"{ID}{kind}/{base}-{n}"
            n += 1
        self.taken.add(iri)
        return iri

    def is_existing(self, iri: str) -> bool:
        """True for entities described before this import."""
        return iri in self.existing
