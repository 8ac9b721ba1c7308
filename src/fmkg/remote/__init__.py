"""The graph in an existing triple store (Oxigraph server, Fuseki, Virtuoso, GraphDB, ...).

- :mod:`fmkg.remote.push` loads the graph there (SPARQL 1.1 Graph Store HTTP Protocol or Update);
- :mod:`fmkg.remote.query` runs fmkg's queries there (SPARQL 1.1 Protocol) and reads the answers back
  into the same :class:`~fmkg.store.QueryResult` a local query gives;
- :mod:`fmkg.remote.http` is the one place that speaks HTTP (the standard library's urllib).
"""
