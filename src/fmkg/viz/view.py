"""What the viewer draws: the entity graph read from RDF in bulk, narrowed by the options, sized and laid out.

Nodes are the models, applications and datasets ("primary" entities) and whatever the drawn relations
link them to (organisations, and concepts such as licences when asked for). Edges keep their relation.
Every node carries the facts the page shows (label, class, developers, date, modalities, sources, ...).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from fmkg.errors import FmkgError
from fmkg.graph.network import ENTITY_RELATIONS, FLOW_RELATIONS, build, relation_labels
from fmkg.graph.walk import walk
from fmkg.names.index import kind_of
from fmkg.names.resolve import resolve_name
from fmkg.rdf import labels as label_rule
from fmkg.rdf.namespaces import FM
from fmkg.rdf.terms import compact

if TYPE_CHECKING:
    import networkx as nx
    from rdflib.term import Node

    from fmkg.store import KnowledgeGraph
    from fmkg.viz.layout import Tick

Triple = tuple["Node", "Node", "Node"]

LAYOUTS = ("force", "lineage", "timeline")
SIZES = ("descendants", "degree")
DEFAULT_MAX_NODES = 20_000
DEFAULT_TITLE = "fmkg · foundation models"

#: Entities drawn whether or not an edge reaches them; other kinds only as the ends of drawn edges.
PRIMARY_KINDS = ("model", "app", "dataset")

#: What importance counts: everything downstream; an organisation counts what it developed, and downstream.
SIZE_RELATIONS: tuple[URIRef, ...] = (*FLOW_RELATIONS, FM.developer)

#: Relations to concepts that ``--relations`` may add; their targets (licences, ...) then become nodes.
CONCEPT_RELATIONS: tuple[URIRef, ...] = (
    FM.license,
    FM.access,
    FM.architecture,
    FM.inputModality,
    FM.outputModality,
    FM.modality,
    FM.trainingParadigm,
    FM.taskArea,
    FM.hasRisk,
    FM.hasAttribute,
)
KNOWN_RELATIONS: tuple[URIRef, ...] = (*ENTITY_RELATIONS, *(r for r in CONCEPT_RELATIONS if r not in ENTITY_RELATIONS))

_MODALITY = (FM.modality, FM.inputModality, FM.outputModality)


@dataclass(frozen=True)
class VizOptions:
    """What to draw and how; names (focus, organisations) are resolved like everywhere else in fmkg."""

    focus: str | None = None
    depth: int | None = None
    orgs: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    relations: tuple[str, ...] = ()
    layout: str = "force"
    size: str = "descendants"
    max_nodes: int = DEFAULT_MAX_NODES
    sample: bool = False
    title: str = DEFAULT_TITLE

    def check(self) -> None:
        """Raise :class:`FmkgError` for an option out of range."""
        if self.layout not in LAYOUTS:
            raise FmkgError(f"--layout {self.layout!r}: choose from {', '.join(LAYOUTS)}")
        if self.size not in SIZES:
            raise FmkgError(f"--size {self.size!r}: choose from {', '.join(SIZES)}")
        if self.depth is not None and self.depth < 1:
            raise FmkgError("--depth must be at least 1")
        if self.depth is not None and not self.focus:
            raise FmkgError("--depth needs --focus MODEL")
        if self.since is not None and self.until is not None and self.since > self.until:
            raise FmkgError(f"--since {self.since} is after --until {self.until}")
        if self.max_nodes < 1:
            raise FmkgError("--max-nodes must be at least 1")


@dataclass
class View:
    """The graph to draw: the chosen subgraph with facts, importance and positions on every node."""

    graph: nx.MultiDiGraph
    options: VizOptions
    relations: dict[str, str]
    total_nodes: int
    focus: str | None = None
    sampled: bool = False
    axis: list[Tick] = field(default_factory=list)


def parse_relations(names: Iterable[str]) -> tuple[URIRef, ...]:
    """Relations named by local name (``fineTunedFrom``), prefixed name or label (``fine-tuned from``)."""
    known: dict[str, URIRef] = {}
    for r in KNOWN_RELATIONS:
        local = compact(r).split(":", 1)[1]
        for key in (local, compact(r), str(r)):
            known[_norm(key)] = r
    out: list[URIRef] = []
    for raw in names:
        for name in (n.strip() for n in raw.split(",")):
            if not name:
                continue
            if _norm(name) not in known:
                choices = ", ".join(compact(r).split(":", 1)[1] for r in KNOWN_RELATIONS)
                raise FmkgError(f"--relations {name!r}: unknown relation; choose from {choices}")
            if known[_norm(name)] not in out:
                out.append(known[_norm(name)])
    return tuple(out)


def _norm(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _best_literal(values: Iterable[object]) -> str | None:
    """A literal by the label rule (English, then untagged, then smallest text): deterministic."""
    return label_rule.best(v for v in values if isinstance(v, Literal))


class _Facts:
    """The triples a view reads, indexed by predicate and subject."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.by_predicate: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.subjects: set[Node] = set()
        for s, p, o in triples:
            self.by_predicate[p][s].append(o)
            self.subjects.add(s)

    def grab(self, *predicates: URIRef) -> dict[Node, list[Node]]:
        out: dict[Node, list[Node]] = defaultdict(list)
        for p in predicates:
            for s, values in self.by_predicate.get(p, {}).items():
                out[s].extend(values)
        return out


