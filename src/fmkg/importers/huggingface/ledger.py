"""What a Hub import has seen so far, kept in a scratch SQLite file so memory stays flat.

An import of the whole Hub sees millions of repository ids. To finish, it has to know which
repositories it described, which base models the edges point at (so a base outside the input still
gets a label, and no edge dangles), which edges the Hub typed itself (so an inferred edge for the
same pair is dropped), and which organizations, licences and datasets it has already written. Held
in Python sets, those ids cost about 220 bytes a repository. Here they are rows in a temporary
database, added in batches and read back once at the end with SQL. The file is deleted when the
import closes the ledger.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

_SCHEMA = """
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE; PRAGMA cache_size = -16384;
CREATE TABLE described (key TEXT NOT NULL);
CREATE TABLE referenced (key TEXT NOT NULL, spelling TEXT NOT NULL);
CREATE TABLE stated (child TEXT NOT NULL, base TEXT NOT NULL);
CREATE TABLE pending (child TEXT NOT NULL, base TEXT NOT NULL, spelling TEXT NOT NULL,
                      relation TEXT NOT NULL, lines TEXT NOT NULL);
CREATE TABLE minted (iri TEXT PRIMARY KEY, kind TEXT NOT NULL, lines TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE curated (key TEXT PRIMARY KEY) WITHOUT ROWID;
"""
#: Built once everything is written: faster than keeping them up to date row by row.
_INDEXES = """
CREATE INDEX described_key ON described (key);
CREATE INDEX referenced_key ON referenced (key);
CREATE INDEX stated_pair ON stated (child, base);
"""
_INSERTS = {
    "described": "INSERT INTO described VALUES (?)",
    "referenced": "INSERT INTO referenced VALUES (?, ?)",
    "stated": "INSERT INTO stated VALUES (?, ?)",
    "pending": "INSERT INTO pending VALUES (?, ?, ?, ?, ?)",
    "minted": "INSERT OR IGNORE INTO minted VALUES (?, ?, ?)",  # the first one written wins
}
#: Rows held in memory per table before they are written.
BATCH = 5_000


class Ledger:
    """The ids an import has met, on disk: repositories described, bases referenced, edges the Hub
    typed, inferred edges waiting for the end, and entities minted (their lines, the first wins)."""

    def __init__(self, curated: Iterable[str] = (), directory: Path | None = None) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="fmkg-hub-", dir=directory)
        self.db = sqlite3.connect(str(Path(self._dir.name) / "ledger.sqlite"))
        self.db.executescript(_SCHEMA)
        self.db.executemany("INSERT OR IGNORE INTO curated VALUES (?)", ((k,) for k in curated))
        self._rows: dict[str, list[tuple[str, ...]]] = {table: [] for table in _INSERTS}
        self._finished = False

    def add(self, table: str, *row: str) -> None:
        """One row for ``table`` (``described``, ``referenced``, ``stated``, ``pending``, ``minted``)."""
        rows = self._rows[table]
        rows.append(row)
        if len(rows) >= BATCH:
            self._write(table)

    def _write(self, table: str) -> None:
        self.db.executemany(_INSERTS[table], self._rows[table])
        self._rows[table].clear()

    def flush(self) -> None:
        """Write the rows held in memory."""
        for table in _INSERTS:
            self._write(table)

    def finish(self) -> None:
        """Write what is held and index the tables for the questions below (rows added later need a
        :meth:`flush` before they are asked about)."""
        self.flush()
        if not self._finished:
            self.db.executescript(_INDEXES + "ANALYZE;")
            self._finished = True

    # --- read once at the end ------------------------------------------------------------------

    def repositories(self) -> tuple[int, int, int]:
        """Models written, distinct repositories among them, and how many of those are curated."""
        total, distinct = self.db.execute("SELECT count(*), count(DISTINCT key) FROM described").fetchone()
        (curated,) = self.db.execute(
            "SELECT count(DISTINCT key) FROM described WHERE key IN (SELECT key FROM curated)"
        ).fetchone()
        return total, distinct, curated

    def pending_edges(self) -> Iterator[tuple[str, str, str, str]]:
        """Each inferred edge once, in the order first met, unless the Hub typed an edge between the
        same two repositories: ``(base key, base id as written, relation, lines)``."""
        yield from self.db.execute(
            """SELECT p.base, p.spelling, p.relation, p.lines FROM pending p
               WHERE p.rowid IN (SELECT min(rowid) FROM pending GROUP BY lines)
                 AND NOT EXISTS (SELECT 1 FROM stated s WHERE s.child = p.child AND s.base = p.base)
               ORDER BY p.rowid"""
        )

    def outside(self) -> Iterator[str]:
        """Base models referenced but neither described nor curated, by key, each as first written."""
        yield from (
            spelling
            for (spelling,) in self.db.execute(
                """SELECT r.spelling FROM referenced r
                   WHERE r.rowid IN (SELECT min(rowid) FROM referenced GROUP BY key)
                     AND r.key NOT IN (SELECT key FROM described) AND r.key NOT IN (SELECT key FROM curated)
                   ORDER BY r.key"""
            )
        )

    def minted(self) -> Iterator[tuple[str, str]]:
        """``(kind, lines)`` of each organization, licence and dataset, by IRI."""
        yield from self.db.execute("SELECT kind, lines FROM minted ORDER BY iri")

    def references(self) -> tuple[int, int, int]:
        """Edges to a base model: all, to a repository described here, to a curated one not described here."""
        total, inside, curated = self.db.execute(
            """SELECT count(*),
                      coalesce(sum(key IN (SELECT key FROM described)), 0),
                      coalesce(sum(key NOT IN (SELECT key FROM described) AND key IN (SELECT key FROM curated)), 0)
               FROM referenced"""
        ).fetchone()
        return int(total), int(inside), int(curated)

    def close(self) -> None:
        """Delete the scratch file."""
        self.db.close()
        self._dir.cleanup()
