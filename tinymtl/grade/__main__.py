"""``python -m tinymtl.grade EXERCISE FILE``: grade an exercise file (see :mod:`tinymtl.grade`)."""

from . import main

raise SystemExit(main())