def entity_graph(
    triples: Iterable[Triple], relations: Iterable[URIRef] | None = None, rel_labels: Mapping[str, str] | None = None
) -> nx.MultiDiGraph:
    """Every model, application and dataset, plus the ends of the chosen relations, with their facts.

    Reads the triples once, so it stays linear in their number. Node keys are IRIs; ``id`` is the
    compact form (``model:gpt-3``) the page uses.
    """
    preds = tuple(relations) if relations is not None else ENTITY_RELATIONS
    facts = _Facts(triples)
    nodes: set[URIRef] = {s for s in facts.subjects if isinstance(s, URIRef) and kind_of(str(s)) in PRIMARY_KINDS}
    edges: set[tuple[str, str, str]] = set()
    for p in preds:
        for s, values in facts.by_predicate.get(p, {}).items():
            for o in values:
                if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o:
                    edges.add((str(s), str(p), str(o)))
                    nodes.update((s, o))
    labels: dict[Node, str] = {}
    for s, values in facts.grab(SKOS.prefLabel).items():
        if label := _best_literal(values):
            labels[s] = label
    for s, values in facts.grab(RDFS.label).items():
        if label := _best_literal(values):
            labels[s] = label
    types, devs, dates, params = (facts.grab(RDF.type), facts.grab(FM.developer), facts.grab(FM.releaseDate),
                                  facts.grab(FM.parameterCount))  # fmt: skip
    mods, archs, lics, access = (
        facts.grab(*_MODALITY),
        facts.grab(FM.architecture),
        facts.grab(FM.license),
        facts.grab(FM.access),
    )
    descs, alts, sources = (
        facts.grab(DCTERMS.description, RDFS.comment, SKOS.definition),
        facts.grab(SKOS.altLabel),
        facts.grab(DCTERMS.source),
    )
    homepages, matches = facts.grab(FM.homepage), facts.grab(SKOS.exactMatch)

    def names(values: list[Node]) -> list[str]:
        return sorted({labels.get(v, compact(v)) for v in values if isinstance(v, URIRef)})

    def links(values: list[Node]) -> list[str]:
        return sorted({str(v) for v in values if isinstance(v, URIRef) and str(v).startswith(("http://", "https://"))})

    attrs: dict[str, dict[str, object]] = {}
    for n in sorted(nodes):
        released = sorted(str(d) for d in dates.get(n, []))
        year = released[0][:4] if released else ""
        counts = [int(str(v)) for v in params.get(n, []) if isinstance(v, Literal) and str(v).isdigit()]
        attrs[str(n)] = {
            "id": compact(n),
            "label": labels.get(n, compact(n).split(":", 1)[-1]),
            "kind": kind_of(str(n)) or "",
            "primary": kind_of(str(n)) in PRIMARY_KINDS,
            "classes": sorted({compact(t) for t in types.get(n, []) if isinstance(t, URIRef)}),
            "developers": sorted({str(d) for d in devs.get(n, []) if isinstance(d, URIRef)}),
            "released": released[0] if released else "",
            "year": int(year) if year.isdigit() else None,
            "parameters": max(counts) if counts else None,
            "modalities": names(mods.get(n, [])),
            "architecture": names(archs.get(n, [])),
            "license": names(lics.get(n, [])),
            "access": names(access.get(n, [])),
            "description": _best_literal(descs.get(n, [])) or "",
            "alt_labels": sorted({str(a) for a in alts.get(n, []) if isinstance(a, Literal)}),
            "sources": links(sources.get(n, []) + homepages.get(n, [])),
            "same_as": links(matches.get(n, [])),
        }
    return build(edges, rel_labels or {}, attrs)


