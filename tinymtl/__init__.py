"""tinymtl: multi-task learning from scratch, on NumPy (CPU) or CuPy (GPU).

A dense network with a hand-written backward pass learns n_y yes/no tasks at
once from ``X`` (n_x, m) and ``Y`` (n_y, m), where unknown labels ("?") are NaN
and are left out of the masked logistic loss. See README.md for a tour and
each module's docstring for its math.
"""

from . import metrics
from .backend import get_backend, set_backend, to_device, to_numpy, use_backend
from .gradcheck import GradientCheck, check_gradients, gradient_check
from .losses import masked_logistic_loss, softmax_cross_entropy
from .network import MLP
from .optimizers import Adam, GradientDescent, Momentum, RMSProp
from .training import History, fit

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "Adam",
    "GradientCheck",
    "GradientDescent",
    "History",
    "Momentum",
    "RMSProp",
    "check_gradients",
    "fit",
    "get_backend",
    "gradient_check",
    "masked_logistic_loss",
    "metrics",
    "set_backend",
    "softmax_cross_entropy",
    "to_device",
    "to_numpy",
    "use_backend",
]
