"""Which flight matters: every flight of a scenario lost or slipped, and every pad repair
lengthened, each run against the base run, ranked by what it does to the crew and the
margins.

For every flight: *lost* (``flights.<id>.outcome=failed``: a launch failure on its date,
with the family's stand-down if the scenario's ``uncertainty`` gives one) and *slipped*
by each slip (its planned ``launch`` that many days later). For every pad outage: its
``repair_days`` longer by each slip (a distribution is shifted: every draw that many days
longer). Every run uses the base run's seed (common random numbers: the engine's draws are
keyed by name, so a variant differs from the base only by the change).

The ranking (:meth:`~sim.results.changes.Change.severity`): the crew's safety first
(forced returns, uncrewed days, unseated person-days), then the days the first reserve
breach moved earliest, then the days of supply lost; a flight counts by its worst variant.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple

from sim._version import __version__
from sim.engine import gc_paused
from sim.engine import run as run_engine
from sim.experiments.executors import make_executor, run_batch
from sim.results import Metric, from_record, write_atomically
from sim.results.changes import Change, Stock, compared_keys, stocks
from sim.results.folders import csv_value
from sim.scenario.dists import Choice, Dist, Fixed, Normal, Triangular, Uniform
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import ScenarioSource, read_source, scenario_digest
from sim.scenario.model import Scenario
from sim.scenario.specs import override

__all__ = ["DEFAULT_SLIPS", "RankResult", "RankRow", "Subject", "rank"]

DEFAULT_SLIPS: tuple[float, ...] = (30, 90)
"""Slips of ``iss-sim rank`` without ``--slip`` (days)."""


@dataclass(frozen=True)
class Subject:
    """What is changed: a flight of the manifest, or a pad outage."""

    kind: Literal["flight", "outage"]
    id: str
    """The flight id, or ``<pad>/<outage index>``."""
    label: str
    """How text and charts name it: the flight id, ``baikonur-31 repair``."""
    date: str
    """Its planned launch, or the outage's start (ISO date)."""


@dataclass
class RankRow:
    """One variant of one subject: its change against the base run, or why it could not
    be run."""

    subject: Subject
    variant: str
    """``lost``, or ``slip+30`` (a flight 30 days later, a repair 30 days longer)."""
    change: Change | None
    problem: str | None = None
    """Why this variant was not run (e.g. its undock date would come before launch)."""

    def action(self) -> str:
        """The subject of a sentence: ``Losing Progress MS-34``, ``Slipping ... by 30
        days``, ``A baikonur-31 repair 30 days longer``."""
        s = self.subject
        if self.variant == "lost":
            return f"Losing {s.label}"
        days = self.variant.removeprefix("slip+")
        if s.kind == "outage":
            return f"Lengthening the {s.label} by {days} days"
        return f"Slipping {s.label} by {days} days"


def _slip_name(days: float) -> str:
    return f"slip+{days:g}"


