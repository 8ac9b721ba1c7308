"""Errors that fmkg reports to users; the CLI turns each into its exit code in one place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class FmkgError(Exception):
    """Base of every error fmkg reports as one line and an exit code."""

    exit_code = 2


class LoadError(FmkgError):
    """A data file cannot be read or parsed."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class QuerySyntaxError(FmkgError):
    """A SPARQL query does not parse."""

    def __init__(self, source: str, message: str, line: int | None = None, column: int | None = None) -> None:
        where = source
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: SPARQL syntax error: {message}")


class QueryError(FmkgError):
    """A query cannot be found, is missing a parameter, or fails to run."""


class UnknownEntityError(FmkgError):
    """A name given by the user matches no entity; carries suggestions."""

    exit_code = 1

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"no entity is called {name!r}{hint}")


class AmbiguousEntityError(FmkgError):
    """A name given by the user matches more than one entity."""

    exit_code = 1

    def __init__(self, name: str, candidates: Sequence[str]) -> None:
        self.name = name
        self.candidates = list(candidates)
        super().__init__(f"{name!r} is ambiguous: it names {', '.join(self.candidates)}; use the IRI or slug")
