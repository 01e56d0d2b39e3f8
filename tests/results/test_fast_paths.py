"""Shortcuts taken when building a run's results give the very values of the plain way."""

from __future__ import annotations

import gc
import math
import random
import struct
import sys
import weakref
from datetime import date

import numpy as np
from conftest import ROOT

import sim
from sim.engine import run
from sim.results import metrics as mk
from sim.scenario.model import cargo_kg


def bits(x: float | None) -> bytes | None:
    return None if x is None else struct.pack("<d", x)


def test_rounded_is_round_to_6_decimals_bit_for_bit() -> None:
    rng = random.Random(19)
    xs = [0.0, -0.0, 1.0, -3.0, 0.5, 1 / 64, -1 / 64, 1 / 128, 2.0**52, 2.0**53 + 2.0]
    xs += [1e22, 1e300, -1e300, sys.float_info.max, 5e-324, 123456789.015625, 1 / 3]
    xs += [rng.randint(-(10**9), 10**9) / rng.choice([1, 2, 64, 128, 1000]) for _ in range(5000)]
    xs += [rng.uniform(-1e4, 1e4) for _ in range(5000)]
    for x in xs:
        assert bits(mk.rounded(x)) == bits(round(x, 6) + 0.0), x
    assert bits(mk.rounded(np.float64(-0.0))) == bits(0.0)
    assert bits(mk.rounded(7)) == bits(7.0) and mk.rounded(float("nan")) is None


def test_each_scenario_object_has_its_own_layout() -> None:
    pooled = sim.load_scenario(ROOT / "scenarios" / "sharing-pooled.yaml")
    split = sim.load_scenario(ROOT / "scenarios" / "sharing-none.yaml")
    assert mk.stock_segments(pooled)["food"] == ()
    assert mk.stock_segments(split)["food"] == ("RS", "USOS")
    assert [s.stores for s in mk.stock_layout(split) if s.consumable == "food"] == [
        ("food.RS", "food.USOS")
    ]
    # an entry left under the id of another (freed) scenario is not taken for this one's
    key = id(split)
    mk._LAYOUTS[key] = (weakref.ref(pooled), mk._layout(pooled))
    assert mk.stock_segments(split)["food"] == ("RS", "USOS")
    assert mk._LAYOUTS[key][0]() is split
    # and an entry goes with its scenario
    del split
    gc.collect()
    assert key not in mk._LAYOUTS


def test_a_flight_with_other_cargo_gets_its_own_mass() -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    rec = run(sc)
    first = mk.flight_rows(rec)
    c = rec.flights[0]
    c.cargo = {k: 2 * cargo_kg(v) for k, v in c.cargo.items()}
    again = mk.flight_rows(rec)
    assert again[0]["cargo_kg"] == 2 * first[0]["cargo_kg"] > 0
    assert again[1:] == first[1:]
    assert mk.flight_rows(run(sc))[0] == first[0]


def test_the_bound_dater_is_iso_date() -> None:
    epoch = date(2026, 1, 1)
    iso = mk._dater(epoch)
    days = [None, math.inf, -math.inf, math.nan, 0.0, -0.0, -0.5, 0.999, 1.0, 365.25, 1e5]
    for d in [*days, np.float64(31.5), np.float64(math.inf), 7]:
        assert iso(d) == mk.iso_date(epoch, d), d
    assert iso(-0.5) == "2025-12-31" and iso(math.nan) is None


def test_a_flight_with_another_planned_launch_gets_its_own_date() -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    rec = run(sc)
    first = mk.flight_rows(rec)
    c = rec.flights[0]
    assert c.planned_launch is not None
    c.planned_launch += 40.0
    again = mk.flight_rows(rec)
    assert again[0]["planned_launch"] == mk.iso_date(sc.epoch, c.planned_launch)
    assert again[0]["planned_launch"] != first[0]["planned_launch"]