def flow_closure(g: nx.MultiDiGraph, root: str, depth: int | None = None) -> set[str]:
    """``root`` with its ancestors and descendants over :data:`FLOW_RELATIONS`, at most ``depth`` hops away."""
    flow = {compact(r) for r in FLOW_RELATIONS}
    out = {root}
    for up in (True, False):
        reached, _ = walk(g, root, up=up, depth=depth, relations=flow)
        out |= set(reached)
    return out


def importance(g: nx.MultiDiGraph, by: str = "descendants") -> dict[str, int]:
    """How important each node is: its degree, or how many entities are downstream of it.

    Downstream counts follow :data:`SIZE_RELATIONS` backwards (what derives from, is powered by or
    was trained on a node, and for an organisation what it developed) at any depth. They are exact,
    computed once over the whole graph with one bitset per strongly connected component.
    """
    import networkx as nx

    if by == "degree":
        return {n: int(d) for n, d in g.degree()}
    size = {compact(r) for r in SIZE_RELATIONS}
    flow = nx.DiGraph()
    flow.add_nodes_from(g.nodes)
    flow.add_edges_from((u, v) for u, v, k in g.edges(keys=True) if k in size)
    cond = nx.condensation(flow)
    bit = {n: 1 << i for i, n in enumerate(sorted(g.nodes))}
    reach: dict[int, int] = {}
    for c in nx.topological_sort(cond):  # children (sources of edges) come before their parents
        acc = 0
        for n in cond.nodes[c]["members"]:
            acc |= bit[n]
        for pred in cond.predecessors(c):
            acc |= reach[pred]
        reach[c] = acc
    mapping = cond.graph["mapping"]
    return {n: reach[mapping[n]].bit_count() - 1 for n in g.nodes}


def _resolve_all(kg: KnowledgeGraph, names: Iterable[str], kinds: tuple[str, ...]) -> list[str]:
    return [resolve_name(kg.names, name, kinds).iri for name in names]


def select(
    g: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int | None = None,
    orgs: Iterable[str] = (),
    since: int | None = None,
    until: int | None = None,
) -> set[str]:
    """The nodes to draw: primary entities passing every filter, and the other entities they link to.

    ``orgs`` keeps what those organisations developed; ``since``/``until`` keep dated entities released
    in those years; ``focus`` keeps the root with its ancestors and descendants (up to ``depth``).
    """
    org_set = set(orgs)
    if not (focus or org_set or since is not None or until is not None):
        return set(g.nodes)
    keep = {n for n, d in g.nodes(data=True) if d["primary"]}
    if org_set:
        keep = {n for n in keep if org_set & set(g.nodes[n]["developers"])}
    if since is not None:
        keep = {n for n in keep if (y := g.nodes[n]["year"]) is not None and y >= since}
    if until is not None:
        keep = {n for n in keep if (y := g.nodes[n]["year"]) is not None and y <= until}
    if focus is not None:
        if focus not in g:
            raise FmkgError(f"{compact(URIRef(focus))} is not in the graph to draw")
        keep = (keep & flow_closure(g, focus, depth)) | {focus}
    return keep | _context(g, keep)


