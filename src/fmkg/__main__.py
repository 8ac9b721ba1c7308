"""``python -m fmkg``: the same as the ``fmkg`` command."""

from fmkg.cli import main

main()
