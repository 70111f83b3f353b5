"""Names that moved in 0.2, kept for one release: each still works and warns where its replacement is.

Nothing here is for reading; the replacements are. Removed in the release after 0.2.
"""

from __future__ import annotations

import importlib
import warnings


def warn_moved(old: str, new: str) -> None:
    """A DeprecationWarning, pointing at the caller's line: ``old`` is deprecated, use ``new``."""
    warnings.warn(f"{old} is deprecated and goes in the next release; use {new}.", DeprecationWarning, stacklevel=3)


def moved_names(module: str, moved: dict[str, tuple]):
    """A module ``__getattr__`` serving each old name with a warning.

    ``moved``: {old name: (module, name)} of its replacement, or (module, name, advice)
    where the object served is a compatibility shim and ``advice`` says what to use instead.
    """

    def __getattr__(name: str):
        if name not in moved:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        where, new, *advice = moved[name]
        warn_moved(f"{module}.{name}", advice[0] if advice else f"{where}.{new}")
        return getattr(importlib.import_module(where), new)

    return __getattr__


def cli_split(X, Y, test_fraction: float):
    """The old ``tinymtl.cli.split``: X_train, Y_train, X_test, Y_test (the last columns held out)."""
    from .datasets import holdout

    (X_train, Y_train), (X_test, Y_test) = holdout(X, Y, test_fraction)
    return X_train, Y_train, X_test, Y_test


def cli_centred(X):
    """The old ``tinymtl.cli.centred``: X − 0.5 (the data sets now return X centred already)."""
    return X - 0.5


class DeprecatedMLPMethods:
    """The flat-parameter and cost methods that :class:`tinymtl.MLP` had before 0.2.

    MLP now holds ``params`` by name and has two cost methods:
    :meth:`~tinymtl.MLP.loss_and_grads` (checked) and
    :meth:`~tinymtl.MLP.data_loss_and_grads` (fast); the flat θ lives in
    :mod:`tinymtl.flat`, the L2 cost in :mod:`tinymtl.regularization`.
    """

    def flat_parameters(self):
        """θ (P,), of which ``params[name]`` become views (a new θ at every call)."""
        from . import flat

        warn_moved("MLP.flat_parameters()", "tinymtl.flat.pack(net.params)")
        return flat.pack(self.params)

    @property
    def theta(self):
        """θ (P,), of which ``params[name]`` become views (a new θ at every access)."""
        from . import flat

        warn_moved("MLP.theta", "tinymtl.flat.pack(net.params)")
        return flat.pack(self.params)

    def new_gradients(self):
        """dθ (P,) of zeros and ``{"dW1": view, ...}`` into it."""
        from . import flat
        from .backend import array_module

        warn_moved("MLP.new_gradients()", "tinymtl.flat.FlatStep(...).grads")
        dtheta = array_module(self.params["W1"]).zeros(self.n_params, dtype=self.dtype)  # on the parameters' device
        return dtheta, flat.flat_views(dtheta, {f"d{name}": p.shape for name, p in self.params.items()})

    def l2_cost(self, l2: float, m: int):
        """λ/(2m) Σ_l ‖W[l]‖²."""
        from .regularization import l2_cost

        warn_moved("MLP.l2_cost(l2, m)", "tinymtl.regularization.l2_cost(net.params, l2, m)")
        return l2_cost(self.params, l2, m)

    def cost_from_logits(self, ZL, Y, l2=0.0, normalizer="m", task_weights=None):
        """J (L2 cost included) and dZ[L] from the logits."""
        from .losses import loss_and_grad_from_logits
        from .regularization import l2_cost

        warn_moved("MLP.cost_from_logits", "tinymtl.losses.loss_and_grad_from_logits(net.output, ...)")
        J, dZL = loss_and_grad_from_logits(self.output, ZL, Y, normalizer, task_weights)
        return J + l2_cost(self.params, l2, ZL.shape[1]), dZL

    def data_cost_and_grads(self, X, Y, l2=0.0, normalizer="m", task_weights=None, grads=None):
        """The data loss and the gradients; ``grads``, if given, receives them."""
        warn_moved("MLP.data_cost_and_grads", "MLP.data_loss_and_grads (grads= is now out=)")
        return self.data_loss_and_grads(X, Y, l2, normalizer, task_weights, out=grads)

    def cost_and_grads(self, X, Y, l2=0.0, normalizer="m", task_weights=None):
        """J (L2 cost included; a 0-d device array) and the gradients, for checked device data."""
        from .regularization import l2_cost

        warn_moved("MLP.cost_and_grads", "MLP.data_loss_and_grads (fast) or MLP.loss_and_grads (checked)")
        J_data, grads = self.data_loss_and_grads(X, Y, l2, normalizer, task_weights)
        return J_data + l2_cost(self.params, l2, X.shape[1]), grads
