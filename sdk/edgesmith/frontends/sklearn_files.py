"""scikit-learn estimators from files. A ``.skops`` file is read by the one skops loader
(:func:`.skops_file.load_skops`: skops' own trusted types plus the data holders of the
supported estimators, anything else refused before it is built). A pickle (``.pkl``, ``.pickle``,
``.joblib``) runs whatever code it holds when read, so it is read only when the caller says
it trusts the file (``trust_pickle``; the CLI's ``--trust-pickle``, which warns)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ModelFormatError, UnsupportedError
from .skops_file import load_skops  # noqa: F401  (the one skops loader, re-exported)

SKOPS_SUFFIXES = (".skops",)
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")

def load_pickle(path: Path, trust_pickle: bool):
    """The estimator in a pickle file, read only when ``trust_pickle``."""
    if not trust_pickle:
        raise UnsupportedError(
            f"{path}: a pickle runs any code it holds when it is read; edgesmith does not "
            "read pickles unless told to",
            hint="save the estimator with skops (skops.io.dump(est, 'model.skops')), or pass "
                 "--trust-pickle (trust_pickle=True) for a file you made yourself")
    import joblib  # reads plain pickles too

    try:
        return joblib.load(path)
    except Exception as exc:  # noqa: BLE001  (unpickling raises anything)
        raise ModelFormatError(f"{path}: not a readable pickle ({type(exc).__name__}: {exc})") \
            from None
