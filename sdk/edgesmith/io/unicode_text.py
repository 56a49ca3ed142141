"""Text from outside that must be valid Unicode: JSON read from a model file, and names
made from file names.

JSON may spell a lone UTF-16 surrogate (``"\\udcec"``), which Python keeps in the string;
such a name cannot be printed, written to a file or put in generated code in UTF-8, so it
would break far from the file that holds it. It is refused at the door instead. A Linux
file name may hold any bytes; Python keeps those that are not UTF-8 as lone surrogates, and
a model named after such a file gets them replaced (:func:`valid_text`).
"""

from __future__ import annotations

import json

from ..errors import ModelFormatError


def lone_surrogate(value) -> str | None:
    """The first string (a key or a value) in ``value`` that holds a lone surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def load_json_text(data: str | bytes, where: str, error: type[ModelFormatError] = ModelFormatError):
    """``json.loads(data)``, refused with ``error`` (naming ``where``) when a string in it is
    not valid Unicode. JSON syntax errors are left to the caller, as ``ValueError``."""
    value = json.loads(data)
    bad = lone_surrogate(value)
    if bad is not None:
        raise error(f"{where}: the string {ascii(bad)[:80]} is not valid Unicode (it holds a "
                    "lone UTF-16 surrogate escape)", hint="the file is damaged; export it again")
    return value


def valid_text(text: str) -> str:
    """``text`` with the bytes a file name held that are not UTF-8 (Python's lone
    surrogates) replaced by U+FFFD, so that it can be printed and written anywhere."""
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
