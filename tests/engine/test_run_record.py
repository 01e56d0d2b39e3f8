"""The typed run record between the engine and the results, the per-scenario plan cache,
and the metric-key module: exact contents, round trips and failure modes."""

from __future__ import annotations

import gc
import math
import weakref
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, base_dict, cargo_flight, day

import sim
from sim.engine import Event, EventLog, RunRecord, run
from sim.engine.plan import _PLANS, plan_of
from sim.engine.record import EVENT_KINDS, event_from_text
from sim.experiments.executors import SerialExecutor, run_batch
from sim.results import metrics as mk
from sim.results.rundata import load_run

SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


def _record(data: dict) -> RunRecord:
    return run(sim.Scenario.model_validate(data))


def test_record_holds_exact_store_statistics_and_named_series() -> None:
    # 300 kg, 3 crew at 1 kg/crew-day, reserve 45 days: below the reserve on day 55
    # (135 kg = 45 days left), empty on day 100; horizon 120 days -> 60 kg of shortfall
    rec = _record(base_dict(crew=3, stock_kg=300, horizon_days=120))
    food = rec.stores["food"]
    assert food.first_below_reserve_day == pytest.approx(55.0)
    assert food.depleted_day == pytest.approx(100.0)
    assert food.below_reserve_days == pytest.approx(65.0)
    assert food.shortfall_kg == pytest.approx(60.0)
    assert food.consumed_kg == pytest.approx(300.0)
    assert food.end_kg == 0.0
    assert list(rec.series) == ["day", "crew_RS", "crew_USOS", "seats", "food_kg"]
    day_col, level = rec.series["day"], rec.series["food_kg"]
    assert level[np.searchsorted(day_col, 55.0)] == pytest.approx(135.0)
    assert set(rec.series["crew_RS"]) == {3.0}
    assert rec.horizon_days == 120.0


def test_events_are_typed_in_time_order_with_their_fields() -> None:
    data = base_dict(horizon_days=200)
    data["flights"] = [cargo_flight("Progress 1", 10, 90)]
    rec = _record(data)
    assert isinstance(rec.events, EventLog)
    kinds = [(e.kind, e.subject) for e in rec.events]
    assert kinds[:3] == [
        ("on_station", "Lifeboat"),
        ("launch", "Progress 1"),
        ("dock", "Progress 1"),
    ]
    launch, dock = rec.events[1], rec.events[2]
    assert isinstance(launch, Event) and launch.pad == "pad" and launch.port is None
    assert (launch.day, dock.day) == (10.0, 12.0)  # transit 2 days
    assert dock.port == "cargo" and dock.detail == "cargo"
    days = [e.day for e in rec.events]
    assert days == sorted(days)
    assert rec.events.days("dock") == [12.0]
    assert len(rec.events[1:3]) == 2


