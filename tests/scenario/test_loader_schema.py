"""The scenario language: schema rules (keys, types, ranges, duplicates) and how
several problems are reported together.

Every scenario here is tests/data/minimal.yaml, edited, written into ``tmp_path``;
problems are checked for file, line AND column, key path and a distinctive part of the
message (see the scenario-language helpers in tests/conftest.py). Tests named
``test_regression_*`` pin bugs found in ``sim/`` by these tests and since fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_TEXT, REPAIR, WriteScenario, at, check, edit, only_problem, problems_of

import sim
from sim.scenario.errors import Mark, Problem

# -- schema rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "snippet", "path", "hint", "allowed"),
    [
        (
            "seed: 1\n",
            "seed: 1\nsed: 2\n",
            "sed: 2",
            "sed",
            "did you mean 'seed'?",
            "(allowed: source, assumption, note, extends, name, description, epoch, horizon, "
            "as_of, seed, rules, station, pads, vehicles, flights, uncertainty)",
        ),
        (
            "    site: Baikonur\n",
            "    site: Baikonur\n    turnround_days: 3\n",
            "turnround_days",
            "pads.baikonur-31.turnround_days",
            "did you mean 'turnaround_days'?",
            "(allowed: source, assumption, note, id, name, site, families, turnaround_days, "
            "ready_days, outages)",
        ),
        (
            "    relieves: Soyuz A\n",
            "    relieves: Soyuz A\n    stay_dais: 3\n",
            "stay_dais",
            "flights.Soyuz B.stay_dais",
            "did you mean 'stay_days'?",
            "stay_days, undock, relieves, boost, outcome, stand_down_days, handover_days, "
            "damaged, replace)",
        ),
    ],
)
def test_unknown_key_suggests_and_lists_allowed_keys(
    tmp_path: Path,
    old: str,
    new: str,
    snippet: str,
    path: str,
    hint: str,
    allowed: str,
    write_scenario: WriteScenario,
) -> None:
    text = edit(old, new)
    p = only_problem(write_scenario(text))
    key = path.rsplit(".", 1)[-1]
    check(p, tmp_path / "scenario.yaml", at(text, snippet), path, f"unknown key {key!r}")
    assert hint in p.message
    assert allowed in p.message


def test_missing_required_key_in_list_item(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = edit("    site: Baikonur\n", "")
    p = only_problem(write_scenario(text))
    # located at the pad (the mapping that lacks the key), named by its id
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "id: baikonur-31"),
        "pads.baikonur-31",
        "missing required key 'site'",
    )


def test_missing_required_top_level_key(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = edit("name: minimal\n", "")
    p = only_problem(write_scenario(text))
    check(
        p, tmp_path / "scenario.yaml", at(text, "description:"), "", "missing required key 'name'"
    )


@pytest.mark.parametrize(
    ("old", "new", "snippet", "path", "fragment"),
    [
        ("seed: 1", "seed: abc", "seed: abc", "seed", "valid integer"),
        ("seed: 1", "seed: 1.5", "seed: 1.5", "seed", "fractional part"),
        (
            "families: [soyuz-2]",
            "families: soyuz-2",
            "families:",
            "pads.baikonur-31.families",
            "valid list (got 'soyuz-2')",
        ),
        (
            "crew: {RS: 3}\n    relieves",
            "crew: {RS: many}\n    relieves",
            "RS: many",
            "flights.Soyuz B.crew.RS",
            "valid integer",
        ),
        (
            "reserve_days: 45",
            "reserve_days: [45]",
            "reserve_days:",
            "station.consumables.food.reserve_days",
            "valid number",
        ),
        (
            "epoch: 2026-01-01",
            "epoch: soon",
            "epoch:",
            "epoch",
            "expected a date like 2026-03-22 (got 'soon')",
        ),
        (
            "role: cargo",
            "role: tanker",
            "role: tanker",
            "vehicles.progress.role",
            "'crew' or 'cargo'",
        ),
    ],
)
def test_wrong_type(
    tmp_path: Path,
    old: str,
    new: str,
    snippet: str,
    path: str,
    fragment: str,
    write_scenario: WriteScenario,
) -> None:
    text = edit(old, new)
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, snippet), path, fragment)


@pytest.mark.parametrize(
    ("old", "new", "snippet", "path"),
    [
        (
            "turnaround_days: 15",
            "turnaround_days: -15",
            "turnaround_days",
            "pads.baikonur-31.turnaround_days",
        ),
        ("seed: 1", "seed: -1", "seed", "seed"),
        (
            "per_crew_day: 1.0",
            "per_crew_day: -1.0",
            "per_crew_day",
            "station.consumables.food.per_crew_day",
        ),
        (
            "crew: {RS: 3}\n    relieves",
            "crew: {RS: -1}\n    relieves",
            "RS: -1",
            "flights.Soyuz B.crew.RS",
        ),
        ("cargo: {food: 90}", "cargo: {food: -90}", "food: -90", "vehicles.progress.cargo.food"),
    ],
)
def test_negative_number(
    tmp_path: Path, old: str, new: str, snippet: str, path: str, write_scenario: WriteScenario
) -> None:
    text = edit(old, new)
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, snippet), path, "greater than or equal to 0")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN", ".Inf"])
def test_non_finite_amount(tmp_path: Path, value: str, write_scenario: WriteScenario) -> None:
    text = edit("{kg: 300}", f"{{kg: {value}}}")
    p = only_problem(write_scenario(text))
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "kg: "),
        "station.consumables.food.initial.kg",
        "finite number",
    )


@pytest.mark.parametrize("value", [".nan", ".inf"])
def test_non_finite_duration(tmp_path: Path, value: str, write_scenario: WriteScenario) -> None:
    text = edit("reserve_days: 45", f"reserve_days: {value}")
    p = only_problem(write_scenario(text))
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "reserve_days"),
        "station.consumables.food.reserve_days",
        "finite number",
    )


def test_duplicate_yaml_key(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = edit("seed: 1\n", "seed: 1\nseed: 2\n")
    p = only_problem(write_scenario(text))
    check(
        p, tmp_path / "scenario.yaml", at(text, "seed: 2"), "seed", "duplicate key in this mapping"
    )


def test_duplicate_yaml_key_nested_is_located(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    text = edit("    site: Baikonur\n", "    site: Baikonur\n    site: Plesetsk\n")
    p = only_problem(write_scenario(text))
    assert (p.mark.file, p.mark.line, p.mark.col) == (
        str(tmp_path / "scenario.yaml"),
        *at(text, "site: Plesetsk"),
    )
    assert "duplicate key in this mapping" in p.message


def test_duplicate_pad_ids(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = edit(
        "vehicles:\n", "  - id: baikonur-31\n    site: X\n    families: [soyuz-2]\nvehicles:\n"
    )
    problems = problems_of(write_scenario(text))
    file = tmp_path / "scenario.yaml"
    first = at(text, "id: baikonur-31\n    site: Baikonur")
    second = at(text, "id: baikonur-31\n    site: X")
    assert len(problems) == 2, "\n".join(map(str, problems))
    check(problems[0], file, first, "pads.baikonur-31.id", "duplicate id 'baikonur-31'")
    check(problems[1], file, second, "pads.baikonur-31.id", "duplicate id 'baikonur-31'")


def test_duplicate_flight_ids(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = MINIMAL_TEXT + "  - id: Progress 1\n    vehicle: progress\n    pad: baikonur-31\n"
    text += "    launch: 2026-03-01\n"
    problems = problems_of(write_scenario(text))
    assert len(problems) == 2, "\n".join(map(str, problems))
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line == "  - id: Progress 1"]
    for p, line in zip(problems, lines, strict=True):
        check(p, tmp_path / "scenario.yaml", (line, 5), "flights.Progress 1.id", "duplicate id")


def test_flight_id_equal_to_a_docked_vehicle_id(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    text = MINIMAL_TEXT + (
        "  - id: Soyuz A\n    vehicle: progress\n    pad: baikonur-31\n    launch: 2026-03-01\n"
    )
    problems = problems_of(write_scenario(text))
    matching = [p for p in problems if "also a docked vehicle's id" in p.message]
    assert len(matching) == 1, "\n".join(map(str, problems))
    line = text.splitlines().index("  - id: Soyuz A") + 1
    check(matching[0], tmp_path / "scenario.yaml", (line, 5), "flights.Soyuz A.id")


def test_give_stay_or_undock_not_both(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = edit(
        "launch: 2026-05-01\n", "launch: 2026-05-01\n    undock: 2026-06-01\n    stay_days: 3\n"
    )
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, "id: Soyuz B"), "flights.Soyuz B", "not both")


# -- all problems at once -----------------------------------------------------------------


def test_three_errors_give_three_problems(write_scenario: WriteScenario) -> None:
    text = edit("seed: 1", "seed: -1")
    text = edit("reserve_days: 45", "reserve_days: abc", text)
    text = edit("repair_days: 30", "repair_days: {uniform: [20, 10]}", text)
    path = write_scenario(text)
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path)
    problems = info.value.problems
    assert len(problems) == 3, str(info.value)
    check(problems[0], path, at(text, "seed:"), "seed", "greater than or equal to 0")
    check(
        problems[1],
        path,
        at(text, "reserve_days"),
        "station.consumables.food.reserve_days",
        "valid number",
    )
    check(problems[2], path, at(text, "repair_days"), REPAIR, "uniform needs low <= high")
    # str(error): one FILE:LINE:COL: key.path: message line per problem, in file order
    line, col = at(text, "seed:")
    assert str(info.value).splitlines() == [str(p) for p in problems]
    assert str(info.value).splitlines()[0].startswith(f"{path}:{line}:{col}: seed: ")


def test_cross_reference_problems_are_all_reported(write_scenario: WriteScenario) -> None:
    text = edit("port: rs-port", "port: rs-prt")
    text = edit("vehicle: progress\n", "vehicle: progres\n", text)
    text = edit("relieves: Soyuz A", "relieves: Soyuz X", text)
    problems = problems_of(write_scenario(text))
    assert [p.path for p in problems] == [
        "station.docked.Soyuz A.port",
        "flights.Progress 1.vehicle",
        "flights.Soyuz B.relieves",
    ]


def test_problem_and_error_format() -> None:
    located = Problem(Mark("a.yaml", 3, 7), "pads.x.site", "missing")
    bare = Problem(Mark("a.yaml", 1, 1), "", "not valid YAML")
    assert str(located) == "a.yaml:3:7: pads.x.site: missing"
    assert str(bare) == "a.yaml:1:1: not valid YAML"
    err = sim.ScenarioError([located, bare, located])
    assert err.problems == [bare, located]  # sorted by place, duplicates merged
    assert str(err) == "a.yaml:1:1: not valid YAML\na.yaml:3:7: pads.x.site: missing"


# -- regressions ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00-05:00", "0001-01-01T01:00:00+05:00"])
def test_regression_timezone_date_time_at_the_calendar_edge(
    tmp_path: Path, value: str, write_scenario: WriteScenario
) -> None:
    text = edit("launch: 2026-05-01", f"launch: {value}")
    if value.startswith("9999"):  # after the horizon: left out of the run, no overflow
        assert sim.load_scenario(write_scenario(text)).left_out == ("Soyuz B",)
        return
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, "launch: " + value), "flights.Soyuz B.launch")
    assert "outside the scenario's epoch..horizon" in p.message


def test_regression_flight_with_empty_pad_list_is_refused(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    """An empty pad preference list is a located schema error, not an accepted flight."""
    text = edit(
        "    pad: baikonur-31\n    launch: 2026-01-10", "    pad: []\n    launch: 2026-01-10"
    )
    p = only_problem(write_scenario(text))
    check(
        p, tmp_path / "scenario.yaml", at(text, "pad: []"), "flights.Progress 1.pad", "at least 1"
    )
