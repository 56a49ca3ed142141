"""Load a scikit-learn estimator from a skops file, never by unpickling.

skops lists the types a file would construct that it does not trust by
default; edgesmith accepts a file only if every such type is one of the
plain data holders of the estimators it imports (:data:`TRUSTED_EXTRA`), and
refuses the file otherwise, naming the types, before anything is built. This
is the one skops loader of edgesmith: every scikit-learn route (trees, MLPs,
linear models) reads ``.skops`` files through :func:`load_skops`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ModelFormatError, UnsupportedError

#: types beyond skops' defaults that the supported estimators hold (data only, from sklearn)
TRUSTED_EXTRA = frozenset({
    "sklearn.tree._tree.Tree",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
})


def load_skops(path: str | Path) -> Any:
    """The estimator in a ``.skops`` file, after skops' trusted-types check."""
    path = Path(path)
    try:
        import skops.io as sio
    except ImportError:
        raise UnsupportedError(f"{path.name}: reading .skops files needs the skops package",
                               hint="pip install 'edgesmith[trees]'") from None
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises zipfile, JSON and key errors on bad files
        raise ModelFormatError(f"{path.name}: not a readable skops file "
                               f"({type(exc).__name__}: {str(exc)[:200]})") from None
    refused = sorted(set(untrusted) - TRUSTED_EXTRA)
    if refused:
        raise UnsupportedError(f"{path.name}: the file would build types edgesmith does not "
                               f"trust: {', '.join(refused)}; nothing was loaded",
                               hint="save a supported scikit-learn estimator with skops.io.dump")
    try:
        return sio.load(path, trusted=list(untrusted))
    except Exception as exc:
        raise ModelFormatError(f"{path.name}: skops could not load the estimator "
                               f"({type(exc).__name__}: {str(exc)[:200]})") from None
