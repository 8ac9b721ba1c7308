"""What the viewer draws: the entity graph read from RDF in bulk, narrowed by the options, sized and laid out.

Nodes are the models, applications and datasets ("primary" entities) and whatever the drawn relations
link them to (organisations, and concepts such as licences when asked for). Edges keep their relation.
Every node carries the facts the page shows (label, class, developers, date, modalities, sources, ...).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from fmkg.errors import FmkgError
from fmkg.namespaces import FM, LINEAGE
from fmkg.network import ENTITY_RELATIONS, relation_labels
from fmkg.resolve import index_for, kind_of, resolve
from fmkg.results import compact
from fmkg.store import is_oxigraph

if TYPE_CHECKING:
    import networkx as nx

    from fmkg.viz.layout import Tick

LAYOUTS = ("force", "lineage", "timeline")
SIZES = ("descendants", "degree")
DEFAULT_MAX_NODES = 20_000
DEFAULT_TITLE = "fmkg · foundation models"

#: Entities drawn whether or not an edge reaches them; other kinds only as the ends of drawn edges.
PRIMARY_KINDS = ("model", "app", "dataset")

#: Relations that lead from what came later to what it came from (child -> parent, app -> model,
#: model -> dataset): focus mode follows them upwards (ancestors) and downwards (descendants).
FLOW_RELATIONS: tuple[URIRef, ...] = (*LINEAGE, FM.successorOf, FM.poweredBy, FM.trainedOn, FM.dependsOn)

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
    """An English (or untagged) literal before others, then the first in sort order: deterministic."""
    lits = [v for v in values if isinstance(v, Literal)]
    if not lits:
        return None
    return str(min(lits, key=lambda v: (v.language not in (None, "en"), str(v))))


def _labels(ds: Dataset) -> dict[URIRef, str]:
    found: dict[URIRef, list[object]] = defaultdict(list)
    preferred: dict[URIRef, list[object]] = defaultdict(list)
    for s, o in ds.subject_objects(RDFS.label):
        if isinstance(s, URIRef):
            found[s].append(o)
    for s, o in ds.subject_objects(SKOS.prefLabel):
        if isinstance(s, URIRef):
            preferred[s].append(o)
    out = {s: label for s, vals in preferred.items() if (label := _best_literal(vals))}
    out.update({s: label for s, vals in found.items() if (label := _best_literal(vals))})
    return out


def entity_graph(ds: Dataset, relations: Iterable[URIRef] | None = None) -> nx.MultiDiGraph:
    """Every model, application and dataset, plus the ends of the chosen relations, with their facts.

    Reads each predicate once over the whole dataset, so it stays linear in the size of the graph.
    Node keys are IRIs; ``id`` is the compact form (``model:gpt-3``) the page uses.
    """
    import networkx as nx

    preds = tuple(relations) if relations is not None else ENTITY_RELATIONS
    labels = _labels(ds)
    rel_labels = relation_labels(ds, preds)
    g = nx.MultiDiGraph()
    nodes: set[URIRef] = {
        s for s in ds.subjects(unique=True) if isinstance(s, URIRef) and kind_of(str(s)) in PRIMARY_KINDS
    }
    edges: set[tuple[URIRef, URIRef, URIRef]] = set()
    for p in preds:
        for s, o in ds.subject_objects(p):
            if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o:
                edges.add((s, p, o))
                nodes.update((s, o))

    def grab(*predicates: URIRef) -> dict[URIRef, list[object]]:
        out: dict[URIRef, list[object]] = defaultdict(list)
        for p in predicates:
            for s, o in ds.subject_objects(p):
                if s in nodes:
                    out[s].append(o)  # type: ignore[index]
        return out

    types, devs, dates, params = grab(RDF.type), grab(FM.developer), grab(FM.releaseDate), grab(FM.parameterCount)
    mods, archs, lics, access = grab(*_MODALITY), grab(FM.architecture), grab(FM.license), grab(FM.access)
    descs, alts, sources = (
        grab(DCTERMS.description, RDFS.comment, SKOS.definition),
        grab(SKOS.altLabel),
        grab(DCTERMS.source),
    )
    homepages, matches = grab(FM.homepage), grab(SKOS.exactMatch)

    def names(values: list[object]) -> list[str]:
        return sorted({labels.get(v, compact(v)) for v in values if isinstance(v, URIRef)})

    def links(values: list[object]) -> list[str]:
        return sorted({str(v) for v in values if isinstance(v, URIRef) and str(v).startswith(("http://", "https://"))})

    for n in sorted(nodes):
        released = sorted(str(d) for d in dates.get(n, []))
        year = released[0][:4] if released else ""
        counts = [int(v) for v in params.get(n, []) if isinstance(v, Literal) and str(v).isdigit()]
        g.add_node(
            str(n),
            id=compact(n),
            label=labels.get(n, compact(n).split(":", 1)[-1]),
            kind=kind_of(str(n)) or "",
            primary=kind_of(str(n)) in PRIMARY_KINDS,
            classes=sorted({compact(t) for t in types.get(n, []) if isinstance(t, URIRef)}),
            developers=sorted({str(d) for d in devs.get(n, []) if isinstance(d, URIRef)}),
            released=released[0] if released else "",
            year=int(year) if year.isdigit() else None,
            parameters=max(counts) if counts else None,
            modalities=names(mods.get(n, [])),
            architecture=names(archs.get(n, [])),
            license=names(lics.get(n, [])),
            access=names(access.get(n, [])),
            description=_best_literal(descs.get(n, [])) or "",
            alt_labels=sorted({str(a) for a in alts.get(n, []) if isinstance(a, Literal)}),
            sources=links(sources.get(n, []) + homepages.get(n, [])),
            same_as=links(matches.get(n, [])),
        )
    for s, p, o in sorted(edges):
        key = compact(p)
        g.add_edge(str(s), str(o), key=key, relation=key, label=rel_labels[p])
    return g


def flow_closure(g: nx.MultiDiGraph, root: str, depth: int | None = None) -> set[str]:
    """``root`` with its ancestors and descendants over :data:`FLOW_RELATIONS`, at most ``depth`` hops away."""
    flow = {compact(r) for r in FLOW_RELATIONS}
    out = {root}
    for up in (True, False):
        dist = {root: 0}
        queue = deque([root])
        while queue:
            node = queue.popleft()
            if depth is not None and dist[node] >= depth:
                continue
            hops = g.out_edges(node, keys=True) if up else g.in_edges(node, keys=True)
            for child, parent, key in hops:
                nxt = parent if up else child
                if key in flow and nxt not in dist:
                    dist[nxt] = dist[node] + 1
                    queue.append(nxt)
        out |= set(dist)
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


def _resolve_all(ds: Dataset, names: Iterable[str], kinds: tuple[str, ...]) -> list[str]:
    wanted = list(names)
    if not wanted:
        return []
    # IRIs and prefixed names resolve without the index, which takes a while on a large graph.
    index = index_for(ds) if len(wanted) > 1 else None
    return [str(resolve(ds, name, kinds, index)) for name in wanted]


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


#: Above this many triples a focused view reads only the focus's neighbourhood from the store.
LOCAL_VIEW_TRIPLES = 250_000


def neighbourhood(ds: Dataset, focus: URIRef, relations: Iterable[URIRef]) -> Dataset:
    """A small dataset with what a view focused on ``focus`` needs, read with three SPARQL queries.

    The focus's ancestors and descendants over :data:`FLOW_RELATIONS` (at any depth; ``--depth``
    trims later), every statement about them, and the labels and types of what they point to. On a
    graph of millions of models this costs in proportion to the family, not to the graph; the
    importance of each node then counts what is downstream of it within the family.
    """
    from fmkg.engine import query
    from fmkg.results import rows
    from fmkg.sparqltext import with_choices
    from fmkg.store import new_dataset

    path = "|".join(r.n3() for r in FLOW_RELATIONS)
    closure = f"SELECT DISTINCT ?n WHERE {{ {{ ?focus ({path})* ?n }} UNION {{ ?n ({path})* ?focus }} }}"
    found = rows(query(ds, closure, {"focus": focus}, source="viz focus"))
    nodes = sorted({n for (n,) in found if isinstance(n, URIRef)})
    members = set(nodes)
    local = new_dataset()
    out = local.graph(URIRef("urn:fmkg:viz:neighbourhood"))
    about = with_choices("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "s", nodes)
    ends: set[URIRef] = set()
    for s, p, o in rows(query(ds, about, source="viz facts")):
        out.add((s, p, o))
        if isinstance(o, URIRef) and o not in members:
            ends.add(o)
    named = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?p IN (rdfs:label, skos:prefLabel, rdf:type)) }"
    for s, p, o in rows(query(ds, with_choices(named, "s", sorted(ends)), source="viz labels")):
        out.add((s, p, o))
    for r in relations:  # the relations' own labels, for the legend
        for label in ds.objects(r, RDFS.label):
            out.add((r, RDFS.label, label))
    return local


def build_view(ds: Dataset, options: VizOptions | None = None) -> View:
    """Read, select, size and lay out the graph as ``options`` say; raises :class:`FmkgError` when too large."""
    from fmkg.viz.layout import layout

    options = options or VizOptions()
    options.check()
    preds = parse_relations(options.relations) if options.relations else ENTITY_RELATIONS
    focus = _resolve_all(ds, [options.focus], ("model", "app", "dataset"))[0] if options.focus else None
    if focus is not None and (is_oxigraph(ds) or len(ds) > LOCAL_VIEW_TRIPLES):  # counting Oxigraph is slow
        ds = neighbourhood(ds, URIRef(focus), preds)
    full = entity_graph(ds, preds)
    orgs = _resolve_all(ds, options.orgs, ("org",))
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
        relations={compact(p): label for p, label in relation_labels(ds, preds).items()},
        total_nodes=full.number_of_nodes(),
        focus=focus,
        sampled=sampled,
        axis=placed.axis,
    )
