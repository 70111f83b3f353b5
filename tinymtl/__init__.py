"""tinymtl: multi-task learning from scratch, on NumPy (CPU) or CuPy (GPU)."""

from . import metrics
from .backend import get_backend, set_backend, to_device, to_numpy, use_backend
from .gradcheck import GradientCheck, check_gradients, gradient_check
from .losses import masked_logistic_loss, softmax_cross_entropy
from .network import MLP
from .optimizers import Adam, GradientDescent, Momentum, RMSProp
from .training import History, fit

__version__ = "0.1.0"
