"""The scenario language: distributions, parsed, sampled and refused with locations.

Every scenario here is tests/data/minimal.yaml, edited, written into ``tmp_path``;
problems are checked for file, line AND column, key path and a distinctive part of the
message (see the scenario-language helpers in tests/conftest.py). Tests named
``test_regression_*`` pin bugs found in ``sim/`` by these tests and since fixed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import MINIMAL_TEXT, REPAIR, WriteScenario, at, check, edit, only_problem

import sim
from sim.scenario.dists import Choice, Fixed, LogNormal, Normal, Triangular, Uniform, parse_dist

# -- distributions ------------------------------------------------------------------------

VALID_DISTS = [
    pytest.param(30, Fixed(30.0), (30.0, 30.0), id="number"),
    pytest.param(0, Fixed(0.0), (0.0, 0.0), id="zero"),
    pytest.param({"triangular": [10, 20, 40]}, Triangular(10, 20, 40), (10, 40), id="triangular"),
    pytest.param({"triangular": [5, 5, 5]}, Triangular(5, 5, 5), (5, 5), id="triangular-point"),
    pytest.param({"uniform": [10, 20]}, Uniform(10, 20), (10, 20), id="uniform"),
    pytest.param(
        {"lognormal": {"median": 20, "sigma": 0.5}},
        LogNormal(20, 0.5),
        (0, math.inf),
        id="lognormal",
    ),
    pytest.param(
        {"normal": {"mean": 20, "sd": 5, "min": 0, "max": 60}},
        Normal(20, 5, 0, 60),
        (0, 60),
        id="normal",
    ),
    pytest.param(
        {"normal": {"mean": 0, "sd": 1, "min": 100, "max": 200}},
        Normal(0, 1, 100, 200),
        (100, 200),
        id="normal-far-tail",
    ),
    pytest.param({"choice": [10, 20, 30]}, Choice((10, 20, 30), (1, 1, 1)), (10, 30), id="choice"),
    pytest.param(
        {"choice": {"values": [10, 20], "weights": [1, 3]}},
        Choice((10, 20), (1, 3)),
        (10, 20),
        id="choice-weighted",
    ),
]

US = (1e-12, 1e-6, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-6, 1 - 1e-12)


@pytest.mark.parametrize(("raw", "expected", "support"), VALID_DISTS)
def test_distribution_kind_parses_and_samples_in_support(
    raw: Any, expected: Any, support: tuple[float, float], write_scenario: WriteScenario
) -> None:
    dist = parse_dist(raw)
    assert dist == expected
    samples = [dist.sample(u) for u in US]
    low, high = support
    assert all(low <= x <= high and math.isfinite(x) for x in samples), samples
    assert samples == sorted(samples), "inverse-CDF sampling is monotone in u"
    # and the same thing written in a scenario file
    flow = yaml.safe_dump(raw, default_flow_style=True).strip().removesuffix("...").strip()
    s = sim.load_scenario(write_scenario(edit("repair_days: 30", f"repair_days: {flow}")))
    assert s.pads[0].outages[0].repair_days == expected


def test_choice_weights_pick_values_by_cumulative_weight() -> None:
    d = parse_dist({"choice": {"values": [10, 20], "weights": [1, 3]}})
    assert [d.sample(u) for u in (0.0, 0.24, 0.25, 0.99)] == [10, 10, 20, 20]


def test_negative_support_allowed_when_not_a_duration() -> None:
    assert parse_dist({"uniform": [-5, 5]}, nonneg=False) == Uniform(-5, 5)
    assert parse_dist(-3, nonneg=False) == Fixed(-3.0)


BAD_DISTS = [
    pytest.param(
        "{triangular: [30, 20, 40]}",
        "triangular needs low <= mode <= high, got [30, 20, 40]",
        id="triangular-a-gt-mode",
    ),
    pytest.param(
        "{triangular: [10, 50, 40]}",
        "triangular needs low <= mode <= high, got [10, 50, 40]",
        id="triangular-mode-gt-b",
    ),
    pytest.param(
        "{triangular: [40, 30, 20]}",
        "triangular needs low <= mode <= high, got [40, 30, 20]",
        id="triangular-a-gt-b",
    ),
    pytest.param(
        "{uniform: [20, 10]}", "uniform needs low <= high, got [20, 10]", id="uniform-a-gt-b"
    ),
    pytest.param(
        "{normal: {mean: 20, sd: 2, min: 30, max: 10}}",
        "normal needs sd >= 0 and min <= max",
        id="normal-min-gt-max",
    ),
    pytest.param(
        "{normal: {mean: 20, sd: -2, min: 0}}", "normal needs sd >= 0", id="normal-negative-sd"
    ),
    pytest.param(
        "{lognormal: {median: 0, sigma: 1}}",
        "lognormal needs median > 0 and sigma >= 0",
        id="lognormal-zero-median",
    ),
    pytest.param(
        "{gamma: [1, 2]}",
        "unknown distribution 'gamma'; expected one of triangular, uniform, lognormal, normal, "
        "choice",
        id="unknown-kind",
    ),
    pytest.param(
        "{triangular: [1, 2]}", "triangular takes [low, mode, high], got [1, 2]", id="tri-arity-2"
    ),
    pytest.param(
        "{triangular: [1, 2, 3, 4]}", "triangular takes [low, mode, high]", id="tri-arity-4"
    ),
    pytest.param(
        "{uniform: [1, 2, 3]}", "uniform takes [low, high], got [1, 2, 3]", id="uni-arity"
    ),
    pytest.param("{uniform: 5}", "uniform takes [low, high], got 5", id="uni-not-a-list"),
    pytest.param(
        "{lognormal: {median: 10}}",
        "lognormal takes {median: M, sigma: S}: missing ['sigma']",
        id="lognormal-missing",
    ),
    pytest.param(
        "{lognormal: {median: 10, sigma: 1, mode: 3}}",
        "lognormal takes {median: M, sigma: S}: unknown ['mode']",
        id="lognormal-unknown-param",
    ),
    pytest.param("{choice: []}", "choice needs a non-empty list of values", id="choice-empty"),
    pytest.param(
        "{choice: {values: [1, 2], weights: [1]}}",
        "choice weights must be a list as long as values",
        id="choice-weights-arity",
    ),
    pytest.param(
        "{choice: {values: [1, 2], weights: [0, 0]}}",
        "choice weights must be >= 0 and not all 0",
        id="choice-zero-weights",
    ),
    pytest.param("{uniform: [1, .inf]}", "uniform parameter must be finite, got inf", id="uni-inf"),
    pytest.param(
        "{uniform: [1, true]}", "uniform parameter must be a number, got True", id="uni-bool"
    ),
    pytest.param(".nan", "value must be finite, got nan", id="nan"),
    pytest.param("-3", "must be >= 0 days, got -3", id="negative-number"),
    pytest.param(
        "{uniform: [-5, 10]}", "uniform for a duration must not go below 0 days", id="uni-negative"
    ),
    pytest.param(
        "{triangular: [-1, 2, 3]}",
        "triangular for a duration must not go below 0 days",
        id="tri-negative",
    ),
    pytest.param(
        "{choice: [-1, 3]}", "choice for a duration must not go below 0 days", id="choice-negative"
    ),
    pytest.param(
        "{normal: {mean: 20, sd: 2}}",
        "normal for a duration needs min >= 0 (it is truncated there)",
        id="normal-unbounded-below",
    ),
    pytest.param(
        "{normal: {mean: 20, sd: 2, min: -1}}",
        "normal for a duration needs min >= 0",
        id="normal-negative-min",
    ),
    pytest.param(
        "{uniform: [1, 2], triangular: [1, 2, 3]}",
        "expected a number or a one-key distribution mapping",
        id="two-kinds",
    ),
    pytest.param("[1, 2]", "expected a number or a one-key distribution mapping", id="a-list"),
    pytest.param("soon", "expected a number or a one-key distribution mapping", id="a-string"),
]


@pytest.mark.parametrize(("value", "fragment"), BAD_DISTS)
def test_bad_distribution(
    tmp_path: Path, value: str, fragment: str, write_scenario: WriteScenario
) -> None:
    text = edit("repair_days: 30", f"repair_days: {value}")
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, "repair_days"), REPAIR, fragment)


def test_bad_distribution_in_slip_days(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = MINIMAL_TEXT + "uncertainty:\n  slip_days:\n    Progress 1: {uniform: [5, 2]}\n"
    p = only_problem(write_scenario(text))
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "Progress 1: {"),
        "uncertainty.slip_days.Progress 1",
        "uniform needs low <= high, got [5, 2]",
    )


# -- regressions ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1" + "0" * 400, "{uniform: [1, 1%s]}" % ("0" * 400)])
def test_regression_huge_integer_in_a_distribution(
    tmp_path: Path, value: str, write_scenario: WriteScenario
) -> None:
    text = edit("repair_days: 30", f"repair_days: {value}")
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, "repair_days"), REPAIR, "finite")