@pytest.mark.parametrize(
    ("event", "detail"),
    [
        (Event(1.0, "on_station", "Soyuz MS-28", port="rassvet"), "rassvet"),
        (Event(2.0, "pad_down", "baikonur-31", days=96.0), "repair 96 days"),
        (Event(3.0, "pad_up", "baikonur-31"), ""),
        (Event(4.0, "launch", "CRS-34", pad="slc-40"), "slc-40"),
        (
            Event(
                5.0,
                "launch_failure",
                "Progress MS-33",
                pad="baikonur-31",
                days=30.5,
                family="soyuz-2",
            ),
            "baikonur-31; soyuz-2 grounded 30.5 days",
        ),
        (Event(6.0, "port_wait", "NG-24"), "no free port"),
        (Event(7.0, "port_yield", "HTV-X1", vehicle="NG-24"), "leaves early for NG-24"),
        (Event(8.0, "dock", "CRS-34", port="harmony-zenith"), "harmony-zenith"),
        (Event(9.0, "undock", "CRS-34", port="harmony-zenith"), "harmony-zenith"),
        (Event(10.0, "forced_return", "Soyuz MS-27", port="rassvet"), "rassvet"),
        (Event(11.0, "below_reserve", "food water"), ""),
        (Event(12.0, "depleted", "oxygen"), ""),
        (Event(12.5, "depleted", "oxygen", segment="RS"), "RS"),
        (
            Event(13.0, "evacuation", "station", consumable="drinking water"),
            "drinking water below the evacuation line",
        ),
        (
            Event(13.5, "evacuation", "station", consumable="food", segment="RS"),
            "food (RS) below the evacuation line",
        ),
        (
            Event(14.0, "transfer", "food", days=12.25, segment="RS", donor="USOS", kg=36.75),
            "36.75 kg USOS -> RS over 12.25 days",
        ),
        (
            Event(
                20.0,
                "reboost",
                "station",
                vehicle="CRS-33",
                consumable="propellant",
                kg=0.0,
                km=4.5,
            ),
            "+4.5 km by CRS-33; 0.0 kg propellant",
        ),
        (
            Event(21.0, "reboost", "station", consumable="propellant", kg=172.0, km=2.0),
            "+2.0 km by station; 172.0 kg propellant",
        ),
        (Event(22.0, "no_reboost", "station", km=410.0), "at 410.0 km"),
        (Event(23.0, "below_min_altitude", "station", km=350.0), "at 350.0 km"),
        (Event(24.0, "generator_down", "OGS", segment="USOS"), "USOS"),
        (Event(25.0, "generator_up", "OGS", segment="USOS"), "USOS"),
        (
            Event(26.0, "decrew", "Soyuz MS-28", days=45.0, consumable="food", segment="RS"),
            "food (RS) below 45.0 days",
        ),
        (Event(26.5, "decrew", "Soyuz MS-28"), ""),
        (
            Event(27.0, "hold", "RS", days=30.0, consumable="water", segment="RS"),
            "water (RS) below 30.0 days",
        ),
        (Event(27.5, "uncrewed_next", "RS"), ""),
        (Event(28.0, "release", "RS"), ""),
        (Event(29.0, "launch_held", "Soyuz MS-29", segment="RS"), "RS"),
        (Event(30.0, "uncrewed_flight", "Soyuz MS-23", segment="RS"), "RS"),
        (Event(31.0, "lifeboat_damaged", "Soyuz MS-22"), ""),
        (Event(32.0, "crew_transfer", "Soyuz MS-23", vehicle="Soyuz MS-22"), "from Soyuz MS-22"),
    ],
    ids=lambda x: x.kind if isinstance(x, Event) else "",
)
def test_event_detail_text_is_as_events_csv_has_it_and_parses_back(
    event: Event, detail: str
) -> None:
    assert event.detail == detail  # events.csv's detail column, unchanged since 0.1
    assert event_from_text(event.day, event.kind, event.subject, detail) == event


def test_every_event_kind_is_covered_by_the_round_trip_cases() -> None:
    covered = {
        "on_station", "pad_down", "pad_up", "launch", "launch_failure", "port_wait",
        "port_yield", "dock", "undock", "forced_return", "below_reserve", "depleted",
        "transfer", "evacuation", "reboost", "no_reboost", "below_min_altitude",
        "generator_down", "generator_up", "decrew", "hold", "release", "launch_held",
        "uncrewed_next", "uncrewed_flight", "lifeboat_damaged", "crew_transfer",
    }  # fmt: skip
    assert set(EVENT_KINDS) == covered


@pytest.mark.parametrize("path", SHIPPED[:4], ids=lambda p: p.stem)
def test_a_result_folder_reads_back_the_same_events(path: Path, tmp_path: Path) -> None:
    result = sim.simulate(sim.load_scenario(path))
    back = load_run(result.write(tmp_path / "run"))
    # events.csv writes a repair or stand-down with 6 significant digits ("repair 86.1968
    # days"); every other field comes back exactly
    assert [e._replace(day=0.0, days=None) for e in back.events] == [
        e._replace(day=0.0, days=None) for e in result.events
    ]
    for b, e in zip(back.events, result.events, strict=True):
        assert b.day == pytest.approx(e.day, abs=1e-6)
        assert (b.days is None) == (e.days is None)
        if e.days is not None:
            assert b.days == pytest.approx(e.days, rel=1e-5)


def test_plan_is_computed_once_per_scenario_object_and_forgotten_with_it() -> None:
    sc = sim.Scenario.model_validate(base_dict())
    first = plan_of(sc)
    assert plan_of(sc) is first
    copy = sc.model_copy()
    assert plan_of(copy) is not first  # another object, its own plan
    key, ref = id(sc), weakref.ref(sc)
    del sc, copy
    gc.collect()
    assert ref() is None
    assert key not in _PLANS


def test_plan_of_a_changed_copy_sees_the_change() -> None:
    data = base_dict(horizon_days=200)
    data["flights"] = [cargo_flight("Progress 1", 10, 90)]
    sc = sim.Scenario.model_validate(data)
    moved = sc.model_copy(
        update={"flights": [sc.flights[0].model_copy(update={"launch": day(30)})]}
    )
    assert sim.simulate(sc).metrics["flight.Progress 1.launch_date"] == day(10).isoformat()
    assert sim.simulate(moved).metrics["flight.Progress 1.launch_date"] == day(30).isoformat()