@dataclass
class RankResult:
    """Every variant of every subject against the base run, subjects in rank order."""

    scenario: str
    scenario_sha256: str
    seed: int
    horizon: str
    slips: list[float]
    base: dict[str, Metric]
    """The base run's compared metrics."""
    stocks: list[Stock]
    """The stocks compared: per consumable its worst segment, then each segment's own."""
    subjects: list[Subject]
    """In rank order: the most severe first."""
    rows: dict[Subject, list[RankRow]]
    """Each subject's variants: ``lost`` (flights only), then each slip."""
    runs: int
    version: str = __version__

    def variants(self) -> list[str]:
        """Every variant name, in output order."""
        return ["lost", *(_slip_name(d) for d in self.slips)]

    def row(self, subject: Subject, variant: str) -> RankRow | None:
        """``subject``'s row of ``variant`` (None: not run, e.g. an outage is never lost)."""
        return next((r for r in self.rows[subject] if r.variant == variant), None)

    def worst(self, subject: Subject) -> RankRow | None:
        """``subject``'s most severe variant that was run (None: none could run)."""
        done = [r for r in self.rows[subject] if r.change is not None]
        if not done:
            return None
        return max(done, key=lambda r: r.change.severity() if r.change else ())

    def crew_first(self) -> list[Subject]:
        """The subjects whose worst variant harms the crew (forced returns, uncrewed days,
        unseated person-days), in rank order."""
        return [s for s in self.subjects if (w := self.worst(s)) and _crew_harm(w)]

    def worst_for_supplies(self, subject: Subject) -> RankRow | None:
        """``subject``'s variant that harms the supplies most (the breach moves, then the
        days of supply lost; the crew's part of the severity left aside)."""
        done = [r for r in self.rows[subject] if r.change is not None]
        if not done:
            return None
        return max(done, key=lambda r: r.change.severity()[_SUPPLY:] if r.change else ())

    def supplies_first(self) -> list[Subject]:
        """The subjects whose loss or slip brings a breach earlier or costs days of supply,
        the most harmful to the supplies first (at a tie, in rank order)."""

        def harm(s: Subject) -> tuple[float, ...]:
            w = self.worst_for_supplies(s)
            return w.change.severity()[_SUPPLY:] if w and w.change else ()

        hurt = [s for s in self.subjects if any(x > 0 for x in harm(s))]
        return sorted(hurt, key=harm, reverse=True)

    def to_json(self) -> dict[str, Any]:
        """The content of ``rank.json``."""
        ranking = []
        for i, s in enumerate(self.subjects, start=1):
            worst = self.worst(s)
            variants: dict[str, Any] = {}
            for r in self.rows[s]:
                if r.change is None:
                    variants[r.variant] = {"problem": r.problem}
                    continue
                c = r.change
                variants[r.variant] = {
                    "sentence": c.sentence(r.action()),
                    "headline": c.headline(),
                    "severity": dict(zip(SEVERITY, c.severity(), strict=True)),
                    "changes": {
                        d.metric: {"value": d.value, "delta": d.delta, "note": d.note or None}
                        for d in c.deltas
                    },
                }
            ranking.append(
                {
                    "rank": i,
                    "kind": s.kind,
                    "id": s.id,
                    "label": s.label,
                    "date": s.date,
                    "worst": None if worst is None else worst.variant,
                    "variants": variants,
                }
            )
        return {
            "scenario": self.scenario,
            "scenario_sha256": self.scenario_sha256,
            "seed": self.seed,
            "version": self.version,
            "horizon": self.horizon,
            "slips_days": self.slips,
            "severity_order": list(SEVERITY),
            "base": self.base,
            "ranking": ranking,
        }

    def to_csv(self) -> str:
        """The content of ``rank.csv``: one row per subject x variant x metric (dates: the
        delta in days, negative = earlier)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["rank", "kind", "subject", "date", "variant", "metric", "unit", "base",
                    "value", "delta", "note"])  # fmt: skip
        for i, s in enumerate(self.subjects, start=1):
            for r in self.rows[s]:
                if r.change is None:
                    w.writerow([i, s.kind, s.label, s.date, r.variant, "", "", "", "", "",
                                f"not run: {r.problem}"])  # fmt: skip
                    continue
                for d in r.change.deltas:
                    cells = [i, s.kind, s.label, s.date, r.variant, d.metric, d.unit, d.base]
                    w.writerow([csv_value(x) for x in [*cells, d.value, d.delta, d.note]])
        return buf.getvalue()

    def write_files(self, folder: Path) -> None:
        """Write ``rank.csv`` and ``rank.json`` into the existing ``folder`` (the chart,
        ``rank.png``, is drawn by :func:`sim.plots.rank.rank_chart`)."""
        (folder / "rank.csv").write_text(self.to_csv(), encoding="utf-8")
        text = json.dumps(self.to_json(), indent=2, allow_nan=False)
        (folder / "rank.json").write_text(text + "\n", encoding="utf-8")

    def write(self, folder: str | Path, *, force: bool = False) -> Path:
        """Write :meth:`write_files` into ``folder``, atomically."""
        return write_atomically(Path(folder), self.write_files, force=force)


def _crew_harm(row: RankRow) -> bool:
    return row.change is not None and any(x > 0 for x in row.change.severity()[:_SUPPLY])


SEVERITY = (
    "forced_returns",
    "first_forced_return_days_earlier",
    "uncrewed_segment_days",
    "unseated_person_days",
    "first_out_days_earlier",
    "first_breach_days_earlier",
    "stock_breach_days_earlier",
    "supply_days_lost",
)
"""Names of the parts of :meth:`~sim.results.changes.Change.severity`, compared in order."""
_SUPPLY = 4
"""Where the supplies' part of the severity starts (the crew's comes before)."""


# -- the variants ------------------------------------------------------------------------
class _Task(NamedTuple):
    slot: int
    overrides: tuple[str, ...]
    """The ``--set`` overrides, then the variant's."""


def _later(when: date, days: float) -> date:
    """``when`` (a date or a date-time) ``days`` later; a date stays a date for whole days."""
    if isinstance(when, datetime) or not float(days).is_integer():
        start = when if isinstance(when, datetime) else datetime(when.year, when.month, when.day)
        return start + timedelta(days=days)
    return when + timedelta(days=int(days))


def _longer(d: Dist, days: float) -> Any:
    """The repair ``d`` (YAML form) ``days`` longer in every draw; None for a lognormal,
    which has no shift."""
    if isinstance(d, Fixed):
        return d.value + days
    if isinstance(d, Uniform):
        return {"uniform": [d.low + days, d.high + days]}
    if isinstance(d, Triangular):
        return {"triangular": [d.low + days, d.mode + days, d.high + days]}
    if isinstance(d, Normal):
        out = d.to_yaml()["normal"]
        for k in ("mean", "min", "max"):
            if k in out:
                out[k] += days
        return {"normal": out}
    if isinstance(d, Choice):
        return {"choice": {"values": [v + days for v in d.values], "weights": list(d.weights)}}
    return None


