"""What a report shows, read from result folders: a run (``summary.json`` and its CSV
files), a Monte Carlo ensemble (``montecarlo.json``, ``fan.png``) or a paired ensemble
(``paired.json`` and one ensemble folder per scenario). Nothing is simulated again."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.engine.record import EventLog
from sim.htmlreport.provenance import Provenance, provenance
from sim.results.folders import MARKERS
from sim.results.result import Result
from sim.results.rundata import RunData, RunDataError, load_run, read_json_object
from sim.scenario.yamlsource import MAX_RESULT_BYTES, UnreadableFile, read_bytes

if TYPE_CHECKING:
    from sim.experiments.montecarlo import MonteCarloResult

__all__ = ["Ensemble", "Paired", "Part", "ReportError", "Run", "load_part"]


class ReportError(ValueError):
    """A folder that a report cannot be made from; one line naming it."""


@dataclass
class Run:
    """One run folder."""

    label: str
    """The folder as the user named it."""
    data: RunData
    meta: dict[str, Any]
    """``summary.json``."""
    prov: Provenance
    result: Result | None = None
    """The run with its scenario, when the scenario file is the run's (for the sentences
    that need the scenario: what binds first, sharing, crew decisions)."""


@dataclass
class Ensemble:
    """One Monte Carlo folder."""

    label: str
    meta: dict[str, Any]
    """``montecarlo.json``."""
    prov: Provenance
    fan_png: bytes | None = None
    """The folder's ``fan.png`` (a fan cannot be drawn again from the folder's files)."""
    mc: MonteCarloResult | None = None
    """The ensemble itself, when it is in memory (``montecarlo --html``): its fan is then
    drawn as SVG instead of the PNG."""


@dataclass
class Paired:
    """A paired Monte Carlo folder: ``paired.json`` and an ensemble per scenario."""

    label: str
    meta: dict[str, Any]
    ensembles: dict[str, Ensemble] = field(default_factory=dict)
    """By the label of the scenario in ``paired.json``, in its order."""


Part = Run | Ensemble | Paired


def load_part(folder: str | Path, label: str | None = None) -> Part:
    """Read the result folder ``folder`` (shown as ``label``, default the path itself)."""
    d = Path(folder)
    shown = label if label is not None else str(folder)
    if not d.exists():
        raise ReportError(f"{shown}: no such result folder")
    if not d.is_dir():
        raise ReportError(f"{shown}: not a folder (give a folder written by iss-sim)")
    if (d / "summary.json").is_file():
        return _run(d, shown)
    if (d / "montecarlo.json").is_file():
        return _ensemble(d, shown)
    if (d / "paired.json").is_file():
        return _paired(d, shown)
    other = [m for m in MARKERS if (d / m).is_file()]
    if other:
        hint = " (compare sweeps with 'iss-sim compare')" if other[0] == "sweep.json" else ""
        raise ReportError(
            f"{shown}: a {other[0].removesuffix('.json')} folder ({other[0]}); a report is "
            f"made from run, Monte Carlo and paired Monte Carlo folders{hint}"
        )
    raise ReportError(
        f"{shown}: not a result folder (no summary.json, montecarlo.json or paired.json)"
    )


def _json(path: Path, shown: str) -> dict[str, Any]:
    return read_json_object(path, ReportError, shown)


def _run(d: Path, shown: str) -> Run:
    try:
        data = load_run(d)
    except RunDataError as exc:
        raise ReportError(str(exc).replace(str(d), shown, 1)) from None
    meta = _json(d / "summary.json", f"{shown}/summary.json")
    prov = provenance(meta, "the run")
    run = Run(shown, data, meta, prov)
    seed = meta.get("seed")
    if prov.trusted and prov.scenario is not None and isinstance(seed, int):
        events = EventLog(list(data.events))
        run.result = Result(prov.scenario, seed, events, data.series, data.flights, data.metrics, 0)
    return run


_ENSEMBLE_KEYS = {
    "scenario": str,
    "replications": int,
    "epoch": str,
    "horizon": str,
    "reserve_days": dict,
    "quantiles": list,
    "probabilities": dict,
    "metrics": dict,
}


def _ensemble(d: Path, shown: str) -> Ensemble:
    where = f"{shown}/montecarlo.json"
    meta = _json(d / "montecarlo.json", where)
    for key, kind in _ENSEMBLE_KEYS.items():
        if key not in meta:
            raise ReportError(f"{where}: missing key '{key}'")
        if not isinstance(meta[key], kind) or isinstance(meta[key], bool):
            raise ReportError(f"{where}: '{key}' must be {_KIND_WORDS[kind]}")
    fan = None
    png = d / "fan.png"
    if png.is_file():
        try:
            fan = read_bytes(png, "chart", MAX_RESULT_BYTES)
        except UnreadableFile:
            fan = None
        if fan is not None and not fan.startswith(b"\x89PNG\r\n\x1a\n"):
            fan = None  # not a PNG: left out rather than shown as a broken image
    return Ensemble(shown, meta, provenance(meta, "the ensemble"), fan)


_KIND_WORDS = {
    str: "a string",
    int: "a whole number",
    dict: "a JSON object",
    list: "a JSON list",
}


def _paired(d: Path, shown: str) -> Paired:
    where = f"{shown}/paired.json"
    meta = _json(d / "paired.json", where)
    scenarios = meta.get("scenarios")
    comparisons = meta.get("comparisons")
    if not isinstance(scenarios, dict) or not isinstance(comparisons, list):
        raise ReportError(f"{where}: needs 'scenarios' (an object) and 'comparisons' (a list)")
    paired = Paired(shown, meta)
    for label, entry in scenarios.items():
        sub = entry.get("folder") if isinstance(entry, dict) else None
        if not isinstance(sub, str) or not sub or "/" in sub or "\\" in sub or sub.startswith("."):
            raise ReportError(f"{where}: scenario '{label}' has no usable 'folder'")
        part = load_part(d / sub, f"{shown}/{sub}")
        if not isinstance(part, Ensemble):
            raise ReportError(f"{shown}/{sub}: not a Monte Carlo folder (no montecarlo.json)")
        paired.ensembles[str(label)] = part
    return paired
