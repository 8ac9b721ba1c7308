"""What an import did: the counts of one import (:class:`Summary`) and the table printed at its end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Summary:
    """What an import did, for the table printed at its end."""

    source: str
    records: int = 0
    entities: int = 0
    added: int = 0
    merged: int = 0
    duplicates: int = 0
    organizations_added: int = 0
    licenses_added: int = 0
    conflicts: int = 0
    unresolved: int = 0
    ambiguous: int = 0
    refused: int = 0
    edges: Counter[str] = field(default_factory=Counter)
    tolerated: Counter[str] = field(default_factory=Counter)
    figures: dict[str, int] = field(default_factory=dict)  # more counts of this source, in order
    warnings: list[str] = field(default_factory=list)

    def row(self) -> dict[str, int | str]:
        """The summary's main counts, in table order."""
        return {
            "source": self.source,
            "records": self.records,
            "added": self.added,
            "merged": self.merged,
            "duplicates": self.duplicates,
            "conflicts": self.conflicts,
            "unresolved": self.unresolved,
            "ambiguous": self.ambiguous,
        }


def summary_table(summaries: list[Summary]) -> str:
    """The summaries as an aligned table, then what each import added and tolerated."""
    rows = [s.row() for s in summaries]
    names = list(rows[0]) if rows else []
    cells = [[str(r[n]) for n in names] for r in rows]
    widths = [max([len(n), *(len(c[i]) for c in cells)]) for i, n in enumerate(names)]

    def line(values: list[str]) -> str:
        first = values[0].ljust(widths[0])
        rest = [v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    out = [line(names), line(["-" * w for w in widths]), *(line(c) for c in cells)]
    for s in summaries:
        edges = ", ".join(f"{p} {n}" for p, n in sorted(s.edges.items()) if p.startswith("fm:") and p != "fm:developer")
        out.append(
            f"{s.source}: {s.entities} entities, {s.organizations_added} new organizations, "
            f"{s.licenses_added} new licenses; edges: {edges or 'none'}"
        )
        if s.figures:
            out.append(f"{s.source}: " + ", ".join(f"{k} {v}" for k, v in s.figures.items()))
        tolerated = dict(s.tolerated)
        if s.refused:
            tolerated["lineage edges refused (cycles)"] = s.refused
        if tolerated:
            out.append(f"{s.source}: tolerated: " + ", ".join(f"{k} {v}" for k, v in sorted(tolerated.items())))
    return "\n".join(out) + "\n"
