"""The inputs of a Hub import, read one record at a time, each in the Hub API's shape.

Three kinds, chosen by suffix: JSON Lines of Hub model records (``.jsonl``, what
``HfApi().list_models(full=True, cardData=True)`` yields: ``id``, ``author``, ``tags``, ``cardData``,
``safetensors``, ...), Parquet dumps of Hub metadata (``.parquet``: ``modelId``, ``author``,
``createdAt``, ``tags``, ``card`` with the card's text, ...) and model cards (``README.md`` files,
or folders of them). A card becomes a record whose ``cardData`` is its front matter; its repository
id comes from the front matter or from where the card lies: ``{owner}/{name}/README.md`` under a
folder given, or the huggingface_hub cache layout ``models--{owner}--{name}/snapshots/{sha}/README.md``.

Nothing is held beyond the record being read, so inputs of any size stream. A record that cannot be
read is yielded with its problem instead of its data: the importer warns and goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fmkg.errors import FmkgError, LoadError
from fmkg.importers.huggingface.cards import front_matter
from fmkg.importers.readers import open_regular, read_text

#: Suffixes of each kind of input.
JSONL = (".jsonl", ".ndjson")
PARQUET = (".parquet",)
CARD = (".md",)

#: Parquet columns and the Hub API key each becomes.
PARQUET_COLUMNS = {
    "modelId": "id",
    "id": "id",
    "author": "author",
    "createdAt": "createdAt",
    "lastModified": "lastModified",
    "last_modified": "lastModified",
    "downloads": "downloads",
    "likes": "likes",
    "tags": "tags",
    "pipeline_tag": "pipeline_tag",
    "library_name": "library_name",
    "gated": "gated",
    "sha": "sha",
    "safetensors": "safetensors",
    "config": "config",
}
_CACHE_DIR = re.compile(r"models--(?P<owner>[^/]+?)--(?P<name>[^/]+)")


@dataclass(frozen=True)
class RawRecord:
    """One record as read: where it is (``file:line``), and its data or why it could not be read."""

    where: str
    data: dict[str, object] | None
    problem: str = ""


def kind_of_input(path: Path) -> str:
    """``jsonl``, ``parquet`` or ``cards`` for an input path (a folder holds cards)."""
    if path.is_dir():
        return "cards"
    suffix = path.suffix.lower()
    if suffix in JSONL:
        return "jsonl"
    if suffix in PARQUET:
        return "parquet"
    if suffix in CARD:
        return "cards"
    raise LoadError(path, "not a Hub input: give .jsonl (Hub records), .parquet (a Hub dump) or README.md cards")


def read(paths: Iterable[Path]) -> Iterator[RawRecord]:
    """Every record of every input: Hub records first, then cards (a folder's in path order), so that
    what a record types is known before a card that leaves it untyped; otherwise in the order given."""
    for path in sorted(paths, key=lambda p: kind_of_input(p) == "cards"):
        kind = kind_of_input(path)
        if kind == "jsonl":
            yield from jsonl(path)
        elif kind == "parquet":
            yield from parquet(path)
        else:
            yield from cards(path)


def jsonl(path: Path) -> Iterator[RawRecord]:
    """The records of a JSON Lines file, line by line; blank lines are skipped."""
    with open_regular(path) as fh:
        for n, raw in enumerate(fh, 1):
            where = f"{path}:{n}"
            if not raw.strip():
                continue
            try:
                data = json.loads(raw.decode("utf-8-sig") if n == 1 else raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield RawRecord(where, None, f"not UTF-8 text (byte {exc.start} of the line)")
                continue
            except json.JSONDecodeError as exc:
                yield RawRecord(where, None, f"malformed JSON: {exc.msg} (column {exc.colno})")
                continue
            except RecursionError:
                yield RawRecord(where, None, "JSON nested too deeply: not read")
                continue
            if not isinstance(data, dict):
                yield RawRecord(where, None, "not a JSON object")
                continue
            yield RawRecord(where, data)


def parquet(path: Path, batch_rows: int = 2048) -> Iterator[RawRecord]:
    """The rows of a Parquet dump of Hub metadata, a batch at a time, as Hub API records."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise FmkgError("reading Parquet needs pyarrow: pip install 'fmkg[parquet]'") from None
    with open_regular(path):  # a directory, a FIFO or a device is refused as for the other inputs
        pass
    try:
        pf = pq.ParquetFile(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise LoadError(path, f"not a readable Parquet file: {' '.join(str(exc).split())}") from None
    names = set(pf.schema_arrow.names)
    if not names & {"modelId", "id"}:
        raise LoadError(path, "no modelId or id column: not a dump of Hub model records")
    columns = [c for c in (*PARQUET_COLUMNS, "card", "cardData") if c in names]
    try:
        yield from _rows(pf, path, batch_rows, columns)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise LoadError(path, f"unreadable Parquet data: {' '.join(str(exc).split())}") from None


def _rows(pf: object, path: Path, batch_rows: int, columns: list[str]) -> Iterator[RawRecord]:
    """The rows of an opened Parquet file, a batch at a time, as Hub API records."""
    row = 0
    for batch in pf.iter_batches(batch_size=batch_rows, columns=columns):  # type: ignore[attr-defined]
        for values in batch.to_pylist():
            row += 1
            where = f"{path}:row {row}"
            data: dict[str, object] = {}
            for column, key in PARQUET_COLUMNS.items():
                if column in values and values[column] is not None and key not in data:
                    data[key] = _plain(values[column])
            card = values.get("cardData")
            if isinstance(card, str):
                try:
                    card = json.loads(card)
                except (json.JSONDecodeError, RecursionError):
                    card = None
            if not isinstance(card, dict) and isinstance(values.get("card"), str):
                try:
                    card, _ = front_matter(values["card"], path)
                except LoadError as exc:
                    yield RawRecord(where, None, f"the card's front matter: {exc.message}")
                    continue
            if isinstance(card, dict):
                data["cardData"] = card
            yield RawRecord(where, data)


def _plain(value: object) -> object:
    """A Parquet value as the JSON API would give it: timestamps as ISO text."""
    if isinstance(value, datetime):
        text = value.isoformat()
        return text if value.tzinfo is None or not text.endswith("+00:00") else text[: -len("+00:00")] + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def card_files(path: Path) -> list[tuple[Path, Path]]:
    """The cards under ``path`` with the folder they were found in: a file alone, or every README.md below."""
    if path.is_dir():
        found = sorted(path.rglob("README.md"))
        if not found:
            raise LoadError(path, "no README.md model card in this directory")
        return [(f, path) for f in found]
    return [(path, path.parent)]


def repo_id_from_path(card: Path, top: Path) -> str:
    """The repository id that a card's place says: the cache layout, else ``{owner}/{name}/README.md``
    below the folder given; "" when its place says nothing."""
    text = card.as_posix()
    if m := _CACHE_DIR.search(text):
        return f"{m['owner']}/{m['name']}"
    try:
        parts = card.relative_to(top).parts
    except ValueError:
        return ""
    return f"{parts[-3]}/{parts[-2]}" if len(parts) >= 3 else ""


def cards(path: Path) -> Iterator[RawRecord]:
    """The model cards under ``path``, each as a record with its front matter as ``cardData``."""
    for card, top in card_files(path):
        where = f"{card}:1"
        try:
            meta, _ = front_matter(read_text(card), card)
        except LoadError as exc:
            yield RawRecord(f"{card}:{exc.line or 1}", None, exc.message)
            continue
        data: dict[str, object] = {"cardData": meta}
        stated = meta.get("model_id") or meta.get("repo_id") or meta.get("id")
        repo = stated if isinstance(stated, str) and "/" in stated else repo_id_from_path(card, top)
        if repo:
            data["id"] = repo
        yield RawRecord(where, data)
