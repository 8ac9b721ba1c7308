"""Synthetic Hugging Face Hub model records, in the Hub API's shape, for benchmarks at scale.

Each line is one JSON object shaped like ``GET /api/models/{id}`` (``HfApi().list_models(full=True,
cardData=True)``) and like the real slice in the shared reference data (``hub-models.jsonl``): ``id``,
``author``, ``createdAt``, ``lastModified``, ``downloads``, ``likes``, ``library_name``,
``pipeline_tag``, ``tags`` (with the Hub's lineage tags ``base_model:{id}`` and
``base_model:{relation}:{id}``), ``cardData`` (the card's front matter), ``safetensors``, ``config``,
``gated``, ``sha``, ``private``, ``disabled``, ``modelId``, ``_id``, ``usedStorage``.

The tree is grown as :mod:`fmkg.bench.synthetic` grows its graph: models are created one after
another (``createdAt`` rises with them, faster towards the end, as the Hub grew); about one in eight
is a root (no base model) and every other model derives from an earlier one chosen by preferential
attachment (a model that already has derivatives is more likely to get another), which gives the
heavy-tailed fan-out of the Hub. Derived models are fine-tunes (55%), adapters (25%), quantizations
(15%) and merges (5%, of two or three bases); adapters and quantizations are seldom bases of others.

Fields go missing at the rates of the real slice (config about 59% present, a third of those empty;
safetensors 36%; pipeline_tag 54%; library_name 52%; licence 80%). About 5% of derived models carry
only the untyped ``base_model:{id}`` tag, so a reader must infer the relation from the other tags
(``peft`` and ``library_name: peft`` for adapters, ``gguf``/``gptq``/``awq`` for quantizations,
``merge``/``mergekit`` for merges, nothing for fine-tunes); about 0.5% of base models are
repositories outside the file (real Hub ids such as ``meta-llama/Llama-2-7b-hf``).

Records are streamed one at a time; what stays in memory is what attachment needs: the ids of the
earlier models and a few bytes of each (its family, licence, depth and tree): about 260 MB at a million.
"""

from __future__ import annotations

import json
import math
import random
from array import array
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

#: Derivation kinds with their share of derived models, as on the Hub's model tree.
RELATIONS = (("finetune", 0.55), ("adapter", 0.25), ("quantized", 0.15), ("merge", 0.05))
ROOT_SHARE = 0.125
UNTYPED_SHARE = 0.05
OUTSIDE_SHARE = 0.005
RECENCY = 0.25  # an urn entry at fraction x of the urn is drawn with density 4 * x**3: recent ones more often
TO_ROOT = 0.3  # the share of draws that go up to the candidate's root
#: How likely a model of each kind is to be chosen as a base at all (adapters and quantizations are leaves).
PARENT_WEIGHT = {"root": 1.0, "finetune": 1.0, "merge": 1.0, "adapter": 0.05, "quantized": 0.05}

#: Fields' presence by kind: library_name, pipeline_tag, config, safetensors, licence. Chosen so that the
#: shares over all records match the real slice (52%, 54%, 59%, 36% and 80%); a quantization's own
#: shares depend on its format (see QUANT_PRESENCE).
PRESENCE = {
    "root": (0.95, 0.90, 0.90, 0.75, 0.95),
    "finetune": (0.22, 0.48, 0.58, 0.37, 0.80),
    "adapter": (1.00, 0.35, 0.30, 0.00, 0.75),
    "merge": (0.95, 0.70, 0.90, 0.80, 0.50),
}
QUANT_FORMATS = (("gguf", 0.60), ("gptq", 0.22), ("awq", 0.18))
QUANT_PRESENCE = {
    "gguf": (0.0, 0.60, 0.50, 0.0, 0.85),
    "gptq": (1.0, 0.80, 1.0, 1.0, 0.85),
    "awq": (1.0, 0.80, 1.0, 1.0, 0.85),
}
#: Of the configs present, the share with architectures and model_type (the rest are ``{}``, a few partial).
CONFIG_FULL = {"root": 0.95, "finetune": 0.22, "adapter": 0.0, "merge": 0.9, "gguf": 0.3, "gptq": 1.0, "awq": 1.0}


