"""HLS backend: fixed-point graphs -> Vitis HLS C++ (one shared kernel header set,
Jinja templates), a testbench that compares every output bit, build Tcl, g++
C-simulation bit for bit against the simulator, and resource estimates.

``generate_hls`` (:mod:`.writer`) writes a project; :mod:`.csim` builds and runs
its C-simulation testbench (``edgesmith.verify.csim.verify_csim`` proves it equal
to the simulator); ``estimate_graph``
(:mod:`.estimate`) counts DSPs, LUTs, BRAM and cycles by stated rules.
``fixed_point_graph`` (:mod:`.precision`) turns a float graph into the
fixed-point graph these take (until the quantizer has a fixed scheme).
"""

from ..boards.fpga_boards import get_fpga_board, list_fpga_boards
from .estimate import estimate_graph
from .precision import Precision, fixed_point_graph, parse_precision
from .writer import generate_hls

__all__ = ["Precision", "estimate_graph", "fixed_point_graph", "generate_hls",
           "get_fpga_board", "list_fpga_boards", "parse_precision"]
