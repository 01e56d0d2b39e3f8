"""The scenario language: one or more tests per rule of the loader, with exact locations.

Every scenario here is tests/data/minimal.yaml, edited, written into ``tmp_path``. A
problem is checked for its file, line AND column, key path and a distinctive part of its
message. Lines and columns are computed from the edited text with :func:`at` (the 1-based
position of a unique snippet), so an edit that shifts lines keeps the test exact.

Tests named ``test_regression_*`` pin bugs found in ``sim/`` by these tests and since fixed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, time_limit

import sim
from sim.cli import main
from sim.scenario.dists import Choice, Fixed, LogNormal, Normal, Triangular, Uniform, parse_dist
from sim.scenario.errors import Mark, Problem

MINIMAL_PATH = DATA / "minimal.yaml"
MINIMAL = MINIMAL_PATH.read_text(encoding="utf-8")

REPAIR = "pads.baikonur-31.outages.0.repair_days"

SOYUZ_C = """\
  - id: Soyuz C
    vehicle: soyuz
    pad: baikonur-31
    launch: 2026-06-01
    relieves: Soyuz A
"""


# -- helpers ------------------------------------------------------------------------------


def edit(old: str, new: str, text: str = MINIMAL) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def edits(*pairs: tuple[str, str], text: str = MINIMAL) -> str:
    """``text`` with every ``(old, new)`` edit applied in turn."""
    for old, new in pairs:
        text = edit(old, new, text)
    return text


def at(text: str, snippet: str) -> tuple[int, int]:
    """1-based (line, column) of the unique ``snippet`` in ``text``: of its first character,
    or of the character after a ``^`` marker in it (``"[^us-port]"`` points at the ``u``)."""
    shift = snippet.index("^") if "^" in snippet else 0
    snippet = snippet.replace("^", "")
    assert text.count(snippet) == 1, f"{snippet!r} occurs {text.count(snippet)} times"
    i = text.index(snippet) + shift
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, overrides: Sequence[str] = ()) -> list[Problem]:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path, overrides)
    return info.value.problems


def only_problem(path: Path, overrides: Sequence[str] = ()) -> Problem:
    problems = problems_of(path, overrides)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def check(p: Problem, file: str | Path, where: tuple[int, int], path: str, *fragments: str) -> None:
    """``p`` is at ``file:line:col``, names ``path`` and its message holds every fragment."""
    assert (p.mark.file, p.mark.line, p.mark.col) == (str(file), *where), str(p)
    assert p.path == path, str(p)
    for fragment in fragments:
        assert fragment in p.message, str(p)


def load_text(tmp_path: Path, text: str, overrides: Sequence[str] = ()) -> sim.Scenario:
    return sim.load_scenario(write(tmp_path, text), overrides)


def fails_with_one(tmp_path: Path, text: str, overrides: Sequence[str] = ()) -> Problem:
    return only_problem(write(tmp_path, text), overrides)


# -- a valid scenario ---------------------------------------------------------------------


def test_minimal_scenario_loads_with_its_values(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    s = sim.load_scenario(path)
    assert isinstance(s, sim.Scenario)
    assert s.name == "minimal"
    assert (s.epoch, s.horizon, s.seed) == (date(2026, 1, 1), date(2026, 12, 31), 1)
    assert s.horizon_days == 364.0
    assert [p.id for p in s.station.ports] == ["rs-port", "us-port"]
    assert [f.id for f in s.flights] == ["Progress 1", "Soyuz B"]
    assert s.flights[1].crew == {"RS": 3}
    assert s.flights[1].relieves == "Soyuz A"
    assert s.pads[0].outages[0].repair_days == Fixed(30.0)
    assert s.vehicles[1].cargo == {"food": 90.0}
    assert s.station.consumables[0].initial_kg() == 300.0
    assert s.rules.handover_days == 7.0  # default
    assert s.files == (str(path.resolve()),)
    assert s.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_parse_scenario_gives_the_same_scenario_as_load(tmp_path: Path) -> None:
    loaded = sim.load_scenario(write(tmp_path, MINIMAL))
    parsed = sim.parse_scenario(MINIMAL, "minimal.yaml")
    assert sim.scenario_digest(parsed) == sim.scenario_digest(loaded)


@pytest.mark.parametrize(
    ("days", "crew", "fixed", "expected_kg"),
    [(30, 3, 2.5, 165.0), (10, 0, 4.0, 40.0), (45, 6, 0, 270.0), (0.5, 2, 1, 1.5)],
)
def test_initial_stock_in_days_of_supply(
    tmp_path: Path, days: float, crew: int, fixed: float, expected_kg: float
) -> None:
    """initial_kg for {days: D, crew: N} is D x (N x per_crew_day + fixed_per_day)."""
    text = edit(
        "      initial: {kg: 300}\n",
        f"      initial: {{days: {days}, crew: {crew}}}\n      fixed_per_day: {fixed}\n",
    )
    food = load_text(tmp_path, text).station.consumables[0]
    assert food.initial_kg() == pytest.approx(days * (crew * 1.0 + fixed))
    assert food.initial_kg() == pytest.approx(expected_kg)


def test_initial_stock_days_needs_crew(tmp_path: Path) -> None:
    text = edit("{kg: 300}", "{days: 30}")
    p = fails_with_one(tmp_path, text)
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "initial:"),
        "station.consumables.food.initial",
        "days of supply needs the crew size",
    )


def test_initial_stock_kg_and_days_together(tmp_path: Path) -> None:
    text = edit("{kg: 300}", "{kg: 30, days: 3, crew: 1}")
    p = fails_with_one(tmp_path, text)
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "initial:"),
        "station.consumables.food.initial",
        "give either kg, or days with crew",
    )


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
            "seed, rules, station, pads, vehicles, flights, uncertainty)",
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
            "stay_days, undock, relieves)",
        ),
    ],
)
def test_unknown_key_suggests_and_lists_allowed_keys(
    tmp_path: Path, old: str, new: str, snippet: str, path: str, hint: str, allowed: str
) -> None:
    text = edit(old, new)
    p = fails_with_one(tmp_path, text)
    key = path.rsplit(".", 1)[-1]
    check(p, tmp_path / "scenario.yaml", at(text, snippet), path, f"unknown key {key!r}")
    assert hint in p.message
    assert allowed in p.message


def test_missing_required_key_in_list_item(tmp_path: Path) -> None:
    text = edit("    site: Baikonur\n", "")
    p = fails_with_one(tmp_path, text)
    # located at the pad (the mapping that lacks the key), named by its id
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "id: baikonur-31"),
        "pads.baikonur-31",
        "missing required key 'site'",
    )


def test_missing_required_top_level_key(tmp_path: Path) -> None:
    text = edit("name: minimal\n", "")
    p = fails_with_one(tmp_path, text)
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
        ("epoch: 2026-01-01", "epoch: soon", "epoch:", "epoch", "valid date"),
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
    tmp_path: Path, old: str, new: str, snippet: str, path: str, fragment: str
) -> None:
    text = edit(old, new)
    p = fails_with_one(tmp_path, text)
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
def test_negative_number(tmp_path: Path, old: str, new: str, snippet: str, path: str) -> None:
    text = edit(old, new)
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", at(text, snippet), path, "greater than or equal to 0")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN", ".Inf"])
def test_non_finite_amount(tmp_path: Path, value: str) -> None:
    text = edit("{kg: 300}", f"{{kg: {value}}}")
    p = fails_with_one(tmp_path, text)
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "kg: "),
        "station.consumables.food.initial.kg",
        "finite number",
    )


@pytest.mark.parametrize("value", [".nan", ".inf"])
def test_non_finite_duration(tmp_path: Path, value: str) -> None:
    text = edit("reserve_days: 45", f"reserve_days: {value}")
    p = fails_with_one(tmp_path, text)
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "reserve_days"),
        "station.consumables.food.reserve_days",
        "finite number",
    )


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    text = edit("seed: 1\n", "seed: 1\nseed: 2\n")
    p = fails_with_one(tmp_path, text)
    check(
        p, tmp_path / "scenario.yaml", at(text, "seed: 2"), "seed", "duplicate key in this mapping"
    )


def test_duplicate_yaml_key_nested_is_located(tmp_path: Path) -> None:
    text = edit("    site: Baikonur\n", "    site: Baikonur\n    site: Plesetsk\n")
    p = fails_with_one(tmp_path, text)
    assert (p.mark.file, p.mark.line, p.mark.col) == (
        str(tmp_path / "scenario.yaml"),
        *at(text, "site: Plesetsk"),
    )
    assert "duplicate key in this mapping" in p.message


def test_duplicate_pad_ids(tmp_path: Path) -> None:
    text = edit(
        "vehicles:\n", "  - id: baikonur-31\n    site: X\n    families: [soyuz-2]\nvehicles:\n"
    )
    problems = problems_of(write(tmp_path, text))
    file = tmp_path / "scenario.yaml"
    first = at(text, "id: baikonur-31\n    site: Baikonur")
    second = at(text, "id: baikonur-31\n    site: X")
    assert len(problems) == 2, "\n".join(map(str, problems))
    check(problems[0], file, first, "pads.baikonur-31.id", "duplicate id 'baikonur-31'")
    check(problems[1], file, second, "pads.baikonur-31.id", "duplicate id 'baikonur-31'")


def test_duplicate_flight_ids(tmp_path: Path) -> None:
    text = MINIMAL + "  - id: Progress 1\n    vehicle: progress\n    pad: baikonur-31\n"
    text += "    launch: 2026-03-01\n"
    problems = problems_of(write(tmp_path, text))
    assert len(problems) == 2, "\n".join(map(str, problems))
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line == "  - id: Progress 1"]
    for p, line in zip(problems, lines, strict=True):
        check(p, tmp_path / "scenario.yaml", (line, 5), "flights.Progress 1.id", "duplicate id")


def test_flight_id_equal_to_a_docked_vehicle_id(tmp_path: Path) -> None:
    text = MINIMAL + (
        "  - id: Soyuz A\n    vehicle: progress\n    pad: baikonur-31\n    launch: 2026-03-01\n"
    )
    problems = problems_of(write(tmp_path, text))
    matching = [p for p in problems if "also a docked vehicle's id" in p.message]
    assert len(matching) == 1, "\n".join(map(str, problems))
    line = text.splitlines().index("  - id: Soyuz A") + 1
    check(matching[0], tmp_path / "scenario.yaml", (line, 5), "flights.Soyuz A.id")


def test_give_stay_or_undock_not_both(tmp_path: Path) -> None:
    text = edit(
        "launch: 2026-05-01\n", "launch: 2026-05-01\n    undock: 2026-06-01\n    stay_days: 3\n"
    )
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", at(text, "id: Soyuz B"), "flights.Soyuz B", "not both")


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
        [("launch: 2026-05-01", "launch: 2027-05-01")],
        "launch: 2027-05-01",
        "flights.Soyuz B.launch",
        "2027-05-01 is outside the scenario's epoch..horizon (2026-01-01..2026-12-31)",
        id="launch-after-horizon",
    ),
    case(
        [("launch: 2026-01-10", "launch: 2025-12-31")],
        "launch: 2025-12-31",
        "flights.Progress 1.launch",
        "2025-12-31 is outside the scenario's epoch..horizon",
        id="launch-before-epoch",
    ),
    case(
        [("launch: 2026-05-01", "launch: 2027-01-01T00:00:01Z")],
        "launch: 2027",
        "flights.Soyuz B.launch",
        "is outside the scenario's epoch..horizon",
        id="launch-a-second-after-horizon",
    ),
    case(
        [("- start: 2026-01-01", "- start: 2025-06-01")],
        "start: 2025-06-01",
        "pads.baikonur-31.outages.0.start",
        "2025-06-01 is outside the scenario's epoch..horizon",
        id="outage-before-epoch",
    ),
    case(
        [("launch: 2026-05-01\n", "launch: 2026-05-01\n    undock: 2027-01-02\n")],
        "undock: 2027-01-02",
        "flights.Soyuz B.undock",
        "2027-01-02 is outside the scenario's epoch..horizon",
        id="undock-after-horizon",
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
    tmp_path: Path, pairs: list[tuple[str, str]], snippet: str, path: str, fragments: list[str]
) -> None:
    text = edits(*pairs)
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", at(text, snippet), path, *fragments)


def test_two_flights_relieving_one_vehicle(tmp_path: Path) -> None:
    text = MINIMAL + SOYUZ_C
    problems = problems_of(write(tmp_path, text))
    assert len(problems) == 2, "\n".join(map(str, problems))
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line == "    relieves: Soyuz A"]
    check(problems[0], tmp_path / "scenario.yaml", (lines[0], 5), "flights.Soyuz B.relieves")
    check(problems[1], tmp_path / "scenario.yaml", (lines[1], 5), "flights.Soyuz C.relieves")
    for p in problems:
        assert "'Soyuz A' is relieved by more than one flight" in p.message


def test_horizon_before_epoch_is_reported_once(tmp_path: Path) -> None:
    """No cascade of 'outside epoch..horizon' problems when the window itself is wrong."""
    text = edit("horizon: 2026-12-31", "horizon: 2025-06-01")
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", at(text, "horizon:"), "horizon", "must be after epoch")


def test_uncertainty_references(tmp_path: Path) -> None:
    text = MINIMAL + (
        "uncertainty:\n"
        "  launch_failures:\n"
        "    soyuz-3: {failure_probability: 0.1}\n"
        "  slip_days:\n"
        "    Progress 2: {uniform: [0, 5]}\n"
    )
    problems = problems_of(write(tmp_path, text))
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


def test_uncertainty_section_valid(tmp_path: Path) -> None:
    text = MINIMAL + (
        "uncertainty:\n"
        "  launch_failures:\n"
        "    soyuz-2: {failure_probability: 0.5, stand_down_days: {triangular: [10, 20, 60]}}\n"
        "  slip_days:\n"
        "    Progress 1: {uniform: [0, 5]}\n"
        "    soyuz: {lognormal: {median: 3, sigma: 1}}\n"
    )
    s = load_text(tmp_path, text)
    assert s.uncertainty is not None
    assert s.uncertainty.launch_failures["soyuz-2"].stand_down_days == Triangular(10, 20, 60)
    assert s.uncertainty.slip_days == {"Progress 1": Uniform(0, 5), "soyuz": LogNormal(3, 1)}


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
    tmp_path: Path, raw: Any, expected: Any, support: tuple[float, float]
) -> None:
    dist = parse_dist(raw)
    assert dist == expected
    samples = [dist.sample(u) for u in US]
    low, high = support
    assert all(low <= x <= high and math.isfinite(x) for x in samples), samples
    assert samples == sorted(samples), "inverse-CDF sampling is monotone in u"
    # and the same thing written in a scenario file
    flow = yaml.safe_dump(raw, default_flow_style=True).strip().removesuffix("...").strip()
    s = load_text(tmp_path, edit("repair_days: 30", f"repair_days: {flow}"))
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
def test_bad_distribution(tmp_path: Path, value: str, fragment: str) -> None:
    text = edit("repair_days: 30", f"repair_days: {value}")
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", at(text, "repair_days"), REPAIR, fragment)


def test_bad_distribution_in_slip_days(tmp_path: Path) -> None:
    text = MINIMAL + "uncertainty:\n  slip_days:\n    Progress 1: {uniform: [5, 2]}\n"
    p = fails_with_one(tmp_path, text)
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "Progress 1: {"),
        "uncertainty.slip_days.Progress 1",
        "uniform needs low <= high, got [5, 2]",
    )


# -- all problems at once -----------------------------------------------------------------


def test_three_errors_give_three_problems(tmp_path: Path) -> None:
    text = edit("seed: 1", "seed: -1")
    text = edit("reserve_days: 45", "reserve_days: abc", text)
    text = edit("repair_days: 30", "repair_days: {uniform: [20, 10]}", text)
    path = write(tmp_path, text)
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


def test_cross_reference_problems_are_all_reported(tmp_path: Path) -> None:
    text = edit("port: rs-port", "port: rs-prt")
    text = edit("vehicle: progress\n", "vehicle: progres\n", text)
    text = edit("relieves: Soyuz A", "relieves: Soyuz X", text)
    problems = problems_of(write(tmp_path, text))
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


# -- not YAML, not a mapping, no file -----------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "snippet"),
    [
        # the parser notices the unclosed '[' at the ':' after the next key
        ("families: [soyuz-2]", "families: [soyuz-2", "turnaround_days^: 15"),
        ("    site: Baikonur", "\tsite: Baikonur", "\tsite"),
        ("    site: Baikonur", "    site: Baikonur: 1", "Baikonur^: 1"),
        ("    ready_days: 10\n", "   ready_days: 10\n", "ready_days: 10"),
    ],
    ids=["unclosed-bracket", "tab", "colon-in-plain-value", "bad-indentation"],
)
def test_yaml_syntax_error_is_located(tmp_path: Path, old: str, new: str, snippet: str) -> None:
    """The problem names the file and the line where the parser found the error (libyaml
    and the pure-Python parser word the message differently and may point a column or the
    line before)."""
    text = edit(old, new)
    p = fails_with_one(tmp_path, text)
    line, _ = at(text, snippet)
    assert p.mark.file == str(tmp_path / "scenario.yaml")
    assert line - 1 <= p.mark.line <= line, str(p)
    assert p.mark.col >= 1 and p.path == ""
    assert p.message.startswith("not valid YAML: ") and len(p.message) > 20, str(p)


def test_unclosed_quote_is_reported_at_the_end_of_the_file(tmp_path: Path) -> None:
    text = edit("name: minimal", "name: 'minimal")
    p = fails_with_one(tmp_path, text)
    end = (len(text.splitlines()) + 1, 1)
    check(p, tmp_path / "scenario.yaml", end, "", "not valid YAML", "unexpected end of stream")


def test_second_yaml_document_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + "---\nname: other\n"
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", at(text, "---"), "", "not valid YAML")


def test_impossible_date_is_located(tmp_path: Path) -> None:
    text = edit("launch: 2026-05-01", "launch: 2026-02-30")
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", at(text, "2026-02-30"), "", "invalid date '2026-02-30'")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("- name: a\n- name: b\n", "this is a"),
        ("just a sentence\n", "this is a"),
        ("42\n", "this is a"),
        ("", "this is empty"),
        ("# only a comment\n", "this is empty"),
    ],
    ids=["list", "string", "number", "empty", "comment-only"],
)
def test_not_a_mapping(tmp_path: Path, text: str, fragment: str) -> None:
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", (1, 1), "", "a scenario must be a YAML mapping", fragment)


@pytest.mark.parametrize("text", ["- a\n", "x\n", ""])
def test_parse_scenario_not_a_mapping(text: str) -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.parse_scenario(text, "inline")
    assert str(info.value) == "inline:1:1: a scenario must be a YAML mapping"


def test_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path)
    assert str(info.value) == f"{path}:1:1: file not found: {path}"


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    p = only_problem(path)
    check(p, path, (1, 1), "", f"cannot read {path}", "utf-8")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    p = only_problem(tmp_path)
    check(p, tmp_path, (1, 1), "", f"cannot read {tmp_path}")


def test_parse_scenario_refuses_extends() -> None:
    text = "extends: base.yaml\n" + MINIMAL
    with pytest.raises(sim.ScenarioError) as info:
        sim.parse_scenario(text, "inline")
    assert str(info.value) == "inline:1:1: extends: extends needs a file: use load"


# -- extends ------------------------------------------------------------------------------


def test_extends_chain_error_in_base_is_reported_in_base(tmp_path: Path) -> None:
    base_text = edit("seed: 1", "seed: -1")
    base = write(tmp_path, base_text, "base.yaml")
    write(tmp_path, "# the middle\nextends: base.yaml\nname: mid\n", "mid.yaml")
    top = write(tmp_path, "extends: mid.yaml\ndescription: top\n", "top.yaml")
    p = only_problem(top)
    check(p, base, at(base_text, "seed:"), "seed", "greater than or equal to 0 (got -1)")


def test_extends_chain_merges_child_over_base(tmp_path: Path) -> None:
    base = write(tmp_path, MINIMAL, "base.yaml")
    mid = write(tmp_path, "# the middle\nextends: base.yaml\nname: mid\nseed: 5\n", "mid.yaml")
    top = write(tmp_path, "extends: mid.yaml\ndescription: top\nseed: 9\n", "top.yaml")
    s = sim.load_scenario(top)
    assert (s.name, s.description, s.seed) == ("mid", "top", 9)
    assert [f.id for f in s.flights] == ["Progress 1", "Soyuz B"]  # from the base
    assert s.files == tuple(str(p.resolve()) for p in (top, mid, base))
    assert s.file_sha256 == hashlib.sha256(top.read_bytes()).hexdigest()


def test_extends_error_in_child_part_of_merged_item_is_reported_in_child(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base.yaml")
    child_text = "extends: base.yaml\nflights:\n  - id: Progress 1\n    vehicle: progres\n"
    child = write(tmp_path, child_text, "child.yaml")
    p = only_problem(child)
    check(
        p, child, at(child_text, "vehicle:"), "flights.Progress 1.vehicle", "unknown vehicle type"
    )


def test_extends_error_in_base_part_of_merged_item_is_reported_in_base(tmp_path: Path) -> None:
    base_text = edit(
        "    pad: baikonur-31\n    launch: 2026-01-10",
        "    pad: baikonur-3\n    launch: 2026-01-10",
    )
    base = write(tmp_path, base_text, "base.yaml")
    child = write(
        tmp_path,
        "extends: base.yaml\nflights:\n  - id: Progress 1\n    launch: 2026-02-01\n",
        "child.yaml",
    )
    p = only_problem(child)
    check(p, base, at(base_text, "pad: baikonur-3\n"), "flights.Progress 1.pad", "unknown pad")


def test_extends_merges_list_items_by_id(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base.yaml")
    child = write(
        tmp_path,
        "extends: base.yaml\n"
        "flights:\n"
        "  - id: Progress 1\n"
        "    launch: 2026-02-01\n"
        "  - id: Progress 2\n"
        "    vehicle: progress\n"
        "    pad: baikonur-31\n"
        "    launch: 2026-03-01\n",
        "child.yaml",
    )
    s = sim.load_scenario(child)
    got = [(f.id, f.vehicle, f.pads, f.launch) for f in s.flights]
    assert got == [
        ("Progress 1", "progress", ["baikonur-31"], date(2026, 2, 1)),  # one field overridden
        ("Soyuz B", "soyuz", ["baikonur-31"], date(2026, 5, 1)),  # inherited as is
        ("Progress 2", "progress", ["baikonur-31"], date(2026, 3, 1)),  # added
    ]


def test_extends_remove_deletes_an_inherited_item(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base.yaml")
    child = write(
        tmp_path,
        "extends: base.yaml\nflights:\n  - id: Progress 1\n    remove: true\n",
        "child.yaml",
    )
    s = sim.load_scenario(child)
    assert [f.id for f in s.flights] == ["Soyuz B"]


def test_extends_remove_of_an_unknown_id(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base.yaml")
    text = "extends: base.yaml\nflights:\n  - id: Progres 1\n    remove: true\n"
    child = write(tmp_path, text, "child.yaml")
    p = only_problem(child)
    check(
        p,
        child,
        at(text, "id: Progres 1"),
        "flights.Progres 1",
        "remove: nothing inherited has id 'Progres 1'; did you mean 'Progress 1'?",
    )


def test_extends_replaces_lists_without_ids(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base.yaml")
    child = write(
        tmp_path,
        "extends: base.yaml\n"
        "vehicles:\n"
        "  - id: progress\n"
        "    ports: [us-port]\n"
        "pads:\n"
        "  - id: baikonur-31\n"
        "    families: [soyuz-2, proton]\n"
        "    outages: []\n",
        "child.yaml",
    )
    s = sim.load_scenario(child)
    assert s.vehicles[1].ports == ["us-port"]  # not [rs-port, us-port, us-port]
    assert s.pads[0].families == ["soyuz-2", "proton"]  # not [soyuz-2, soyuz-2, proton]
    assert s.pads[0].outages == []  # an empty list replaces the inherited one
    assert s.vehicles[1].cargo == {"food": 90.0}  # untouched fields stay inherited


def test_extends_cycle(tmp_path: Path) -> None:
    a = write(tmp_path, "extends: b.yaml\nname: a\n", "a.yaml")
    b_text = "name: b\nextends: a.yaml\n"
    b = write(tmp_path, b_text, "b.yaml")
    p = only_problem(a)
    check(p, b, at(b_text, "extends:"), "extends", "extends cycle: a.yaml -> b.yaml -> a.yaml")


def test_extends_itself(tmp_path: Path) -> None:
    me = write(tmp_path, "name: me\nextends: me.yaml\n", "me.yaml")
    p = only_problem(me)
    check(p, me, (2, 1), "extends", "extends cycle: me.yaml -> me.yaml")


def test_extends_missing_file_is_located_at_the_extends_key(tmp_path: Path) -> None:
    text = "# child\nname: child\nextends: nothere.yaml\n"
    child = write(tmp_path, text, "child.yaml")
    p = only_problem(child)
    check(p, child, at(text, "extends:"), "extends", f"file not found: {tmp_path / 'nothere.yaml'}")


@pytest.mark.parametrize("value", ["5", "''", "[a.yaml]", "null"])
def test_extends_must_be_a_path(tmp_path: Path, value: str) -> None:
    text = f"extends: {value}\n" + MINIMAL
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", (1, 1), "extends", "expected the path of a scenario file")


def test_extends_base_not_a_mapping(tmp_path: Path) -> None:
    base = write(tmp_path, "- a\n", "base.yaml")
    child = write(tmp_path, "extends: base.yaml\n", "child.yaml")
    p = only_problem(child)
    check(p, base, (1, 1), "", "a scenario must be a YAML mapping")


# -- overrides (--set) --------------------------------------------------------------------


@pytest.fixture
def minimal_file(tmp_path: Path) -> Path:
    return write(tmp_path, MINIMAL)


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


def test_override_id_with_a_dot(tmp_path: Path) -> None:
    text = edit("  - id: Soyuz B\n", "  - id: Soyuz.B\n")
    s = load_text(tmp_path, text, ["flights.Soyuz.B.launch=2026-06-01"])
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


def test_override_and_file_problems_are_reported_together(tmp_path: Path) -> None:
    text = edit("seed: 1", "seed: -1")
    path = write(tmp_path, text)
    problems = problems_of(path, ["flights.Soyuz X.launch=2026-01-01", "seed"])
    assert [(p.mark.file, p.mark.line) for p in problems] == [
        ("--set", 1),
        ("--set", 2),
        (str(path), at(text, "seed:")[0]),
    ]


def test_override_applies_on_top_of_extends(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "base.yaml")
    child = write(tmp_path, "extends: base.yaml\nseed: 5\n", "child.yaml")
    s = sim.load_scenario(child, ["seed=6", "flights.Soyuz B.launch=2026-07-01"])
    assert (s.seed, s.flights[1].launch) == (6, date(2026, 7, 1))


# -- CLI ----------------------------------------------------------------------------------


def test_cli_validate_ok(minimal_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(minimal_file)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{minimal_file}: ok (minimal: 2 flights, 1 pads)\n"
    assert err == ""


def test_cli_validate_bad(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit("seed: 1", "seed: -1")
    bad = write(tmp_path, text, "bad.yaml")
    assert main(["validate", str(bad)]) == 2
    out, err = capsys.readouterr()
    line, col = at(text, "seed:")
    assert out == ""
    assert err == f"{bad}:{line}:{col}: seed: Input should be greater than or equal to 0 (got -1)\n"
    assert "Traceback" not in err


def test_cli_validate_several_files(
    tmp_path: Path, minimal_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.yaml"
    assert main(["validate", str(minimal_file), str(missing)]) == 2
    out, err = capsys.readouterr()
    assert "ok" in out
    assert err == f"{missing}:1:1: file not found: {missing}\n"


def test_cli_validate_with_set(minimal_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(minimal_file), "--set", "seed=-1"]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("--set:1:6: seed: ")
    assert "Traceback" not in err
    assert main(["validate", str(minimal_file), "--set", "seed=7"]) == 0


def test_cli_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out, _ = capsys.readouterr()
    schema = json.loads(out)
    assert {"flights", "pads", "vehicles", "station", "epoch", "horizon"} <= set(
        schema["properties"]
    )

    def one_ofs(node: Any) -> Iterator[Any]:
        if isinstance(node, dict):
            if "oneOf" in node:
                yield node["oneOf"]
            for v in node.values():
                yield from one_ofs(v)
        elif isinstance(node, list):
            for v in node:
                yield from one_ofs(v)

    dist_kinds = [
        {k for alt in alts for k in alt.get("properties", {})} for alts in one_ofs(schema)
    ]
    assert any({"triangular", "uniform", "lognormal", "normal", "choice"} <= k for k in dist_kinds)


def test_cli_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out, _ = capsys.readouterr()
    assert out.strip() == f"iss-sim {sim.__version__}"


def test_cli_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2
    _, err = capsys.readouterr()
    assert "usage:" in err


def test_two_launches_on_one_pad_the_same_day_are_a_turnaround_apart(tmp_path: Path) -> None:
    """Regression: PadState.earliest once looped forever when a booking was exactly
    turnaround_days before the candidate time."""
    s = load_text(tmp_path, edit("launch: 2026-05-01", "launch: 2026-01-10"))
    with time_limit(10):
        result = sim.simulate(s)
    # the pad is down until day 30 (+10 ready days), then 15 turnaround days apart
    assert [f["launch"] for f in result.flights] == ["2026-02-10", "2026-02-25"]


# -- regressions: bugs found in sim/ and fixed ---------------------------------------


@pytest.mark.parametrize("segment", ["--1", "²"])
def test_regression_odd_index_segment(minimal_file: Path, segment: str) -> None:
    p = only_problem(minimal_file, [f"flights.{segment}.launch=2026-02-01"])
    assert p.mark.file == "--set"


@pytest.mark.parametrize("value", ["1" + "0" * 400, "{uniform: [1, 1%s]}" % ("0" * 400)])
def test_regression_huge_integer_in_a_distribution(tmp_path: Path, value: str) -> None:
    text = edit("repair_days: 30", f"repair_days: {value}")
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", at(text, "repair_days"), REPAIR, "finite")


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00-05:00", "0001-01-01T01:00:00+05:00"])
def test_regression_timezone_date_time_at_the_calendar_edge(tmp_path: Path, value: str) -> None:
    text = edit("launch: 2026-05-01", f"launch: {value}")
    p = fails_with_one(tmp_path, text)
    check(p, tmp_path / "scenario.yaml", at(text, "launch: " + value), "flights.Soyuz B.launch")
    assert "outside the scenario's epoch..horizon" in p.message


def test_regression_flight_with_empty_pad_list_is_accepted(tmp_path: Path) -> None:
    text = edit(
        "    pad: baikonur-31\n    launch: 2026-01-10", "    pad: []\n    launch: 2026-01-10"
    )
    p = fails_with_one(tmp_path, text)
    check(
        p, tmp_path / "scenario.yaml", at(text, "pad: []"), "flights.Progress 1.pad", "at least 1"
    )


def test_regression_yaml_merge_key_override(tmp_path: Path) -> None:
    text = edit(
        "  - id: Soyuz B\n    vehicle: soyuz\n    pad: baikonur-31\n",
        "  - <<: *progress1\n    id: Soyuz B\n    vehicle: soyuz\n",
    )
    text = edit("  - id: Progress 1\n", "  - &progress1\n    id: Progress 1\n", text)
    s = load_text(tmp_path, text)
    assert [(f.id, f.vehicle, f.pads) for f in s.flights][1] == (
        "Soyuz B",
        "soyuz",
        ["baikonur-31"],
    )


def test_regression_deeply_nested_yaml(tmp_path: Path) -> None:
    text = edit("seed: 1", "seed: " + "[" * 3000 + "]" * 3000)
    problems_of(write(tmp_path, text))


def test_regression_duplicate_yaml_key_path_is_not_a_key_path(tmp_path: Path) -> None:
    text = edit("    site: Baikonur\n", "    site: Baikonur\n    site: Plesetsk\n")
    p = fails_with_one(tmp_path, text)
    assert p.path in {"pads.0.site", "pads.baikonur-31.site"}, str(p)


def test_regression_override_through_a_yaml_alias_changes_the_anchor(tmp_path: Path) -> None:
    text = edit("    launch: 2026-01-10\n", "    launch: 2026-01-10\n    cargo: &c {food: 10}\n")
    text = edit("    relieves: Soyuz A\n", "    relieves: Soyuz A\n    cargo: *c\n", text)
    s = load_text(tmp_path, text, ["flights.Soyuz B.cargo.food=20"])
    assert (s.flights[0].cargo, s.flights[1].cargo) == ({"food": 10.0}, {"food": 20.0})


@pytest.mark.parametrize("override", ["flights.0.launch=5", "epoch=20260101", "horizon=1.5"])
def test_a_number_is_not_taken_as_a_unix_timestamp(minimal_file: Path, override: str) -> None:
    p = only_problem(minimal_file, [override])
    assert p.mark.file == "--set"
    assert "expected a date like 2026-03-22, got the number" in p.message