@dataclass(frozen=True)
class Family:
    """A model family: how roots of it are named, sized and described."""

    stem: str
    model_type: str | None  # None: a diffusers pipeline (its config is empty)
    architecture: str | None
    pipeline: str
    library: str
    sizes: tuple[float, ...]  # billions of parameters
    weight: float
    tags: tuple[str, ...] = ()


FAMILIES = (
    Family("Llama-3", "llama", "LlamaForCausalLM", "text-generation", "transformers", (1, 3, 8, 70), 18,
           ("conversational", "text-generation-inference")),
    Family("Mistral", "mistral", "MistralForCausalLM", "text-generation", "transformers", (7, 12, 24), 12,
           ("conversational", "text-generation-inference")),
    Family("Qwen2.5", "qwen2", "Qwen2ForCausalLM", "text-generation", "transformers", (0.5, 1.5, 7, 14, 32, 72), 16,
           ("conversational", "text-generation-inference")),
    Family("phi", "phi", "PhiForCausalLM", "text-generation", "transformers", (1.3, 2.7, 14), 6,
           ("custom_code", "text-generation-inference")),
    Family("gemma", "gemma", "GemmaForCausalLM", "text-generation", "transformers", (2, 7, 27), 6, ("conversational",)),
    Family("DeepSeek", "deepseek_v3", "DeepseekV3ForCausalLM", "text-generation", "transformers", (671,), 3,
           ("conversational", "custom_code", "fp8")),
    Family("gpt-neox", "gpt_neox", "GPTNeoXForCausalLM", "text-generation", "transformers", (1.4, 20), 2),
    Family("bloom", "bloom", "BloomForCausalLM", "text-generation", "transformers", (0.56, 7.1, 176), 2),
    Family("t5", "t5", "T5ForConditionalGeneration", "text2text-generation", "transformers", (0.06, 0.22, 0.77), 3),
    Family("bert", "bert", "BertForSequenceClassification", "text-classification", "transformers", (0.11, 0.34), 4),
    Family("distilbert", "distilbert", "DistilBertForSequenceClassification", "text-classification", "transformers",
           (0.066,), 2),
    Family("vit", "vit", "ViTForImageClassification", "image-classification", "transformers", (0.086, 0.3), 2),
    Family("whisper", "whisper", "WhisperForConditionalGeneration", "automatic-speech-recognition", "transformers",
           (0.039, 0.24, 1.5), 3),
    Family("stable-diffusion", None, None, "text-to-image", "diffusers", (0.86, 2.6), 8,
           ("stable-diffusion", "stable-diffusion-diffusers")),
    Family("FLUX.1", None, None, "text-to-image", "diffusers", (12,), 3),
    Family("CogVideoX", None, None, "text-to-video", "diffusers", (2, 5), 1),
)  # fmt: skip

#: Repositories outside the file that some models name as their base (index of their family beside).
OUTSIDE = (
    ("meta-llama/Llama-2-7b-hf", 0), ("mistralai/Mistral-7B-v0.1", 1), ("Qwen/Qwen2.5-7B-Instruct", 2),
    ("microsoft/phi-2", 3), ("google/gemma-2b", 4), ("deepseek-ai/DeepSeek-R1", 5),
    ("EleutherAI/gpt-neox-20b", 6), ("bigscience/bloom-560m", 7), ("openai/whisper-small", 12),
    ("stabilityai/stable-diffusion-2-1", 13),
)  # fmt: skip

