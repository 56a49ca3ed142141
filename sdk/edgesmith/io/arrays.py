"""User-supplied arrays (``--calib``, ``--inputs``, ``--data``, ``-i``): read them safely and
match them to a graph's inputs (batching, dtype, quantization)."""

from __future__ import annotations

import tokenize
import zipfile
from pathlib import Path

import numpy as np

from ..errors import ArrayInputError, EdgesmithError
from ..ir import Graph
from .limits import MAX_BATCH_ELEMENTS, MAX_RANK, check_limit


def read_user_arrays(path: Path, what: str = "input") -> np.ndarray | dict[str, np.ndarray]:
    """A .npy array or a .npz archive (name -> array), refusing pickles, non-numbers,
    NaN/inf and declared sizes above the limits before their data is read."""
    path = Path(path)
    if not path.is_file():
        raise ArrayInputError(f"{what} file {path} does not exist" if not path.exists()
                              else f"{what} file {path} is not a file")
    try:
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as data:
                arrays = {}
                for key in data.files:
                    info = data.zip.getinfo(f"{key}.npy")
                    check_limit(f"{what} file {path}: array {key!r}", "the size in bytes",
                                info.file_size, MAX_BATCH_ELEMENTS * 8)
                    arrays[key] = check_user_array(data[key], f"{what} file {path}: array {key!r}")
                return arrays
        _check_npy_header(path, what)
        header = np.load(path, mmap_mode="r", allow_pickle=False)  # reads the header only
        check_user_array(header, f"{what} file {path}", values=False)
        return check_user_array(np.array(header), f"{what} file {path}")
    except EdgesmithError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError, SyntaxError,
            tokenize.TokenError) as exc:  # a damaged header reaches NumPy's header parser
        raise ArrayInputError(f"{what} file {path} is not a readable NumPy .npy/.npz file "
                              f"({exc})", hint="save arrays with numpy.save") from None


#: NumPy's own limit on a .npy header (``max_header_size``)
_MAX_NPY_HEADER = 10_000


def _check_npy_header(path: Path, what: str) -> None:
    """Refuse a .npy whose header declares a length NumPy would read into memory blindly."""
    with open(path, "rb") as fh:
        head = fh.read(12)
    if len(head) < 10 or not head.startswith(b"\x93NUMPY"):
        raise ArrayInputError(f"{what} file {path} is not a NumPy .npy file (no magic string)",
                              hint="save arrays with numpy.save")
    major = head[6]
    length = int.from_bytes(head[8:10] if major == 1 else head[8:12], "little")
    check_limit(f"{what} file {path}", "the header length", length, _MAX_NPY_HEADER)


def check_user_array(arr, where: str, values: bool = True) -> np.ndarray:
    """``arr`` if it is a numeric array of bounded size (and, with ``values``, finite)."""
    if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biuf":
        raise ArrayInputError(f"{where}: holds {getattr(arr, 'dtype', type(arr).__name__)} data; "
                              "expected integers or floats")
    check_limit(where, "the rank", arr.ndim, MAX_RANK)
    check_limit(where, f"the element count of shape {list(arr.shape)}", int(arr.size),
                MAX_BATCH_ELEMENTS)
    if values and arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ArrayInputError(f"{where}: {bad} value(s) are NaN or infinite",
                              hint="remove or replace them before passing the data")
    return arr


def prepare_inputs(graph: Graph, data: np.ndarray | dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return ``{input name: batched array}`` in the graph's storage dtypes.

    An array of one sample's shape gets a batch axis. Float data for an
    integer input is quantized with the input's format (round half away from
    zero, then clamp, as TFLite's QUANTIZE does); integer data must already
    have the input's dtype.
    """
    if not isinstance(data, dict):
        if len(graph.inputs) != 1:
            raise EdgesmithError(
                f"model {graph.name!r} has {len(graph.inputs)} inputs "
                f"({', '.join(graph.inputs)}); pass a .npz file keyed by input name")
        data = {graph.inputs[0]: data}
    missing = [n for n in graph.inputs if n not in data]
    if missing:
        raise EdgesmithError(f"no data for model input(s) {missing}; the file has "
                             f"{sorted(data)}")
    return {name: _prepare_one(graph, name, np.asarray(data[name])) for name in graph.inputs}


def _prepare_one(graph: Graph, name: str, arr: np.ndarray) -> np.ndarray:
    t = graph.tensors[name]
    arr = check_user_array(arr, f"input {name!r}")
    sample = tuple(t.shape[1:])
    if tuple(arr.shape) == sample or (arr.size == t.size and arr.ndim <= 1 and arr.size > 1):
        arr = arr.reshape((1,) + sample)
    elif arr.ndim >= 1 and arr.size % max(t.size, 1) == 0 and arr.shape[1:] != sample:
        # a batch of flattened or differently shaped samples with the same size
        if int(np.prod(arr.shape[1:], dtype=np.int64)) == int(np.prod(sample, dtype=np.int64)):
            arr = arr.reshape((arr.shape[0],) + sample)
    if tuple(arr.shape[1:]) != sample:
        raise ArrayInputError(
            f"input {name!r} expects samples of shape {list(sample)} "
            f"(batch on axis 0), got an array of shape {list(arr.shape)}")
    if t.fmt is not None and arr.dtype.kind == "f":
        return t.fmt.quantize(arr)
    if arr.dtype != np.dtype(t.dtype):
        if t.fmt is None and arr.dtype.kind in "iuf":
            return arr.astype(np.float32)
        raise ArrayInputError(
            f"input {name!r} is {t.dtype}; got {arr.dtype} data",
            hint="pass float32 data to have it quantized with the input's scale and "
                 f"zero point, or {t.dtype} data as stored")
    return np.ascontiguousarray(arr)
