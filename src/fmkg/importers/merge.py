"""From records to triples: resolve every name, type every edge the input allows, and describe the source.

One import gives one named graph. An entity that already exists (in the curated core or an earlier
import) keeps its IRI and gets this source's facts and names (as ``skos:altLabel``); a new entity gets
a new IRI and one ``rdfs:label``. A reference that names nothing known becomes an
``fm:unresolvedReference``; one that names several things is reported as ambiguous and kept the same
way. Lineage edges that would close a cycle are refused and reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from fmkg.importers.fields import is_iri, is_placeholder
from fmkg.importers.matching import Resolver, name_key, org_names
from fmkg.importers.records import KINDS, Record, Ref, SourceData, SourceInfo
from fmkg.importers.summary import Summary
from fmkg.names.index import kind_of
from fmkg.rdf.namespaces import FM, LINEAGE

if TYPE_CHECKING:
    import pyoxigraph as ox

    from fmkg.store import KnowledgeGraph

#: The class of a new entity of each kind, unless its record says more.
KIND_CLASSES = {"model": FM.AIModel, "dataset": FM.Dataset, "app": FM.Application, "org": FM.Organization}

#: Properties compared between sources to find conflicting facts.
CONFLICT_PROPERTIES = (FM.releaseDate, FM.parameterCount, FM.developer)

Progress = Callable[[str, int, int], None]
Triple = tuple[URIRef, URIRef, URIRef]

#: Edges that say how one entity depends on another; an untyped dependency beside one is left out.
TYPED_EDGES = (*LINEAGE, FM.trainedOn, FM.poweredBy)


def typed_edge(source_kind: str, target_kind: str) -> URIRef:
    """The property for an untyped dependency between two kinds of entity: a model on a dataset is
    trained on it, an application on a model is powered by it, anything else merely depends on it."""
    if source_kind == "model" and target_kind == "dataset":
        return FM.trainedOn
    if source_kind == "app" and target_kind == "model":
        return FM.poweredBy
    return FM.dependsOn


@dataclass
class ImportResult:
    """The graph of one import, with its summary."""

    info: SourceInfo
    graph_iri: URIRef
    graph: Graph
    summary: Summary

    def triples(self) -> list[ox.Triple]:
        """The triples of the import as store terms, for the writer."""
        import pyoxigraph as ox

        from fmkg.rdf.terms import to_ox

        return [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in self.graph]  # type: ignore[arg-type]


@dataclass
class _Entity:
    iri: URIRef
    kind: str
    new: bool
    records: list[Record] = field(default_factory=list)


class _Builder:
    def __init__(self, info: SourceInfo, data: SourceData, context: KnowledgeGraph, graph_iri: URIRef) -> None:
        self.info = info
        self.data = data
        self.context = context
        self.graph_iri = graph_iri
        self.g = Graph()
        self.r = Resolver.from_graph(context)
        self.summary = Summary(info.key, records=len(data.records))
        self.summary.tolerated.update(data.counts)
        self.summary.warnings += data.warnings
        self.source_iri = URIRef(info.iri)
        self.new_entities: set[str] = set()
        self.kind_of_new: dict[str, str] = {}
        self.about: dict[Triple, tuple[tuple[URIRef, Literal], ...]] = {}  # facts about edges, by edge

    # --- entities -------------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        self.summary.warnings.append(message)

    def new_entity(self, kind: str, name: str, classes: Iterable[URIRef] = (), source: str | None = None) -> URIRef:
        """Mint an entity with one label and its source."""
        iri = self.r.mint(kind, name)
        self.r.add(iri, name, primary=True)
        node = URIRef(iri)
        for cls in classes or [KIND_CLASSES[kind]]:
            self.g.add((node, RDF.type, cls))
        self.g.add((node, RDFS.label, Literal(name, lang="en")))
        self.g.add((node, DCTERMS.source, self.source_iri))
        if source and is_iri(source):
            self.g.add((node, DCTERMS.source, URIRef(source)))
        self.new_entities.add(iri)
        self.kind_of_new[iri] = kind
        return node

    def also_named(self, iri: str, name: str) -> None:
        """Give an entity another name (``skos:altLabel``) unless it already has that name, in any case."""
        if name and name.casefold() not in {n.casefold() for n in self.r.names.get(iri, ())}:
            self.g.add((URIRef(iri), SKOS.altLabel, Literal(name, lang="en")))
        self.r.add(iri, name, primary=False)

    def register(self, records: list[Record], progress: Progress | None) -> list[_Entity]:
        groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for rec in records:
            groups[(rec.kind, name_key(rec.name))].append(rec)
        entities: dict[str, _Entity] = {}
        order: list[str] = []
        keys = sorted(groups, key=lambda k: (KINDS.index(k[0]) if k[0] in KINDS else 9, k[1], groups[k][0].name))
        for n, key in enumerate(keys, 1):
            kind, _ = key
            clusters = self._clusters(groups[key])
            if len(clusters) > 1:
                self.summary.ambiguous += 1
                self.warn(
                    f"{groups[key][0].where}: {len(clusters)} records called {groups[key][0].name!r} have different "
                    "developers and dates more than a year apart: kept apart"
                )
            for recs in clusters:
                self.summary.duplicates += len(recs) - 1
                iri = self._register_cluster(kind, recs, entities, order)
                for rec in recs:
                    for name in [rec.name, *rec.aliases]:
                        self.also_named(iri, name)
                    for match in rec.exact_match:
                        self.r.matches[match].add(iri)
            if progress:
                progress("resolving", n, len(keys))
        self.summary.entities = len(entities)
        return [entities[i] for i in order]

    def _register_cluster(self, kind: str, recs: list[Record], entities: dict[str, _Entity], order: list[str]) -> str:
        first = recs[0]
        found = self._find_record(first)
        if len(found) > 1:
            self.summary.ambiguous += 1
            self.warn(f"{first.where}: {first.name!r} matches {', '.join(_short(i) for i in found)}; kept apart")
            found = []
        if found and not self._same_thing(found[0], recs, entities):
            if found[0] not in self.new_entities:  # a split inside this source is reported already
                self.summary.ambiguous += 1
                self.warn(
                    f"{first.where}: {first.name!r} has the name of {_short(found[0])} but another developer "
                    "and a date more than a year apart: kept apart"
                )
            found = []
        if found:
            iri = found[0]
            if iri in entities:
                self.summary.duplicates += len(recs)
                entities[iri].records += recs
            else:
                entities[iri] = _Entity(URIRef(iri), kind, new=iri in self.new_entities, records=list(recs))
                order.append(iri)
                if self.r.is_existing(iri):
                    self.summary.merged += 1
            return iri
        classes = list(dict.fromkeys(c for rec in recs for c in rec.classes))
        node = self.new_entity(kind, first.name, classes)
        entities[str(node)] = _Entity(node, kind, new=True, records=list(recs))
        order.append(str(node))
        self.summary.added += 1
        return str(node)

    # Two records with one name are taken for two things only when both name developers, none in
    # common, and their dates are more than a year apart ("GOAT", an agent of 2021 and an LLM of 2023).

    def _developer_keys(self, recs: Iterable[Record]) -> set[str]:
        keys = set()
        for rec in recs:
            for dev in rec.developers:
                found = self.r.find(dev, ("org",), variants=True)
                keys.add(found[0] if len(found) == 1 else "name:" + name_key(dev))
        return keys

    def _clusters(self, recs: list[Record]) -> list[list[Record]]:
        clusters: list[list[Record]] = []
        for rec in recs:
            for cluster in clusters:
                if _compatible(
                    self._developer_keys(cluster), _months(cluster), self._developer_keys([rec]), _months([rec])
                ):
                    cluster.append(rec)
                    break
            else:
                clusters.append([rec])
        return clusters

    def _same_thing(self, iri: str, recs: list[Record], entities: dict[str, _Entity]) -> bool:
        node = URIRef(iri)
        devs = {str(o) for o in self.context.objects(node, FM.developer)}
        dates = {_month(str(o)) for o in self.context.objects(node, FM.releaseDate)}
        if iri in entities:
            devs |= self._developer_keys(entities[iri].records)
            dates |= _months(entities[iri].records)
        return _compatible(devs, {d for d in dates if d is not None}, self._developer_keys(recs), _months(recs))

    def _find_record(self, rec: Record) -> list[str]:
        for match in rec.exact_match:
            if found := self.r.find_match(match, (rec.kind,)):
                return found
        for name in [rec.name, *rec.aliases]:
            if found := self.r.find(name, (rec.kind,)):
                return found
        return []

    # --- organisations, licences, access levels -------------------------------------------------

    def organization(self, name: str, wikidata: str | None = None) -> URIRef | None:
        if is_placeholder(name):
            return None
        found = self.r.find_match(wikidata, ("org",)) if wikidata else []
        found = found or self.r.find(name, ("org",), variants=True)
        if len(found) > 1:
            self.summary.ambiguous += 1
            self.warn(f"organization {name!r} matches {', '.join(_short(i) for i in found)}; left out")
            return None
        if found:
            self.also_named(found[0], name)
            return URIRef(found[0])
        label, others = org_names(name)
        node = self.new_entity("org", label)
        self.summary.organizations_added += 1
        for other in others:
            self.also_named(str(node), other)
        if wikidata:
            self.g.add((node, SKOS.exactMatch, URIRef(wikidata)))
            self.r.matches[wikidata].add(str(node))
        return node

    def license(self, name: str) -> URIRef | None:
        if is_placeholder(name):
            return None
        found = self.r.find(name, ("license",))
        if len(found) == 1:
            self.also_named(found[0], name)
            return URIRef(found[0])
        if len(found) > 1:
            self.summary.ambiguous += 1
            self.warn(f"license {name!r} matches {', '.join(_short(i) for i in found)}; left out")
            return None
        words = name.split()
        looks_like_a_name = (
            0 < len(words) <= 8 and not any(c in name for c in ",;[]()") and "http" not in name and "/" not in name
        )
        if not looks_like_a_name or self.r.find(name, ("org", "model", "dataset", "app")):
            self.summary.tolerated["licenses not read"] += 1
            return None
        node = self.new_entity("license", name, [FM.License])
        self.summary.licenses_added += 1
        return node

    def access(self, name: str) -> URIRef | None:
        found = self.r.find(name, ("access",))
        if len(found) == 1:
            return URIRef(found[0])
        self.summary.tolerated["access levels not read"] += 1
        return None

    # --- facts and edges -------------------------------------------------------------------------

    def is_family(self, node: URIRef) -> bool:
        """Whether the graph holds ``node`` as a model family (whose sizes belong to its variants)."""
        return (node, RDF.type, FM.ModelFamily) in self.context

    def facts(self, entity: _Entity) -> None:
        node = entity.iri
        add = self.g.add
        add((node, DCTERMS.source, self.source_iri))
        for rec in entity.records:
            for dev in rec.developers:
                org = self.organization(dev, rec.developer_matches.get(dev))
                if org is not None:
                    add((node, FM.developer, org))
            for date in rec.dates:
                add((node, FM.releaseDate, date))
            family = entity.kind == "model" and self.is_family(node)
            if rec.parameters is not None and entity.kind == "model":
                if family:  # a size is one variant's; the record does not say which
                    self.summary.tolerated["sizes of a model family left to its variants"] += 1
                else:
                    add((node, FM.parameterCount, Literal(rec.parameters, datatype=XSD.integer)))
            if rec.compute is not None and entity.kind == "model" and not family:
                add((node, FM.trainingCompute, Literal(rec.compute, datatype=XSD.double)))
            if rec.access:
                level = self.access(rec.access)
                if level is not None:
                    add((node, FM.access, level))
            for lic in rec.licenses:
                license_iri = self.license(lic)
                if license_iri is not None:
                    add((node, FM.license, license_iri))
            for lang in rec.languages:
                add((node, DCTERMS.language, Literal(lang, datatype=XSD.language)))
            for src in rec.sources:
                if is_iri(src):
                    add((node, DCTERMS.source, URIRef(src)))
            if rec.homepage and is_iri(rec.homepage):
                add((node, FM.homepage, URIRef(rec.homepage)))
            for match in rec.exact_match:
                add((node, SKOS.exactMatch, URIRef(match)))

    def target(self, ref: Ref, rec: Record) -> tuple[str | None, str]:
        """Resolve a reference: (IRI, "") or (None, why)."""
        found = self.r.find_match(ref.exact_match, ref.kinds) if ref.exact_match else []
        for name in (ref.name, *ref.alternatives):
            found = found or self.r.find(name, ref.kinds)
        if len(found) > 1:
            return None, "ambiguous: " + ", ".join(_short(i) for i in found)
        if found:
            return found[0], ""
        if ref.create and not is_placeholder(ref.name):
            if self.r.find(ref.name, tuple(k for k in KINDS if k not in ref.kinds)):
                return None, "names an entity of another kind"
            node = self.new_entity(ref.kinds[0], ref.name, source=ref.create_source)
            self.summary.added += 1
            if ref.exact_match:
                self.g.add((node, SKOS.exactMatch, URIRef(ref.exact_match)))
                self.r.matches[ref.exact_match].add(str(node))
            return str(node), ""
        return None, "unknown"

    def edges(self, entity: _Entity) -> tuple[list[Triple], list[Triple]]:
        """Resolve the entity's references: lineage edges and untyped dependencies are returned, to be
        added when all are known; other edges and unresolved references are added at once."""
        lineage: list[Triple] = []
        untyped: list[Triple] = []
        for rec in entity.records:
            for ref in rec.refs:
                if is_placeholder(ref.name):
                    continue
                iri, why = self.target(ref, rec)
                if iri is None:
                    self.g.add((entity.iri, FM.unresolvedReference, Literal(ref.name)))
                    if why.startswith("ambiguous"):
                        self.summary.ambiguous += 1
                        self.warn(f"{rec.where}: {ref.name!r} is {why}; kept as an unresolved reference")
                    else:
                        self.summary.unresolved += 1
                    continue
                if iri == str(entity.iri):
                    self.summary.tolerated["references to itself"] += 1
                    continue
                target_kind = kind_of(iri) or ""
                prop = ref.prop or typed_edge(entity.kind, target_kind)
                triple = (entity.iri, prop, URIRef(iri))
                if ref.about:
                    self.about.setdefault(triple, ref.about)
                if prop in LINEAGE:
                    lineage.append(triple)
                elif prop == FM.dependsOn:
                    untyped.append(triple)
                else:
                    self.g.add(triple)
        return lineage, untyped

    def add_untyped(self, edges: list[tuple[URIRef, URIRef, URIRef]]) -> None:
        """Add untyped dependencies, except where a typed edge already links the two entities (or the
        first to a variant of the second): "Alpaca depends on LLaMA" says nothing that "Alpaca
        fine-tuned from LLaMA 7B" does not say better."""
        for s, p, o in sorted(set(edges), key=lambda t: (str(t[0]), str(t[2]))):
            variants = {v for v in self.context.subjects(FM.variantOf, o) if isinstance(v, URIRef)}
            typed = any((s, q, t) in self.g or (s, q, t) in self.context for q in TYPED_EDGES for t in (o, *variants))
            if typed:
                self.summary.tolerated["dependencies typed by another source"] += 1
            else:
                self.g.add((s, p, o))

    def add_lineage(self, edges: list[tuple[URIRef, URIRef, URIRef]]) -> None:
        """Add lineage edges in a stable order, refusing any that would make a derivation cycle. A
        family stands for its variants: an edge from a variant to a model that descends from the
        variant's family is a cycle too (GPT-3 175B cannot derive from DALL-E, based on GPT-3)."""
        parents: dict[str, set[str]] = defaultdict(set)
        for prop in LINEAGE:
            for s, _, o in self.context.triples((None, prop, None)):
                parents[str(s)].add(str(o))
        for child, prop, parent in sorted(set(edges), key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
            if self.said_of_a_variant(child, parent):
                self.summary.tolerated["edges to a family already stated to one of its variants"] += 1
                continue
            selves = {str(child), *(str(f) for f in self.context.objects(child, FM.variantOf))}
            if any(_reaches(parents, str(parent), me) for me in selves):
                self.summary.refused += 1
                self.warn(
                    f"{_short(str(child))} {_short(str(prop))} {_short(str(parent))}: refused, it would make a cycle"
                )
                continue
            parents[str(child)].add(str(parent))
            self.g.add((child, prop, parent))

    def said_of_a_variant(self, child: URIRef, parent: URIRef) -> bool:
        """Whether a lineage edge already leads from ``child`` to a variant of the family ``parent``:
        "Alpaca fine-tuned from LLaMA" says less than "Alpaca fine-tuned from LLaMA 7B"."""
        variants = set(self.context.subjects(FM.variantOf, parent))
        return any((child, q, v) in self.context or (child, q, v) in self.g for q in LINEAGE for v in variants)

    def qualify(self) -> None:
        """State what the source says about its edges (its confidence) on an rdf:Statement of each
        edge it kept, citing the source."""
        from fmkg.importers.records import statement_iri

        for (s, p, o), facts in sorted(self.about.items(), key=lambda kv: tuple(str(t) for t in kv[0])):
            if (s, p, o) not in self.g:
                continue  # refused (a cycle) or said better by another edge
            st = URIRef(statement_iri(str(s), str(p), str(o)))
            self.g.add((st, RDF.type, RDF.Statement))
            self.g.add((st, RDF.subject, s))
            self.g.add((st, RDF.predicate, p))
            self.g.add((st, RDF.object, o))
            for q, v in facts:
                self.g.add((st, q, v))
            self.g.add((st, DCTERMS.source, self.source_iri))

    # --- conflicts, provenance -------------------------------------------------------------------

    def count_conflicts(self) -> int:
        """Entity-property pairs whose values here differ from those of earlier sources or each other."""
        subjects = {s for s in self.g.subjects() if isinstance(s, URIRef)}
        n = 0
        for s in sorted(subjects, key=str):
            for prop in CONFLICT_PROPERTIES:
                mine = set(self.g.objects(s, prop))
                if not mine:
                    continue
                theirs = set(self.context.objects(s, prop))
                if prop == FM.developer:
                    conflict = bool(theirs) and not (mine & theirs)
                elif prop == FM.parameterCount:
                    conflict = len({int(v) for v in mine | theirs if isinstance(v, Literal)}) > 1
                else:
                    values = [str(v) for v in mine | theirs]
                    conflict = any(
                        not (a.startswith(b) or b.startswith(a)) for i, a in enumerate(values) for b in values[i + 1 :]
                    )
                n += conflict
        return n

    def provenance(self) -> None:
        dates = sorted(str(d) for r in self.data.records for d in r.dates)
        for triple in source_graph(
            self.info, self.graph_iri, records=self.data.rows, release=self.data.release,
            checksum=self.data.checksum, temporal=f"{dates[0]}/{dates[-1]}" if dates else None,
        ):  # fmt: skip
            self.g.add(triple)


def source_graph(
    info: SourceInfo,
    graph_iri: URIRef,
    *,
    records: int,
    release: str | None,
    checksum: str,
    temporal: str | None = None,
) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The description of an import's named graph: what it was derived from, its licence and credit,
    which copy (release, checksum), how many records, and the span of its dates."""
    node, source = graph_iri, URIRef(info.iri)
    out: list[tuple[URIRef, URIRef, URIRef | Literal]] = [
        (node, RDF.type, FM.SourceGraph),
        (node, RDFS.label, Literal(f"{info.title} (imported)", lang="en")),
        (node, PROV.wasDerivedFrom, source),
        (node, DCTERMS.source, source),
        (node, DCTERMS.bibliographicCitation, Literal(info.citation)),
        (node, FM.recordCount, Literal(records, datatype=XSD.integer)),
    ]
    if info.license:
        out.append((node, DCTERMS.license, URIRef(info.license)))
    if release:
        out.append((node, DCTERMS.hasVersion, Literal(release)))
    if checksum:
        out.append((node, DCTERMS.identifier, Literal(checksum)))
    if temporal:
        out.append((node, DCTERMS.temporal, Literal(temporal)))
    return out


def _month(date: str) -> int | None:
    m = re.match(r"(\d{4})(?:-(\d\d))?", date)
    return int(m[1]) * 12 + int(m[2] or 6) if m else None


def _months(recs: Iterable[Record]) -> set[int]:
    return {m for rec in recs for d in rec.dates if (m := _month(str(d))) is not None}


def _compatible(devs_a: set[str], months_a: set[int], devs_b: set[str], months_b: set[int]) -> bool:
    if not devs_a or not devs_b or devs_a & devs_b or not months_a or not months_b:
        return True
    return min(abs(a - b) for a in months_a for b in months_b) <= 12


def _reaches(parents: dict[str, set[str]], start: str, goal: str) -> bool:
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for p in parents.get(node, ()):
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return False


def _short(iri: str) -> str:
    from fmkg.rdf.terms import compact

    return compact(URIRef(iri))


def build(
    info: SourceInfo,
    data: SourceData,
    context: KnowledgeGraph,
    graph_iri: URIRef,
    progress: Progress | None = None,
) -> ImportResult:
    """Resolve the records of ``data`` against ``context`` and return the graph of this import."""
    b = _Builder(info, data, context, graph_iri)
    entities = b.register(data.records, progress)
    lineage: list[Triple] = []
    untyped: list[Triple] = []
    for n, entity in enumerate(entities, 1):
        b.facts(entity)
        more_lineage, more_untyped = b.edges(entity)
        lineage += more_lineage
        untyped += more_untyped
        if progress:
            progress("linking", n, len(entities))
    b.add_lineage(lineage)
    b.add_untyped(untyped)
    b.qualify()
    b.summary.conflicts = b.count_conflicts()
    b.provenance()
    for prop in sorted({p for _, p, o in b.g if isinstance(o, URIRef) and p not in (RDF.type,)}, key=str):
        b.summary.edges[_short(str(prop))] = sum(1 for _ in b.g.triples((None, prop, None)))
    return ImportResult(info, graph_iri, b.g, b.summary)