#: Licence ids with their shares in the slice; "other" comes with license_name and license_link.
LICENSES = (
    ("mit", 0.40), ("apache-2.0", 0.25), ("other", 0.08), ("openrail", 0.03), ("llama3.1", 0.03),
    ("llama3.3", 0.02), ("gemma", 0.02), ("cc-by-nc-4.0", 0.03), ("cc-by-4.0", 0.02), ("cc-by-sa-4.0", 0.01),
    ("unknown", 0.01), ("afl-3.0", 0.01), ("bigscience-bloom-rail-1.0", 0.01), ("gpl-3.0", 0.01),
    ("creativeml-openrail-m", 0.06),
)  # fmt: skip
DATASETS = (
    "fka/awesome-chatgpt-prompts", "HuggingFaceH4/ultrachat_200k", "tatsu-lab/alpaca", "yahma/alpaca-cleaned",
    "open-thoughts/OpenThoughts-114k", "Open-Orca/OpenOrca", "teknium/OpenHermes-2.5", "HuggingFaceTB/finemath",
    "databricks/databricks-dolly-15k", "timdettmers/openassistant-guanaco", "cognitivecomputations/dolphin-r1",
    "bespokelabs/Bespoke-Stratos-17k", "imdb", "squad", "glue",
)  # fmt: skip
LANGUAGES = ("en",) * 12 + ("es", "fr", "de", "zh", "ko", "ja", "ru", "pt", "hi", "ar", "it", "vi", "tr", "id")
SUFFIXES = {
    "finetune": ("Instruct", "chat", "sft", "dpo", "orpo", "finetuned", "v2", "uncensored", "medical", "code",
                 "roleplay", "math", "reasoning", "distilled", "abliterated", "ko", "ja", "es", "legal", "it"),
    "adapter": ("lora", "qlora", "LoRA-adapter", "peft", "adapter"),
    "gguf": ("GGUF", "Q4_K_M-GGUF", "Q8_0-GGUF", "i1-GGUF", "Q5_K_S-GGUF"),
    "gptq": ("GPTQ", "4bit-GPTQ", "GPTQ-Int4"),
    "awq": ("AWQ", "AWQ-4bit"),
    "merge": ("merge", "slerp", "ties", "dare-ties", "MoE", "passthrough"),
}  # fmt: skip
WORDS = ("alpha", "nova", "zephyr", "orca", "hermes", "dolphin", "tiny", "mega", "wizard", "sage", "luna", "atlas")
SYLLABLES = ("ka", "ri", "to", "mi", "na", "lo", "ve", "zu", "an", "el", "or", "is", "um", "ba", "de", "xi")
START = datetime(2022, 3, 2, tzinfo=UTC).timestamp()
END = datetime(2025, 4, 21, 12, tzinfo=UTC).timestamp()
SNAPSHOT = datetime(2025, 4, 22, tzinfo=UTC).timestamp()
NONE, SEVERAL = -1, -2  # a model's tree when it descends from no root in the file, or from several
GROWTH = 3.0  # the Hub gains e**3 (about 20) times as many models a day at the end as at the start


@dataclass
class Summary:
    """What was generated, and entities worth benchmarking on."""

    records: int
    seed: int
    roots: int
    derived: dict[str, int]  # derived models by relation
    untyped: int  # derived models whose tags carry only base_model:{id}
    base_model_edges: int  # (model, base model) pairs in all
    edges_inside: int  # of those, to a model in the file
    edges_outside: int  # to a repository outside the file
    largest_root: str  # the root with the most descendants (repository id)
    largest_root_descendants: int
    deep_leaf: str  # the first model at the greatest depth (generations below a root, or an outside base)
    deep_leaf_depth: int
    biggest_author: str  # the author of the most models
    biggest_author_models: int
    outside_bases: list[str] = field(default_factory=list)


