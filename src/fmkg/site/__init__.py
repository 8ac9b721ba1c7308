"""The graph published as Linked Data: a page and RDF documents for every entity IRI
(:mod:`fmkg.site.entity`), served by ``fmkg serve`` and written as a static site by ``fmkg build``
(:mod:`fmkg.site.static`)."""
