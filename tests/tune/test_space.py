"""Search spaces: what a TOML file or dict declares, the grid it spans, and one clear
BadArgumentError for each kind of mistake."""

import pytest

from edgesmith.errors import BadArgumentError
from edgesmith.tune.space import DEFAULTS, Range, load_space, normalized, with_board


def test_a_toml_space_with_choices_ranges_and_constraints(tmp_path):
    path = tmp_path / "space.toml"
    path.write_text('[parameters]\nscheme = ["int8", "fixed"]\n'
                    'act_bits = {min = 8, max = 16, step = 8}\n'
                    'mixed_lambda = {min = 0.0, max = 0.5}\n'
                    '[constraints]\nmax_ram = 65536\nmax_accuracy_drop = 0.02\n')
    space = load_space(path)
    assert space.parameters["scheme"] == ("int8", "fixed")
    assert space.parameters["act_bits"] == Range(8, 16, 8)
    assert space.parameters["act_bits"].values() == [8, 16]
    assert space.parameters["mixed_lambda"] == Range(0.0, 0.5, None)
    assert space.constraints == {"max_ram": 65536, "max_accuracy_drop": 0.02}


def test_the_grid_names_every_parameter_and_drops_repeated_builds():
    space = load_space({"parameters": {"scheme": ["int8", "subbyte"], "weight_bits": [4, 2],
                                       "patch": ["none", "auto"]}})
    grid = space.grid()
    # int8 ignores weight_bits: its two spellings are one build
    assert len(grid) == 6
    assert all(list(c) == list(DEFAULTS) for c in grid)
    assert [(c["scheme"], c["weight_bits"], c["patch"]) for c in grid] == [
        ("int8", 8, "none"), ("int8", 8, "auto"), ("subbyte", 4, "none"),
        ("subbyte", 4, "auto"), ("subbyte", 2, "none"), ("subbyte", 2, "auto")]
    assert normalized({**DEFAULTS, "scheme": "int8", "weight_bits": 4}) == DEFAULTS


def test_with_board_adds_the_board_once():
    space = with_board(load_space({"parameters": {"scheme": ["int8"]}}), "host")
    assert space.grid()[0]["board"] == "host"
    with pytest.raises(BadArgumentError, match="not both"):
        with_board(load_space({"parameters": {"board": ["host"]}}), "host")


@pytest.mark.parametrize("space, message", [
    ({}, "no \\[parameters\\]"),
    ({"parameters": {}}, "no \\[parameters\\]"),
    ({"parameters": {"scheme": ["int8"]}, "extra": {}}, "unknown section 'extra'"),
    ({"parameters": {"color": ["red"]}}, "unknown parameter 'color'"),
    ({"parameters": {"scheme": ["int9"]}}, "choice 'int9' is not one of"),
    ({"parameters": {"scheme": []}}, "non-empty list"),
    ({"parameters": {"scheme": "int8"}}, "non-empty list"),
    ({"parameters": {"scheme": ["int8", "int8"]}}, "lists a choice twice"),
    ({"parameters": {"weight_bits": [4.5]}}, "is not an integer"),
    ({"parameters": {"weight_bits": [True]}}, "is not an integer"),
    ({"parameters": {"weight_bits": [32]}}, "outside 2..16"),
    ({"parameters": {"weight_bits": {"min": 8, "max": 2}}}, "min <= max"),
    ({"parameters": {"weight_bits": {"min": 2}}}, "takes min, max"),
    ({"parameters": {"weight_bits": {"min": 2, "max": 8, "step": 0}}}, "step is a positive"),
    ({"parameters": {"mixed_lambda": {"min": 0, "max": 1, "step": 1}}}, "integer parameters"),
    ({"parameters": {"scheme": {"min": 0, "max": 1}}}, "not a range"),
    ({"parameters": {"patch": ["3x2"]}}, "neither none, auto nor SPLIT:GRID"),
    ({"parameters": {"patch": [3]}}, "is not a string"),
    ({"parameters": {"board": ["no-such-board"]}}, "is not a board"),
    ({"parameters": {"board": ["nrf52840-dk"]}}, "is a real board"),
    ({"parameters": {"scheme": ["int8"]}, "constraints": {"max_ram": -1}}, "number >= 0"),
    ({"parameters": {"scheme": ["int8"]}, "constraints": {"max_speed": 1}},
     "unknown constraint 'max_speed'"),
])
def test_a_bad_space_is_refused_with_one_message(space, message):
    with pytest.raises(BadArgumentError, match=message):
        load_space(space)


def test_a_float_range_or_a_huge_grid_asks_for_trials():
    with pytest.raises(BadArgumentError, match="--trials") as err:
        load_space({"parameters": {"mixed_lambda": {"min": 0.0, "max": 1.0}}}).grid()
    assert "float range" in err.value.message
    big = {"weight_bits": {"min": 2, "max": 16}, "act_bits": {"min": 2, "max": 16},
           "patch": [f"{s}:2" for s in range(60)]}
    with pytest.raises(BadArgumentError, match="more than 10,000"):
        load_space({"parameters": big}).grid()


def test_a_file_that_is_missing_or_not_toml(tmp_path):
    with pytest.raises(BadArgumentError, match="no such file"):
        load_space(tmp_path / "none.toml")
    (tmp_path / "bad.toml").write_text("[parameters\nscheme = [")
    with pytest.raises(BadArgumentError, match="not valid TOML"):
        load_space(tmp_path / "bad.toml")


def test_quantmcu_configurations_collapse_what_does_not_apply():
    # QuantMCU without a plan runs the plan it takes by default; patch-based code chooses
    # its weight layouts as layer-based code does, so speed and size stay apart
    grid = load_space({"parameters": {"patch": ["none", "auto"], "optimize": ["speed", "size"],
                                      "mixed_lambda": [None, 0.3]}}).grid()
    assert [(c["patch"], c["optimize"], c["mixed_lambda"]) for c in grid] == [
        ("none", "speed", None), ("auto", "speed", 0.3), ("none", "size", None),
        ("auto", "size", 0.3), ("auto", "speed", None), ("auto", "size", None)]
