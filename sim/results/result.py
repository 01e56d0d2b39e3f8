"""Results of a run in three layers: event records, time series, and one flat metrics dict.

Metric keys carry their unit (``food.min_days_of_supply``, ``food.end_kg``); dates are ISO
strings; a value that does not exist (no breach, not launched) is ``None`` (JSON null).
"""

from __future__ import annotations

import csv
import functools
import json
import math
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from sim._version import __version__
from sim.engine.core import SEGMENTS, Engine, gc_paused
from sim.scenario.model import Scenario
from sim.scenario.loader import scenario_digest

__all__ = ["Result", "simulate", "write_atomically"]

Metric = float | int | str | None


@dataclass
class Result:
    """Everything one run produced."""

    scenario: Scenario
    seed: int
    events: list[tuple[float, str, str, str]]
    """(day, kind, subject, detail), in time order."""
    series: dict[str, np.ndarray]
    """Columns ``day``, ``crew_RS``, ``crew_USOS``, ``crew``, ``seats``, ``<c>_kg``,
    ``<c>_days``: one row per event time, two at a jump (before and after it)."""
    flights: list[dict[str, Any]]
    metrics: dict[str, Metric]
    processed_events: int

    @property
    def epoch(self) -> date:
        return self.scenario.epoch

    def date(self, day: float | None) -> str | None:
        """ISO date (UTC) of ``day`` days after epoch."""
        return _iso(self.scenario.epoch, day)

    def summary(self) -> dict[str, Any]:
        """The content of ``summary.json``."""
        sc = self.scenario
        return {
            "scenario": sc.name,
            "scenario_sha256": scenario_digest(sc),
            "scenario_file": sc.files[0] if sc.files else None,
            "scenario_file_sha256": sc.file_sha256,
            "seed": self.seed,
            "version": __version__,
            "epoch": sc.epoch.isoformat(),
            "horizon": sc.horizon.isoformat(),
            "reserve_days": {c.id: c.reserve_days for c in sc.station.consumables},
            "metrics": self.metrics,
        }

    def write(self, out_dir: str | Path, extra: Callable[[Path], object] | None = None) -> Path:
        """Write summary.json, timeseries.csv, flights.csv and events.csv into ``out_dir``,
        atomically: the folder is replaced whole or not at all. ``extra(folder)``, if
        given, adds more files (charts) to the folder before it is put in place."""

        def fill(d: Path) -> None:
            self._write_files(d)
            if extra is not None:
                extra(d)

        return write_atomically(Path(out_dir), fill)

    def _write_files(self, d: Path) -> None:
        text = json.dumps(self.summary(), indent=2, sort_keys=False, allow_nan=False)
        (d / "summary.json").write_text(text + "\n", encoding="utf-8")
        cols = list(self.series)
        rows = zip(*(self.series[c] for c in cols), strict=True)
        _csv(d / "timeseries.csv", ["date", *cols], ([self.date(r[0]), *r] for r in rows))
        fcols = list(self.flights[0]) if self.flights else ["id"]
        _csv(d / "flights.csv", fcols, ([f[c] for c in fcols] for f in self.flights))
        _csv(
            d / "events.csv",
            ["day", "date", "kind", "subject", "detail"],
            ([t, self.date(t), k, s, x] for t, k, s, x in self.events),
        )


