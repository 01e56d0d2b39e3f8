"""The scenario language: ``as_of`` and ``flown: true`` (issue 17), checked as located
problems (file, line and column, key path, what was expected).

tests/data/minimal.yaml, edited: Progress 1 launches 2026-01-10, Soyuz B 2026-05-01, and
Baikonur is down 30 days from 2026-01-01.
"""

from __future__ import annotations

from pathlib import Path

from conftest import WriteScenario, at, check, edit, edits, only_problem, problems_of

import sim

AS_OF = ("seed: 1\n", "seed: 1\nas_of: 2026-03-01\n")
P1_FLOWN = ("    launch: 2026-01-10\n", "    launch: 2026-01-10\n    flown: true\n")
SB_FLOWN = ("    launch: 2026-05-01\n", "    launch: 2026-05-01\n    flown: true\n")


def test_a_flown_flight_before_as_of_is_valid(write_scenario: WriteScenario) -> None:
    sc = sim.load_scenario(write_scenario(edits(AS_OF, P1_FLOWN)))
    assert str(sc.as_of) == "2026-03-01"
    assert [f.flown for f in sc.flights] == [True, False]


def test_a_planned_flight_before_as_of_must_be_marked(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    text = edits(AS_OF)
    p = only_problem(write_scenario(text))
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "launch: 2026-01-10"),
        "flights.Progress 1.launch",
        "'Progress 1' is planned for 2026-01-10, on or before as_of 2026-03-01",
        "expected flown: true (it flew), outcome: failed (it failed) or a launch date after",
    )


def test_a_flown_flight_after_as_of_is_an_error(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    text = edits(AS_OF, P1_FLOWN, SB_FLOWN)
    p = only_problem(write_scenario(text))
    lines = text.splitlines()
    line = next(i for i, s in enumerate(lines) if s == "    launch: 2026-05-01") + 2
    check(
        p,
        tmp_path / "scenario.yaml",
        (line, 5),
        "flights.Soyuz B.flown",
        "'Soyuz B' is marked flown: true but its launch 2026-05-01 is after as_of 2026-03-01",
        "expected a launch on or before as_of",
    )


def test_flown_needs_as_of(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = edits(P1_FLOWN)
    p = only_problem(write_scenario(text))
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "flown: true"),
        "flights.Progress 1.flown",
        "needs the scenario's as_of",
    )


def test_as_of_outside_the_run_is_an_error(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = edit("seed: 1\n", "seed: 1\nas_of: 2027-03-01\n")
    problems = problems_of(write_scenario(text))
    assert any(p.path == "as_of" and "outside the scenario's epoch..horizon" in p.message
               for p in problems), "\n".join(map(str, problems))  # fmt: skip


def test_an_uncertain_repair_under_way_at_as_of_must_be_able_to_end_after_it(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    # down from 2026-01-01 for 10-40 days: it cannot still be under way on 2026-03-01
    later = ("    launch: 2026-01-10\n", "    launch: 2026-03-10\n")
    text = edits(AS_OF, later, ("repair_days: 30", "repair_days: {uniform: [10, 40]}"))
    p = only_problem(write_scenario(text))
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "repair_days: {uniform"),
        "pads.baikonur-31.outages.0.repair_days",
        "started 59 days before as_of 2026-03-01, so it is under way then",
        "expected a distribution reaching 59 days (or the known length as a number",
    )


def test_a_flight_cannot_have_flown_from_a_pad_still_down(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    # Progress 1 (2026-01-10) from Baikonur, down from 2026-01-01 for an uncertain repair
    # that is still under way at as_of
    text = edits(AS_OF, P1_FLOWN, ("repair_days: 30", "repair_days: {uniform: [10, 400]}"))
    p = only_problem(write_scenario(text))
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "flown: true"),
        "flights.Progress 1.flown",
        "every pad it can use (baikonur-31) is down then until after as_of 2026-03-01",
    )


def test_a_flight_cannot_have_flown_before_a_known_repair_ended(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    # a fixed 70-day repair + 10 ready days: the pad is down to 2026-03-22, after as_of
    text = edits(AS_OF, P1_FLOWN, ("repair_days: 30", "repair_days: 70"))
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, "flown: true"), "flights.Progress 1.flown")
    # 40 + 10 days: back on 2026-02-20, so the flight (delayed to then) flew by as_of
    sim.load_scenario(
        write_scenario(edits(AS_OF, P1_FLOWN, ("repair_days: 30", "repair_days: 40")))
    )


def test_a_variant_is_located_in_the_file_that_writes_the_flight(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    """as_of set in a variant: the unmarked flight of the base is reported in the base."""
    base = write_scenario(edits(), "base.yaml")
    top = write_scenario("extends: base.yaml\nname: top\nas_of: 2026-03-01\n", "top.yaml")
    p = only_problem(top)
    check(p, base, at(edits(), "launch: 2026-01-10"), "flights.Progress 1.launch", "as_of")


def test_a_failure_on_record_by_as_of_is_a_known_outcome(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    failed = ("    launch: 2026-01-10\n", "    launch: 2026-01-10\n    outcome: failed\n")
    sim.load_scenario(write_scenario(edits(AS_OF, failed)))
    both = (
        "    launch: 2026-01-10\n",
        "    launch: 2026-01-10\n    flown: true\n    outcome: failed\n",
    )
    text = edits(AS_OF, both)
    p = only_problem(write_scenario(text, "both.yaml"))
    check(
        p, tmp_path / "both.yaml", at(text, "flown: true"), "flights.Progress 1.flown",
        "both flown: true (it flew) and outcome: failed",
    )  # fmt: skip


def test_a_flight_dated_on_as_of_itself_is_known(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    """The boundary: Soyuz B (2026-05-01) must be marked when as_of is 2026-05-01, and is a
    plan when as_of is the day before."""
    on = ("seed: 1\n", "seed: 1\nas_of: 2026-05-01\n")
    text = edits(on, P1_FLOWN)
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, "launch: 2026-05-01"), "flights.Soyuz B.launch")
    before = ("seed: 1\n", "seed: 1\nas_of: 2026-04-30\n")
    sim.load_scenario(write_scenario(edits(before, P1_FLOWN), "before.yaml"))
    # and a flight the day after as_of cannot be flown
    text = edits(before, P1_FLOWN, SB_FLOWN)
    p = only_problem(write_scenario(text, "after.yaml"))
    assert p.path == "flights.Soyuz B.flown" and "is after as_of 2026-04-30" in p.message
