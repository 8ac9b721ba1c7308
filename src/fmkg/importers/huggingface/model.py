"""A Hub model record read into the facts the Hub states exactly, and its typed lineage.

Only fields the Hub states as data are read: the repository id, owner, creation date, licence,
pipeline task, library, architecture class and model type, gating, datasets, languages, the exact
parameter count (``safetensors.total``), downloads and likes, and base models. Nothing comes from a
card's prose.

Lineage follows the Hub: a tag ``base_model:{relation}:{id}`` or the card's ``base_model_relation``
types an edge; where neither does, the relation is inferred as the Hub documents it (an adapter for
PEFT, a quantization for GGUF, GPTQ, AWQ and the like, a merge for several base models made with a
merge tool, else a fine-tune), and the rule is kept with the edge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from fmkg.importers.fields import as_list, is_placeholder
from fmkg.rdf.namespaces import FM

#: A repository id as the Hub writes it: ``owner/name`` (old ids such as ``gpt2`` have no owner).
REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,95}(?:/[\w.-]{1,96})?", re.ASCII)
#: An account (owner) name.
OWNER = re.compile(r"[A-Za-z0-9][\w.-]{0,95}", re.ASCII)
#: An ISO date-time as the Hub gives it (``2025-01-29T08:29:22.000Z``).
DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")

#: The Hub's relation names (tags and ``base_model_relation``) and the lineage property of each.
RELATIONS: dict[str, URIRef] = {
    "finetune": FM.fineTunedFrom,
    "adapter": FM.adapterOf,
    "quantized": FM.quantizedFrom,
    "merge": FM.mergedFrom,
}
#: Other spellings of ``base_model_relation`` seen in cards.
RELATION_SPELLINGS = {
    "fine-tune": "finetune",
    "finetuned": "finetune",
    "lora": "adapter",
    "merged": "merge",
    "quantization": "quantized",
}
#: Signs of a quantization (tags or library names), as the Hub reads them.
QUANTIZED = ("gguf", "gptq", "awq", "exl2", "bitsandbytes", "4-bit", "8-bit", "quantized", "hqq", "aqlm")
#: Signs of a merge tool.
MERGE_TOOLS = ("mergekit", "merge")


@dataclass(frozen=True)
class Base:
    """A base model: its repository id as written, the relation, and the rule that inferred it ("" if stated)."""

    repo: str
    prop: URIRef
    inferred: str = ""


@dataclass
class HubModel:
    """One Hub repository's model, as the Hub states it."""

    repo: str
    where: str
    owner: str
    created: str = ""
    licenses: list[str] = field(default_factory=list)
    pipeline: str = ""
    library: str = ""
    architectures: list[str] = field(default_factory=list)
    model_type: str = ""
    gated: bool | None = None
    datasets: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    parameters: int | None = None
    downloads: int | None = None
    likes: int | None = None
    bases: list[Base] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # fields present but not readable, for warnings

    @property
    def thin(self) -> bool:
        """True when the record says nothing but its id."""
        return (
            not (self.created or self.licenses or self.pipeline or self.library or self.architectures or self.bases)
            and self.parameters is None
            and self.downloads is None
        )


class BadRecord(ValueError):
    """A record that names no repository, or not one the Hub could hold."""


def key(repo: str) -> str:
    """The key a repository id is compared by: the Hub treats ids without regard to case."""
    return repo.strip().lower()


