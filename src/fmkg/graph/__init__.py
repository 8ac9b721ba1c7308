"""Graph views of the knowledge graph: the networkx conversion, lineage, paths, analytics, stats and cards.

Each view reads what it needs from a :class:`~fmkg.store.KnowledgeGraph` with SPARQL (or a pattern
scan) and builds a networkx graph with :func:`fmkg.graph.network.build`, the one conversion.
"""
