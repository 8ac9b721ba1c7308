"""The SQLite files kept beside a persistent store (the name index, the lineage index): made once,
then opened read-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def create(path: Path | None, schema: str) -> sqlite3.Connection:
    """A new database with ``schema`` (in memory when ``path`` is None). The file is new and only
    renamed into place once built, so no journal is needed while it is written."""
    db = sqlite3.connect(str(path) if path is not None else ":memory:", check_same_thread=False)
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + schema)
    return db


def open_read_only(path: Path, what: str, probes: tuple[str, ...]) -> sqlite3.Connection:
    """A database built earlier, read-only; a :class:`LoadError` naming ``what`` when it is not one
    (missing, corrupt, another schema: each query of ``probes`` must run)."""
    from fmkg.errors import LoadError

    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        for probe in probes:
            db.execute(probe).fetchall()
    except sqlite3.Error as exc:
        raise LoadError(path, f"cannot open the {what}: {exc}") from None
    return db
