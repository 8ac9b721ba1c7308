"""Quality of the graph: SHACL validation (:mod:`~fmkg.quality.validate`, with SPARQL-based constraints
evaluated on the store by :mod:`~fmkg.quality.shacl_sparql`), lineage checks (:mod:`~fmkg.quality.checks`)
and the inference rules behind ``--infer`` (:mod:`~fmkg.quality.infer`)."""
