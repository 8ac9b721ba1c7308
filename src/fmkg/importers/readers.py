"""Reading input files: text with clear errors, checksums, and YAML that remembers its line numbers."""

from __future__ import annotations

import hashlib
import importlib
import json
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from fmkg.errors import LoadError

#: The key under which :func:`load_yaml` records the line a mapping starts on.
LINE = "__line__"

#: The largest file an importer reads whole (CSV, YAML, JSON, a model card); larger ones are refused.
MAX_TEXT_BYTES = 256 * 1024 * 1024


def _regular(path: Path, limit: int | None) -> None:
    """Refuse anything but a regular file (of at most ``limit`` bytes): a FIFO or a device such as
    /dev/zero would block or never end."""
    try:
        info = path.stat()
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise LoadError(path, "cannot read: it is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise LoadError(path, "cannot read: it is not a regular file (a pipe or a device)")
    if limit is not None and info.st_size > limit:
        raise LoadError(
            path, f"too large to import: {info.st_size:,} bytes, more than the {limit:,} bytes an importer reads whole"
        )


def read_bytes(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is a one-line error."""
    _regular(path, limit)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc


@contextmanager
def open_regular(path: Path) -> Iterator[BinaryIO]:
    """A regular file of any size opened to be read as a stream (lines or chunks), with one-line errors."""
    _regular(path, None)
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    with fh:
        try:
            yield fh
        except OSError as exc:
            raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc


def read_text(path: Path) -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped); errors name the file and line."""
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(path, f"not UTF-8 text (byte {exc.start})", line=line) from exc


def checksum(paths: list[Path]) -> str:
    """``sha256:...`` of the input files' contents, in the order given: names the exact copy imported."""
    h = hashlib.sha256()
    for path in paths:
        with open_regular(path) as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    return f"sha256:{h.hexdigest()}"


def load_json(text: str, path: Path) -> Any:
    """Parse JSON; malformed or too deeply nested input is a one-line error naming file and line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(path, f"malformed JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from exc
    except RecursionError:
        raise LoadError(path, "malformed JSON: nested too deeply") from None


def _yaml() -> Any:
    # PyYAML ships no type information; it is imported by name so that mypy treats it as Any.
    return importlib.import_module("yaml")


def load_yaml(text: str, path: Path, *, first_line: int = 1) -> Any:
    """Parse YAML without implicit typing (every scalar is a string: "2020-05-28" stays text, "No"
    is not False), recording each mapping's line under :data:`LINE`. Errors name file and line."""
    yaml = _yaml()

    loader_class: Any = type("_LineLoader", (yaml.BaseLoader,), {})

    def mapping(loader: Any, node: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            out[str(key)] = loader.construct_object(value_node, deep=True)
        out[LINE] = node.start_mark.line + first_line
        return out

    loader_class.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    try:
        return list(yaml.load_all(text, Loader=loader_class))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        what = " ".join(str(exc.problem or exc.context or "syntax error").split())
        raise LoadError(path, f"malformed YAML: {what}", line=line) from exc
    except yaml.YAMLError as exc:
        raise LoadError(path, f"malformed YAML: {' '.join(str(exc).split())}") from exc
    except RecursionError:
        raise LoadError(path, "malformed YAML: nested too deeply", line=first_line) from None


@cache
def data_table(name: str) -> dict[str, Any]:
    """One of the TOML tables shipped beside the importers (``classes.toml``, ``relations.toml``):
    mappings from a source's words to fmkg's terms, kept as data; read once."""
    import tomllib

    with (Path(__file__).parent / name).open("rb") as fh:
        return tomllib.load(fh)
