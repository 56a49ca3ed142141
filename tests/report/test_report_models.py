"""`edgesmith report` on shared models writes one self-contained page whose numbers are the
other commands' numbers (vww_96_int8 patched and run on QEMU, the jet tagger on an FPGA);
bad input exits 2 and writes nothing. Slow: the patch search and QEMU runs take a minute."""

import re
from pathlib import Path

import pytest

from tests.helpers.cli_run import cli, cli_json
from tests.report.conftest import JET, VWW, page_data

pytestmark = pytest.mark.slow


def test_page_is_self_contained(vww_page, jet_page):
    for page in (vww_page, jet_page):
        html = page.read_text()
        # the only script is the data block; nothing is fetched (the SVG namespace is a name)
        assert re.findall(r"<script[^>]*>", html) == [
            '<script type="application/json" id="edgesmith-report">']
        urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
        assert urls == {"http://www.w3.org/2000/svg"}, urls
        assert not re.search(r"\b(src|href)=\"(?!#)", html)
        assert html.count("<svg ") >= 4


def test_flash_per_layer_adds_up_to_the_generated_code(vww_page, vww_commands):
    data, code, ops = page_data(vww_page.read_text()), vww_commands["code"], \
        vww_commands["inspect"]["ops"]
    flash = data["flash"]
    assert len(flash["per_op"]) == len(ops) == 31
    assert flash["total_bytes"] == sum(flash["per_op"]) + flash["unattributed_bytes"]
    assert flash["total_bytes"] == code["weights_bytes"] + code["params_bytes"]
    # every op with weights stores at least them (int8 weights, int32 biases as they are)
    for op, stored in zip(ops, flash["per_op"]):
        assert stored >= op["weight_bytes"], op["index"]
    assert flash["unattributed_bytes"] == 0


def test_fpga_section_is_the_estimate(jet_page, tmp_path):
    fpga = page_data(jet_page.read_text())["fpga"]
    est = cli_json(tmp_path, "estimate", *JET, "--board", "pynq-z2")
    assert fpga["part"] == est["part"] == "xc7z020clg400-1"
    assert fpga["totals"] == est["totals"] and fpga["latency_cycles"] == est["latency_cycles"]
    assert [(r["op_index"], r["dsp"], r["bram18"], r["latency"]) for r in fpga["layers"]] == \
        [(r["op_index"], r["dsp"], r["bram18"], r["latency"]) for r in est["layers"]]
    assert fpga["over_budget"] == est["over_budget"] != []
    assert fpga["smallest_fitting_reuse"] == est["smallest_fitting_reuse"]
    assert [r["weight_bits"] for r in fpga["layers"]][:4] == [(16 * 64 + 64) * 16,
                                                            (64 * 32 + 32) * 16,
                                                            (32 * 32 + 32) * 16,
                                                            (32 * 5 + 5) * 16]


def test_saturation_counts_the_simulator_values(vww_page):
    """Recounted here from the simulator's tensors on the page's 64 random inputs."""
    from edgesmith.api.loading import load_graph
    from edgesmith.sim import simulate
    from edgesmith.sim.inputs import random_inputs

    data = page_data(vww_page.read_text())["tensors"]
    assert data["samples"] == 64
    graph = load_graph(VWW)
    values = simulate(graph, random_inputs(graph, 64, 0), keep_intermediates=True)
    rows = {r["tensor"]: r for r in data["rows"]}
    assert len(rows) == 1 + len(graph.ops)
    checked = 0
    for name, row in rows.items():
        fmt = graph.tensors[name].fmt
        assert row["bits"] == fmt.bits == 8
        v = values[name].reshape(64, -1)
        at_top = v == fmt.qmax
        hit = at_top if int(fmt.zero_point[0]) == fmt.qmin else at_top | (v == fmt.qmin)
        assert row["saturated_samples"] == hit.any(axis=1).mean()
        assert row["saturated_values"] == hit.mean()
        checked += row["saturated_values"] > 0
    assert checked >= 3  # random inputs do reach the extremes somewhere


def test_python_api_writes_the_same_page(jet_page, tmp_path):
    import edgesmith

    m = edgesmith.load(JET[0], weights=JET[2])
    path = m.report(tmp_path / "api.html", target="pynq-z2", source=jet_page.name)
    ours, cli_page = page_data(path.read_text()), page_data(jet_page.read_text())
    assert ours.pop("source") == "jet.html" and cli_page.pop("source") == "KERAS_3layer.json"
    assert ours == cli_page


def test_board_run_is_bench_latency_of_the_patched_code(vww_page, tmp_path):
    board = page_data(vww_page.read_text())["board"]
    cli_json(tmp_path, "generate", "c", VWW, "--patch", "auto", "-o", str(tmp_path / "code"))
    bench = cli_json(tmp_path, "bench", "latency", VWW, "--code", str(tmp_path / "code"))
    assert board["name"] == "mps2-an386" and board["ran"]
    assert board["instructions"] == bench["instructions"]
    assert board["traced_instructions"] == bench["traced_instructions"]
    assert [(r["instructions"], r["estimated_m4_cycles"]) for r in board["layers"]] == \
        [(r["instructions"], r["estimated_m4_cycles"]) for r in bench["layers"]]
    assert board["estimated_m4_cycles"] == bench["estimated_m4_cycles"] > 0
    split = page_data(vww_page.read_text())["patch"]["split"]
    assert board["layers"][0]["label"] == f"patch stage 0..{split}"
    assert len(board["layers"]) == 31 - split


@pytest.mark.parametrize("args, message", [
    ((VWW, "--patch", "banana", "-o", "r.html"), "patch spec"),
    (("truncated.tflite", "-o", "r.html"), "truncated.tflite"),
])
def test_bad_model_input_exits_2_and_writes_nothing(tmp_path, args, message):
    (tmp_path / "truncated.tflite").write_bytes(Path(VWW).read_bytes()[:1000])
    proc = cli(tmp_path, "report", *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["truncated.tflite"]
