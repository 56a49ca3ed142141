"""Memory planning: tensor lifetimes, in-place ops and the static activation arena."""

from .check import InvalidPlanError, check_plan
from .inplace import InplaceOp
from .lifetimes import Lifetime, live_bytes_per_step, lower_bound, tensor_lifetimes
from .planner import STRATEGIES, ArenaPlan, plan_arena

__all__ = ["STRATEGIES", "ArenaPlan", "InplaceOp", "InvalidPlanError", "Lifetime", "check_plan",
           "live_bytes_per_step", "lower_bound", "plan_arena", "tensor_lifetimes"]
