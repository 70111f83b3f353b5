from .backend import get_backend, set_backend, to_device, to_numpy, use_backend
