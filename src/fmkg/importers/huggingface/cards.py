"""Model cards: the YAML front matter of a Hub repository's README.md.

Only the front matter is read (the card's prose never is); :mod:`.inputs` turns it into a Hub record
whose ``cardData`` it is.
"""

from __future__ import annotations

from pathlib import Path

from fmkg.errors import LoadError
from fmkg.importers.readers import load_yaml


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
