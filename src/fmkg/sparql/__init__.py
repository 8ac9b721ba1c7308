"""SPARQL: the engine entry points, the library of named queries, parameter binding and result formats.

The ``.rq`` files fmkg uses itself are in ``rq/`` (and its inference rules in ``rq/infer/``); the named
queries users run are in the shipped ``ontology/queries/``.
"""
