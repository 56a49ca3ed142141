"""scikit-learn estimators from files. A ``.skops`` file is read with skops, whose loader
builds only the types it is told to trust: edgesmith trusts scikit-learn's and NumPy's own
types and refuses a file that holds anything else. A pickle (``.pkl``, ``.pickle``,
``.joblib``) runs whatever code it holds when read, so it is read only when the caller says
it trusts the file (``trust_pickle``; the CLI's ``--trust-pickle``, which warns)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ModelFormatError, UnsupportedError

SKOPS_SUFFIXES = (".skops",)
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")

#: modules whose types a .skops file may hold (the estimators and the arrays in them)
_TRUSTED_MODULES = ("sklearn.", "numpy.", "builtins.")


def load_skops(path: Path):
    """The estimator in a .skops file, refusing types outside scikit-learn and NumPy."""
    try:
        from skops.io import get_untrusted_types, load
    except ImportError:
        raise UnsupportedError("reading .skops files needs skops; install edgesmith[sklearn]") \
            from None
    try:
        untrusted = get_untrusted_types(file=path)
        refused = [t for t in untrusted if not t.startswith(_TRUSTED_MODULES)]
        if refused:
            raise ModelFormatError(
                f"{path}: holds types edgesmith does not trust: {', '.join(sorted(refused))}",
                hint="save the bare scikit-learn estimator (or Pipeline) with skops.io.dump")
        return load(path, trusted=untrusted)
    except ModelFormatError:
        raise
    except Exception as exc:  # noqa: BLE001  (skops and zipfile raise many kinds)
        raise ModelFormatError(f"{path}: not a readable .skops file ({type(exc).__name__}: "
                               f"{exc})") from None


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
