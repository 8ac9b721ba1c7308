"""Resolving the names users type (IRI, prefixed name, slug, label or alias) to entity IRIs."""

from __future__ import annotations

import contextlib
import difflib
import pickle
import unicodedata
import weakref
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Dataset, URIRef

from fmkg.errors import AmbiguousEntityError, UnknownEntityError
from fmkg.namespaces import ID, PREFIXES
from fmkg.paths import internal_query
from fmkg.results import rows


def normalise(name: str) -> str:
    """Fold case, accents and punctuation: "DALL·E", "dall-e" and "Dall E" all become "dalle"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())


def kind_of(iri: str) -> str | None:
    """The kind segment of an fmkg instance IRI (``model``, ``org``, ...), or None."""
    if not iri.startswith(str(ID)):
        return None
    head, _, _ = iri[len(str(ID)) :].partition("/")
    return head or None


def slug_of(iri: str) -> str | None:
    """The slug of an fmkg instance IRI: the part after ``id/{kind}/``."""
    if not iri.startswith(str(ID)):
        return None
    _, _, slug = iri[len(str(ID)) :].partition("/")
    return slug or None


@dataclass
class NameIndex:
    """Names of entities, normalised, for exact lookup and "did you mean" suggestions."""

    primary: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    secondary: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    display: dict[str, str] = field(default_factory=dict)
    _shown_primary: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, ds: Dataset) -> NameIndex:
        """Index every label, preferred label, alternative label and slug in ``ds``."""
        index = cls()
        for row in rows(ds.query(internal_query("labels"))):
            iri, name, primary = str(row[0]), str(row[1]), str(row[2]) == "true"
            index.add(iri, name, primary=primary)
            if slug := slug_of(iri):
                index.add(iri, slug, primary=True)
        return index

    def add(self, iri: str, name: str, *, primary: bool) -> None:
        key = normalise(name)
        if not key:
            return
        (self.primary if primary else self.secondary)[key].add(iri)
        # The name to show for an entity: its first label, else its first alternative label.
        if primary and iri not in self._shown_primary:
            self._shown_primary.add(iri)
            self.display[iri] = name
        else:
            self.display.setdefault(iri, name)

    def lookup(self, name: str, kinds: tuple[str, ...] = ()) -> str:
        """The one IRI that ``name`` names, restricted to ``kinds`` when given."""
        key = normalise(name)

        def fits(found: set[str]) -> list[str]:
            return sorted(i for i in found if not kinds or kind_of(i) in kinds)

        for table in (self.primary, self.secondary):
            found = fits(table.get(key, set()))
            if len(found) == 1:
                return found[0]
            if found:
                raise AmbiguousEntityError(name, [self.short(i) for i in found])
        raise UnknownEntityError(name, self.suggest(name, kinds))

    def suggest(self, name: str, kinds: tuple[str, ...] = (), n: int = 5) -> list[str]:
        """Names close to ``name``, best first."""
        key = normalise(name)
        keys = [
            k
            for table in (self.primary, self.secondary)
            for k, iris in table.items()
            if not kinds or any(kind_of(i) in kinds for i in iris)
        ]
        close = difflib.get_close_matches(key, keys, n=n * 2, cutoff=0.6)
        close += sorted(k for k in keys if key and key in k and k not in close)
        seen: list[str] = []
        for k in close:
            iris = self.primary.get(k) or self.secondary.get(k) or set()
            for iri in sorted(iris):
                label = self.display.get(iri, iri)
                if label not in seen:
                    seen.append(label)
        return seen[:n]

    @staticmethod
    def short(iri: str) -> str:
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and prefix != "graph":
                return f"{prefix}:{iri[len(ns) :]}"
        return f"<{iri}>"


_INDEXES: weakref.WeakKeyDictionary[Dataset, NameIndex] = weakref.WeakKeyDictionary()


def index_for(ds: Dataset) -> NameIndex:
    """The name index of ``ds``, built once per dataset; for a cached graph, read from the cache too."""
    if (found := _INDEXES.get(ds)) is not None:
        return found
    cached = getattr(ds, "fmkg_cache_path", None)  # set by fmkg.store for graphs loaded from its cache
    index = None
    if cached is not None:
        names = cached.with_suffix(".names.pickle")
        with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError):
            index = pickle.loads(names.read_bytes())
        if not isinstance(index, NameIndex):
            index = NameIndex.build(ds)
            from fmkg.fileio import write_atomic

            with contextlib.suppress(OSError):
                write_atomic(names, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    _INDEXES[ds] = index or NameIndex.build(ds)
    return _INDEXES[ds]


def resolve(ds: Dataset, name: str, kinds: tuple[str, ...] = (), index: NameIndex | None = None) -> URIRef:
    """Resolve a name to an IRI: ``<iri>``, ``http...``, ``prefix:local``, or a slug, label or alias."""
    text = name.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if text.startswith(("http://", "https://", "urn:")):
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and " " not in local:
        return URIRef(PREFIXES[prefix] + local)
    return URIRef((index or index_for(ds)).lookup(text, kinds))
