"""Performance benchmarks of tinymtl; run them from the repository root.

``python -m benchmarks``          training speed on R1 and R2 against a GEMM floor, PyTorch and
                                  scikit-learn (:mod:`benchmarks.baseline`)
``python -m benchmarks --scale``  time per epoch against m and width (:mod:`benchmarks.scale`)
``python -m benchmarks.choices``  each speed choice against its plain version
``python -m benchmarks.datasets`` the road-scene data: difficulty and generation speed

See benchmarks/README.md for the latest figures and how to read them.
"""
