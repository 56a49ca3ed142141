"""The Python code blocks of a Markdown page, for tests that run a page's examples."""

import re
from pathlib import Path

_BLOCK = re.compile(r"^```python( slow)?\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(page: Path) -> list[tuple[bool, str]]:
    """(slow, code) of every ```python block in order; ```python slow marks the slow ones."""
    return [(bool(m.group(1)), m.group(2)) for m in _BLOCK.finditer(page.read_text())]


def run_blocks(blocks: list[str], name: str) -> dict:
    """Run the blocks one after the other in one namespace; returns it."""
    namespace: dict = {"__name__": name}
    for k, code in enumerate(blocks):
        exec(compile(code, f"{name} block {k}", "exec"), namespace)  # noqa: S102 (our docs)
    return namespace
