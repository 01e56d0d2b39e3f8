"""What a chart needs from a run, from a :class:`~sim.results.result.Result` or from its folder.

:func:`load_run` reads a result folder written by ``iss-sim run`` (summary.json,
timeseries.csv, events.csv, flights.csv) without re-simulating; a missing or damaged file
raises :class:`RunDataError` with one line naming the file and what is wrong.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim._version import __version__
from sim.engine.record import Event, event_from_text
from sim.results import metrics as mk
from sim.scenario.yamlsource import MAX_RESULT_BYTES, UnreadableFile, read_file

if TYPE_CHECKING:
    from sim.results.result import Result

__all__ = ["FILES", "RunData", "RunDataError", "as_run", "load_run", "read_json_object"]


FILES = ("summary.json", "timeseries.csv", "events.csv", "flights.csv")
"""The files of a result folder that :func:`load_run` reads."""

_EVENT_COLUMNS = ["day", "date", "kind", "subject", "detail"]
_FLIGHT_NUMBERS = {"slip_days", "port_wait_days", "cargo_kg"}


class RunDataError(ValueError):
    """A result folder (or one of its files) is missing or unreadable; one line of text."""


@dataclass
class RunData:
    """One run's results, as charts use them (days are days after ``epoch``, midnight UTC)."""

    scenario: str
    """Scenario name."""
    epoch: date
    horizon: date
    reserve_days: dict[str, float]
    """Reserve line of each consumable (days of supply), in the scenario's order."""
    metrics: dict[str, Any]
    series: dict[str, np.ndarray]
    """``day``, ``crew_RS``, ``crew_USOS``, ``crew``, ``seats``, ``<c>_kg``, ``<c>_days``."""
    events: list[Event]
    flights: list[dict[str, Any]]
    source: str | None = field(default=None)
    """The folder it was read from (None when built from a Result)."""
    stocks: dict[str, list[str]] = field(default_factory=dict)
    """By consumable, the segments holding a stock of their own (series ``<c>_<S>_days``);
    empty for one station-wide pool."""

    altitude: dict[str, float] | None = field(default=None)
    """``floor_km`` and ``reboost_at_km`` (absent: no reboost rule) of a run that models
    the altitude (series ``altitude_km``); None otherwise."""
    description: str = ""
    """The scenario's description (empty in folders written before it was saved)."""
    seed: int | None = None
    """The run's seed (None: not known)."""
    version: str | None = None
    """The iss-sim version that ran it (None: not known)."""
    pad_names: dict[str, str] = field(default_factory=dict)
    """Display name of each pad by id (empty in older folders: the ids are shown)."""
    port_names: dict[str, str] = field(default_factory=dict)
    """Display name of each docking port by id (empty in older folders: the ids)."""

    def pad_name(self, pad: str) -> str:
        """The pad's name, or its id when the run does not say."""
        return self.pad_names.get(pad, pad)

    def port_name(self, port: str) -> str:
        """The port's name, or its id when the run does not say."""
        return self.port_names.get(port, port)

    def segments(self) -> list[str]:
        """The segments that some consumable has its own stock in, in the usual order."""
        have = {s for segs in self.stocks.values() for s in segs}
        return [s for s in ("RS", "USOS") if s in have]

    @property
    def consumables(self) -> list[str]:
        """Consumable ids, in the scenario's order."""
        return list(self.reserve_days)

    @property
    def horizon_days(self) -> float:
        """Length of the run in days."""
        return float((self.horizon - self.epoch).days)

    def outages(self) -> list[tuple[str, float, float, str]]:
        """(pad, start day, end day, detail) of each pad outage; open ones end at the horizon."""
        spans = []
        for i, down in enumerate(self.events):
            if down.kind == "pad_down":
                pad = down.subject
                ups = (
                    e.day for e in self.events[i + 1 :] if e.kind == "pad_up" and e.subject == pad
                )
                end = min(next(ups, self.horizon_days), self.horizon_days)
                spans.append((pad, down.day, end, down.detail))
        return spans

    def pads(self) -> list[str]:
        """Ids of the pads that had an outage or a launch, sorted."""
        ev = self.events
        pads = [e.subject for e in ev if e.kind in ("pad_down", "pad_up")]
        pads += [e.pad for e in ev if e.pad is not None]
        pads += [str(f["pad"]) for f in self.flights if f.get("pad")]
        return sorted(set(pads))

    def port_visits(self) -> list[tuple[str, str, float, float, bool]]:
        """(port, vehicle, dock day, undock day, forced return) of each stay at a port;
        vehicles still docked at the horizon end there."""
        docked: dict[str, tuple[str, float]] = {}
        visits = []
        for e in self.events:
            if e.kind in ("on_station", "dock"):
                docked[e.subject] = (e.port or "", e.day)
            elif e.kind in ("undock", "forced_return") and e.subject in docked:
                at, start = docked.pop(e.subject)
                visits.append((at, e.subject, start, e.day, e.kind == "forced_return"))
        visits += [(p, who, t, self.horizon_days, False) for who, (p, t) in docked.items()]
        return visits

    def waits(self) -> list[tuple[str, float, float]]:
        """(vehicle, arrival day, dock day) of each vehicle that waited for a free port."""
        docks = {e.subject: e.day for e in self.events if e.kind == "dock"}
        return [
            (e.subject, e.day, docks[e.subject])
            for e in self.events
            if e.kind == "port_wait" and e.subject in docks
        ]

    @classmethod
    def from_result(cls, result: Result) -> RunData:
        """The chart data of a run in memory."""
        sc = result.scenario
        return cls(
            scenario=sc.name,
            epoch=sc.epoch,
            horizon=sc.horizon,
            reserve_days={c.id: float(c.reserve_days) for c in sc.station.consumables},
            metrics=dict(result.metrics),
            series={k: np.asarray(v, dtype=float) for k, v in result.series.items()},
            events=list(result.events),
            flights=[dict(f) for f in result.flights],
            stocks={c: list(segs) for c, segs in mk.stock_segments(sc).items()},
            altitude=mk.altitude_lines(sc),
            description=sc.description,
            seed=result.seed,
            version=__version__,
            pad_names={p.id: p.name or p.id for p in sc.pads},
            port_names={p.id: p.name or p.id for p in sc.station.ports},
        )


