"""Reading RDF files safely: every store parses with these functions, so every store sees the same terms.

pyoxigraph parses every syntax. Before it does, :func:`check_file` refuses what would harm the machine:

- anything but a regular file (a directory, a FIFO, a device);
- RDF/XML with external entities or parameter entities (XXE), or internal entities that would expand
  past :data:`MAX_ENTITY_EXPANSION` characters (a "billion laughs" bomb is 1 KB of text);
- JSON-LD whose ``@context`` is a URL or a file: pyoxigraph never loads remote contexts (nothing is
  fetched or opened), and the error says so; JSON-LD nested deeper than :data:`MAX_JSON_DEPTH`
  (the parser's memory grows with the depth until the process is killed);
- a term longer than the parser's buffer (16 MB) is an error naming the file, not a crash.

Errors name the file and line: ``data.ttl:3:16: A dot is expected at the end of statements``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from fmkg.errors import LoadError
from fmkg.rdf.formats import Format, by_suffix

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

#: The most characters the internal entities of an RDF/XML file may expand to, in all.
MAX_ENTITY_EXPANSION = 10_000_000
#: The deepest nesting of JSON objects and arrays read in a JSON-LD file.
MAX_JSON_DEPTH = 500

_OX_ERROR = re.compile(r"(?:Parser error )?at line (\d+)(?: between columns (\d+) and \d+| column (\d+))?: (.*)", re.S)


def check_file(path: Path) -> Format:
    """The format of an input file, once it is known to be a regular, readable file that is safe to parse."""
    fmt = by_suffix(path)
    try:
        if not path.is_file():
            what = "a directory" if path.is_dir() else "not a regular file" if path.exists() else "no such file"
            raise LoadError(path, what if what == "no such file" else f"cannot read RDF from it: it is {what}")
        with path.open("rb") as fh:
            head = fh.read(1)
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from None
    if head and fmt.name == "rdfxml":
        check_xml_entities(path)
    if head and fmt.name == "jsonld":
        check_json_depth(path)
    return fmt


def base_iri(path: Path) -> str:
    """The base IRI relative IRIs in a file resolve against: the file's own URI."""
    return path.resolve().as_uri()


def quads(path: Path, graph: str) -> Iterator[ox.Quad]:
    """The quads of a file, its default graph put in the named graph ``graph``; errors are :class:`LoadError`."""
    import pyoxigraph as ox

    fmt = check_file(path)
    target = ox.NamedNode(graph)
    try:
        for q in ox.parse(path=str(path), format=fmt.rdf_format(), base_iri=base_iri(path)):
            if isinstance(q.graph_name, ox.DefaultGraph):
                yield ox.Quad(q.subject, q.predicate, q.object, target)
            else:
                yield q
    except SyntaxError as exc:
        raise syntax_error(path, exc) from None
    except MemoryError as exc:
        raise LoadError(path, f"too large to parse: {' '.join(str(exc).split()) or 'out of memory'}") from None
    except (OSError, ValueError) as exc:
        raise LoadError(path, " ".join(str(exc).split()) or type(exc).__name__) from None


def bulk_load(store: ox.Store, path: Path, graph: ox.NamedNode | ox.DefaultGraph) -> None:
    """Load a checked file straight into ``store`` with pyoxigraph's bulk loader (no term passes through
    Python): the file's default graph goes to ``graph``, its named graphs keep their names."""
    fmt = check_file(path)
    try:
        store.bulk_load(path=str(path), format=fmt.rdf_format(), base_iri=base_iri(path), to_graph=graph)
    except SyntaxError as exc:
        raise syntax_error(path, exc) from None
    except MemoryError as exc:
        raise LoadError(path, f"too large to parse: {' '.join(str(exc).split()) or 'out of memory'}") from None
    except (OSError, ValueError) as exc:
        raise LoadError(path, " ".join(str(exc).split()) or type(exc).__name__) from None


#: Bytes that may start a blank node in N-Triples and Turtle (a label, a ``[ ]`` node, a ``( )`` list).
_BLANK_NODE_SYNTAX = {"ntriples": (b"_:",), "turtle": (b"_:", b"[", b"(")}


def may_have_blank_nodes(path: Path) -> bool:
    """False only when the file is N-Triples or Turtle and holds no byte sequence that makes a blank node.

    pyoxigraph gives a file's blank nodes new identities on every parse, so a file may be parsed twice
    (once per graph it is stored in) only when it has none. Any other format counts as having some.
    """
    import mmap

    markers = _BLANK_NODE_SYNTAX.get(by_suffix(path).name)
    if markers is None:
        return True
    with path.open("rb") as fh:
        if fh.seek(0, 2) == 0:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return any(data.find(m) >= 0 for m in markers)


