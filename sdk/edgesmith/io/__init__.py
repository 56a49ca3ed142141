"""Reading and writing edgesmith's own files."""

from .esm import FORMAT_VERSION, load_esm, save_esm

__all__ = ["FORMAT_VERSION", "load_esm", "save_esm"]
