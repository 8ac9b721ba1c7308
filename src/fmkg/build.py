"""``exports/``: every artifact fmkg ships, made from the graph deterministically.

The artifacts are the graph in every export format (:data:`fmkg.export.REGISTRY`), the interactive
viewer and an HTML documentation page of the ontology made with pyLODE. Building twice from the
same sources gives byte-identical files, so ``check`` can tell whether ``exports/`` is stale.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from fmkg.fileio import write_atomic

STEM = "fmkg"


@dataclass
class Inputs:
    """The graph to build from, and its export form, prepared once for all formats."""

    ds: Dataset
    _prepared: Dataset | None = None

    @property
    def prepared(self) -> Dataset:
        from fmkg import export

        if self._prepared is None:
            self._prepared = export.prepare(self.ds)
        return self._prepared


@dataclass(frozen=True)
class Artifact:
    """One file of ``exports/`` and how to make it."""

    name: str
    what: str
    make: Callable[[Inputs], bytes]


def _encode(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def artifacts() -> list[Artifact]:
    """The registry of built files: one per export format, the viewer and the ontology's documentation."""
    from fmkg import export

    def exporter(fmt: str) -> Callable[[Inputs], bytes]:
        return lambda inputs: _encode(export.write(inputs.prepared, fmt))

    out = [
        Artifact(f"{STEM}.{fmt.extension.lstrip('.')}", f"the graph as {fmt.name}", exporter(fmt.name))
        for fmt in export.REGISTRY.values()
    ]
    out.append(Artifact("graph.html", "the interactive viewer", viewer))
    out.append(Artifact("ontology.html", "the ontology's documentation (pyLODE)", ontology_docs))
    return out


def viewer(inputs: Inputs) -> bytes:
    """The viewer page of the whole graph with default options."""
    from fmkg.viz import render

    return render(inputs.ds).encode("utf-8")


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

    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    from fmkg.namespaces import GRAPH

    tbox = Graph()
    if any(g.identifier == GRAPH["fmkg"] for g in inputs.ds.graphs()):  # graph() would add an empty one
        tbox += inputs.ds.graph(GRAPH["fmkg"])
    ontologies = [o for o in tbox.subjects(RDF.type, OWL.Ontology) if isinstance(o, URIRef)]
    if not ontologies:
        from fmkg.errors import FmkgError

        raise FmkgError("ontology.html: the graph has no ontology to document (ontology/fmkg.ttl is not loaded)")
    for onto in ontologies:
        tbox.remove((onto, RDFS.label, None))  # pyLODE would append it to the title
    nt = "".join(sorted(tbox.serialize(format="nt").splitlines(keepends=True)))
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(
        [sys.executable, "-c", _PYLODE], input=nt, capture_output=True, text=True, env=env, check=False
    )
    if proc.returncode != 0:
        from fmkg.errors import FmkgError

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


def build(ds: Dataset, out_dir: Path) -> list[Path]:
    """Write every artifact into ``out_dir`` (each atomically); returns the paths written."""
    written = []
    inputs = Inputs(ds)
    for art in artifacts():
        path = out_dir / art.name
        write_atomic(path, art.make(inputs))
        written.append(path)
    return written


def stale(ds: Dataset, out_dir: Path) -> list[str]:
    """The artifacts that are missing from ``out_dir`` or differ from what a build would write."""
    problems = []
    inputs = Inputs(ds)
    for art in artifacts():
        path = out_dir / art.name
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif path.read_bytes() != art.make(inputs):
            problems.append(f"{path}: out of date")
    return problems
