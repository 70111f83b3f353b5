"""The ``tinymtl`` command: ``demo``, ``train``, ``gradcheck`` and ``info``.

One concept: *a thin shell over the library*. Each sub-command parses its
options, calls the public API and prints; the work itself lives in the
library modules. A user error (a bad option, an impossible size, CuPy
missing) prints one line, ``tinymtl: error: ...``, and exits with status 2,
without a traceback.

    tinymtl demo [--quick] [--out DIR] [--backend cupy]
    tinymtl train --data road --hidden 128 64 --epochs 20 --out runs/first
    tinymtl gradcheck --layers 6 5 4 --activation tanh
    tinymtl info
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

from . import __version__, metrics
from ._deprecated import moved_names
from .activations import HIDDEN_ACTIVATIONS
from .backend import BACKENDS, backend_module, get_backend, set_backend
from .datasets import digit_tasks, hide_labels, holdout, road_scenes
from .gradcheck import check_gradients
from .network import MLP
from .optimizers import Adam, GradientDescent, Momentum, RMSProp
from .training import fit
from .validation import DTYPES

OPTIMIZERS = {"adam": Adam, "gd": GradientDescent, "momentum": Momentum, "rmsprop": RMSProp}
USER_ERRORS = (ValueError, TypeError, ImportError, RuntimeError, FileNotFoundError, FloatingPointError)


def main(argv=None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        set_backend(args.backend) if getattr(args, "backend", None) else get_backend()
        return args.run(args) or 0
    except USER_ERRORS as err:
        print(f"tinymtl: error: {err}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tinymtl", description="Multi-task learning from scratch (NumPy/CuPy).")
    parser.add_argument("--version", action="version", version=f"tinymtl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    from .demo import add_demo_parser  # the demo is a module of its own: it is the longest command

    add_demo_parser(commands, add_common_options)
    add_train_parser(commands)
    add_gradcheck_parser(commands)
    info = commands.add_parser("info", help="backend, versions, GPU seen or not")
    info.set_defaults(run=run_info)
    return parser


def add_common_options(parser, out_default: str) -> None:
    """Options every training command shares: backend, dtype, seed, output folder, progress."""
    parser.add_argument("--backend", choices=BACKENDS, help="array backend (default: TINYMTL_BACKEND or numpy)")
    parser.add_argument("--dtype", choices=DTYPES, default="float32", help="floating-point type (default float32)")
    parser.add_argument("--seed", type=int, default=0, help="seed of data, weights and shuffling (default 0)")
    parser.add_argument("--out", default=out_default, help=f"output folder (default {out_default})")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text}")
    return value


# --- train ---------------------------------------------------------------------------


def add_train_parser(commands) -> None:
    train = commands.add_parser("train", help="train a multi-task network and save it with a JSON summary")
    train.add_argument("--data", choices=("road", "digits"), default="road", help="data set (default road)")
    train.add_argument("--m", type=positive_int, default=10_000, help="examples to generate for road (default 10000)")
    train.add_argument("--image-size", type=positive_int, default=24, help="road image side in pixels (default 24)")
    train.add_argument(
        "--hidden", type=positive_int, nargs="*", default=[128, 64], help="hidden sizes (default 128 64)"
    )
    train.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, default="relu", help="hidden activation")
    train.add_argument("--missing", type=fraction, default=0.3, help='fraction of training labels made "?" (0.3)')
    train.add_argument("--pattern", choices=("random", "annotator"), default="random", help='how "?" is spread')
    train.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam")
    train.add_argument("--lr", type=float, default=1e-3, help="learning rate (default 1e-3)")
    train.add_argument("--epochs", type=positive_int, default=20)
    train.add_argument("--batch-size", type=positive_int, default=128)
    train.add_argument("--l2", type=float, default=0.0, help="L2 strength λ of λ/(2m) Σ‖W‖² (default 0)")
    train.add_argument("--test-fraction", type=fraction, default=0.2, help="held-out share (default 0.2)")
    add_common_options(train, out_default="tinymtl-out/train")
    train.set_defaults(run=run_train)


def load_data(args):
    """(X, Y, task_names) of the chosen data set, host NumPy arrays, pixels centred (as the data sets give them)."""
    if args.data == "digits":
        data = digit_tasks(seed=args.seed, dtype=args.dtype)
    else:
        data = road_scenes(m=args.m, image_size=args.image_size, seed=args.seed, dtype=args.dtype)
    return data.X, data.Y, tuple(data.task_names)


def run_train(args) -> int:
    X, Y, names = load_data(args)
    (X_train, Y_train), (X_test, Y_test) = holdout(X, Y, args.test_fraction)
    Y_train = hide_labels(Y_train, args.missing, pattern=args.pattern, seed=args.seed)
    net = MLP([X.shape[0], *args.hidden, Y.shape[0]], hidden=args.activation, seed=args.seed, dtype=args.dtype)
    start = time.perf_counter()
    history = fit(
        net,
        X_train,
        Y_train,
        optimizer=OPTIMIZERS[args.optimizer](lr=args.lr),
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        validation=(X_test, Y_test),
        l2=args.l2,
        progress=not args.no_progress,
    )
    seconds = time.perf_counter() - start
    report = metrics.report(Y_test, net.predict_proba(X_test), task_names=names)
    print(report)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    net.save(out / "model.npz")
    summary = {
        "arguments": {k: v for k, v in vars(args).items() if k != "run"},
        "model": repr(net),
        "n_params": net.n_params,
        "train_seconds": seconds,
        "history": {
            "loss": history.loss,
            "val_loss": history.val_loss,
            "val_accuracy": [a.tolist() for a in history.val_accuracy],
        },
        "test": {
            name: {"labelled": int(report.count[j]), "accuracy": float(report.accuracy[j]), "f1": float(report.f1[j])}
            for j, name in enumerate(names)
        },
        "test_exact_match": report.exact_match,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"saved {out / 'model.npz'} and {out / 'summary.json'}")
    return 0


# --- gradcheck and info ------------------------------------------------------------------


def add_gradcheck_parser(commands) -> None:
    check = commands.add_parser("gradcheck", help="backprop against finite differences (float64)")
    check.add_argument("--layers", type=positive_int, nargs="+", default=[6, 5, 4], help="layer sizes n_x ... n_L")
    check.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, default="relu")
    check.add_argument("--output", choices=("sigmoid", "softmax"), default="sigmoid")
    check.add_argument("--m", type=positive_int, default=8, help="examples (default 8)")
    check.add_argument("--missing", type=fraction, default=0.3, help='fraction of "?" labels (default 0.3)')
    check.add_argument("--l2", type=float, default=0.1)
    check.add_argument("--seed", type=int, default=0)
    check.add_argument("--backend", choices=BACKENDS)
    check.set_defaults(run=run_gradcheck)


def run_gradcheck(args) -> int:
    """Print the relative difference; exit 1 if it is above 1e-7."""
    rng = np.random.default_rng(args.seed)
    n_x, n_y = args.layers[0], args.layers[-1]
    X = rng.standard_normal((n_x, args.m))
    if args.output == "softmax":
        Y = np.eye(n_y)[:, rng.integers(0, n_y, args.m)]
        Y[:, rng.random(args.m) < args.missing] = np.nan
    else:
        Y = hide_labels((rng.random((n_y, args.m)) < 0.5).astype(float), args.missing, seed=args.seed)
    net = MLP(args.layers, hidden=args.activation, output=args.output, seed=args.seed)
    result = check_gradients(net, X, Y, l2=args.l2)
    verdict = "OK" if result.relative_difference < 1e-7 else "FAILED (above 1e-7)"
    print(f"{net}\nrelative difference ‖g − g_num‖ / (‖g‖ + ‖g_num‖) = {result.relative_difference:.3e}  {verdict}")
    print(
        f"coordinates checked: {result.n_checked}, left out at ReLU's kink: {result.n_at_kink}, "
        f"largest error at {result.worst}"
    )
    return 0 if result.relative_difference < 1e-7 else 1


def run_info(args) -> int:
    print(f"tinymtl {__version__}, Python {platform.python_version()}, NumPy {np.__version__}")
    print(f"active backend: {get_backend()}")
    for package in ("cupy", "matplotlib", "sklearn"):
        try:
            module = __import__(package)
            print(f"{package}: {module.__version__}")
        except ImportError:
            print(f"{package}: not installed")
    try:
        cupy = backend_module("cupy")
        name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
        print(f"GPU: yes, {name.decode() if isinstance(name, bytes) else name}")
    except (ImportError, RuntimeError) as err:
        print(f"GPU: not available ({err})")
    return 0


__getattr__ = moved_names(
    __name__,
    {
        "split": ("tinymtl._deprecated", "cli_split", "tinymtl.datasets.holdout(X, Y, test_fraction)"),
        "centred": ("tinymtl._deprecated", "cli_centred", "the data sets' X as it is (already centred: pixel − 0.5)"),
    },
)