def parse(data: dict[str, object], where: str) -> HubModel:
    """Read a record in the Hub API's shape; raise BadRecord when it names no repository."""
    card = data.get("cardData")
    meta: dict[str, object] = card if isinstance(card, dict) else {}
    repo = _text(data.get("id") or data.get("modelId"))
    if not repo:
        raise BadRecord("no repository id (id or modelId)")
    if not REPO_ID.fullmatch(repo):
        raise BadRecord(f"{repo!r} is not a Hub repository id (owner/name)")
    author = _text(data.get("author"))
    owner = author if OWNER.fullmatch(author) else (repo.split("/", 1)[0] if "/" in repo else "")
    m = HubModel(repo=repo, where=where, owner=owner)
    tags = _strings(data.get("tags"))
    created = _text(data.get("createdAt"))
    if created and DATETIME.fullmatch(created):
        m.created = created
    elif created:
        m.skipped.append(f"createdAt {created!r}")
    m.licenses = _licenses(meta, tags)
    m.pipeline = _text(data.get("pipeline_tag")) or _text(meta.get("pipeline_tag"))
    m.library = _text(data.get("library_name")) or _text(meta.get("library_name"))
    config = data.get("config")
    if isinstance(config, dict):
        m.architectures = [a for a in _strings(config.get("architectures")) if re.fullmatch(r"\w{1,100}", a)]
        m.model_type = _text(config.get("model_type"))
    gated = data.get("gated")
    if isinstance(gated, bool):
        m.gated = gated
    elif isinstance(gated, str) and gated in ("auto", "manual"):
        m.gated = True
    m.datasets = _unique(
        [d for d in as_list(meta.get("datasets")) if REPO_ID.fullmatch(d) and not is_placeholder(d)]
        + [t[len("dataset:") :] for t in tags if t.startswith("dataset:") and REPO_ID.fullmatch(t[len("dataset:") :])]
    )
    for lang in as_list(meta.get("language")):
        if _LANGUAGE.fullmatch(lang):
            m.languages.append(lang)
        elif lang:
            m.skipped.append(f"language {lang!r}")
    safetensors = data.get("safetensors")
    if isinstance(safetensors, dict):
        m.parameters = _count(safetensors.get("total"))
    m.downloads = _count(data.get("downloads"), zero=True)
    m.likes = _count(data.get("likes"), zero=True)
    m.bases = _bases(meta, tags, m)
    return m


def _bases(meta: dict[str, object], tags: list[str], m: HubModel) -> list[Base]:
    """The base models with their relations: typed by the Hub's tags, else by the card, else inferred."""
    typed: dict[str, list[str]] = {}
    named: list[str] = []
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        rest = tag[len("base_model:") :]
        relation, _, target = rest.partition(":")
        if target and relation in RELATIONS:
            typed.setdefault(key(target), []).append(relation)
            named.append(target)
        elif REPO_ID.fullmatch(rest):
            named.append(rest)
    for repo in as_list(meta.get("base_model")):
        if REPO_ID.fullmatch(repo) and not is_placeholder(repo):
            named.append(repo)
        elif repo:
            m.skipped.append(f"base_model {repo!r}")
    stated = str(meta.get("base_model_relation") or "").strip().lower()
    stated = RELATION_SPELLINGS.get(stated, stated)
    if stated and stated not in RELATIONS:
        m.skipped.append(f"base_model_relation {stated!r}")
        stated = ""
    repos = {key(r): r for r in reversed(named)}  # the first spelling of each
    order = list(dict.fromkeys(key(r) for r in named))
    bases: list[Base] = []
    for k in order:
        if k == key(m.repo):
            continue
        if k in typed:
            bases += [Base(repos[k], RELATIONS[r]) for r in dict.fromkeys(typed[k])]
        elif stated:
            bases.append(Base(repos[k], RELATIONS[stated]))
        else:
            relation, rule = infer(m, tags, len(order))
            bases.append(Base(repos[k], RELATIONS[relation], rule))
    return bases


def infer(m: HubModel, tags: list[str], n_bases: int) -> tuple[str, str]:
    """The relation to an untyped base model as the Hub infers it, with the rule that gave it."""
    lowered = {t.lower() for t in tags}
    library = m.library.lower()
    if library == "peft":
        return "adapter", "library_name is peft: an adapter"
    if "peft" in lowered or "lora" in lowered:
        return "adapter", "tagged peft or lora: an adapter"
    for sign in QUANTIZED:
        if sign in lowered or library == sign:
            return "quantized", f"tagged {sign}: a quantization"
    if n_bases > 1 and lowered & set(MERGE_TOOLS):
        return "merge", "several base models and a merge tool: a merge"
    return "finetune", "no sign of an adapter, a quantization or a merge: a fine-tune"


def _licenses(meta: dict[str, object], tags: list[str]) -> list[str]:
    """The licence ids of the card (a custom ``license_name`` for "other"), else of the ``license:`` tags."""
    found = [lic.lower() for lic in as_list(meta.get("license"))]
    if not found:
        found = [t[len("license:") :].lower() for t in tags if t.startswith("license:")]
    out: list[str] = []
    for lic in found:
        if lic == "other":
            name = _text(meta.get("license_name"))
            if name and not is_placeholder(name):
                out.append(name)
        elif lic and lic not in ("unknown", "none") and not is_placeholder(lic):
            out.append(lic)
    return _unique(out)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def _count(value: object, *, zero: bool = False) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value > 0 or (zero and value == 0) else None


def _unique(values: list[str]) -> list[str]:
    """The values in order, each once (compared by :func:`key`)."""
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        if key(v) not in seen:
            seen.add(key(v))
            out.append(v)
    return out
