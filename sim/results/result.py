"""Results of a run in three layers: event records, time series, and one flat metrics dict.

:func:`simulate` runs the engine and builds a :class:`Result` from its
:class:`~sim.engine.record.RunRecord` alone. Metric keys and their units are owned by
:mod:`sim.results.metrics`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from sim._version import __version__
from sim.engine import EventLog, RunRecord, gc_paused
from sim.engine import run as run_engine
from sim.results import metrics as mk
from sim.results.folders import write_atomically, write_csv
from sim.scenario.loader import load_scenario, scenario_digest
from sim.scenario.model import Scenario

__all__ = ["Result", "from_record", "simulate"]


@dataclass
class Result:
    """Everything one run produced."""

    scenario: Scenario
    seed: int
    events: EventLog
    """In time order; read as :class:`~sim.engine.record.Event` records."""
    series: dict[str, np.ndarray]
    """Columns ``day``, ``crew_RS``, ``crew_USOS``, ``crew``, ``seats``, ``<c>_kg``,
    ``<c>_days`` (a consumable held per segment: the station's total kg and the worst
    segment's days), then ``<c>_<S>_kg``, ``<c>_<S>_days`` per segment S holding a stock:
    one row per event time, two at a jump (before and after it)."""
    flights: list[dict[str, Any]]
    metrics: dict[str, mk.Metric]
    processed_events: int

    @property
    def epoch(self) -> date:
        return self.scenario.epoch

    def date(self, day: float | None) -> str | None:
        """ISO date (UTC) of ``day`` days after epoch."""
        return mk.iso_date(self.scenario.epoch, day)

    def summary(self) -> dict[str, Any]:
        """The content of ``summary.json``."""
        sc = self.scenario
        return {
            "scenario": sc.name,
            "description": sc.description,
            "scenario_sha256": scenario_digest(sc),
            "scenario_file": sc.files[0] if sc.files else None,
            "scenario_file_sha256": sc.file_sha256,
            "seed": self.seed,
            "version": __version__,
            "epoch": sc.epoch.isoformat(),
            "horizon": sc.horizon.isoformat(),
            "reserve_days": {c.id: c.reserve_days for c in sc.station.consumables},
            "stocks": {c: list(segs) for c, segs in mk.stock_segments(sc).items()},
            "pads": {p.id: p.name or p.id for p in sc.pads},
            "ports": {p.id: p.name or p.id for p in sc.station.ports},
            **({"altitude": lines} if (lines := mk.altitude_lines(sc)) is not None else {}),
            "metrics": self.metrics,
        }

    def write(
        self,
        out_dir: str | Path,
        extra: Callable[[Path], object] | None = None,
        *,
        force: bool = False,
    ) -> Path:
        """Write summary.json, timeseries.csv, flights.csv and events.csv into ``out_dir``,
        atomically: the folder is replaced whole or not at all, and only if it is missing,
        empty or a result folder (else :class:`~sim.results.folders.FolderError`, unless
        ``force``). ``extra(folder)``, if given, adds more files (charts) to the folder
        before it is put in place."""

        def fill(d: Path) -> None:
            self.write_files(d)
            if extra is not None:
                extra(d)

        return write_atomically(Path(out_dir), fill, force=force)

    def write_files(self, d: Path) -> None:
        """Write the run's four files into the existing folder ``d``."""
        text = json.dumps(self.summary(), indent=2, sort_keys=False, allow_nan=False)
        (d / "summary.json").write_text(text + "\n", encoding="utf-8")
        cols = list(self.series)
        rows = zip(*(self.series[c] for c in cols), strict=True)
        write_csv(d / "timeseries.csv", ["date", *cols], ([self.date(r[0]), *r] for r in rows))
        fcols = list(self.flights[0]) if self.flights else ["id"]
        write_csv(d / "flights.csv", fcols, ([f[c] for c in fcols] for f in self.flights))
        write_csv(
            d / "events.csv",
            ["day", "date", "kind", "subject", "detail"],
            ([e.day, self.date(e.day), e.kind, e.subject, e.detail] for e in self.events),
        )


def simulate(scenario: Scenario | str | os.PathLike[str], seed: int | None = None) -> Result:
    """Run ``scenario`` (a Scenario, or the path of a scenario file) with ``seed`` (default
    the scenario's own) and collect its results. A bad file raises ScenarioError."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(os.fspath(scenario))
    with gc_paused():
        return from_record(run_engine(scenario, seed))


def from_record(rec: RunRecord) -> Result:
    """The results of a run, from its record."""
    series = _series(rec)
    flights = mk.flight_rows(rec)
    metrics = mk.compute(rec, series, flights)
    return Result(
        rec.scenario, rec.seed, rec.events, series, flights, metrics, rec.processed_events
    )


def _series(rec: RunRecord) -> dict[str, np.ndarray]:
    """The record's columns with the total crew and each store's days of supply: level /
    use rate (kg/day) at the row's crew, infinite when nothing is used. A consumable held
    per segment gets its station total (kg) and its worst segment's days of supply too."""
    s = rec.series
    crew_rs, crew_usos = s["crew_RS"], s["crew_USOS"]
    crew = crew_rs + crew_usos
    out = {"day": s["day"], "crew_RS": crew_rs, "crew_USOS": crew_usos, "crew": crew}
    out["seats"] = s["seats"]
    if "altitude_km" in s:  # linear between rows: a row at every reboost and decay change
        out["altitude_km"] = s["altitude_km"]
    for stock in mk.stock_layout(rec.scenario):
        cid = stock.consumable
        own = [
            _stock_series(rec, store, s[f"{column}_kg"], rate)
            for store, column, rate in zip(stock.stores, stock.columns, stock.rates, strict=True)
        ]
        if not stock.segments:
            out[f"{cid}_kg"], out[f"{cid}_days"] = own[0]
            continue
        if len(own) == 2:  # bit for bit what np.sum and np.min of the two give
            (kg_a, days_a), (kg_b, days_b) = own
            out[f"{cid}_kg"] = 0.0 + kg_a + kg_b
            out[f"{cid}_days"] = np.minimum(days_a, days_b)
        else:
            levels = [kg for kg, _ in own]
            out[f"{cid}_kg"] = levels[0] if len(levels) == 1 else np.sum(levels, axis=0)
            out[f"{cid}_days"] = np.min([days for _, days in own], axis=0)
        for column, (kg, days) in zip(stock.columns, own, strict=True):
            out[f"{column}_kg"], out[f"{column}_days"] = kg, days
    return out


def _stock_series(
    rec: RunRecord, store: str, level: np.ndarray, rate_column: str
) -> tuple[np.ndarray, np.ndarray]:
    s = rec.series
    recorded = s.get(rate_column)  # set by life support, per row
    rate = rec.stores[store].rate(s["crew_RS"], s["crew_USOS"]) if recorded is None else recorded
    days = np.empty_like(level)
    days.fill(np.inf)
    np.divide(level, rate, out=days, where=rate > 0)
    return level, days
