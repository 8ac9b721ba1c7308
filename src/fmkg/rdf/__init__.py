"""RDF basics every layer shares: IRIs and prefixes, terms, the label rule, formats and source files.

Nothing here knows about stores or queries; :mod:`fmkg.store` builds on it.
"""
