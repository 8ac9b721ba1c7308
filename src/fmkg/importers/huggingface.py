"""Hugging Face model cards: the YAML front matter of README.md files.

Read: the model's name (``model_name``, ``model-index``'s name or the card's first ``# heading``),
its repository id when given, ``base_model`` with ``base_model_relation`` (finetune, adapter,
merge, quantized), ``license`` (or ``license_name`` for "other"), ``pipeline_tag``, ``datasets``
and ``language``. The card's prose is never read beyond its title.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import URIRef

from fmkg.errors import LoadError
from fmkg.importers.fields import Field, as_list, is_placeholder, lookup, text, unwrap
from fmkg.importers.readers import LINE, checksum, load_yaml, read_text
from fmkg.importers.records import Record, Ref, SourceData, SourceInfo
from fmkg.rdf.namespaces import FM

INFO = SourceInfo(
    key="huggingface",
    title="Hugging Face model cards",
    iri="https://huggingface.co/models",
    license=None,
    citation="Model cards published on the Hugging Face Hub, https://huggingface.co/models",
    reads="README.md model cards with YAML front matter",
)

NAME = Field("model_name", ("name", "model", "title", "pretty_name"))
REPO = Field("model_id", ("repo_id", "id", "repo", "repository"))
BASE = Field("base_model", ("base_models", "parent_model", "finetuned_from"))
RELATION = Field("base_model_relation", ("base_model_relationship", "relation"))
LICENSE = Field("license", ("licence", "license_id"))
LICENSE_NAME = Field("license_name", ("licence_name",))
PIPELINE = Field("pipeline_tag", ("pipeline", "task"))
DATASETS = Field("datasets", ("dataset", "training_data"))
LANGUAGE = Field("language", ("languages", "lang"))
MODEL_INDEX = Field("model-index", ("model_index",))

#: How a model relates to its base model, by the value of ``base_model_relation``.
RELATIONS = {
    "finetune": FM.fineTunedFrom,
    "fine-tune": FM.fineTunedFrom,
    "finetuned": FM.fineTunedFrom,
    "adapter": FM.adapterOf,
    "lora": FM.adapterOf,
    "merge": FM.mergedFrom,
    "merged": FM.mergedFrom,
    "quantized": FM.quantizedFrom,
    "quantization": FM.quantizedFrom,
}
#: Classes for pipeline tags whose meaning is clear; other tags leave the model an fm:AIModel.
PIPELINE_CLASSES: dict[str, URIRef] = {
    "text-generation": FM.LanguageModel,
    "text2text-generation": FM.LanguageModel,
    "fill-mask": FM.LanguageModel,
    "text-to-image": FM.TextToImageModel,
    "text-to-video": FM.VideoGenerationModel,
    "image-text-to-text": FM.MultimodalModel,
    "visual-question-answering": FM.MultimodalModel,
    "automatic-speech-recognition": FM.SpeechModel,
    "text-to-speech": FM.SpeechModel,
    "text-to-audio": FM.SpeechModel,
    "image-classification": FM.VisionModel,
    "object-detection": FM.VisionModel,
    "image-segmentation": FM.VisionModel,
}
_REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def card_files(paths: list[Path]) -> list[Path]:
    """The cards to read: the files given, and the README.md of each directory given."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(p.rglob("README.md"))
            if not found:
                raise LoadError(p, "no README.md model card in this directory")
            files += found
        else:
            files.append(p)
    return files


def front_matter(content: str, path: Path) -> tuple[dict[str, object], str]:
    """The front matter of a card as a mapping, and the text after it."""
    lines = content.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or lines[start].strip() != "---":
        return {}, content
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise LoadError(path, "the YAML front matter is not closed by a '---' line", line=start + 1)
    docs = load_yaml("\n".join(lines[start + 1 : end]), path, first_line=start + 2)
    doc = docs[0] if docs else None
    if doc is None:
        return {}, "\n".join(lines[end + 1 :])
    if not isinstance(doc, dict):
        raise LoadError(path, "the front matter is not a mapping of keys to values", line=start + 2)
    return doc, "\n".join(lines[end + 1 :])


def _title(body: str) -> str:
    for line in body.splitlines():
        if m := re.match(r"#\s+(.+?)\s*#*$", line.strip()):
            return re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", r"\1", m[1]).strip()
    return ""


def read(paths: list[Path], *, release: str | None = None) -> SourceData:
    """Read model cards; a card without a model name, or with malformed YAML, raises LoadError."""
    files = card_files(paths)
    data = SourceData(records=[], files=[str(f) for f in files], release=release, checksum=checksum(files))
    for path in files:
        meta, body = front_matter(read_text(path), path)
        data.rows += 1
        data.records.append(_record(meta, body, path, data))
    return data


def _record(meta: dict[str, object], body: str, path: Path, data: SourceData) -> Record:
    index = unwrap(lookup(meta, MODEL_INDEX))
    index_name = text(index[0].get("name")) if isinstance(index, list) and index and isinstance(index[0], dict) else ""
    repo = text(lookup(meta, REPO))
    name = text(lookup(meta, NAME)) or index_name or _title(body) or (repo if _REPO_ID.fullmatch(repo) else "")
    line = meta.get(LINE, 1)
    if not name:
        raise LoadError(
            path,
            "no model name: give model_name or model-index in the front matter, or a '# title' line",
            line=line if isinstance(line, int) else 1,
        )
    if not repo and _REPO_ID.fullmatch(name):
        repo = name
    rec = Record(kind="model", name=name, where=f"{path}:{line}")
    if repo and repo != name:
        rec.aliases.append(repo)
    if repo and _REPO_ID.fullmatch(repo):
        rec.sources.append(f"https://huggingface.co/{repo}")
    tag = text(lookup(meta, PIPELINE)).lower()
    if tag in PIPELINE_CLASSES:
        rec.classes.append(PIPELINE_CLASSES[tag])
    elif tag:
        rec.classes.append(FM.AIModel)
    relation = text(lookup(meta, RELATION)).lower()
    prop = RELATIONS.get(relation, FM.derivedFrom)
    if relation and relation not in RELATIONS:
        data.tolerate("base model relations not read", rec.where, relation)
    for base in as_list(lookup(meta, BASE)):
        if not is_placeholder(base):
            rec.refs.append(Ref(base, prop, ("model",), alternatives=_short_names(base)))
    lic = text(lookup(meta, LICENSE))
    if lic.lower() == "other" or not lic:
        lic = text(lookup(meta, LICENSE_NAME)) or lic
    if lic and not is_placeholder(lic):
        rec.licenses.append(lic)
    for dataset in as_list(lookup(meta, DATASETS)):
        if is_placeholder(dataset):
            continue
        link = f"https://huggingface.co/datasets/{dataset}" if _REPO_ID.fullmatch(dataset) else None
        rec.refs.append(
            Ref(
                dataset, FM.trainedOn, ("dataset",), create=True, create_source=link, alternatives=_short_names(dataset)
            )
        )
    for lang in as_list(lookup(meta, LANGUAGE)):
        if _LANGUAGE.fullmatch(lang):
            rec.languages.append(lang)
        else:
            data.tolerate("languages not read", rec.where, lang)
    return rec


def _short_names(repo_id: str) -> tuple[str, ...]:
    """``meta-llama/Llama-2-7b-hf`` is also looked up as ``Llama-2-7b-hf``."""
    if _REPO_ID.fullmatch(repo_id):
        return (repo_id.split("/", 1)[1],)
    return ()