def _fmt(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return repr(round(v, 6)) if math.isfinite(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, np.integer):
        return int(v)
    return "" if v is None else v


def _csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([_fmt(v) for v in row])


def write_atomically(out_dir: Path, fill: Any) -> Path:
    """Create ``out_dir`` by filling a temporary sibling and renaming it into place.

    On any error (or Ctrl-C) the temporary folder is removed and a previous ``out_dir``
    is left as it was.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        fill(tmp)
        if out_dir.exists():
            out_dir.rename(old)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not out_dir.exists():
            old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return out_dir


def _iso(epoch: date, day: float | None) -> str | None:
    """ISO date of ``day`` days (float) after midnight UTC of ``epoch``."""
    if day is None or not math.isfinite(day):
        return None
    return _ordinal_iso(epoch.toordinal() + math.floor(day))


@functools.lru_cache(maxsize=8192)
def _ordinal_iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def _r(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), 6) + 0.0


def simulate(scenario: Scenario, seed: int | None = None) -> Result:
    """Run ``scenario`` (with ``seed``, default the scenario's own) and collect its results."""
    with gc_paused():
        eng = Engine(scenario, seed).run()
        series = _series(eng)
        flights = _flight_rows(eng)
        metrics = _metrics(eng, series, flights)
        events = sorted(eng.events, key=lambda e: e[0])
        eng.close()
    return Result(scenario, eng.seed, events, series, flights, metrics, eng.processed)


def _series(eng: Engine) -> dict[str, np.ndarray]:
    """The engine's rows as columns, with each store's days of supply: level / use rate
    (kg/day) at the row's crew, infinite when nothing is used."""
    n_fixed = 4  # day, crew_RS, crew_USOS, seats; then one level per store
    arr = np.array(eng.rows, dtype=float).reshape(len(eng.rows), n_fixed + len(eng.stores))
    crew = arr[:, 1] + arr[:, 2]
    out = {"day": arr[:, 0], "crew_RS": arr[:, 1], "crew_USOS": arr[:, 2], "crew": crew}
    out["seats"] = arr[:, 3]
    for i, (cid, s) in enumerate(eng.stores.items()):
        level = arr[:, n_fixed + i]
        rate = crew * s.per_crew_day + s.fixed_per_day
        days = np.full_like(level, np.inf)
        np.divide(level, rate, out=days, where=rate > 0)
        out[f"{cid}_kg"], out[f"{cid}_days"] = level, days
    return out


def _flight_rows(eng: Engine) -> list[dict[str, Any]]:
    rows = []
    for f in eng.sc.flights:
        c = eng.crafts[f.id]
        wait = None
        if c.arrive is not None and not c.failed:
            wait = (c.dock if c.dock is not None else eng.horizon) - c.arrive
        rows.append(
            {
                "id": c.id,
                "vehicle": c.vtype.id,
                "pad": c.pad,
                "planned_launch": _iso(eng.sc.epoch, c.planned_launch),
                "launch": _iso(eng.sc.epoch, c.launch),
                "slip_days": None if c.launch is None else _r(c.launch - (c.planned_launch or 0)),
                "outcome": c.outcome,
                "port": c.port if c.dock is not None else None,
                "dock": _iso(eng.sc.epoch, c.dock),
                "port_wait_days": _r(wait),
                "undock": _iso(eng.sc.epoch, c.undock),
                "forced_return": c.forced and c.undock is not None,
                **{f"crew_{s}": c.crew.get(s, 0) for s in SEGMENTS},
                "cargo_kg": _r(sum(c.cargo.values())),
            }
        )
    return rows


def _metrics(
    eng: Engine, series: dict[str, np.ndarray], flights: list[dict[str, Any]]
) -> dict[str, Metric]:
    sc = eng.sc
    m: dict[str, Metric] = {}

    def iso(day: float | None) -> str | None:
        return _iso(sc.epoch, day)

    for cid, s in eng.stores.items():
        m[f"{cid}.min_days_of_supply"] = _r(s.min_dos)
        m[f"{cid}.min_date"] = iso(s.min_at) if math.isfinite(s.min_dos) else None
        m[f"{cid}.first_below_reserve_date"] = iso(s.first_below_at)
        m[f"{cid}.days_below_reserve"] = _r(s.below_days)
        m[f"{cid}.depleted_date"] = iso(s.depleted_at)
        m[f"{cid}.shortfall_kg"] = _r(s.shortfall)
        m[f"{cid}.delivered_kg"] = _r(s.delivered)
        m[f"{cid}.consumed_kg"] = _r(s.consumed)
        m[f"{cid}.end_kg"] = _r(s.level)
    day = series["day"]
    dt = np.diff(day)
    crew, rs, us = series["crew"][:-1], series["crew_RS"][:-1], series["crew_USOS"][:-1]
    held = dt > 0
    m["crew.person_days"] = _r(float(np.sum(crew * dt)))
    m["crew.min_on_board"] = int(crew[held].min()) if held.any() else int(series["crew"][-1])
    m["crew.rs_uncrewed_days"] = _r(float(np.sum(dt[rs == 0])))
    m["crew.usos_uncrewed_days"] = _r(float(np.sum(dt[us == 0])))
    m["crew.station_uncrewed_days"] = _r(float(np.sum(dt[crew == 0])))
    crafts = eng.crafts.values()
    m["crew.forced_returns"] = sum(1 for c in crafts if c.forced and c.undock is not None)
    stays = [
        (c.undock if c.undock is not None else eng.horizon) - c.dock
        for c in crafts
        if c.dock is not None and sum(c.crew.values()) > 0
    ]
    m["crew.max_stay_days"] = _r(max(stays)) if stays else 0.0
    m["crew.evacuations"] = len(eng.evacuations)
    m["crew.first_evacuation_date"] = iso(eng.evacuations[0][0]) if eng.evacuations else None
    for pad in sc.pads:
        down = sum(
            max(0.0, min(start + rep, eng.horizon) - max(start, 0.0))
            for start, rep in eng.outages[pad.id]
        )
        m[f"pad.{pad.id}.downtime_days"] = _r(down)
        m[f"pad.{pad.id}.launches"] = sum(1 for f in flights if f["pad"] == pad.id)
    for f in flights:
        key = f"flight.{f['id']}"
        m[f"{key}.launch_date"] = f["launch"]
        m[f"{key}.slip_days"] = f["slip_days"]
        m[f"{key}.port_wait_days"] = f["port_wait_days"]
        m[f"{key}.outcome"] = f["outcome"]
        m[f"{key}.dock_date"] = f["dock"]
    return m
