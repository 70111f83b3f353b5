"""``python -m benchmarks``: training speed on R1 and R2 (see :mod:`benchmarks.baseline`)."""

import sys

from .baseline import main

sys.exit(main())
