"""The scenario language: a valid scenario loads with its values; initial stock.

Every scenario here is tests/data/minimal.yaml, edited, written into ``tmp_path``;
problems are checked for file, line AND column, key path and a distinctive part of the
message (see the scenario-language helpers in tests/conftest.py). Tests named
``test_regression_*`` pin bugs found in ``sim/`` by these tests and since fixed.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from conftest import MINIMAL_TEXT, WriteScenario, at, check, edit, only_problem

import sim
from sim.scenario.dists import Fixed

# -- a valid scenario ---------------------------------------------------------------------


def test_minimal_scenario_loads_with_its_values(write_scenario: WriteScenario) -> None:
    path = write_scenario(MINIMAL_TEXT)
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


def test_parse_scenario_gives_the_same_scenario_as_load(write_scenario: WriteScenario) -> None:
    loaded = sim.load_scenario(write_scenario(MINIMAL_TEXT))
    parsed = sim.parse_scenario(MINIMAL_TEXT, "minimal.yaml")
    assert sim.scenario_digest(parsed) == sim.scenario_digest(loaded)


@pytest.mark.parametrize(
    ("days", "crew", "fixed", "expected_kg"),
    [(30, 3, 2.5, 165.0), (10, 0, 4.0, 40.0), (45, 6, 0, 270.0), (0.5, 2, 1, 1.5)],
)
def test_initial_stock_in_days_of_supply(
    days: float, crew: int, fixed: float, expected_kg: float, write_scenario: WriteScenario
) -> None:
    """initial_kg for {days: D, crew: N} is D x (N x per_crew_day + fixed_per_day)."""
    text = edit(
        "      initial: {kg: 300}\n",
        f"      initial: {{days: {days}, crew: {crew}}}\n      fixed_per_day: {fixed}\n",
    )
    food = sim.load_scenario(write_scenario(text)).station.consumables[0]
    assert food.initial_kg() == pytest.approx(days * (crew * 1.0 + fixed))
    assert food.initial_kg() == pytest.approx(expected_kg)


def test_initial_stock_days_needs_crew(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = edit("{kg: 300}", "{days: 30}")
    p = only_problem(write_scenario(text))
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "initial:"),
        "station.consumables.food.initial",
        "days of supply needs the crew size",
    )


def test_initial_stock_kg_and_days_together(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = edit("{kg: 300}", "{kg: 30, days: 3, crew: 1}")
    p = only_problem(write_scenario(text))
    check(
        p,
        tmp_path / "scenario.yaml",
        at(text, "initial:"),
        "station.consumables.food.initial",
        "give either kg, or days with crew",
    )
