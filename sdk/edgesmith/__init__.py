"""edgesmith: put trained neural networks on microcontrollers and FPGAs, bit-exact.

``edgesmith.load(path)`` gives a :class:`~edgesmith.api.model.Model` (docs/PYTHON.md).
"""

__version__ = "0.1.0"


def load(source, weights=None, *, trust_pickle=False):
    """A model from a file, a ``keras.Model`` or a scikit-learn estimator, read exactly as the
    CLI reads it (see :func:`edgesmith.api.model.load`)."""
    from .api.model import load as _load  # imported on use: `import edgesmith` stays light

    return _load(source, weights, trust_pickle=trust_pickle)


def __getattr__(name):
    if name in ("Model", "Compiled"):
        from .api import model

        return getattr(model, name)
    raise AttributeError(f"module 'edgesmith' has no attribute {name!r}")