def syntax_error(path: Path, exc: SyntaxError) -> LoadError:
    """A :class:`LoadError` with the file, line and column of a parser's complaint, in one line."""
    message = " ".join(str(exc.msg or exc).split())
    line: int | None = exc.lineno
    if m := _OX_ERROR.match(message):
        line = int(m[1])
        column = m[2] or m[3]
        message = (f"column {column}: " if column else "") + m[4]
    if "LoadDocumentCallback" in message:
        message = "the JSON-LD @context is a URL or a file: fmkg never fetches contexts; put the context inline"
    return LoadError(path, message, line=line)


# --- JSON-LD nesting ---------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def check_json_depth(path: Path, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse a JSON(-LD) file whose objects and arrays nest deeper than ``limit`` (strings are skipped)."""
    import mmap

    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        depth = 0
        for m in _JSON_TOKEN.finditer(data):
            c = m.group()
            if c in (b"[", b"{"):
                depth += 1
                if depth > limit:
                    line = data[: m.start()].count(b"\n") + 1
                    raise LoadError(path, f"JSON nested more than {limit} levels deep: not read", line=line)
            elif c in (b"]", b"}"):
                depth -= 1


# --- RDF/XML entities ----------------------------------------------------------------------------------

_DOCTYPE = re.compile(rb"<!DOCTYPE\s[^\[>]*\[(?P<subset>.*?)\]\s*>", re.S)
_ENTITY = re.compile(rb"<!ENTITY\s+(?P<pe>%\s+)?(?P<name>[^\s]+)\s+(?P<rest>.*?)>", re.S)
_VALUE = re.compile(rb"""\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')\s*\Z""", re.S)
_REF = re.compile(rb"&([A-Za-z_:][\w.:-]*);")
_PREDEFINED = {b"lt", b"gt", b"amp", b"apos", b"quot"}


def check_xml_entities(path: Path) -> None:
    """Refuse RDF/XML whose DTD declares external or parameter entities, or entities that expand too far."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from None
    doctype = _DOCTYPE.search(data, 0, 1 << 20)
    if doctype is None:
        if b"<!ENTITY" in data[: 1 << 20]:
            raise LoadError(path, "entity declarations outside an internal DTD subset are not read")
        return
    line = data[: doctype.start()].count(b"\n") + 1
    values: dict[bytes, bytes] = {}
    for decl in _ENTITY.finditer(doctype["subset"]):
        name, rest = decl["name"], decl["rest"]
        if decl["pe"]:
            raise LoadError(path, f"parameter entity {name.decode(errors='replace')!r} is not allowed", line=line)
        value = _VALUE.match(rest)
        if value is None:
            raise LoadError(
                path, f"entity {name.decode(errors='replace')!r} is external (SYSTEM/PUBLIC): not read", line=line
            )
        values[name] = value["dq"] if value["dq"] is not None else value["sq"]
    sizes: dict[bytes, int] = {}

    def size(name: bytes, stack: tuple[bytes, ...] = ()) -> int:
        if name in sizes:
            return sizes[name]
        if name in stack:
            raise LoadError(path, f"entity {name.decode(errors='replace')!r} refers to itself", line=line)
        text = values[name]
        total = len(text)
        for ref in _REF.finditer(text):
            if ref[1] in values:
                total += size(ref[1], (*stack, name)) - len(ref[0])
            if total > MAX_ENTITY_EXPANSION:
                break
        sizes[name] = total
        return total

    body = data[doctype.end() :]
    expansion = 0
    for ref in _REF.finditer(body):
        if ref[1] in values:
            expansion += size(ref[1])
        elif ref[1] not in _PREDEFINED:
            continue
        if expansion > MAX_ENTITY_EXPANSION:
            at = data[: doctype.end() + ref.start()].count(b"\n") + 1
            raise LoadError(
                path,
                f"entities would expand to more than {MAX_ENTITY_EXPANSION:,} characters (an entity bomb?): not read",
                line=at,
            )


def rdflib_graph(paths: list[Path]) -> Graph:
    """An rdflib Graph of the triples of ``paths`` (graph names dropped), parsed as :func:`quads` parses."""
    from rdflib import Graph

    from fmkg.rdf.sources import graph_iri
    from fmkg.rdf.terms import from_ox

    g = Graph()
    for path in paths:
        for q in quads(path, graph_iri(path)):
            g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return g