def as_run(run: RunData | Result) -> RunData:
    """``run`` itself, or the chart data of a Result."""
    return run if isinstance(run, RunData) else RunData.from_result(run)


def load_run(folder: str | Path) -> RunData:
    """Read a result folder written by ``iss-sim run`` (no re-simulation)."""
    d = Path(folder)
    if not d.exists():
        raise RunDataError(f"{d}: no such result folder")
    if not d.is_dir():
        raise RunDataError(f"{d}: not a folder (expected a result folder from 'iss-sim run')")
    summary = _summary(d / "summary.json")
    reserve = summary["reserve_days"]
    needed = ["day", "crew_RS", "crew_USOS", "crew", "seats"]
    needed += [f"{c}_{unit}" for c in reserve for unit in ("kg", "days")]
    stocks = summary["stocks"]
    needed += [
        f"{c}_{s}_{unit}" for c, segs in stocks.items() for s in segs for unit in ("kg", "days")
    ]
    if summary.get("altitude") is not None:
        needed.append("altitude_km")
    return RunData(
        scenario=summary["scenario"],
        epoch=summary["epoch"],
        horizon=summary["horizon"],
        reserve_days=reserve,
        metrics=summary["metrics"],
        series=_series(d / "timeseries.csv", needed),
        events=_events(d / "events.csv"),
        flights=_flights(d / "flights.csv"),
        source=str(d),
        stocks=stocks,
        altitude=summary.get("altitude"),
        description=summary["description"],
        seed=summary["seed"],
        version=summary["version"],
        pad_names=summary["pads"],
        port_names=summary["ports"],
    )


