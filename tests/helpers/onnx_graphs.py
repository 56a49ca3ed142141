"""Build small ONNX models with the ``onnx.helper`` API, in the shapes ``torch.onnx.export``
writes (NCHW, a dynamic batch axis, Conv and BatchNormalization unfused, Gemm with transB,
Shape -> Gather -> Unsqueeze -> Concat -> Reshape flatten chains, Constant nodes), and
compare edgesmith's float import with onnxruntime."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from edgesmith.frontends import load_model
from edgesmith.frontends.onnx import load_onnx
from edgesmith.sim import simulate
from edgesmith.verify.onnxruntime import FLOAT_TOLERANCE, run_onnxruntime


class OnnxNet:
    """A graph under construction: one float input with a dynamic batch axis."""

    def __init__(self, shape: tuple[int, ...], opset: int = 17, seed: int = 0):
        self.opset, self.nodes, self.inits, self.count = opset, [], [], 0
        self.rng = np.random.default_rng(seed)
        self.inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                                     ["batch", *shape[1:]])]
        self.x = "input"

    def _name(self, op: str) -> str:
        self.count += 1
        return f"/{op.lower()}_{self.count}/output_0"

    def weight(self, *shape: int, scale: float = 0.5) -> str:
        name = f"w{len(self.inits)}"
        data = (self.rng.standard_normal(shape) * scale).astype(np.float32)
        self.inits.append(numpy_helper.from_array(data, name))
        return name

    def init(self, data, dtype=np.float32) -> str:
        name = f"c{len(self.inits)}"
        self.inits.append(numpy_helper.from_array(np.asarray(data, dtype=dtype), name))
        return name

    def constant(self, data, dtype=np.int64) -> str:
        """A Constant node (what torch writes for literal shapes and axes)."""
        out = self._name("Constant")
        self.nodes.append(helper.make_node(
            "Constant", [], [out], value=numpy_helper.from_array(np.asarray(data, dtype))))
        return out

    def node(self, op: str, inputs: list[str], n_out: int = 1, **attrs) -> str | list[str]:
        outs = [self._name(op) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, **attrs))
        return outs[0] if n_out == 1 else outs

    def conv(self, x: str, cin: int, cout: int, k: int = 3, group: int = 1, bias=True,
             **attrs) -> str:
        inputs = [x, self.weight(cout, cin // group, k, k)]
        if bias:
            inputs.append(self.weight(cout, scale=0.1))
        return self.node("Conv", inputs, kernel_shape=[k, k], group=group, **attrs)

    def batch_norm(self, x: str, c: int) -> str:
        gamma = self.init(self.rng.uniform(0.5, 1.5, c))
        beta, mean = self.init(self.rng.normal(0, 0.1, c)), self.init(self.rng.normal(0, 0.1, c))
        var = self.init(self.rng.uniform(0.5, 1.5, c))
        return self.node("BatchNormalization", [x, gamma, beta, mean, var], epsilon=1e-5)

    def flatten_chain(self, x: str) -> str:
        """x.view(x.size(0), -1) as torch exports it."""
        shape = self.node("Shape", [x])
        batch = self.node("Gather", [shape, self.constant(0)], axis=0)
        batch = self.node("Unsqueeze", [batch, self.constant([0])])
        target = self.node("Concat", [batch, self.constant([-1])], axis=0)
        return self.node("Reshape", [x, target])

    def gemm(self, x: str, k: int, o: int) -> str:
        return self.node("Gemm", [x, self.weight(o, k), self.weight(o, scale=0.1)],
                         alpha=1.0, beta=1.0, transB=1)

    def save(self, path: Path, outputs: list[str] | str) -> Path:
        outputs = [outputs] if isinstance(outputs, str) else outputs
        graph = helper.make_graph(self.nodes, "net", self.inputs, [], self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", self.opset)],
                                  producer_name="tests")
        # declare the outputs with the shapes ONNX infers, as exporters do
        known = {v.name: v for v in onnx.shape_inference.infer_shapes(model).graph.value_info}
        model.graph.output.extend(  # (a hostile test's output may have no inferable shape)
            known.get(o) or helper.make_tensor_value_info(o, TensorProto.FLOAT, ["unknown"])
            for o in outputs)
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, str(path))
        return path


def random_batch(graph, samples: int = 8, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {n: rng.uniform(-1, 1, (samples, *graph.tensors[n].shape[1:])).astype(np.float32)
            for n in graph.inputs}


def assert_float_matches(path: Path, samples: int = 8, **load):
    """Import ``path``, run both on random inputs, and assert the documented tolerance;
    returns the graph."""
    graph = load_onnx(path, **load) if load else load_model(path)
    batch = random_batch(graph, samples)
    ours = simulate(graph, batch)
    theirs = run_onnxruntime(path, graph, batch)
    assert set(ours) == set(theirs) == set(graph.outputs)
    for name in graph.outputs:
        assert ours[name].shape == theirs[name].shape, name
        scale = max(1.0, float(np.abs(theirs[name]).max()))
        err = float(np.abs(ours[name] - theirs[name]).max())
        assert err <= FLOAT_TOLERANCE * scale, f"{name}: {err} > {FLOAT_TOLERANCE} * {scale}"
    return graph
