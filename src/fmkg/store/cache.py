"""Persistent stores keyed by content: built once, opened read-only by every later command.

A store's key is a hash of fmkg's version, pyoxigraph's version and the path and bytes of every source
file, so a changed file gives a new key and a store is never stale. The shipped graph and each set of
``--data`` files get a store of their own under ``$FMKG_CACHE_DIR`` (else ``$XDG_CACHE_HOME/fmkg`` or
``~/.cache/fmkg``), in ``stores/<key>/``:

- ``oxigraph/``: the Oxigraph (RocksDB) store;
- ``fmkg.json``: what it holds (sources, their named graphs and sizes);
- ``names.sqlite``: the name index (:mod:`fmkg.names.index`);
- ``lineage.sqlite``: the lineage index (:mod:`fmkg.store.lineage_index`).

Building is safe when two processes start at once: a process takes ``stores/<key>.lock`` (others wait
for it), builds into a hidden folder and renames it into place, so a reader sees a whole store or
none. Nothing is ever unpickled; a cached store that cannot be opened (a damaged file) is removed and
built again. The least recently used
stores beyond :data:`KEEP` are removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from fmkg.errors import FmkgError, LoadError
from fmkg.output import process_alive

#: How many stores the cache keeps (the least recently used others are removed).
KEEP = 6
#: Stores unused for less than this many seconds are never removed (another process may read them).
GRACE = 3600.0
MANIFEST = "fmkg.json"
FORMAT_VERSION = 4


def cache_dir() -> Path:
    """Where stores are cached: ``$FMKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/fmkg`` or ``~/.cache/fmkg``."""
    if env := os.environ.get("FMKG_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fmkg"


def sources_key(files: Sequence[Path]) -> str:
    """A key for the exact content of ``files`` and the code that reads them."""
    from importlib.metadata import version

    from fmkg import __version__

    h = hashlib.sha256(
        f"fmkg {__version__} store {FORMAT_VERSION} pyoxigraph {version('pyoxigraph')} py {sys.version_info[:2]}".encode()
    )
    for f in files:
        h.update(str(f.resolve()).encode() + b"\0" + file_digest(f).encode() + b"\0")
    return h.hexdigest()[:32]


#: Files at least this large have their digest remembered (``digests.json`` in the cache folder).
DIGEST_MEMO_BYTES = 16 * 1024 * 1024
#: How many remembered digests are kept.
DIGEST_MEMO_KEEP = 256


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes. A large file's digest is remembered by its identity and change
    time (path, inode, size, modification and status-change times in nanoseconds): the status-change
    time moves on every write and cannot be set back, so a remembered digest is never that of other
    bytes, and a 2 GB file is not read again by every command."""
    try:
        st = path.stat()
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    memo_key = f"{path.resolve()}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}"
    memo_file = cache_dir() / "digests.json"
    memo: dict[str, str] = {}
    if st.st_size >= DIGEST_MEMO_BYTES:
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(memo_file.read_text(encoding="utf-8"))
            memo = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        if memo_key in memo:
            return memo[memo_key]
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    digest = h.hexdigest()
    if st.st_size >= DIGEST_MEMO_BYTES:
        memo.pop(memo_key, None)
        memo[memo_key] = digest
        kept = dict(list(memo.items())[-DIGEST_MEMO_KEEP:])
        with contextlib.suppress(OSError, FmkgError):  # a read-only cache folder: the digest is not kept
            from fmkg.output import write_atomic

            memo_file.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(memo_file, json.dumps(kept, indent=0))
    return digest


@dataclass(frozen=True)
class Manifest:
    """What a built store holds."""

    key: str
    sources: list[dict[str, object]]  # {"path", "graph", "triples"} in load order
    triples: int  # distinct triples of the merge

    def to_json(self) -> str:
        return json.dumps(
            {"format": FORMAT_VERSION, "key": self.key, "sources": self.sources, "triples": self.triples}, indent=2
        )

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        """The manifest of a built store, or None when there is none or it is not one fmkg wrote."""
        try:
            doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if doc.get("format") != FORMAT_VERSION:
                return None
            return cls(str(doc["key"]), list(doc["sources"]), int(doc["triples"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None


@contextlib.contextmanager
def _locked(lock: Path) -> Iterator[None]:
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure(target: Path, key: str, build: Callable[[Path], Manifest], *, owned: bool = True) -> Manifest:
    """The store at ``target`` for ``key``, built with ``build(folder)`` into a fresh folder when missing.

    ``build`` fills the folder it is given; the folder is renamed to ``target`` only when it returns.
    ``owned`` folders (the cache's) are replaced whatever they hold; a user's folder (``--store-path``)
    only when it is empty or a store fmkg built.
    """
    found = Manifest.read(target)
    if found is not None and found.key == key:
        _touch(target)
        return found
    with _locked(target.with_name(target.name + ".lock")):
        found = Manifest.read(target)  # another process may have built it while we waited
        if found is not None and found.key == key:
            return found
        if not owned and target.is_dir() and found is None and any(target.iterdir()):
            raise LoadError(target, "exists and is not a store fmkg built: give an empty or new folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".building", dir=target.parent))
        try:
            manifest = build(folder)
            (folder / MANIFEST).write_text(manifest.to_json() + "\n", encoding="utf-8")
            if target.exists():
                old = folder.with_suffix(".old")
                target.rename(old)
                folder.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                folder.rename(target)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    _evict(target.parent, keep=target)
    return manifest


def discard(target: Path) -> None:
    """Remove a cached store that cannot be opened, so that the next :func:`ensure` builds it again."""
    with _locked(target.with_name(target.name + ".lock")):
        if target.exists():
            aside = target.with_name(f".{target.name}.{os.getpid()}.broken")
            target.rename(aside)
            shutil.rmtree(aside, ignore_errors=True)


def _touch(folder: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(folder / MANIFEST)


def _evict(root: Path, keep: Path) -> None:
    """Remove the least recently used stores beyond :data:`KEEP`, and builds left by killed processes."""
    if root != cache_dir() / "stores":
        return
    now = time.time()
    stores = []
    with contextlib.suppress(OSError):
        for folder in root.iterdir():
            if folder.name.endswith(".building"):
                pid = folder.name.split(".")[2]
                if pid.isdigit() and not process_alive(int(pid)):
                    shutil.rmtree(folder, ignore_errors=True)
                continue
            if folder.is_dir() and folder != keep and (folder / MANIFEST).is_file():
                stores.append(((folder / MANIFEST).stat().st_mtime, folder))
    stores.sort(reverse=True)
    for used, folder in stores[KEEP - 1 :]:
        if now - used > GRACE:
            shutil.rmtree(folder, ignore_errors=True)
            folder.with_name(folder.name + ".lock").unlink(missing_ok=True)
