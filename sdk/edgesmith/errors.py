"""Errors that reach the user.

Every error the CLI reports is an :class:`EdgesmithError`: it carries a message
that names the problem and what to do, and the process exit code. Anything
else escaping the CLI is a bug in edgesmith.
"""

from __future__ import annotations


class EdgesmithError(Exception):
    """A problem with the user's input or environment (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"

    def __reduce__(self):  # the hint survives pickling (errors cross process boundaries)
        return _rebuild, (type(self), self.message, self.hint)


def _rebuild(cls: type, message: str, hint: str | None) -> EdgesmithError:
    return cls(message, hint=hint)


class ModelFormatError(EdgesmithError):
    """The model file is truncated, malformed or of an unknown kind."""


class UnsupportedError(EdgesmithError):
    """The model uses an operator, layer, dtype or attribute edgesmith does not support."""


class InvalidGraphError(EdgesmithError):
    """The IR verifier found an inconsistent graph (a bug in a pass or an importer)."""


class MismatchError(EdgesmithError):
    """Two implementations that must agree bit for bit did not (exit code 1)."""

    exit_code = 1


class TfliteStructureError(ModelFormatError):
    """A ``.tflite`` flatbuffer is inconsistent (an index, size, option table or
    quantization parameter that does not fit the rest of the file)."""


class EsmSchemaError(ModelFormatError):
    """An ``.esm`` manifest or archive member does not match the documented schema."""


class KerasSchemaError(ModelFormatError):
    """A Keras config entry or HDF5 weight has the wrong type, shape or value."""


class ArrayInputError(EdgesmithError):
    """A user-supplied array (``--calib``, ``--inputs``, ``--data``) does not fit the model."""


class ResourceLimitError(EdgesmithError):
    """A declared size (elements, bytes, ops, bits, window) exceeds what edgesmith accepts."""


class BadArgumentError(EdgesmithError):
    """A command-line argument or output path that cannot be used."""
