"""`edgesmith tune`: search quantization schemes and widths, QuantMCU settings, patch plans,
memory strategies, weight layouts and boards for the configurations that fit a board and
lose the least accuracy, every cost measured exactly (linker, emulator, simulator).

    space = load_space("space.toml")                      # or a dict of the same shape
    inputs = read_inputs("model.keras", x, y, calib_samples=100)
    result = run_search(space, inputs, results=Path("tune.csv"), runner="ray")
    result.front, result.best
"""

from .pareto import BEST_RULE, best, pareto_front
from .search import SearchResult, run_search
from .space import SearchSpace, load_space
from .trial import TrialInputs, read_inputs, run_trial

__all__ = ["BEST_RULE", "SearchResult", "SearchSpace", "TrialInputs", "best", "load_space",
           "pareto_front", "read_inputs", "run_search", "run_trial"]
