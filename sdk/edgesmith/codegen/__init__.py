"""C99 firmware code generation: int8 graph -> a self-contained folder of C sources.

``generate_c(graph, folder)`` plans the arena (:mod:`.c_plan`), builds the
render context (:mod:`.c_model`, :mod:`.c_steps`, with names from
:mod:`.c_names`, parameter structs from :mod:`.c_params` and every kernel
call derived from its prototype in ``es_nn.h``, :mod:`.c_calls`) and renders the
Jinja templates of ``codegen/templates/`` into the folder atomically
(:mod:`.c_writer`). The API of the generated code is in docs/INTERNALS.md.
"""

from .c_context import CModel
from .c_model import build_c_model
from .c_plan import C_INPLACE_OPS, plan_c_arena
from .c_writer import GeneratedC, generate_c

__all__ = ["C_INPLACE_OPS", "CModel", "GeneratedC", "build_c_model", "generate_c",
           "plan_c_arena"]