def _rows(path: Path, required: list[str]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file that must have the ``required`` columns."""
    if not path.is_file():
        raise RunDataError(f"{path}: missing (is this a result folder from 'iss-sim run'?)")
    try:
        table = list(csv.reader(io.StringIO(read_file(path, "result file", MAX_RESULT_BYTES))))
    except UnreadableFile as exc:
        raise RunDataError(f"{exc.path}: {exc.reason}") from None
    except csv.Error as exc:
        raise RunDataError(f"{path}: unreadable: {exc}") from None
    if not table:
        raise RunDataError(f"{path}: empty file (no header line)")
    header = table[0]
    missing = [c for c in required if c not in header]
    if missing:
        raise RunDataError(f"{path}: missing column(s) {', '.join(missing)}")
    rows = table[1:]
    for i, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise RunDataError(f"{path}:{i}: {len(row)} fields, the header has {len(header)}")
    return header, rows


def read_json_object(
    path: Path, error: type[Exception], shown: str | None = None
) -> dict[str, Any]:
    """The JSON object in result file ``path`` (bounded read), or ``error`` with a located
    message naming ``shown`` (default: the path)."""
    where = str(path) if shown is None else shown
    try:
        text = read_file(path, "result file", MAX_RESULT_BYTES)
    except UnreadableFile as exc:
        raise error(f"{exc.path if shown is None else shown}: {exc.reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{where}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise error(f"{where}: not usable JSON: {str(exc)[:120]}") from None
    if not isinstance(data, dict):
        raise error(f"{where}: expected a JSON object, found {type(data).__name__}")
    return data


def _summary(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise RunDataError(f"{path}: missing (is this a result folder from 'iss-sim run'?)")
    data = read_json_object(path, RunDataError)
    for key in ("scenario", "epoch", "horizon", "reserve_days", "metrics"):
        if key not in data:
            raise RunDataError(f"{path}: missing key '{key}'")
    out: dict[str, Any] = {"scenario": str(data["scenario"])}
    for key in ("epoch", "horizon"):
        try:
            out[key] = date.fromisoformat(str(data[key]))
        except ValueError:
            raise RunDataError(f"{path}: '{key}' is not an ISO date: {data[key]!r}") from None
    if out["horizon"] <= out["epoch"]:
        raise RunDataError(f"{path}: 'horizon' {out['horizon']} is not after 'epoch'")
    reserve = data["reserve_days"]
    if not isinstance(reserve, dict) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in reserve.values()
    ):
        raise RunDataError(f"{path}: 'reserve_days' must map consumable ids to numbers of days")
    out["reserve_days"] = {str(k): float(v) for k, v in reserve.items()}
    if not isinstance(data["metrics"], dict):
        raise RunDataError(f"{path}: 'metrics' must be a JSON object")
    out["metrics"] = data["metrics"]
    alt = data.get("altitude")  # only when the scenario models the altitude
    if alt is not None:
        if not isinstance(alt, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in alt.values()
        ):
            raise RunDataError(f"{path}: 'altitude' must map names to numbers of km")
        out["altitude"] = {str(k): float(v) for k, v in alt.items()}
    stocks = data.get("stocks", {})  # absent in folders written before segment stocks
    if not isinstance(stocks, dict) or not all(
        isinstance(v, list) and all(s in ("RS", "USOS") for s in v) for v in stocks.values()
    ):
        raise RunDataError(f"{path}: 'stocks' must map consumable ids to lists of segments")
    out["stocks"] = {str(k): list(v) for k, v in stocks.items() if k in out["reserve_days"]}
    # for titles and rows only, and absent in older folders: what is unusable is left out
    description, seed, version = data.get("description"), data.get("seed"), data.get("version")
    out["description"] = description if isinstance(description, str) else ""
    out["seed"] = seed if isinstance(seed, int) and not isinstance(seed, bool) else None
    out["version"] = version if isinstance(version, str) else None
    for key in ("pads", "ports"):
        names = data.get(key)
        names = names if isinstance(names, dict) else {}
        out[key] = {str(k): v for k, v in names.items() if isinstance(v, str) and v}
    return out


def _series(path: Path, needed: list[str]) -> dict[str, np.ndarray]:
    header, rows = _rows(path, needed)
    if not rows:
        raise RunDataError(f"{path}: no data rows")
    cols = [c for c in header if c != "date"]
    idx = [header.index(c) for c in cols]
    values = np.empty((len(rows), len(cols)), dtype=float)
    for i, row in enumerate(rows):
        for j, k in enumerate(idx):
            try:
                values[i, j] = float(row[k])
            except ValueError:
                raise RunDataError(
                    f"{path}:{i + 2}: column '{cols[j]}' is not a number: {row[k]!r}"
                ) from None
    day = values[:, cols.index("day")]
    if np.isnan(values).any() or not np.isfinite(day).all() or (np.diff(day) < 0).any():
        raise RunDataError(f"{path}: 'day' must be finite and non-decreasing, values not NaN")
    return {c: values[:, j].copy() for j, c in enumerate(cols)}


def _events(path: Path) -> list[Event]:
    header, rows = _rows(path, _EVENT_COLUMNS)
    at = {c: header.index(c) for c in _EVENT_COLUMNS}
    events: list[Event] = []
    for i, row in enumerate(rows, start=2):
        try:
            t = float(row[at["day"]])
        except ValueError:
            t = math.nan
        if not math.isfinite(t):
            raise RunDataError(f"{path}:{i}: 'day' is not a finite number: {row[at['day']]!r}")
        events.append(event_from_text(t, row[at["kind"]], row[at["subject"]], row[at["detail"]]))
    return events


def _flights(path: Path) -> list[dict[str, Any]]:
    header, rows = _rows(path, ["id"])
    flights = []
    for i, row in enumerate(rows, start=2):
        flight: dict[str, Any] = {}
        for key, text in zip(header, row, strict=True):
            flight[key] = _flight_value(key, text, f"{path}:{i}")
        flights.append(flight)
    return flights


def _flight_value(key: str, text: str, where: str) -> Any:
    """A flights.csv cell typed as in :attr:`sim.results.result.Result.flights`."""
    if text == "":
        return None
    if key == "forced_return":
        return text == "True"
    if key in _FLIGHT_NUMBERS or key.startswith("crew_"):
        try:
            number = float(text)
        except ValueError:
            raise RunDataError(f"{where}: column '{key}' is not a number: {text!r}") from None
        return int(number) if key.startswith("crew_") and number.is_integer() else number
    return text
