"""The scenario language: cross-reference checks (pads, vehicles, ports, crew, relief,
uncertainty) after the schema.

Every scenario here is tests/data/minimal.yaml, edited, written into ``tmp_path``;
problems are checked for file, line AND column, key path and a distinctive part of the
message (see the scenario-language helpers in tests/conftest.py). Tests named
``test_regression_*`` pin bugs found in ``sim/`` by these tests and since fixed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_TEXT, WriteScenario, at, check, edit, edits, only_problem, problems_of

import sim
from sim.scenario.dists import LogNormal, Triangular, Uniform

SOYUZ_C = """\
  - id: Soyuz C
    vehicle: soyuz
    pad: baikonur-31
    launch: 2026-06-01
    relieves: Soyuz A
"""


# -- cross references ---------------------------------------------------------------------

PLESETSK = ("vehicles:\n", "  - {id: plesetsk, site: Plesetsk, families: [angara]}\nvehicles:\n")
P1_PAD = "    pad: baikonur-31\n    launch: 2026-01-10"
P1_LAUNCH = "    launch: 2026-01-10\n"
SB_RELIEVES = "    relieves: Soyuz A\n"


def case(pairs: list[tuple[str, str]], snippet: str, path: str, *fragments: str, id: str) -> Any:
    return pytest.param(pairs, snippet, path, list(fragments), id=id)


CROSS = [
    case(
        [(P1_PAD, "    pad: baikonur-3\n    launch: 2026-01-10")],
        "pad: baikonur-3\n",
        "flights.Progress 1.pad",
        "unknown pad 'baikonur-3'",
        "did you mean 'baikonur-31'?",
        "(known: baikonur-31)",
        id="unknown-pad",
    ),
    case(
        [(P1_PAD, "    pad: [baikonur-31, plesetsk]\n    launch: 2026-01-10")],
        "plesetsk",
        "flights.Progress 1.pad.1",
        "unknown pad 'plesetsk'",
        id="unknown-pad-in-a-list",
    ),
    case(
        [("port: rs-port", "port: rs-prt")],
        "port: rs-prt",
        "station.docked.Soyuz A.port",
        "unknown port 'rs-prt'",
        "did you mean 'rs-port'?",
        "(known: rs-port, us-port)",
        id="unknown-port-docked",
    ),
    case(
        [(P1_LAUNCH, P1_LAUNCH + "    ports: [rs-port, xx-port]\n")],
        "xx-port",
        "flights.Progress 1.ports.1",
        "unknown port 'xx-port'",
        "did you mean 'us-port'?",
        id="unknown-port-flight",
    ),
    case(
        [("    vehicle: progress\n", "    vehicle: progres\n")],
        "vehicle: progres\n",
        "flights.Progress 1.vehicle",
        "unknown vehicle type 'progres'",
        "did you mean 'progress'?",
        "(known: progress, soyuz)",
        id="unknown-vehicle-flight",
    ),
    case(
        [("      vehicle: soyuz\n", "      vehicle: soyus\n")],
        "vehicle: soyus",
        "station.docked.Soyuz A.vehicle",
        "unknown vehicle type 'soyus'",
        "did you mean 'soyuz'?",
        id="unknown-vehicle-docked",
    ),
    case(
        [("cargo: {food: 90}", "cargo: {fod: 90}")],
        "fod: 90",
        "vehicles.progress.cargo.fod",
        "unknown consumable 'fod'",
        "did you mean 'food'?",
        "(known: food)",
        id="unknown-consumable-vehicle",
    ),
    case(
        [(P1_LAUNCH, P1_LAUNCH + "    cargo: {water: 10}\n")],
        "water: 10",
        "flights.Progress 1.cargo.water",
        "unknown consumable 'water'",
        "(known: food)",
        id="unknown-consumable-flight",
    ),
    case(
        [("relieves: Soyuz A", "relieves: Soyuz X")],
        "relieves: Soyuz X",
        "flights.Soyuz B.relieves",
        "unknown flight or docked vehicle 'Soyuz X'",
        "(known: Progress 1, Soyuz A, Soyuz B)",
        id="unknown-relieved",
    ),
    case(
        [("relieves: Soyuz A", "relieves: Progress 1")],
        "relieves: Progress 1",
        "flights.Soyuz B.relieves",
        "'Progress 1' is a cargo vehicle; only crew vehicles are relieved",
        id="relieve-a-cargo-vehicle",
    ),
    case(
        [("relieves: Soyuz A", "relieves: Soyuz B")],
        "relieves: Soyuz B",
        "flights.Soyuz B.relieves",
        "a vehicle cannot relieve itself",
        id="relieve-itself",
    ),
    case(
        [PLESETSK, (P1_PAD, "    pad: plesetsk\n    launch: 2026-01-10")],
        "pad: plesetsk",
        "flights.Progress 1.pad",
        "pad 'plesetsk' cannot launch the 'soyuz-2' family of progress (it launches angara)",
        id="family-the-pad-cannot-launch",
    ),
    case(
        [PLESETSK, (P1_PAD, "    pad: [baikonur-31, plesetsk]\n    launch: 2026-01-10")],
        "plesetsk]",
        "flights.Progress 1.pad.1",
        "pad 'plesetsk' cannot launch the 'soyuz-2' family",
        id="family-a-listed-pad-cannot-launch",
    ),
    case(
        [("    crew: {RS: 3}\n    relieves", "    crew: {RS: 2, USOS: 2}\n    relieves")],
        "crew: {RS: 2",
        "flights.Soyuz B.crew",
        "crew of 4 is more than the 3 seats of soyuz",
        id="crew-above-seats",
    ),
    case(
        [("      crew: {RS: 3}\n", "      crew: {RS: 3, USOS: 1}\n")],
        "crew: {RS: 3, USOS: 1}",
        "station.docked.Soyuz A.crew",
        "crew of 4 is more than the 3 seats of soyuz",
        id="docked-crew-above-seats",
    ),
    case(
        [(P1_LAUNCH, P1_LAUNCH + "    crew: {USOS: 1}\n")],
        "crew: {USOS: 1}",
        "flights.Progress 1.crew",
        "Progress 1 is a cargo vehicle (progress) and cannot carry crew",
        id="crew-on-a-cargo-vehicle",
    ),
    case(
        [(SB_RELIEVES, SB_RELIEVES + "    ports: [us-port]\n")],
        "[^us-port]",
        "flights.Soyuz B.ports.0",
        "soyuz cannot use port 'us-port'",
        id="flight-port-the-vehicle-cannot-use",
    ),
    case(
        [("port: rs-port", "port: us-port")],
        "port: us-port",
        "station.docked.Soyuz A.port",
        "soyuz cannot use port 'us-port' (it uses ['rs-port'])",
        id="docked-port-the-vehicle-cannot-use",
    ),
    case(
        [("launch: 2026-01-10", "launch: 2025-12-31")],
        "launch: 2025-12-31",
        "flights.Progress 1.launch",
        "2025-12-31 is outside the scenario's epoch..horizon",
        id="launch-before-epoch",
    ),
    case(
        [("- start: 2026-01-01", "- start: 2025-06-01")],
        "start: 2025-06-01",
        "pads.baikonur-31.outages.0.start",
        "2025-06-01 is outside the scenario's epoch..horizon",
        id="outage-before-epoch",
    ),
    case(
        [("launch: 2026-05-01\n", "launch: 2026-05-01\n    undock: 2026-04-01\n")],
        "undock: 2026-04-01",
        "flights.Soyuz B.undock",
        "undock 2026-04-01 is not after launch 2026-05-01",
        id="undock-before-launch",
    ),
    case(
        [("docked: 2025-12-01", "docked: 2026-02-01")],
        "docked: 2026-02-01",
        "station.docked.Soyuz A.docked",
        "2026-02-01 is after the epoch 2026-01-01",
        id="docked-after-epoch",
    ),
    case(
        [("docked: 2025-12-01", "docked: 2025-01-01")],
        "docked: 2025-01-01",
        "station.docked.Soyuz A.docked",
        "docked 365 days before epoch, past the 200-day docked life of soyuz",
        id="docked-past-its-life",
    ),
    case(
        [("horizon: 2026-12-31", "horizon: 2025-12-31")],
        "horizon:",
        "horizon",
        "horizon 2025-12-31 must be after epoch 2026-01-01",
        id="horizon-before-epoch",
    ),
    case(
        [("horizon: 2026-12-31", "horizon: 2026-01-01")],
        "horizon:",
        "horizon",
        "horizon 2026-01-01 must be after epoch 2026-01-01",
        id="horizon-equal-to-epoch",
    ),
    case(
        [("      per_crew_day: 1.0\n", "")],
        "id: food",
        "station.consumables.food",
        "per_crew_day and fixed_per_day are both 0",
        id="consumable-used-by-nobody",
    ),
    case(
        [("    stay_days: 180\n", "    stay_days: 180\n    capacity_kg: 50\n")],
        "cargo: {food: 90}",
        "vehicles.progress.cargo",
        "cargo of 90 kg exceeds the capacity 50 kg",
        id="cargo-above-capacity",
    ),
    case(
        [
            ("seats: 3", "seats: 0"),
            ("      crew: {RS: 3}\n", ""),
            ("    crew: {RS: 3}\n    relieves", "    relieves"),
        ],
        "seats: 0",
        "vehicles.soyuz.seats",
        "a crew vehicle needs at least 1 seat",
        id="crew-vehicle-without-seats",
    ),
    case(
        [
            (
                "      crew: {RS: 3}\n",
                "      crew: {RS: 3}\n    - id: Soyuz Z\n      vehicle: soyuz\n"
                "      port: rs-port\n      docked: 2025-12-02\n",
            )
        ],
        "port: rs-port\n      docked: 2025-12-02",
        "station.docked.Soyuz Z.port",
        "port 'rs-port' is already taken by 'Soyuz A'",
        id="two-docked-on-one-port",
    ),
]


@pytest.mark.parametrize(("pairs", "snippet", "path", "fragments"), CROSS)
def test_cross_reference(
    tmp_path: Path,
    pairs: list[tuple[str, str]],
    snippet: str,
    path: str,
    fragments: list[str],
    write_scenario: WriteScenario,
) -> None:
    text = edits(*pairs)
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, snippet), path, *fragments)


def test_two_flights_relieving_one_vehicle(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = MINIMAL_TEXT + SOYUZ_C
    problems = problems_of(write_scenario(text))
    assert len(problems) == 2, "\n".join(map(str, problems))
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line == "    relieves: Soyuz A"]
    check(problems[0], tmp_path / "scenario.yaml", (lines[0], 5), "flights.Soyuz B.relieves")
    check(problems[1], tmp_path / "scenario.yaml", (lines[1], 5), "flights.Soyuz C.relieves")
    for p in problems:
        assert "'Soyuz A' is relieved by more than one flight" in p.message


def test_horizon_before_epoch_is_reported_once(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    """No cascade of 'outside epoch..horizon' problems when the window itself is wrong."""
    text = edit("horizon: 2026-12-31", "horizon: 2025-06-01")
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, "horizon:"), "horizon", "must be after epoch")


def test_uncertainty_references(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = MINIMAL_TEXT + (
        "uncertainty:\n"
        "  launch_failures:\n"
        "    soyuz-3: {failure_probability: 0.1}\n"
        "  slip_days:\n"
        "    Progress 2: {uniform: [0, 5]}\n"
    )
    problems = problems_of(write_scenario(text))
    file = tmp_path / "scenario.yaml"
    assert len(problems) == 2, "\n".join(map(str, problems))
    check(
        problems[0],
        file,
        at(text, "soyuz-3"),
        "uncertainty.launch_failures.soyuz-3",
        "unknown family 'soyuz-3'; did you mean 'soyuz-2'?",
    )
    check(
        problems[1],
        file,
        at(text, "Progress 2"),
        "uncertainty.slip_days.Progress 2",
        "unknown flight or vehicle 'Progress 2'; did you mean 'Progress 1'?",
    )


def test_uncertainty_section_valid(write_scenario: WriteScenario) -> None:
    text = MINIMAL_TEXT + (
        "uncertainty:\n"
        "  launch_failures:\n"
        "    soyuz-2: {failure_probability: 0.5, stand_down_days: {triangular: [10, 20, 60]}}\n"
        "  slip_days:\n"
        "    Progress 1: {uniform: [0, 5]}\n"
        "    soyuz: {lognormal: {median: 3, sigma: 1}}\n"
    )
    s = sim.load_scenario(write_scenario(text))
    assert s.uncertainty is not None
    assert s.uncertainty.launch_failures["soyuz-2"].stand_down_days == Triangular(10, 20, 60)
    assert s.uncertainty.slip_days == {"Progress 1": Uniform(0, 5), "soyuz": LogNormal(3, 1)}


def test_flights_planned_after_the_horizon_are_left_out_and_named(
    write_scenario: WriteScenario,
) -> None:
    """A variant may shorten its base's horizon: flights planned after it are left out of
    the run (and named), not errors pointing into the base file; before epoch still is."""
    text = edit("launch: 2026-05-01", "launch: 2027-01-01T00:00:01Z")
    sc = sim.load_scenario(write_scenario(text))
    assert sc.left_out == ("Soyuz B",)
    assert [f.id for f in sc.flights] == ["Progress 1"]
    result = sim.simulate(sc)
    assert not any(k.startswith("flight.Soyuz B.") for k in result.metrics)
    from sim.results.report import run_summary

    assert "left out, planned after the horizon (2026-12-31): Soyuz B" in run_summary(result)
    early = edit("launch: 2026-01-10", "launch: 2025-12-31")
    p = only_problem(write_scenario(early, "early.yaml"))
    assert "2025-12-31 is outside the scenario's epoch..horizon" in p.message
    # a planned undock after the horizon is simply not reached
    late_end = edit("launch: 2026-05-01\n", "launch: 2026-05-01\n    undock: 2027-01-02\n")
    assert sim.load_scenario(write_scenario(late_end, "late.yaml")).left_out == ()
