"""Saving and loading a network: one ``.npz`` file with architecture, parameters and a format version.

One concept: *a model file you can trust or that fails clearly*. The file is a
plain NumPy ``.npz`` (a zip of ``.npy`` arrays, read with ``allow_pickle=False``
so loading never runs code) holding:

- ``tinymtl_format``: the marker ``"tinymtl.MLP"`` and ``format_version``: 1;
- ``layer_dims``, ``hidden``, ``output``, ``init``, ``seed``, ``dtype``;
- the parameters ``W1``, ``b1``, ..., ``WL``, ``bL`` (copied to the host).

A missing file raises ``FileNotFoundError``; a corrupt file, another program's
``.npz``, a newer format or parameters of the wrong shape raise ``ValueError``.

What it leaves out: the optimizer's state and the training history (a file
holds a network to predict with or to start from, not a paused training run),
and other formats (ONNX, PyTorch's ``state_dict``).
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

from .backend import to_device, to_numpy

FORMAT_MARKER = "tinymtl.MLP"
FORMAT_VERSION = 1
_CONFIG = ("layer_dims", "hidden", "output", "init", "seed", "dtype")
_REQUIRED = ("tinymtl_format", "format_version", *_CONFIG)


def save(net, path) -> None:
    """Write ``net`` to ``path`` (NumPy adds ``.npz`` if the name lacks it)."""
    arrays = {name: to_numpy(p) for name, p in net.params.items()}  # device -> host, once
    np.savez(
        path,
        tinymtl_format=np.array(FORMAT_MARKER),
        format_version=np.array(FORMAT_VERSION),
        layer_dims=np.array(net.layer_dims),
        hidden=np.array(net.hidden),
        output=np.array(net.output),
        init=np.array(net.init),
        seed=np.array(-1 if net.seed is None else net.seed),
        dtype=np.array(net.dtype.name),
        **arrays,
    )


def _read(path) -> dict[str, np.ndarray]:
    """All arrays of the file, or a clear error saying why it is not a tinymtl model."""
    path = os.fspath(path)
    if not os.path.isfile(path) and os.path.isfile(path + ".npz"):
        path += ".npz"  # save("model") wrote model.npz, as np.savez does
    if not os.path.isfile(path):
        raise FileNotFoundError(f"path: no model file at {path!r}; expected a .npz written by MLP.save().")
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"path: {path!r} is not a readable .npz file (corrupt or truncated?): {err}") from err
    if not isinstance(archive, np.lib.npyio.NpzFile):  # a lone .npy array, whatever its name
        raise ValueError(f"path: {path!r} holds a single array, not a .npz archive written by MLP.save().")
    try:
        with archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"path: {path!r} is a damaged .npz file: {err}") from err


def load(cls, path):
    """A network of class ``cls`` rebuilt from ``path``, on the active backend."""
    arrays = _read(path)
    if str(arrays.get("tinymtl_format", "")) != FORMAT_MARKER or any(key not in arrays for key in _REQUIRED):
        raise ValueError(
            f"path: {os.fspath(path)!r} is a .npz file but not a tinymtl model (its tinymtl_format marker or settings are missing)."
        )
    version = int(arrays["format_version"])
    if version > FORMAT_VERSION:
        raise ValueError(
            f"path: model format version {version} is newer than this tinymtl reads ({FORMAT_VERSION}); upgrade tinymtl."
        )
    seed = int(arrays["seed"])
    config = {key: arrays[key].item() for key in _CONFIG[1:]} | {"seed": None if seed < 0 else seed}
    net = cls([int(n) for n in arrays["layer_dims"]], **config)
    for name, p in net.params.items():
        stored = arrays.get(name)
        if stored is None or stored.shape != p.shape:
            raise ValueError(
                f"path: parameter {name} is missing or has shape "
                f"{None if stored is None else stored.shape}, expected {p.shape}; the file is damaged."
            )
        net.params[name] = to_device(stored, dtype=net.dtype)
    return net
