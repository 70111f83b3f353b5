"""``python -m tinymtl``: the same as the ``tinymtl`` command."""

from .cli import main

raise SystemExit(main())