# -- metric keys -----------------------------------------------------------------------------
def test_metric_keys_of_a_run_are_those_the_module_defines() -> None:
    result = sim.simulate(sim.load_scenario(ROOT / "scenarios" / "baseline.yaml"))
    sc = result.scenario
    expected = []
    for c, segments in mk.stock_segments(sc).items():
        expected += [mk.consumable_key(c, s) for s in mk.CONSUMABLE_STATS]
        expected += [mk.segment_key(c, seg, s) for seg in segments for s in mk.SEGMENT_STATS]
    assert mk.stock_segments(sc) == {
        "food": ("RS", "USOS"),
        "water": ("RS", "USOS"),
        "oxygen": (),  # pooled: one atmosphere
        "propellant": ("RS",),
    }
    expected += list(mk.CREW_METRICS)
    expected += list(mk.STATION_METRICS)  # the baseline models the altitude
    assert sc.station.life_support is not None
    gens = [g.id for g in sc.station.life_support.generators]
    assert gens == ["OGS", "Elektron"]
    expected += [f"generator.{g}.{s}" for g in gens for s in mk.GENERATOR_STATS]
    expected += [mk.pad_key(p.id, s) for p in sc.pads for s in mk.PAD_STATS]
    expected += [mk.flight_key(f.id, s) for f in sc.flights for s in mk.FLIGHT_STATS]
    assert list(result.metrics) == expected


@pytest.mark.parametrize(
    ("make", "args"),
    [
        (mk.consumable_key, ("food", "min_days")),
        (mk.pad_key, ("p", "downtime")),
        (mk.flight_key, ("F", "launch")),
        (mk.uncrewed_key, ("ISS",)),
    ],
)
def test_key_builders_reject_unknown_stats(make, args) -> None:
    with pytest.raises(KeyError):
        make(*args)


def test_split_consumable_key_handles_dotted_ids() -> None:
    assert mk.split_consumable_key("o2.high.min_days_of_supply") == (
        "o2.high",
        "min_days_of_supply",
    )
    assert mk.split_consumable_key("crew.person_days") is None
    assert mk.uncrewed_key("RS") == "crew.rs_uncrewed_days"


def test_indicators_are_exact_on_hand_made_columns() -> None:
    n = 4
    cols = {
        "food.first_below_reserve_date": np.array([np.nan, 10.0, np.nan, 3.0]),
        "food.depleted_date": np.array([np.nan, np.nan, np.nan, 9.0]),
        "crew.rs_uncrewed_days": np.array([0.0, 0.0, 2.5, np.nan]),
        "crew.usos_uncrewed_days": np.zeros(n),
        "crew.station_uncrewed_days": np.zeros(n),
        "crew.forced_returns": np.array([0.0, 1.0, 2.0, 0.0]),
    }
    texts = {"flight.F.outcome": ["docked", "failed", None, "docked"]}

    def column(key: str) -> np.ndarray:
        return cols.get(key, np.full(n, np.nan))

    got = mk.indicators(column, texts, ["food"], n)
    assert list(got) == mk.probability_names(["food"])
    assert got["food.p_below_reserve"].tolist() == [False, True, False, True]
    assert got["food.p_depleted"].tolist() == [False, False, False, True]
    assert got["crew.p_rs_uncrewed"].tolist() == [False, False, True, False]
    assert got["crew.p_forced_return"].tolist() == [False, True, True, False]
    assert got["launch.p_any_failure"].tolist() == [False, True, False, False]


def test_rounded_and_iso_date() -> None:
    assert mk.rounded(1 / 3) == 0.333333
    assert mk.rounded(math.inf) is None and mk.rounded(None) is None
    assert mk.rounded(-0.0000001) == 0.0 and math.copysign(1, mk.rounded(-1e-9)) == 1.0
    epoch = day(0)
    assert mk.iso_date(epoch, 0.999) == "2026-01-01"
    assert mk.iso_date(epoch, 1.0) == "2026-01-02"
    assert mk.iso_date(epoch, -0.5) == "2025-12-31"


# -- the batch path ----------------------------------------------------------------------------
def test_run_batch_keeps_chunk_order_and_reports_progress() -> None:
    seen: list[int] = []
    out = run_batch(
        SerialExecutor(), lambda k, chunk: [k * x for x in chunk], 10, list(range(7)),
        chunk_size=3, progress=seen.append,
    )  # fmt: skip
    assert out == [[0, 10, 20], [30, 40, 50], [60]]
    assert seen == [3, 3, 1]
