"""Names: the index of every entity's labels, aliases and slugs, resolving the names users type, and
fuzzy search over them."""
