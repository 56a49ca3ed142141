"""The results table of a search: one row per trial, CSV or Parquet (by the file's suffix;
Parquet needs pyarrow). A rerun with the same file reads it back and skips the trials it
already holds, so an interrupted search resumes where it stopped."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from ..errors import BadArgumentError
from .space import DEFAULTS
from .trial import MEASURES

#: the table's columns, in order ("inputs": the id of the model, data and edgesmith code the
#: trials were measured with, :func:`.cache.inputs_id`)
COLUMNS = ("trial", "inputs", *DEFAULTS, "status", *MEASURES, "seconds")
SUFFIXES = (".csv", ".parquet")
_INTS = {"weight_bits", "act_bits", "instructions", "m4_cycles", "ram", "flash", "arena_bytes"}
_FLOATS = {"mixed_lambda", "mixed_percentile", "accuracy", "float_accuracy", "accuracy_drop",
           "seconds"}


def check_results_path(path: Path) -> None:
    if path.suffix not in SUFFIXES:
        raise BadArgumentError(f"--results {path}: the table is written as .csv or .parquet")
    if path.suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise BadArgumentError("--results .parquet needs pyarrow",
                                   hint="install pyarrow, or write a .csv") from None
    from ..io.outputs import check_output_file

    check_output_file(path, "--results")  # a folder, or a folder that cannot be written


def read_results(path: Path) -> list[dict[str, Any]]:
    """The rows of an earlier run (none if the file does not exist)."""
    if not path.is_file():
        return []
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            rows = pq.read_table(path).to_pylist()
        else:
            with path.open(newline="") as fh:
                rows = list(csv.DictReader(fh))
    except Exception as exc:  # noqa: BLE001 - any unreadable table is the same user problem
        raise BadArgumentError(f"--results {path} cannot be read as a results table ({exc})",
                               hint="give a new file, or the table an earlier tune wrote"
                               ) from None
    if rows and set(COLUMNS) - set(rows[0]):
        missing = sorted(set(COLUMNS) - set(rows[0]))
        raise BadArgumentError(f"--results {path} is not a tune results table (no column "
                               f"{missing[0]!r})", hint="give a new file")
    return [_typed(row) for row in rows]


def write_results(path: Path, rows: list[dict[str, Any]]) -> None:
    """All rows, written to a temporary file and renamed over ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    rows = [{c: row.get(c) for c in COLUMNS} for row in rows]
    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows, schema=_schema()), tmp)
    else:
        with tmp.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, COLUMNS)
            writer.writeheader()
            writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    os.replace(tmp, path)


def _schema():
    import pyarrow as pa

    kind = {**{c: pa.int64() for c in _INTS}, **{c: pa.float64() for c in _FLOATS}}
    return pa.schema([(c, kind.get(c, pa.string())) for c in COLUMNS])


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the runners give it: numbers as numbers, empty cells as None."""
    out = {}
    for c in COLUMNS:
        v = row.get(c)
        if v == "" or v is None:
            v = "" if c == "precision" else None
        elif c in _INTS:
            v = int(v)
        elif c in _FLOATS:
            v = float(v)
        out[c] = v
    return out
