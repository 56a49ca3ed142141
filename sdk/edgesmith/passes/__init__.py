"""Graph passes: small rewrites, each stating what it requires and guarantees.

The order in which they run is :data:`edgesmith.passes.pipeline.PIPELINE`.
"""

from .base import GraphPass
from .constant_fold import ConstantFold
from .fold_batch_norm import FoldBatchNorm
from .fold_pad import FoldPad
from .fuse_activation import FuseActivation
from .pipeline import PIPELINE, run_pipeline
from .remove_identity import RemoveIdentity

__all__ = ["PIPELINE", "ConstantFold", "FoldBatchNorm", "FoldPad", "FuseActivation", "GraphPass",
           "RemoveIdentity", "run_pipeline"]
