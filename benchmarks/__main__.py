"""``python -m benchmarks``: the R1 baseline (see :mod:`benchmarks.baseline`)."""

import sys

from .baseline import main

sys.exit(main())
