"""``exports/``: every artifact fmkg ships, made from the graph deterministically.

The artifacts are the graph in every export format (:data:`fmkg.export.EXPORT_FORMATS`), the
interactive viewer, an HTML documentation page of the ontology made with pyLODE, and the static
site of entity pages under ``site/`` (:mod:`fmkg.site.static`). Building twice
from the same sources gives byte-identical files, so :func:`stale` can tell whether ``exports/`` is
out of date. A build writes into a staging folder that replaces ``exports/`` in one step.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fmkg.errors import FmkgError

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph

STEM = "fmkg"


@dataclass
class Inputs:
    """The graph to build from, and its canonical lines, computed once for all formats."""

    kg: KnowledgeGraph
    _lines: dict[bool, list[str]] = field(default_factory=dict)

    def lines(self, dataset: bool) -> list[str]:
        if dataset not in self._lines:
            from fmkg.export import prepare

            self._lines[dataset] = list(prepare(self.kg, dataset=dataset).lines)
        return self._lines[dataset]


@dataclass(frozen=True)
class Artifact:
    """One file of ``exports/`` and how to make it."""

    name: str
    what: str
    make: Callable[[Inputs], bytes]


def artifacts() -> list[Artifact]:
    """The registry of built files: one per export format, the viewer and the ontology's documentation."""
    from fmkg.export import EXPORT_FORMATS, write_prepared
    from fmkg.rdf.formats import Format
    from fmkg.rdf.write import Canonical

    def exporter(fmt: Format) -> Callable[[Inputs], bytes]:
        def make(inputs: Inputs) -> bytes:
            dataset = fmt.kind == "dataset"
            buf = io.BytesIO()
            write_prepared(Canonical(inputs.lines(dataset), dataset), fmt, buf)
            return buf.getvalue()

        return make

    out = [Artifact(f"{STEM}{fmt.suffix}", f"the graph as {fmt.title}", exporter(fmt)) for fmt in EXPORT_FORMATS]
    out.append(Artifact("graph.html", "the interactive viewer", viewer))
    out.append(Artifact("ontology.html", "the ontology's documentation (pyLODE)", ontology_docs))
    return out


def viewer(inputs: Inputs) -> bytes:
    """The viewer page of the whole graph with default options."""
    from fmkg.viz import render

    return render(inputs.kg).encode("utf-8")


_PYLODE = """
import logging, sys
logging.disable(logging.INFO)
from rdflib import Graph
from pylode import OntPub
sys.stdout.write(str(OntPub(ontology=Graph().parse(data=sys.stdin.read(), format="nt")).make_html()))
"""


def ontology_docs(inputs: Inputs) -> bytes:
    """pyLODE's documentation of the ontology (the TBox in ``ontology/fmkg.ttl``).

    pyLODE walks Python sets, so its order follows string hashing: it runs in a child process with
    a fixed PYTHONHASHSEED, which makes the page byte-identical from build to build.
    """
    import os
    import subprocess
    import sys

    from fmkg.rdf import write
    from fmkg.rdf.namespaces import GRAPH, ONTOLOGY

    tbox = str(GRAPH["fmkg"])
    if not inputs.kg.has_graph(tbox):
        raise FmkgError("ontology.html: the graph has no ontology to document (ontology/fmkg.ttl is not loaded)")
    lines = list(write.canonical(inputs.kg.quads([tbox]), dataset=False))
    # pyLODE would append the ontology's rdfs:label to its title: leave that triple out.
    title = f"<{ONTOLOGY}> <http://www.w3.org/2000/01/rdf-schema#label> "
    nt = "".join(f"{x}\n" for x in lines if not x.startswith(title))
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(
        [sys.executable, "-c", _PYLODE], input=nt, capture_output=True, text=True, env=env, check=False
    )
    if proc.returncode != 0:
        raise FmkgError(f"pyLODE failed: {proc.stderr.strip().splitlines()[-1:] or proc.returncode}")
    return _stable_json_ld(proc.stdout).encode("utf-8")


_JSON_LD = re.compile(r'(<script id="schema.org" type="application/ld\+json">)(.*?)(</script>)', re.DOTALL)


def _stable_json_ld(html: str) -> str:
    """pyLODE embeds schema.org JSON-LD in hash order: sort it so that builds are byte-identical."""

    def sort(m: re.Match[str]) -> str:
        doc = json.loads(m.group(2))
        if isinstance(doc, list):
            doc.sort(key=lambda node: json.dumps(node, sort_keys=True))
        return m.group(1) + json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + m.group(3)

    return _JSON_LD.sub(sort, html)


def build(kg: KnowledgeGraph, out_dir: Path) -> list[Path]:
    """Write every artifact into ``out_dir``, swapped in at once; returns the paths written."""
    from fmkg.output import staged_dir
    from fmkg.site import static

    inputs = Inputs(kg)
    made = [(art.name, art.make(inputs)) for art in artifacts()]
    with staged_dir(out_dir) as staging:
        for name, data in made:
            (staging / name).write_bytes(data)
        for name, data in static.files(kg):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return [out_dir / name for name, _ in made] + [out_dir / static.FOLDER]


def stale(kg: KnowledgeGraph, out_dir: Path) -> list[str]:
    """The artifacts that are missing from ``out_dir`` or differ from what a build would write."""
    problems = []
    inputs = Inputs(kg)
    for art in artifacts():
        path = out_dir / art.name
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif path.read_bytes() != art.make(inputs):
            problems.append(f"{path}: out of date")
    from fmkg.site import static

    expected = set()
    for name, data in static.files(kg):
        expected.add(name)
        path = out_dir / name
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif path.read_bytes() != data:
            problems.append(f"{path}: out of date")
    site = out_dir / static.FOLDER
    if site.is_dir():
        problems += [
            f"{p}: not part of the site any more"
            for p in sorted(site.rglob("*"))
            if p.is_file() and p.relative_to(out_dir).as_posix() not in expected
        ]
    return problems
