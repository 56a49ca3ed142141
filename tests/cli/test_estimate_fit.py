"""`edgesmith estimate` over the part's resources warns and names the smallest reuse factor
that fits."""

from tests.helpers.cli_run import cli, cli_json
from tests.helpers.paths import HLS4ML_MODELS

JET = [str(HLS4ML_MODELS / "KERAS_3layer.json"), "--weights",
       str(HLS4ML_MODELS / "KERAS_3layer_weights.h5"), "--precision", "fixed<16,6>"]


def _estimate(tmp_path, reuse: int) -> dict:
    return cli_json(tmp_path, "estimate", *JET, "--board", "pynq-z2", "--reuse", str(reuse))


def test_over_budget_names_the_smallest_reuse_that_fits(tmp_path):
    est = _estimate(tmp_path, 4)
    assert est["over_budget"] == ["dsp"]
    fitting = est["smallest_fitting_reuse"]
    assert fitting > 4
    fits = _estimate(tmp_path, fitting)
    assert fits["over_budget"] == [] and fits["smallest_fitting_reuse"] is None
    assert _estimate(tmp_path, fitting - 1)["over_budget"] != []
    proc = cli(tmp_path, "estimate", *JET, "--board", "pynq-z2", "--reuse", "4")
    assert proc.returncode == 0
    assert f"smallest reuse factor that fits is {fitting} (--reuse {fitting})" in proc.stdout
