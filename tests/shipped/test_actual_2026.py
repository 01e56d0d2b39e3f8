"""The historical check of issue 17: ``actual-2026`` reproduces, from its inputs, the 2026
dates the model DERIVES (it never reads them), each within a stated tolerance.

The published values are those of iss-facts-2026.md §A (the table in scenarios/README.md
lists them beside the model's). Tolerances are what the model can give, and why:

- Progress MS-33's launch: the pad opens at 00:00 UTC on 2026-03-22 (the 96-day repair
  plus 19 ready days from the 00:00 epoch) and it launched at 11:59: the same calendar
  date, 0.50 days early. (The 19 ready days were derived from the same two facts, pad
  ready 03-03 and launch 03-22, so this checks that the engine holds the planned
  2025-12-21 date until then through the outage, the ready days and the turnaround, and
  that nothing else took the pad first: not an independent forecast.)
- dockings: launch + the vehicle type's fixed transit (Progress 2 days, Crew Dragon 1,
  Cargo Dragon 1.5, Cygnus 3) against the real rendezvous (MS-33 2 d 1.6 h, MS-34 2 d
  1.7 h, Crew-12 ~34 h, CRS-34 ~37 h, NG-24 a planned 2 days): each tolerance is that
  difference, rounded up to the next 0.05 day (1 day + the day for NG-24, whose planned
  capture has no time).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

import numpy as np
import pytest
from conftest import ROOT

import sim

EPOCH = datetime(2025, 11, 27)


@cache
def result() -> sim.Result:
    return sim.simulate(sim.load_scenario(ROOT / "scenarios" / "actual-2026.yaml"))


def day_of(when: datetime) -> float:
    return (when - EPOCH).total_seconds() / 86400


def event(kind: str, subject: str) -> sim.engine.Event:
    (found,) = [e for e in result().events if e.kind == kind and e.subject == subject]
    return found


# (what, event kind, vehicle, published UTC, tolerance in days, port or None)
DERIVED = [
    ("MS-33 launch", "launch", "Progress MS-33", datetime(2026, 3, 22, 11, 59), 0.50, None),
    ("MS-33 docking", "dock", "Progress MS-33", datetime(2026, 3, 24, 13, 34), 0.60, "poisk"),
    ("MS-34 docking", "dock", "Progress MS-34", datetime(2026, 4, 28, 0, 1), 0.10, None),
    ("Crew-12 docking", "dock", "Crew-12", datetime(2026, 2, 14, 20, 15), 0.45, "harmony-zenith"),
    ("CRS-34 docking", "dock", "CRS-34", datetime(2026, 5, 17, 11, 0), 0.05, "harmony-fwd"),
    ("NG-24 capture", "dock", "Cygnus NG-24", datetime(2026, 4, 10), 2.00, "unity-nadir"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "vehicle", "published", "tolerance", "port"),
    [pytest.param(*row[1:], id=row[0]) for row in DERIVED],
)
def test_a_derived_date_matches_the_published_one(
    kind: str, vehicle: str, published: datetime, tolerance: float, port: str | None
) -> None:
    e = event(kind, vehicle)
    assert abs(e.day - day_of(published)) <= tolerance, (result().date(e.day), published)
    if port is not None:
        assert e.port == port


def test_progress_ms33_keeps_its_planned_date_and_launches_on_2026_03_22() -> None:
    res = result()
    flight = next(f for f in res.scenario.flights if f.id == "Progress MS-33")
    assert flight.launch == date(2025, 12, 21), "MS-33 must keep its pre-incident planned date"
    assert res.metrics["flight.Progress MS-33.launch_date"] == "2026-03-22"  # exactly
    assert event("launch", "Progress MS-33").day == 96 + 19
    # the first launch from Site 31 after the repair (iss-facts-2026.md §A)
    first = min(e.day for e in res.events if e.kind == "launch" and e.pad == "baikonur-31")
    assert first == 96 + 19


def test_three_crew_on_board_from_crew_11s_return_until_crew_12_docked() -> None:
    """iss-facts-2026.md §A: 3 (Kud-Sverchkov, Mikaev, Williams) until 2026-02-14."""
    res = result()
    s = res.series
    left = event("undock", "Crew-11").day
    docked = event("dock", "Crew-12").day
    # rows at both ends: before Crew-11 leaves and after Crew-12 docks (two rows at a jump)
    rows = np.flatnonzero((s["day"] >= left) & (s["day"] <= docked))
    crew = s["crew"][rows]
    assert crew[0] == 7 and crew[-1] == 7 and len(crew) > 2
    assert set(crew[1:-1]) == {3}
    assert set(s["crew_RS"][rows[1:-1]]) == {2} and set(s["crew_USOS"][rows[1:-1]]) == {1}
    assert res.date(docked) == "2026-02-14"


def test_progress_ms32_and_ms33_are_docked_when_they_were_seen() -> None:
    """MS-32 still at Zvezda aft on ~2026-03-17 (starlust, medium); MS-33 on station during
    the EVA of 2026-05-27 (hanna-ai, medium)."""
    assert event("undock", "Progress MS-32").day >= day_of(datetime(2026, 3, 17))
    assert event("dock", "Progress MS-33").day < day_of(datetime(2026, 5, 27))
    assert event("undock", "Progress MS-33").day > day_of(datetime(2026, 5, 28))


def test_every_flight_launched_by_as_of_is_marked_flown() -> None:
    sc = result().scenario
    assert sc.as_of == date(2026, 5, 27)
    flown = sorted(f.id for f in sc.flights if f.flown)
    assert flown == ["CRS-34", "Crew-12", "Cygnus NG-24", "Progress MS-33", "Progress MS-34"]
    for f in sc.flights:  # derived launches too: none of the plans launched by as_of
        launched = result().metrics[f"flight.{f.id}.launch_date"]
        assert (str(launched) <= "2026-05-27") == f.flown, f.id
