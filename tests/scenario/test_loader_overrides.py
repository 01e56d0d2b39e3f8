"""The scenario language: ``--set PATH=VALUE`` overrides, applied after the file (and its
``extends``) and located at their ordinal and column.

Every scenario here is tests/data/minimal.yaml, edited, written into ``tmp_path``;
problems are checked for file, line AND column, key path and a distinctive part of the
message (see the scenario-language helpers in tests/conftest.py). Tests named
``test_regression_*`` pin bugs found in ``sim/`` by these tests and since fixed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import MINIMAL_TEXT, REPAIR, WriteScenario, at, check, edit, only_problem, problems_of

import sim
from sim.scenario.dists import Fixed, Uniform

# -- overrides (--set) --------------------------------------------------------------------


def test_override_by_id(minimal_file: Path) -> None:
    s = sim.load_scenario(minimal_file, ["pads.baikonur-31.outages.0.repair_days=120"])
    assert s.pads[0].outages[0].repair_days == Fixed(120.0)


def test_override_by_index(minimal_file: Path) -> None:
    s = sim.load_scenario(minimal_file, ["flights.0.launch=2026-02-01"])
    assert [f.launch for f in s.flights] == [date(2026, 2, 1), date(2026, 5, 1)]


def test_override_by_negative_index(minimal_file: Path) -> None:
    s = sim.load_scenario(minimal_file, ["flights.-1.launch=2026-06-01"])
    assert [f.launch for f in s.flights] == [date(2026, 1, 10), date(2026, 6, 1)]


def test_override_id_with_a_space(minimal_file: Path) -> None:
    s = sim.load_scenario(minimal_file, ["flights.Soyuz B.launch=2026-06-01"])
    assert s.flights[1].launch == date(2026, 6, 1)


def test_override_id_with_a_dot(write_scenario: WriteScenario) -> None:
    text = edit("  - id: Soyuz B\n", "  - id: Soyuz.B\n")
    s = sim.load_scenario(write_scenario(text), ["flights.Soyuz.B.launch=2026-06-01"])
    assert s.flights[1].launch == date(2026, 6, 1)


def test_override_with_a_distribution(minimal_file: Path) -> None:
    s = sim.load_scenario(
        minimal_file, ["pads.baikonur-31.outages.0.repair_days={uniform: [10, 20]}"]
    )
    assert s.pads[0].outages[0].repair_days == Uniform(10, 20)


def test_overrides_apply_in_order(minimal_file: Path) -> None:
    s = sim.load_scenario(minimal_file, ["seed=3", "seed=4", "rules.handover_days=2.5"])
    assert (s.seed, s.rules.handover_days) == (4, 2.5)  # rules: created, then validated


def test_override_unknown_id_suggests(minimal_file: Path) -> None:
    text = "flights.Soyuz X.launch=2026-06-01"
    p = only_problem(minimal_file, [text])
    check(
        p,
        "--set",
        (1, len("flights.Soyuz X.launch") + 2),
        "flights",
        "no item 'Soyuz X'; did you mean 'Soyuz B'?",
        "(ids: Progress 1, Soyuz B)",
    )


def test_override_index_out_of_range(minimal_file: Path) -> None:
    p = only_problem(minimal_file, ["flights.5.launch=2026-06-01"])
    check(p, "--set", (1, len("flights.5.launch") + 2), "flights", "no item '5'")


def test_override_into_a_scalar(minimal_file: Path) -> None:
    p = only_problem(minimal_file, ["seed.x=1"])
    check(p, "--set", (1, 8), "seed", "cannot go into 'x'")


def test_override_missing_equals(minimal_file: Path) -> None:
    p = only_problem(minimal_file, ["seed"])
    check(p, "--set", (1, 1), "seed", "expected PATH=VALUE, e.g. seed=7")


@pytest.mark.parametrize("text", ["=3", "a..b=3", "flights.=1"])
def test_override_empty_key(minimal_file: Path, text: str) -> None:
    p = only_problem(minimal_file, [text])
    assert (p.mark.file, p.mark.line, p.mark.col) == ("--set", 1, 1)
    assert "empty key in path" in p.message


def test_override_bad_yaml_value(minimal_file: Path) -> None:
    p = only_problem(minimal_file, ["seed=[1"])
    check(p, "--set", (1, len("seed") + 2), "seed", "not valid YAML")


def test_override_error_is_located_at_its_ordinal_and_column(minimal_file: Path) -> None:
    second = "pads.baikonur-31.turnaround_days=-3"
    p = only_problem(minimal_file, ["seed=1", second])
    check(
        p,
        "--set",
        (2, second.index("=") + 2),
        "pads.baikonur-31.turnaround_days",
        "greater than or equal to 0 (got -3)",
    )


def test_override_error_inside_a_distribution_value(minimal_file: Path) -> None:
    text = "pads.baikonur-31.outages.0.repair_days={uniform: [20, 10]}"
    p = only_problem(minimal_file, [text])
    check(p, "--set", (1, text.index("=") + 2), REPAIR, "uniform needs low <= high")


def test_override_creates_an_unknown_key_which_the_schema_refuses(minimal_file: Path) -> None:
    p = only_problem(minimal_file, ["flights.0.bogus=1"])
    check(
        p,
        "--set",
        (1, len("flights.0.bogus") + 2),
        "flights.Progress 1.bogus",
        "unknown key 'bogus'",
    )


def test_override_cross_reference_error(minimal_file: Path) -> None:
    p = only_problem(minimal_file, ["flights.Soyuz B.crew={RS: 9}"])
    check(p, "--set", (1, len("flights.Soyuz B.crew") + 2), "flights.Soyuz B.crew", "crew of 9")


def test_override_and_file_problems_are_reported_together(write_scenario: WriteScenario) -> None:
    text = edit("seed: 1", "seed: -1")
    path = write_scenario(text)
    problems = problems_of(path, ["flights.Soyuz X.launch=2026-01-01", "seed"])
    assert [(p.mark.file, p.mark.line) for p in problems] == [
        ("--set", 1),
        ("--set", 2),
        (str(path), at(text, "seed:")[0]),
    ]


def test_override_applies_on_top_of_extends(write_scenario: WriteScenario) -> None:
    write_scenario(MINIMAL_TEXT, "base.yaml")
    child = write_scenario("extends: base.yaml\nseed: 5\n", "child.yaml")
    s = sim.load_scenario(child, ["seed=6", "flights.Soyuz B.launch=2026-07-01"])
    assert (s.seed, s.flights[1].launch) == (6, date(2026, 7, 1))


# -- regressions ---------------------------------------------------------------------


@pytest.mark.parametrize("segment", ["--1", "²"])
def test_regression_odd_index_segment(minimal_file: Path, segment: str) -> None:
    p = only_problem(minimal_file, [f"flights.{segment}.launch=2026-02-01"])
    assert p.mark.file == "--set"


def test_regression_override_through_a_yaml_alias_leaves_the_anchor_unchanged(
    write_scenario: WriteScenario,
) -> None:
    """``--set`` on a value that a flight shares through a YAML alias changes only that
    flight: the flight holding the anchor keeps its value."""
    text = edit("    launch: 2026-01-10\n", "    launch: 2026-01-10\n    cargo: &c {food: 10}\n")
    text = edit("    relieves: Soyuz A\n", "    relieves: Soyuz A\n    cargo: *c\n", text)
    s = sim.load_scenario(write_scenario(text), ["flights.Soyuz B.cargo.food=20"])
    assert (s.flights[0].cargo, s.flights[1].cargo) == ({"food": 10.0}, {"food": 20.0})


@pytest.mark.parametrize("override", ["flights.0.launch=5", "epoch=20260101", "horizon=1.5"])
def test_a_number_is_not_taken_as_a_unix_timestamp(minimal_file: Path, override: str) -> None:
    p = only_problem(minimal_file, [override])
    assert p.mark.file == "--set"
    assert "expected a date like 2026-03-22, got the number" in p.message