def _context(g: nx.MultiDiGraph, keep: set[str]) -> set[str]:
    out: set[str] = set()
    for n in keep:
        for m in (*g.successors(n), *g.predecessors(n)):
            if not g.nodes[m]["primary"]:
                out.add(m)
    return out


def _sample(g: nx.MultiDiGraph, keep: set[str], weight: dict[str, int], limit: int) -> set[str]:
    """The most important primary entities with their context, as many as fit in ``limit`` nodes."""
    ranked = sorted(
        (n for n in keep if g.nodes[n]["primary"]), key=lambda n: (-weight[n], g.nodes[n]["label"].casefold(), n)
    )
    out: set[str] = set()
    for n in ranked:
        extra = {n} | (_context(g, {n}) & keep) - out
        if len(out) + len(extra) > limit:
            break
        out |= extra
    return out


def neighbourhood(kg: KnowledgeGraph, focus: URIRef, relations: Iterable[URIRef]) -> list[Triple]:
    """What a view focused on ``focus`` needs, read with three SPARQL queries.

    The focus's ancestors and descendants over :data:`FLOW_RELATIONS` (at any depth; ``--depth``
    trims later), every statement about them, and the labels and types of what they point to. On a
    graph of millions of models this costs in proportion to the family, not to the graph; the
    importance of each node then counts what is downstream of it within the family.
    """
    from fmkg.sparql.library import internal_query
    from fmkg.sparql.text import with_choices

    path = "|".join(f"<{r}>" for r in FLOW_RELATIONS)
    closure = internal_query("viz-family").replace("$FLOW", path)
    nodes = sorted({n for (n,) in kg.query(closure, {"focus": focus}, source="viz family") if isinstance(n, URIRef)})
    members = set(nodes)
    out: list[Triple] = []
    ends: set[URIRef] = set()
    for s, p, o in kg.query(with_choices(internal_query("viz-facts"), "s", nodes), source="viz facts"):
        out.append((s, p, o))
        if isinstance(o, URIRef) and o not in members:
            ends.add(o)
    named = with_choices(internal_query("viz-names"), "s", sorted(ends))
    out += [(s, p, o) for s, p, o in kg.query(named, source="viz names")]
    return out


def build_view(kg: KnowledgeGraph, options: VizOptions | None = None) -> View:
    """Read, select, size and lay out the graph as ``options`` say; raises :class:`FmkgError` when too large."""
    from fmkg.viz.layout import layout

    options = options or VizOptions()
    options.check()
    preds = parse_relations(options.relations) if options.relations else ENTITY_RELATIONS
    focus = _resolve_all(kg, [options.focus], ("model", "app", "dataset"))[0] if options.focus else None
    triples: Iterable[Triple] = neighbourhood(kg, URIRef(focus), preds) if focus is not None else kg.triples()
    rel_labels = relation_labels(kg, preds)
    full = entity_graph(triples, preds, rel_labels)
    orgs = _resolve_all(kg, options.orgs, ("org",))
    keep = select(full, focus=focus, depth=options.depth, orgs=orgs, since=options.since, until=options.until)
    weight = importance(full, options.size)
    sampled = False
    if len(keep) > options.max_nodes:
        if not options.sample:
            raise FmkgError(
                f"{len(keep)} entities to draw, more than --max-nodes {options.max_nodes}: narrow the view with"
                " --focus MODEL (and --depth N), --org ORG or --since YEAR, raise --max-nodes,"
                " or draw only the most important ones with --sample"
            )
        keep, sampled = _sample(full, keep, weight, options.max_nodes), True
    g = full.subgraph(keep).copy()
    for n in g.nodes:
        g.nodes[n]["importance"] = weight[n]
    placed = layout(g, options.layout, flow={compact(r) for r in FLOW_RELATIONS})
    for n, (x, y) in placed.positions.items():
        g.nodes[n]["x"], g.nodes[n]["y"] = x, y
    return View(
        graph=g,
        options=options,
        relations={compact(p): label for p, label in rel_labels.items()},
        total_nodes=full.number_of_nodes(),
        focus=focus,
        sampled=sampled,
        axis=placed.axis,
    )