def _variants(sc: Scenario, slips: Sequence[float]) -> list[tuple[Subject, str, str | None]]:
    """(subject, variant, its ``PATH=VALUE`` override or None with why not) for every
    flight and pad outage of ``sc``."""
    out: list[tuple[Subject, str, str | None]] = []
    for f in sc.flights:
        s = Subject("flight", f.id, f.id, f.launch.isoformat()[:10])
        out.append((s, "lost", f"flights.{f.id}.outcome=failed"))
        for d in slips:
            out.append((s, _slip_name(d), override(f"flights.{f.id}.launch", _later(f.launch, d))))
    for pad in sc.pads:
        for i, o in enumerate(pad.outages):
            label = f"{pad.id} repair" + (f" {i + 1}" if len(pad.outages) > 1 else "")
            s = Subject("outage", f"{pad.id}/{i}", label, o.start.isoformat()[:10])
            for d in slips:
                value = _longer(o.repair_days, d)
                path = f"pads.{pad.id}.outages.{i}.repair_days"
                text = None if value is None else f"{path}={json.dumps(value)}"
                out.append((s, _slip_name(d), text))
    return out


class _Done(NamedTuple):
    slot: int
    metrics: dict[str, Metric] | None
    problem: str | None
    forced: tuple[tuple[str, str], ...] = ()
    """(crew vehicle, ISO date) of each forced return."""


def _run_variants(source: tuple[ScenarioSource, int], chunk: list[_Task]) -> list[_Done]:
    """A worker's unit of work: build and run several variants from the scenario source,
    all with the base run's seed; a variant that does not build reports its problems."""
    src, seed = source
    done = []
    with gc_paused():
        for task in chunk:
            try:
                scenario = src.build(task.overrides)
            except ScenarioError as exc:
                done.append(_Done(task.slot, None, "; ".join(str(p) for p in exc.problems)))
                continue
            result = from_record(run_engine(scenario, seed))
            forced = tuple(
                (e.subject, result.date(e.day) or "")
                for e in result.events
                if e.kind == "forced_return"
            )
            done.append(_Done(task.slot, result.metrics, None, forced))
    return done


def rank(
    scenario: str | Path,
    *,
    slips: Sequence[float] = DEFAULT_SLIPS,
    overrides: Sequence[str] = (),
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> RankResult:
    """Rank every flight (and pad outage) of ``scenario`` (a file) by what losing or
    slipping it does (see the module docstring).

    ``slips`` are days (> 0); ``overrides`` (``PATH=VALUE``) apply to every run, the base
    run too. ``workers`` > 1 runs the variants on a process pool; the result does not
    depend on it. ``progress(k)`` is called as runs finish. Raises ScenarioError for bad
    overrides and ValueError for a slip that is not a positive number of days.
    """
    slip_list = [float(d) for d in slips]
    for d in slip_list:
        if not d > 0 or d > 36_525:
            raise ValueError(f"a slip must be a positive number of days (got {d:g})")
    if len(set(slip_list)) != len(slip_list):
        raise ValueError("a slip is given twice")
    source = read_source(scenario)
    sets = tuple(overrides)
    base_sc = source.build(sets)
    seed = base_sc.seed
    planned = _variants(base_sc, slip_list)
    tasks = [_Task(0, sets)]
    tasks += [_Task(i + 1, (*sets, text)) for i, (_, _, text) in enumerate(planned) if text]
    with make_executor("local", workers if len(tasks) > 1 else 1) as executor:
        parts = run_batch(executor, _run_variants, (source, seed), tasks, progress=progress)
    done = {d.slot: d for part in parts for d in part}
    base, base_forced = done[0].metrics, done[0].forced
    assert base is not None  # the base scenario built above
    keys = compared_keys(base_sc, base)
    kept = stocks(base_sc)
    horizon = base_sc.horizon.isoformat()[:10]
    reserves = {c.id: c.reserve_days for c in base_sc.station.consumables}
    rows: dict[Subject, list[RankRow]] = {}
    for i, (subject, variant, text) in enumerate(planned):
        run = done.get(i + 1)
        if text is None or run is None:
            row = RankRow(subject, variant, None, "a lognormal repair cannot be lengthened")
        elif run.metrics is None:
            row = RankRow(subject, variant, None, run.problem)
        else:
            change = Change(
                base, run.metrics, keys, kept, horizon, reserves, run.forced, base_forced
            )
            row = RankRow(subject, variant, change)
        rows.setdefault(subject, []).append(row)
    order = {s: n for n, s in enumerate(rows)}

    def severity(s: Subject) -> tuple[list[tuple[float, ...]], int]:
        # the worst variant first, then the next worst, ...; at a tie, the manifest order
        found = sorted((r.change.severity() for r in rows[s] if r.change), reverse=True)
        return found + [(0.0,) * len(SEVERITY)] * (len(rows[s]) - len(found) + 1), -order[s]

    return RankResult(
        scenario=base_sc.name,
        scenario_sha256=scenario_digest(base_sc),
        seed=seed,
        horizon=horizon,
        slips=slip_list,
        base={k: base.get(k) for k, _ in keys},
        stocks=kept,
        subjects=sorted(rows, key=severity, reverse=True),
        rows=rows,
        runs=len(tasks),
    )
