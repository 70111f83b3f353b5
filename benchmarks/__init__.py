"""Performance benchmarks of tinymtl; run ``python -m benchmarks`` from the repository root.

See :mod:`benchmarks.baseline` for what is measured and how to read the numbers.
"""