def _owner(k: int, suffix: str = "") -> str:
    """A pronounceable account name for ``k``, unique for each ``k`` (three syllables or more).

    ``k`` is written in base 16, one syllable a digit, after a bijective shuffle of the numbers of
    its width, so that the first accounts do not all begin alike.
    """
    width = 3
    while k >= 16**width:
        width += 1
    k = (k * 0x9E3779B1 + 0x7F4A7C15) % 16**width
    parts = []
    for _ in range(width):
        k, d = divmod(k, 16)
        parts.append(SYLLABLES[d])
    return "".join(parts) + suffix


def _cumulative(weights: list[float]) -> list[float]:
    total, acc, out = sum(weights), 0.0, []
    for w in weights:
        acc += w / total
        out.append(acc)
    out[-1] = 1.0
    return out


def _pick(cumulative: list[float], u: float) -> int:
    import bisect

    return min(bisect.bisect_left(cumulative, u), len(cumulative) - 1)


def _zipf(rng: random.Random, n: int) -> int:
    """An index below ``n`` with probability about proportional to 1/(index+1)."""
    return min(n - 1, int(n ** rng.random()) - 1)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class HubGenerator:
    """Iterate to get the records one by one; :meth:`summary` after the last."""

    def __init__(self, records: int, seed: int = 0) -> None:
        if records < 1:
            raise ValueError("--records must be at least 1")
        self.n = records
        self.seed = seed
        self.rng = random.Random(seed)
        self.ids: list[str] = []
        self.taken: set[str] = set()  # the ids in lower case
        self.family = bytearray()  # per model: index in FAMILIES
        self.license = bytearray()  # per model: index in LICENSES, 255 for none
        self.depth = array("H")  # per model: generations below a root (0) or an outside base (-1)
        self.tree = array("i")  # per model: the root in the file it descends from, or NONE or SEVERAL
        self.stem = array("I")  # per model: index in self.stems (the family, size and its parameters)
        self.stems: list[tuple[str, int]] = []  # (name stem, parameters)
        self.urn = array("I")  # models, once each and once more per derivative: preferential attachment
        self._outside_stems: dict[str, int] = {}
        self.more_trees: dict[int, tuple[int, ...]] = {}  # merges of several trees: every root they descend from
        self.descendants: dict[int, int] = {}  # root -> descendants
        self.authors: dict[str, int] = {}
        self.derived = {k: 0 for k, _ in RELATIONS}
        self.untyped = self.edges = self.inside = self.outside = 0
        self.outside_used: set[str] = set()
        self._kinds = _cumulative([w for _, w in RELATIONS])
        self._quants = _cumulative([w for _, w in QUANT_FORMATS])
        self._families = _cumulative([f.weight for f in FAMILIES])
        self._licenses = _cumulative([w for _, w in LICENSES])
        self._users = max(50, records // 6)
        self._orgs = max(10, records // 400)
        self._quanters = max(3, records // 20_000)

    # --- the tree ------------------------------------------------------------------------------------

    def _bases(self, kind: str) -> list[int | str]:
        """Base models of a new derived model: indices of earlier models, or outside repository ids.

        A candidate is drawn from the urn (each model once, and once more per derivative), recent
        entries more often (the Hub's attention moves to new releases: ``RECENCY``); with probability
        ``TO_ROOT`` the candidate's root is taken instead (most derivatives are made straight from a
        base model, which gives the roots their thousands of direct derivatives).
        """
        rng = self.rng
        count = rng.choice((2, 2, 3)) if kind == "merge" else 1
        bases: list[int | str] = []
        for _ in range(count * 4):  # a few tries to find distinct ones
            if rng.random() < OUTSIDE_SHARE:
                b: int | str = OUTSIDE[rng.randrange(len(OUTSIDE))][0]
            else:
                size = len(self.urn)
                b = self.urn[min(size - 1, int(size * rng.random() ** RECENCY))]
                if rng.random() < TO_ROOT and self.tree[b] >= 0:
                    b = self.tree[b]
            if b not in bases:
                bases.append(b)
            if len(bases) == count:
                break
        return bases

    def _name(self, owner: str, name: str) -> str:
        """A repository id not taken yet, in any case (as on the Hub)."""
        repo, k = f"{owner}/{name}", 1
        while repo.lower() in self.taken:
            k += 1
            repo = f"{owner}/{name}-{k}"
        self.taken.add(repo.lower())
        return repo

    def __iter__(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        kinds = [k for k, _ in RELATIONS]
        for i in range(self.n):
            root = i == 0 or rng.random() < ROOT_SHARE
            kind = "root" if root else kinds[_pick(self._kinds, rng.random())]
            bases = [] if root else self._bases(kind)
            if kind == "merge" and len(bases) < 2:
                kind = "finetune"
            quant = QUANT_FORMATS[_pick(self._quants, rng.random())][0] if kind == "quantized" else ""
            yield self._record(i, kind, quant, bases)

    def _record(self, i: int, kind: str, quant: str, bases: list[int | str]) -> dict[str, Any]:
        rng = self.rng
        # lineage bookkeeping: family, stem, depth, tree, licence inherited from the first base
        first = bases[0] if bases else None
        inside = [b for b in bases if isinstance(b, int)]
        if first is None:
            fam = _pick(self._families, rng.random())
            f = FAMILIES[fam]
            size = f.sizes[rng.randrange(len(f.sizes))]
            params = int(size * 1e9 * rng.uniform(0.93, 1.07))
            label = f"{size:g}B" if size >= 1 else f"{round(size * 1000)}M"
            self.stems.append((f"{f.stem}-{label}", params))
            stem = len(self.stems) - 1
            lic = _pick(self._licenses, rng.random()) if rng.random() < PRESENCE["root"][4] else 255
            if f.library == "diffusers" and lic != 255 and rng.random() < 0.6:
                lic = len(LICENSES) - 1  # creativeml-openrail-m
        elif isinstance(first, str):
            fam = next(k for repo, k in OUTSIDE if repo == first)
            if first not in self._outside_stems:
                self.stems.append((first.split("/", 1)[1], int(FAMILIES[fam].sizes[0] * 1e9)))
                self._outside_stems[first] = len(self.stems) - 1
            stem, lic = self._outside_stems[first], _pick(self._licenses, rng.random())
        else:
            fam, stem, lic = self.family[first], self.stem[first], self.license[first]
        depth = 1 + max((self.depth[b] for b in inside), default=0) if bases else 0
        f = FAMILIES[fam]
        presence = QUANT_PRESENCE[quant] if quant else PRESENCE[kind]
        if kind != "root":
            if rng.random() > presence[4]:
                lic = 255
            elif lic == 255 or rng.random() < 0.25:  # licences drift down the tree
                lic = _pick(self._licenses, rng.random())
        # the roots in the file this model descends from: one, none (below an outside base) or several
        trees: set[int] = set() if bases else {i}
        for b in inside:
            t = self.tree[b]
            trees.update(self.more_trees[b] if t == SEVERAL else () if t == NONE else (t,))
        for t in trees:
            self.descendants[t] = self.descendants.get(t, -1) + 1  # a root is not its own descendant
        tree = next(iter(trees)) if len(trees) == 1 else NONE if not trees else SEVERAL
        if tree == SEVERAL:
            self.more_trees[i] = tuple(sorted(trees))
        self.family.append(fam)
        self.license.append(lic)
        self.depth.append(depth)
        self.tree.append(tree)
        self.stem.append(stem)
        if rng.random() < PARENT_WEIGHT[kind]:
            self.urn.append(i)
        self.urn.extend(inside)

        # who and what
        if kind == "root":
            owner = _owner(_zipf(rng, self._orgs), "-AI" if rng.random() < 0.5 else "-labs")
        elif quant and rng.random() < 0.7:
            owner = _owner(_zipf(rng, self._quanters), "-quants")
        else:
            owner = _owner(int(self._users * rng.random() ** 3))  # flatter than Zipf: the top user has about 2%
        stem_name, base_params = self.stems[stem]
        if kind == "root":
            name = stem_name
        else:
            pool = SUFFIXES[quant or kind]
            name = f"{stem_name}-{pool[rng.randrange(len(pool))]}"
            if kind in ("finetune", "merge") and rng.random() < 0.5:
                name = (
                    f"{WORDS[rng.randrange(len(WORDS))]}-{name}"
                    if rng.random() < 0.5
                    else f"{name}-{rng.randrange(1, 10)}"
                )
        repo = self._name(owner, name)
        self.ids.append(repo)
        self.authors[owner] = self.authors.get(owner, 0) + 1
        base_ids = [b if isinstance(b, str) else self.ids[b] for b in bases]
        if kind != "root":
            self.derived[kind] += 1
            self.edges += len(base_ids)
            self.inside += len(inside)
            self.outside += len(bases) - len(inside)
            self.outside_used.update(o for o in bases if isinstance(o, str))
        untyped = kind != "root" and rng.random() < UNTYPED_SHARE
        self.untyped += untyped
        return self._fields(i, repo, owner, kind, quant, f, base_ids, base_params, lic, presence, untyped)

    # --- the record's fields -------------------------------------------------------------------------

    def _fields(
        self, i: int, repo: str, owner: str, kind: str, quant: str, f: Family, base_ids: list[str],
        base_params: int, lic: int, presence: tuple[float, ...], untyped: bool,
    ) -> dict[str, Any]:  # fmt: skip
        rng = self.rng
        x = (i + rng.random()) / self.n
        created = START + (END - START) * math.log1p(math.expm1(GROWTH) * x) / GROWTH
        if rng.random() < 0.3:
            modified = created + rng.randrange(1, 600)
        else:
            modified = created + rng.expovariate(1 / (20 * 86400))
        modified = min(max(modified, created), SNAPSHOT)
        library: str | None = None
        if kind == "adapter":
            library = "peft"
        elif rng.random() < presence[0]:
            library = f.library
        pipeline = f.pipeline if rng.random() < presence[1] else None
        card: dict[str, Any] = {}
        tags: list[str] = []
        if library:
            tags.append(library)
        if kind == "adapter" and library != "peft":
            tags.append("peft")
        if rng.random() < 0.15:
            tags.append("tensorboard")
        has_safetensors = rng.random() < presence[3]
        if has_safetensors or (kind in ("adapter", "finetune", "merge") and rng.random() < 0.3):
            tags.append("safetensors")
        if quant:
            tags.append(quant)
            if quant != "gguf":
                tags.append("4-bit")
        if f.model_type and library == "transformers":
            tags.append(f.model_type)
        if pipeline:
            tags.append(pipeline)
        card_tags = self._card_tags(kind, quant, f)
        tags += card_tags
        languages = self._languages()
        tags += languages
        datasets = self._datasets(owner) if kind != "quantized" else []
        tags += [f"dataset:{d}" for d in datasets]
        if rng.random() < 0.12:
            tags.append(f"arxiv:{rng.randrange(1706, 2504)}.{rng.randrange(10000):05d}")
        tags += [f"base_model:{b}" for b in base_ids]
        if not untyped:
            tags += [f"base_model:{kind}:{b}" for b in base_ids]
        license_id = LICENSES[lic][0] if lic != 255 else None
        if license_id:
            tags.append(f"license:{license_id}")
        if library in ("transformers", "diffusers") and rng.random() < 0.6:
            tags.append("autotrain_compatible")
        if f.pipeline == "text-generation" and library == "transformers" and rng.random() < 0.5:
            tags.append("text-generation-inference")
        if rng.random() < 0.4 or quant == "gguf":
            tags.append("endpoints_compatible")
        if library == "diffusers":
            tags.append(
                "diffusers:StableDiffusionPipeline" if f.stem == "stable-diffusion" else "diffusers:FluxPipeline"
            )
        tags.append("region:us")
        if "conversational" in f.tags and rng.random() < 0.5:
            tags.append("conversational")

        if base_ids:
            card["base_model"] = base_ids[0] if len(base_ids) == 1 and rng.random() < 0.5 else list(base_ids)
            if not untyped and rng.random() < 0.04:
                card["base_model_relation"] = kind
        if license_id:
            card["license"] = license_id
            if license_id == "other":
                card["license_name"] = f"{f.stem.lower()}-community-license"
                card["license_link"] = f"https://huggingface.co/{repo}/blob/main/LICENSE"
        if datasets:
            card["datasets"] = datasets if len(datasets) > 1 or rng.random() < 0.95 else datasets[0]
        if languages:
            card["language"] = languages if len(languages) > 1 or rng.random() < 0.98 else languages[0]
        if library and rng.random() < 0.6:
            card["library_name"] = library
        if pipeline and rng.random() < 0.5:
            card["pipeline_tag"] = pipeline
        if card_tags:
            card["tags"] = card_tags
        if quant and rng.random() < 0.5:
            card["quantized_by"] = owner

        record: dict[str, Any] = {
            "_id": f"{int(created):08x}{rng.getrandbits(64):016x}",
            "author": owner,
            "cardData": card,
            "createdAt": _iso(created),
            "disabled": False,
            "downloads": self._downloads(kind),
            "gated": self._gated(kind),
            "id": repo,
            "lastModified": _iso(modified),
            "likes": self._likes(kind),
            "modelId": repo,
            "private": False,
            "sha": f"{rng.getrandbits(160):040x}",
            "tags": tags,
        }  # fmt: skip
        if library:
            record["library_name"] = library
        if pipeline:
            record["pipeline_tag"] = pipeline
        if rng.random() < presence[2]:
            record["config"] = self._config(kind, quant, f)
        params = base_params
        if kind == "adapter":
            params = max(1, int(base_params * rng.uniform(0.001, 0.02)))
        if has_safetensors:
            record["safetensors"] = self._safetensors(params, quant)
        record["usedStorage"] = self._storage(kind, quant, params)
        return record

    def _card_tags(self, kind: str, quant: str, f: Family) -> list[str]:
        rng = self.rng
        if rng.random() > 0.8 and kind != "merge":  # a merge always says so (mergekit, merge)
            return []
        out = list(f.tags[:1]) if f.tags and rng.random() < 0.5 else []
        if kind == "merge":
            out += ["mergekit", "merge"]
        elif kind == "adapter":
            out += ["lora", "generated_from_trainer"] if rng.random() < 0.5 else ["lora"]
        elif quant == "gguf":
            out += ["llama-cpp", "gguf-my-repo"] if rng.random() < 0.5 else ["llama-cpp"]
        elif kind == "finetune":
            out += [("generated_from_trainer", "trl", "sft", "unsloth", "dreambooth", "art")[rng.randrange(6)]]
        return out

    def _languages(self) -> list[str]:
        rng = self.rng
        if rng.random() > 0.42:
            return []
        count = 1 if rng.random() < 0.72 else rng.choice((2, 2, 3, 5, 10))
        out: list[str] = []
        for _ in range(count):
            lang = LANGUAGES[rng.randrange(len(LANGUAGES))]
            if lang not in out:
                out.append(lang)
        return out

    def _datasets(self, owner: str) -> list[str]:
        rng = self.rng
        if rng.random() > 0.31:
            return []
        out = [DATASETS[rng.randrange(len(DATASETS))]]
        if rng.random() < 0.3:
            out.append(f"{owner}/{WORDS[rng.randrange(len(WORDS))]}-data")
        return out

    def _downloads(self, kind: str) -> int:
        rng = self.rng
        if kind == "root":
            return int(10 ** rng.uniform(1, 6.5))
        return 0 if rng.random() < 0.82 else int(10 ** rng.expovariate(1.1))

    def _likes(self, kind: str) -> int:
        rng = self.rng
        if kind == "root":
            return int(10 ** rng.uniform(0, 4))
        return 0 if rng.random() < 0.94 else int(10 ** rng.expovariate(2.5))

    def _gated(self, kind: str) -> bool | str:
        u = self.rng.random()
        manual, auto = (0.08, 0.07) if kind == "root" else (0.005, 0.025)
        return "manual" if u < manual else "auto" if u < manual + auto else False

    def _config(self, kind: str, quant: str, f: Family) -> dict[str, Any]:
        rng = self.rng
        if f.model_type is None or rng.random() > CONFIG_FULL[quant or kind]:
            u = rng.random()
            if f.model_type and u < 0.02:
                return {"model_type": f.model_type}
            if f.architecture and u < 0.03:
                return {"architectures": [f.architecture]}
            return {}
        return {"architectures": [f.architecture], "model_type": f.model_type}

    def _safetensors(self, params: int, quant: str) -> dict[str, Any]:
        rng = self.rng
        if quant:  # packed 4-bit weights in I32, the rest in F16
            packed = params // 8
            dtypes = {"F16": params // 10, "I32": packed}
        else:
            u = rng.random()
            if u < 0.5:
                small = max(1, params // 40)
                dtypes = {"F16": params - small, "F32": small}
            elif u < 0.8:
                dtypes = {"BF16": params}
            elif u < 0.9:
                dtypes = {"F32": params}
            else:
                dtypes = {"F16": params}
        return {"parameters": dtypes, "total": sum(dtypes.values())}

    def _storage(self, kind: str, quant: str, params: int) -> int:
        rng = self.rng
        if rng.random() < 0.3:
            return 0
        per = {"gguf": 3.5, "gptq": 0.7, "awq": 0.7}.get(quant, 2.0)
        return int(params * per * rng.uniform(0.9, 2.2))

    # --- the summary ---------------------------------------------------------------------------------

    def summary(self) -> Summary:
        n = len(self.ids)
        top = max(self.descendants, key=lambda r: (self.descendants[r], -r))
        deep = max(range(n), key=lambda k: (self.depth[k], -k))
        author = max(self.authors, key=lambda a: (self.authors[a], a))
        return Summary(
            records=n, seed=self.seed, roots=len(self.descendants), derived=dict(self.derived),
            untyped=self.untyped, base_model_edges=self.edges, edges_inside=self.inside,
            edges_outside=self.outside, largest_root=self.ids[top], largest_root_descendants=self.descendants[top],
            deep_leaf=self.ids[deep], deep_leaf_depth=self.depth[deep], biggest_author=author,
            biggest_author_models=self.authors[author], outside_bases=sorted(self.outside_used),
        )  # fmt: skip


def records(count: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """The records one by one (without the summary)."""
    yield from HubGenerator(count, seed)


def generate(out: IO[bytes], count: int, seed: int = 0) -> Summary:
    """Write ``count`` records to ``out`` as JSON Lines (UTF-8), and say what was written."""
    gen = HubGenerator(count, seed)
    chunk: list[str] = []
    for rec in gen:
        chunk.append(json.dumps(rec, sort_keys=True))
        if len(chunk) == 2000:
            out.write(("\n".join(chunk) + "\n").encode("utf-8"))
            chunk.clear()
    if chunk:
        out.write(("\n".join(chunk) + "\n").encode("utf-8"))
    return gen.summary()


def write(path: Path, count: int, seed: int = 0) -> Summary:
    """Generate into ``path`` (JSON Lines, written atomically) and a ``.json`` summary beside it."""
    from fmkg.output import open_output, write_atomic

    if count < 1:
        raise ValueError("--records must be at least 1")
    with open_output(path) as fh:
        summary = generate(fh, count, seed)
    write_atomic(path.with_suffix(".json"), json.dumps(asdict(summary), indent=2) + "\n")
    return summary
