"""Hub models as N-Triples lines, keyed by repository id, one model at a time.

A Hub model's IRI derives from its repository id (``meta-llama/Llama-2-7b-hf`` is
``model:hf--meta-llama--llama-2-7b-hf``), unless the graph already holds that repository: the curated
core states ``fm:huggingFaceId`` for the models, organizations and licences it knows on the Hub
(``ontology/data/huggingface.ttl``), and a repository listed there is that entity. Base models
resolve the same way, so no name matching is involved and the import streams: memory grows only with
the sets of ids seen, never with the triples.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef

from fmkg.importers.huggingface.model import HubModel, key
from fmkg.importers.matching import Resolver, name_key, slugify
from fmkg.importers.records import statement_iri
from fmkg.importers.summary import Summary
from fmkg.names.index import kind_of
from fmkg.rdf.namespaces import FM, ID
from fmkg.rdf.terms import literal

if TYPE_CHECKING:
    from fmkg.importers.records import SourceInfo
    from fmkg.store import KnowledgeGraph

HUB = "https://huggingface.co/"
LICENSES_PAGE = "https://huggingface.co/docs/hub/repositories-licenses"
#: How the Hub's own licence ids look (``apache-2.0``, ``cc-by-nc-4.0``, ``llama3.3``): lower case, no spaces.
HUB_LICENSE = re.compile(r"[a-z0-9][a-z0-9.+-]*")
XSD = "http://www.w3.org/2001/XMLSchema#"

A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SOURCE = "<http://purl.org/dc/terms/source>"
LANGUAGE = "<http://purl.org/dc/terms/language>"
DATE = "<http://purl.org/dc/terms/date>"
STATEMENT = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement>"
SUBJECT = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>"
PREDICATE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate>"
OBJECT = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object>"


def _fm(name: str) -> str:
    return f"<{FM[name]}>"


#: Classes for pipeline tags whose meaning is clear; other tags leave a model an fm:AIModel.
PIPELINE_CLASSES: dict[str, URIRef] = {
    **dict.fromkeys(
        (
            "text-generation",
            "text2text-generation",
            "fill-mask",
            "text-classification",
            "token-classification",
            "question-answering",
            "summarization",
            "translation",
            "zero-shot-classification",
            "sentence-similarity",
            "table-question-answering",
        ),
        FM.LanguageModel,
    ),
    "text-to-image": FM.TextToImageModel,
    **dict.fromkeys(("text-to-video", "image-to-video"), FM.VideoGenerationModel),
    **dict.fromkeys(
        ("image-text-to-text", "visual-question-answering", "any-to-any", "video-text-to-text", "audio-text-to-text"),
        FM.MultimodalModel,
    ),
    **dict.fromkeys(("automatic-speech-recognition", "text-to-speech", "text-to-audio"), FM.SpeechModel),
    **dict.fromkeys(
        ("image-classification", "object-detection", "image-segmentation", "image-to-image", "depth-estimation"),
        FM.VisionModel,
    ),
}


#: How many account and licence lookups the crosswalk remembers before it starts afresh.
MEMO = 100_000


def hub_iri(kind: str, hub_id: str) -> str:
    """The IRI fmkg gives a Hub entity it does not know otherwise: ``{kind}:hf--{owner}--{name}``, as
    the huggingface_hub cache names folders (the Hub allows no ``--`` in an id, so no two ids meet)."""
    return f"{ID}{kind}/hf--{key(hub_id).replace('/', '--')}"


@dataclass
class Crosswalk:
    """What the graph already knows on the Hub, by lower-cased Hub id: models, organizations, licences."""

    models: dict[str, str] = field(default_factory=dict)
    orgs: dict[str, str] = field(default_factory=dict)
    licenses: dict[str, str] = field(default_factory=dict)
    resolver: Resolver | None = None
    memo: dict[str, str | None] = field(default_factory=dict)  # lookups already made, at most MEMO of them

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph) -> Crosswalk:
        """Read every ``fm:huggingFaceId`` of ``kg``, and index its names for licences and organizations."""
        from fmkg.sparql.library import internal_query

        cw = cls(resolver=Resolver.from_graph(kg))
        tables = {"model": cw.models, "org": cw.orgs, "license": cw.licenses}
        for entity, hub_id in kg.query(internal_query("hub-ids"), source="hub-ids"):
            table = tables.get(kind_of(str(entity)) or "")
            if table is not None:
                table[key(str(hub_id))] = str(entity)
        return cw

    def organization(self, account: str) -> str | None:
        """The known organization of a Hub account: listed, or an organization labelled exactly so."""
        return self._remember("org:" + key(account), self._organization, account)

    def license(self, name: str) -> str | None:
        """The known licence of a Hub licence id (or a custom licence name)."""
        return self._remember("license:" + key(name), self._license, name)

    def _remember(self, k: str, look_up: Callable[[str], str | None], name: str) -> str | None:
        if k not in self.memo:
            if len(self.memo) >= MEMO:
                self.memo.clear()  # a bounded memo: the Hub has millions of accounts, most met once
            self.memo[k] = look_up(name)
        return self.memo[k]

    def _organization(self, account: str) -> str | None:
        if found := self.orgs.get(key(account)):
            return found
        if self.resolver is None:
            return None
        hits = sorted(i for i in self.resolver.primary.get(name_key(account), ()) if kind_of(i) == "org")
        return hits[0] if len(hits) == 1 else None

    def _license(self, hub_id: str) -> str | None:
        if found := self.licenses.get(key(hub_id)):
            return found
        if self.resolver is None:
            return None
        hits = self.resolver.find(hub_id, ("license",))
        return hits[0] if len(hits) == 1 else None


def _hub_entity(iri: str, cls: str, hub_id: str, page: str) -> Iterator[str]:
    """A Hub entity fmkg knows only by its id: its class, the id as label and identifier, its page as source."""
    yield f"<{iri}> {A} {_fm(cls)} ."
    yield f"<{iri}> {LABEL} {literal(hub_id, language='en')} ."
    yield f"<{iri}> {_fm('huggingFaceId')} {literal(hub_id)} ."
    yield f"<{iri}> {_fm('huggingFacePage')} <{page}> ."
    yield f"<{iri}> {SOURCE} <{page}> ."


class Emitter:
    """Turns Hub models into N-Triples lines, minting each organization, licence and dataset once.

    A model's own lines and the edges the Hub typed are given as the model is read; what needs the
    whole input (organizations, licences and datasets written once, inferred edges the Hub did not
    type elsewhere, labels for bases outside the input) comes from :meth:`finish`. The ids met on the
    way are kept in a :class:`~fmkg.importers.huggingface.ledger.Ledger` on disk, so memory does not
    grow with the number of repositories; :meth:`close` deletes it.
    """

    def __init__(
        self, info: SourceInfo, crosswalk: Crosswalk, *, observed: str | None = None, scratch: Path | None = None
    ) -> None:
        from fmkg.importers.huggingface.ledger import Ledger

        self.info = info
        self.cw = crosswalk
        self.observed = observed
        self.summary = Summary(info.key)
        self.ledger = Ledger(crosswalk.models, scratch)
        self.models = 0  # models written so far (a repository given twice counts twice)
        self.inferred = 0

    # --- one model -----------------------------------------------------------------------------

    def model_iri(self, repo: str) -> str:
        return self.cw.models.get(key(repo)) or hub_iri("model", repo)

    def model(self, m: HubModel) -> Iterator[str]:
        """The lines of one model, with those of the organizations, licences and datasets it is the
        first to name."""
        k = key(m.repo)
        me = f"<{self.model_iri(m.repo)}>"
        page = f"<{HUB}{m.repo}>"
        self.ledger.add("described", k)
        self.models += 1
        if k not in self.cw.models:
            cls = PIPELINE_CLASSES.get(m.pipeline, FM.AIModel)
            yield f"{me} {A} <{cls}> ."
            yield f"{me} {LABEL} {literal(m.repo, language='en')} ."
        yield f"{me} {_fm('huggingFaceId')} {literal(m.repo)} ."
        yield f"{me} {_fm('huggingFacePage')} {page} ."
        yield f"{me} {SOURCE} {page} ."
        if m.owner:
            org = self._organization(m.owner)
            yield f"{me} {_fm('developer')} <{org}> ."
        if m.created:
            yield f"{me} {_fm('repositoryCreated')} {literal(m.created, datatype=XSD + 'dateTime')} ."
        for lic in m.licenses:
            iri = self._license(lic, page)
            yield f"{me} {_fm('license')} <{iri}> ."
        if m.pipeline:
            yield f"{me} {_fm('pipelineTag')} {literal(m.pipeline)} ."
        if m.library:
            yield f"{me} {_fm('library')} {literal(m.library)} ."
        for arch in m.architectures:
            yield f"{me} {_fm('architectureClass')} {literal(arch)} ."
        if m.model_type:
            yield f"{me} {_fm('modelType')} {literal(m.model_type)} ."
        if m.gated is not None:
            yield f"{me} {_fm('gated')} {literal('true' if m.gated else 'false', datatype=XSD + 'boolean')} ."
        if m.parameters is not None:
            yield f"{me} {_fm('parameterCount')} {literal(str(m.parameters), datatype=XSD + 'integer')} ."
        for lang in m.languages:
            yield f"{me} {LANGUAGE} {literal(lang, datatype=XSD + 'language')} ."
        for dataset in m.datasets:
            iri = self._dataset(dataset)
            yield f"{me} {_fm('trainedOn')} <{iri}> ."
        if self.observed and (m.downloads is not None or m.likes is not None):
            obs = f"<{hub_iri('observation', m.repo)}--{self.observed}>"
            yield f"{me} {_fm('popularity')} {obs} ."
            yield f"{obs} {A} {_fm('PopularityObservation')} ."
            yield f"{obs} {DATE} {literal(self.observed, datatype=XSD + 'date')} ."
            yield f"{obs} {SOURCE} {page} ."
            if m.downloads is not None:
                yield f"{obs} {_fm('downloads')} {literal(str(m.downloads), datatype=XSD + 'integer')} ."
            if m.likes is not None:
                yield f"{obs} {_fm('likes')} {literal(str(m.likes), datatype=XSD + 'integer')} ."
        for base in m.bases:
            b = key(base.repo)
            parent = f"<{self.model_iri(base.repo)}>"
            prop = f"<{base.prop}>"
            relation = "fm:" + base.prop.split("#")[-1]
            if not base.inferred:
                self.ledger.add("stated", k, b)
                self.ledger.add("referenced", b, base.repo)
                self.summary.edges[relation] += 1
                yield f"{me} {prop} {parent} ."
                continue
            # An inferred edge waits for the end: a record may type the same edge (a card without
            # the relation, for a repository whose Hub record has it), and then the Hub's type wins.
            st = f"<{statement_iri(me[1:-1], prop[1:-1], parent[1:-1])}>"
            lines = (
                f"{me} {prop} {parent} .",
                f"{st} {A} {STATEMENT} .",
                f"{st} {SUBJECT} {me} .",
                f"{st} {PREDICATE} {prop} .",
                f"{st} {OBJECT} {parent} .",
                f"{st} {_fm('inferredBy')} {literal(base.inferred)} .",
                f"{st} {SOURCE} {page} .",
            )
            self.ledger.add("pending", k, b, base.repo, relation, "\n".join(lines))

    def _organization(self, account: str) -> str:
        known = self.cw.organization(account)
        if known:
            return known
        iri = hub_iri("org", account)
        self.ledger.add("minted", iri, "org", "\n".join(_hub_entity(iri, "Organization", account, f"{HUB}{account}")))
        return iri

    def _license(self, name: str, page: str) -> str:
        """A licence by its Hub id or the custom name a card gives; a new one cites the Hub's list of
        licence ids when it is on it, else the page of the first repository that names it."""
        known = self.cw.license(name)
        if known:
            return known
        iri = f"{ID}license/{slugify(name)}"
        lines = (
            f"<{iri}> {A} {_fm('License')} .",
            f"<{iri}> {LABEL} {literal(name, language='en')} .",
            f"<{iri}> {SOURCE} {f'<{LICENSES_PAGE}>' if HUB_LICENSE.fullmatch(name) else page} .",
        )
        self.ledger.add("minted", iri, "license", "\n".join(lines))
        return iri

    def _dataset(self, hub_id: str) -> str:
        iri = hub_iri("dataset", hub_id)
        self.ledger.add(
            "minted", iri, "dataset", "\n".join(_hub_entity(iri, "Dataset", hub_id, f"{HUB}datasets/{hub_id}"))
        )
        return iri

    # --- the end of the import ---------------------------------------------------------------

    def finish(self) -> Iterator[str]:
        """The lines that need the whole input: inferred edges the Hub typed nowhere, each
        organization, licence and dataset once, and base models named but not described
        (repositories outside this input), each with its id, page and label, so no edge dangles.
        The summary's counts are complete once this is exhausted."""
        led = self.ledger
        led.finish()
        for base, spelling, relation, lines in led.pending_edges():
            led.add("referenced", base, spelling)
            self.summary.edges[relation] += 1
            self.inferred += 1
            yield from lines.split("\n")
        led.flush()
        added = Counter[str]()
        for kind, lines in led.minted():
            added[kind] += 1
            yield from lines.split("\n")
        self.summary.organizations_added += added["org"]
        self.summary.licenses_added += added["license"]
        total, distinct, curated = led.repositories()
        self.summary.entities += distinct
        self.summary.duplicates += total - distinct
        self.summary.merged += curated
        self.summary.added += distinct - curated
        for repo in led.outside():
            yield from _hub_entity(hub_iri("model", repo), "AIModel", repo, f"{HUB}{repo}")

    def lineage_figures(self) -> dict[str, int]:
        """How the base-model edges resolved: to a repository of this input, to the curated graph, or
        outside (after :meth:`finish`)."""
        total, inside, curated = self.ledger.references()
        return {
            "base-model edges": total,
            "resolved to a repository of this import": inside,
            "resolved to the curated graph only": curated,
            "to repositories outside the import": total - inside - curated,
            "relations inferred": self.inferred,
        }

    def close(self) -> None:
        """Delete the ledger's scratch file."""
        self.ledger.close()
