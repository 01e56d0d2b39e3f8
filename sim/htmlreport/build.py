"""The report page: one section per result folder (its tables, its charts, the provenance of
its scenario) and, for several run folders, a comparison (side by side, overlays, and each
run's metric differences from the first, the most severe first)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim._version import __version__
from sim.comparison import CompareError, compare
from sim.comparison.report import Row, severity
from sim.htmlreport.charts import chart, png_figure
from sim.htmlreport.folders import Ensemble, Paired, Part, ReportError, Run, load_part
from sim.htmlreport.page import Cell, Safe, document, join, slug, table, tag
from sim.htmlreport.provenance import Provenance
from sim.results import metrics as mk
from sim.results.report import consequence_lines, summary_notes
from sim.results.rundata import RunData

__all__ = ["folder_report", "page", "report_into"]

if TYPE_CHECKING:
    from sim.experiments.montecarlo import MonteCarloResult

SHOWN_DIFFS = 30
"""Rows of a metric difference table shown before the rest is folded away."""


def folder_report(folders: Sequence[str | Path], labels: Sequence[str] | None = None) -> str:
    """The report of result folders (shown as ``labels``, default their paths): the whole
    HTML page. ReportError (one line) for a folder it cannot read."""
    names = list(labels) if labels is not None else [str(f) for f in folders]
    return page([load_part(f, name) for f, name in zip(folders, names, strict=True)])


def report_into(
    folder: Path,
    label: str,
    ensembles: Sequence[MonteCarloResult] = (),
    *,
    name: str = "report.html",
) -> Path:
    """Write the report of the result folder being filled at ``folder`` (shown as ``label``,
    the folder it becomes) into it as ``name``; ``ensembles``: the Monte Carlo results in
    memory, in the folder's order (their fans are drawn as SVG)."""
    from sim.htmlreport.output import write_report

    part = load_part(folder, label)
    found = (
        [part]
        if isinstance(part, Ensemble)
        else (list(part.ensembles.values()) if isinstance(part, Paired) else [])
    )
    for ens, mc in zip(found, ensembles, strict=False):
        ens.mc = mc
    return write_report(folder / name, page([part]))


def page(parts: Sequence[Part]) -> str:
    """The HTML page of ``parts``."""
    runs = [p for p in parts if isinstance(p, Run)]
    sections: list[Cell] = []
    toc: list[tuple[str, str]] = []
    salts = _Salts()
    if len(runs) > 1:
        toc.append(("comparison", "Comparison of the runs"))
        sections.append(_comparison(runs, salts))
    for part in parts:
        anchor = salts.anchor(part.label)
        if isinstance(part, Run):
            toc.append((anchor, f"Run: {part.data.scenario} ({part.label})"))
            sections.append(_run_section(part, anchor, salts, open_notes=len(parts) == 1))
        elif isinstance(part, Ensemble):
            toc.append((anchor, f"Monte Carlo: {part.meta['scenario']} ({part.label})"))
            sections.append(_ensemble_section(part, anchor, salts, len(parts) == 1))
        else:
            toc.append((anchor, f"Paired Monte Carlo ({part.label})"))
            sections.append(_paired_section(part, anchor, salts))
    names = list(dict.fromkeys(_scenario_name(p) for p in parts))
    title = f"iss-sim report: {', '.join(names)}"
    head = tag(
        "header",
        tag("h1", title),
        tag(
            "p",
            f"iss-sim {__version__}; from {len(parts)} result folder"
            f"{'s' if len(parts) != 1 else ''}: {', '.join(p.label for p in parts)}. "
            "Everything is in this one file (no script, nothing fetched).",
            cls="muted",
        ),
        cls="top",
    )
    nav = tag(
        "nav",
        tag("strong", "Contents"),
        tag("ul", *(tag("li", tag("a", text, href=f"#{a}")) for a, text in toc)),
        cls="toc",
    )
    foot = tag(
        "footer",
        "Written by iss-sim from the files of the folders named above; days of supply are "
        "at the crew aboard at each moment. Red rows: a stock ran out (or a crew-safety "
        "figure is not zero); amber rows: below the reserve line.",
    )
    return document(title, [head, nav if len(toc) > 1 else None, *sections, foot])


def _scenario_name(part: Part) -> str:
    if isinstance(part, Run):
        return part.data.scenario
    if isinstance(part, Ensemble):
        return str(part.meta["scenario"])
    return " vs ".join(str(e.meta["scenario"]) for e in part.ensembles.values())


class _Salts:
    """Unique ids on the page: of sections, and of charts (which salt their SVG ids)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def anchor(self, *texts: str) -> str:
        base = slug(*texts)
        name, i = base, 2
        while name in self.used:
            name, i = f"{base}-{i}", i + 1
        self.used.add(name)
        return name


# -- formatting ------------------------------------------------------------------------------
_NONE = "—"


def _n(value: Any, digits: int = 1) -> str:
    """A number for a table: thousands grouped, ``digits`` decimals for floats."""
    if value is None:
        return _NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        if math.isnan(value):
            return _NONE
        return f"{value:,.{digits}f}"
    return str(value)


def _value(value: Any, unit: str) -> str:
    """A metric value with its unit (dates and texts as they are)."""
    if value is None:
        return "never" if unit == "date" else _NONE
    if unit in ("date", "text"):
        return str(value)
    if unit in ("count", "people"):
        return _n(value, 0)
    digits = 0 if unit == "kg" else 1
    units = {"days": " d", "kg": " kg", "km": " km", "person-days": " person-days"}
    return _n(value, digits) + units.get(unit, "")


def _meta(items: Sequence[tuple[str, Cell]]) -> Safe:
    cells: list[Cell] = []
    for key, value in items:
        cells += [tag("dt", key), tag("dd", value)]
    return tag("dl", *cells, cls="meta")


def _box(kind: str, lines: Sequence[str]) -> Safe:
    return tag("div", *(tag("p", line) for line in lines), cls=f"box {kind}")


def _chart(salts: _Salts, name: str, draw: Callable[[], Any], caption: str) -> Safe:
    return chart(draw, salts.anchor("chart", name), caption, caption)


# -- one run ---------------------------------------------------------------------------------
def _run_section(run: Run, anchor: str, salts: _Salts, open_notes: bool) -> Safe:
    r, m = run.data, run.data.metrics
    sc = run.prov.scenario if run.prov.status in ("unchanged", "differs") else None
    meta: list[tuple[str, Cell]] = [
        ("folder", tag("code", run.label)),
        ("period", f"{r.epoch} to {r.horizon} ({r.horizon_days:g} days)"),
        ("seed", str(run.meta.get("seed", _NONE))),
        ("written by", f"iss-sim {run.meta.get('version', '?')}"),
        ("scenario file", tag("code", run.prov.file or _NONE)),
    ]
    if sc is not None and sc.description:
        meta.insert(0, ("description", sc.description))
    parts: list[Cell] = [tag("h2", f"Run: {r.scenario}", id=anchor), _meta(meta)]
    found = consequence_lines(r)
    if found:
        parts.append(_box("bad", found))
    else:
        parts.append(_box("ok", ["No stock ran out with crew aboard."]))
    parts += [tag("h3", "In words"), _notes(run)]
    parts += [tag("h3", "Consumables"), _consumables(r)]
    parts += [tag("h3", "Crew"), _metric_table(m, mk.CREW_METRICS, _crew_class)]
    parts += _crew_lines(r)
    if "station.min_altitude_km" in m:
        parts += [tag("h3", "Altitude"), _altitude(r)]
    gens = _generators(m)
    if gens is not None:
        parts += [tag("h3", "Oxygen generators"), gens]
    parts += [tag("h3", "Flights"), _flights(r)]
    parts += [tag("h3", "Charts"), *_run_charts(r, salts, anchor)]
    parts += [tag("h3", "Where the numbers come from"), _provenance(run.prov, open_notes)]
    return tag("section", *parts)


def _consumables(r: RunData) -> Safe:
    m = r.metrics
    rows: list[list[Cell]] = []
    classes: list[str | None] = []
    for cid in r.consumables:
        segs = r.stocks.get(cid, [])
        split = len(segs) > 1
        entries = [
            (
                cid + (" (worst segment)" if split else ""),
                "both" if split else (segs[0] if segs else "station"),
                cid,
                False,
            )
        ]
        if split:
            entries += [(cid, seg, f"{cid}.{seg}", True) for seg in segs]
        for label, where, key, sub in entries:
            depleted = m.get(f"{key}.depleted_date")
            below = m.get(f"{key}.first_below_reserve_date")
            rows.append(
                [
                    label,
                    where,
                    _n(m.get(f"{key}.min_days_of_supply")),
                    m.get(f"{key}.min_date") or _NONE,
                    _n(r.reserve_days[cid], 0),
                    below or "never",
                    _n(m.get(f"{key}.days_below_reserve")),
                    depleted or "never",
                    _n(m.get(f"{key}.shortfall_kg"), 0),
                ]
            )
            kind = "bad" if depleted else "warn" if below else None
            classes.append(" ".join(c for c in (kind, "sub" if sub else None) if c) or None)
    heads = [
        "consumable",
        "segment",
        "min days of supply",
        "on",
        "reserve (days)",
        "first below reserve",
        "days below reserve",
        "ran out",
        "unmet use (kg)",
    ]
    return table(heads, rows, numeric=(2, 4, 6, 8), nowrap=(3, 5, 7), row_classes=classes)


def _crew_lines(r: RunData) -> list[Cell]:
    """Who was sent home at the docked-life limit, and the evacuations, in words."""
    lines = []
    forced = [e.subject for e in r.events if e.kind == "forced_return"]
    if forced:
        lines.append(f"Forced returns (docked-life limit, no relief): {', '.join(forced)}.")
    if r.metrics.get("crew.evacuations"):
        first = r.metrics.get("crew.first_evacuation_date")
        lines.append(
            "Evacuations (a crew consumable below the evacuation line): "
            f"{r.metrics['crew.evacuations']}, first on {first}."
        )
    return [_box("bad", lines)] if lines else []


def _crew_class(key: str, value: Any) -> str | None:
    if not isinstance(value, (int, float)) or not value:
        return None
    if key.endswith("uncrewed_days") or key in ("crew.forced_returns", "crew.evacuations"):
        return "bad"
    if key in (
        "crew.unseated_person_days",
        "crew.max_unseated",
        "crew.decrew_events",
        "crew.held_launches",
        "crew.person_days_lost",
    ):
        return "warn"
    return None


def _metric_table(
    m: dict[str, Any],
    spec: Mapping[str, tuple[str, str]],
    rank: Callable[[str, Any], str | None] = lambda k, v: None,
) -> Safe:
    rows: list[list[Cell]] = []
    classes = []
    for key, (unit, meaning) in spec.items():
        if key not in m:
            continue
        rows.append([meaning, _value(m[key], unit), tag("code", key)])
        classes.append(rank(key, m[key]))
    return table(["what", "value", "metric"], rows, numeric=(1,), row_classes=classes)


def _altitude(r: RunData) -> Safe:
    m = r.metrics
    spec = dict(mk.STATION_METRICS)
    lines = r.altitude or {}

    def rank(key: str, value: Any) -> str | None:
        return "bad" if key == "station.first_below_min_altitude_date" and value else None

    tab = _metric_table(m, spec, rank)
    extra = [f"floor {lines['floor_km']:g} km"] if "floor_km" in lines else []
    if "reboost_at_km" in lines:
        extra.append(f"reboost line {lines['reboost_at_km']:g} km")
    return join([tab, tag("p", "; ".join(extra), cls="muted") if extra else None])


def _generators(m: dict[str, Any]) -> Safe | None:
    names = list(
        dict.fromkeys(
            k.split(".")[1] for k in m if k.startswith("generator.") and k.count(".") == 2
        )
    )
    if not names:
        return None
    rows: list[list[Cell]] = [
        [g, _n(m.get(f"generator.{g}.generated_kg"), 0), _n(m.get(f"generator.{g}.down_days"))]
        for g in names
    ]
    return table(["generator", "oxygen made (kg)", "days down"], rows, numeric=(1, 2))


_TOPICS = {
    "binds first": "What binds first",
    "shared": "Sharing between segments",
    "altitude": "Altitude",
    "crew decisions": "Crew decisions and lifeboats",
    "left out": "Left out",
}


def _notes(run: Run) -> Safe:
    if run.result is None:
        return tag(
            "p",
            "The sentences of the run's summary that need its scenario (what binds first, "
            "sharing, crew decisions) are left out: the scenario file is not the run's "
            f"({run.prov.status}; see 'Where the numbers come from'). The tables above come "
            "from the folder's files alone.",
            cls="muted",
        )
    try:
        notes = summary_notes(run.result)
    except (KeyError, TypeError, ValueError) as exc:  # a folder of an older iss-sim
        return tag("p", f"The summary's sentences could not be made ({exc!r}).", cls="muted")
    items: list[Cell] = []
    for topic, title in _TOPICS.items():
        lines = notes.get(topic, [])
        if topic == "altitude":
            lines = [x for x in lines if not x.startswith("altitude: lowest")]  # in its table
        lines = [_unprefixed(x, topic) for x in lines]
        if lines:
            items.append(tag("li", tag("strong", f"{title}: "), _lines(lines)))
    if not items:
        return tag("p", "Nothing more: no breach, no sharing, no crew decision.", cls="muted")
    return tag("ul", *items)


def _unprefixed(line: str, topic: str) -> str:
    """A summary line without the name of its topic (it heads the item)."""
    for head in (f"{topic}: ", "crew decisions and lifeboats: "):
        if line.startswith(head):
            return line[len(head) :]
    return line


def _lines(lines: Sequence[str]) -> Safe:
    if len(lines) == 1:
        return tag("span", lines[0])
    return tag("ul", *(tag("li", line) for line in lines))


def _flights(r: RunData) -> Safe:
    slipped = sorted((f for f in r.flights if f.get("slip_days")), key=lambda f: -f["slip_days"])
    lost = [f for f in r.flights if f.get("outcome") in ("failed", "not_launched")]
    heads = [
        "flight",
        "pad",
        "planned launch",
        "launch",
        "slip (days)",
        "outcome",
        "port",
        "docked",
        "undocked",
    ]

    def cells(f: dict[str, Any]) -> list[Cell]:
        return [
            str(f.get("id")),
            str(f.get("pad") or _NONE),
            str(f.get("planned_launch") or _NONE),
            str(f.get("launch") or _NONE),
            _n(f.get("slip_days")),
            str(f.get("outcome") or _NONE),
            str(f.get("port") or _NONE),
            str(f.get("dock") or _NONE),
            str(f.get("undock") or _NONE),
        ]

    def kind(f: dict[str, Any]) -> str | None:
        return (
            "bad"
            if f.get("outcome") == "failed" or f.get("forced_return")
            else ("warn" if f.get("outcome") == "not_launched" else None)
        )

    out: list[Cell] = []
    summary = [f"{len(r.flights)} flights"]
    if slipped:
        summary.append(
            f"{len(slipped)} slipped (most: {slipped[0]['id']}, {slipped[0]['slip_days']:g} days)"
        )
    if lost:
        summary.append(f"{len(lost)} failed or not launched by the horizon")
    out.append(tag("p", "; ".join(summary) + "."))
    if slipped:
        top = slipped[:5]
        out.append(
            table(heads, [cells(f) for f in top], numeric=(4,), row_classes=[kind(f) for f in top])
        )
    out.append(
        tag(
            "details",
            tag("summary", f"All {len(r.flights)} flights"),
            table(
                heads,
                [cells(f) for f in r.flights],
                numeric=(4,),
                row_classes=[kind(f) for f in r.flights],
            ),
        )
    )
    return join(out)


def _run_charts(r: RunData, salts: _Salts, anchor: str) -> list[Cell]:
    from sim.plots import altitude_chart, crew_chart, margin_chart, timeline_chart
    from sim.plots.altitude import has_altitude

    charts: list[Cell] = [
        _chart(
            salts,
            f"{anchor}-margin",
            lambda: margin_chart(r),
            "Days of supply of each consumable, with its reserve line.",
        ),
        _chart(salts, f"{anchor}-crew", lambda: crew_chart(r), "Crew aboard, by segment."),
        _chart(
            salts,
            f"{anchor}-timeline",
            lambda: timeline_chart(r),
            "Pads and ports: outages, launches, dockings.",
        ),
    ]
    if has_altitude(r):
        charts.append(
            _chart(
                salts,
                f"{anchor}-altitude",
                lambda: altitude_chart(r),
                "Mean altitude, reboosts and the floor.",
            )
        )
    return charts


# -- provenance ------------------------------------------------------------------------------
def _provenance(prov: Provenance, open_notes: bool) -> Safe:
    kind = {"unchanged": "ok", "differs": "warn"}.get(prov.status, "bad")
    parts: list[Cell] = [_box(kind, [prov.message])]
    if prov.notes:
        rows: list[list[Cell]] = []
        for note in prov.notes:
            sources: Cell = (
                (_lines(note.sources) if len(note.sources) != 1 else note.sources[0])
                if note.sources
                else _NONE
            )
            rows.append(
                [tag("code", note.path), tag("code", note.where), sources, note.assumption or _NONE]
            )
        tab = table(
            ["value", "file:line", "source", "assumption"],
            rows,
            cls="notes",
            cols=("path", "where", "source", "assumption"),
        )
        parts.append(
            tag(
                "details",
                tag("summary", f"{len(prov.notes)} cited values: source and assumption notes"),
                tab,
                open="open" if open_notes else None,
            )
        )
    return join(parts)


# -- Monte Carlo -----------------------------------------------------------------------------
def _segments_of(meta: dict[str, Any]) -> dict[str, list[str]]:
    probs = meta.get("probabilities", {})
    out: dict[str, list[str]] = {}
    for cid in meta.get("reserve_days", {}):
        out[cid] = [s for s in ("RS", "USOS") if f"{cid}.{s}.p_below_reserve" in probs]
    return out


def _pct(meta: dict[str, Any], key: str) -> str:
    p = meta.get("probabilities", {}).get(key)
    if not isinstance(p, (int, float)):
        return _NONE
    ci = meta.get("probability_ci95", {}).get(key)
    text = f"{100 * p:.1f}%"
    if isinstance(ci, list) and len(ci) == 2 and all(isinstance(x, (int, float)) for x in ci):
        text += f" ({100 * ci[0]:.1f}–{100 * ci[1]:.1f})"
    return text


def _quantile_heads(meta: dict[str, Any]) -> list[str]:
    return [f"P{q:g}" for q in meta.get("quantiles", []) if isinstance(q, (int, float))]


def _stat(entry: Any, name: str) -> str:
    if not isinstance(entry, dict):
        return _NONE
    v = entry.get(name)
    return _n(v) if not isinstance(v, str) else v


def _ensemble_tables(meta: dict[str, Any]) -> list[Cell]:
    stats = meta.get("metrics", {})
    qheads = _quantile_heads(meta)
    rows: list[list[Cell]] = []
    classes: list[str | None] = []
    for cid, segs in _segments_of(meta).items():
        own = segs if len(segs) > 1 else []
        for seg in (None, *own):
            key = cid if seg is None else f"{cid}.{seg}"
            label = f"{cid} (worst segment)" if seg is None and own else (seg or cid)
            entry = stats.get(f"{key}.min_days_of_supply")
            p_dep = meta["probabilities"].get(f"{key}.p_depleted") or 0
            p_below = meta["probabilities"].get(f"{key}.p_below_reserve") or 0
            rows.append(
                [
                    label,
                    _pct(meta, f"{key}.p_below_reserve"),
                    _pct(meta, f"{key}.p_depleted"),
                    _stat(entry, "mean"),
                    *(_stat(entry, h.lower()) for h in qheads),
                ]
            )
            kind = "bad" if p_dep else "warn" if p_below else None
            classes.append(" ".join(c for c in (kind, "sub" if seg else None) if c) or None)
    heads = [
        "consumable",
        "P(below reserve)",
        "P(ran out)",
        "min days mean",
        *(f"min days {h}" for h in qheads),
    ]
    out: list[Cell] = [
        tag("h3", "Consumables"),
        table(heads, rows, numeric=range(1, len(heads)), row_classes=classes),
        tag("p", "In brackets: 95% Wilson intervals of the probabilities.", cls="muted"),
    ]
    others = [
        k
        for k in meta["probabilities"]
        if k.split(".")[0] in ("crew", "launch", "consumables", "station")
    ]
    if others:
        prow: list[list[Cell]] = [
            [mk.PROBABILITY_MEANINGS.get(k, k), _pct(meta, k), tag("code", k)] for k in others
        ]
        pclass = [_probability_class(k, meta["probabilities"].get(k)) for k in others]
        out += [
            tag("h3", "Crew, launches, station"),
            table(
                ["event", "probability (95% interval)", "key"],
                prow,
                numeric=(1,),
                row_classes=pclass,
            ),
        ]
    numbers = [
        k
        for k, e in stats.items()
        if isinstance(e, dict)
        and e.get("kind") in ("number", "date")
        and k.split(".")[0] in ("crew", "station")
    ]
    if numbers:
        meanings = {**mk.CREW_METRICS, **mk.STATION_METRICS}
        nrows = [
            [
                meanings[k][1] if k in meanings else k,
                tag("code", k),
                _stat(stats[k], "mean"),
                *(_stat(stats[k], h.lower()) for h in qheads),
            ]
            for k in numbers
        ]
        out += [
            tag("h3", "Crew and station figures over the replications"),
            table(["what", "metric", "mean", *qheads], nrows, numeric=range(2, 3 + len(qheads))),
        ]
    return out


def _probability_class(key: str, p: Any) -> str | None:
    if not isinstance(p, (int, float)) or not p:
        return None
    if any(w in key for w in ("uncrewed", "forced", "depleted", "evacuat")):
        return "bad"
    return "warn" if "below" in key or "failure" in key else None


def _ensemble_section(ens: Ensemble, anchor: str, salts: _Salts, open_notes: bool) -> Safe:
    meta = ens.meta
    sc = ens.prov.scenario if ens.prov.status in ("unchanged", "differs") else None
    items: list[tuple[str, Cell]] = [
        ("folder", tag("code", ens.label)),
        ("period", f"{meta['epoch']} to {meta['horizon']}"),
        (
            "replications",
            f"{meta['replications']:,} (ensemble seed {meta.get('seed', '?')}; "
            f"replication i ran with derive_seed(seed, 'rep/i'))",
        ),
        ("written by", f"iss-sim {meta.get('version', '?')}"),
        ("scenario file", tag("code", ens.prov.file or _NONE)),
    ]
    if sc is not None and sc.description:
        items.insert(0, ("description", sc.description))
    precision = meta.get("until_ci")
    if isinstance(precision, dict):
        items.append(("until-ci", ", ".join(f"{k} {v}" for k, v in precision.items())))
    parts: list[Cell] = [
        tag("h2", f"Monte Carlo: {meta['scenario']}", id=anchor),
        _meta(items),
        *_ensemble_tables(meta),
        tag("h3", "Fan chart"),
    ]
    mc = ens.mc
    if mc is not None:
        from sim.plots.fan import fan_chart

        parts.append(
            _chart(
                salts,
                f"{anchor}-fan",
                lambda: fan_chart(mc),
                "Days of supply over the replications: median and P5–P95 band.",
            )
        )
    elif ens.fan_png is not None:
        parts.append(
            png_figure(
                ens.fan_png,
                salts.anchor("chart", anchor, "fan"),
                "Days of supply over the replications: median and P5–P95 band "
                "(the folder's fan.png).",
                "fan chart",
            )
        )
    else:
        parts.append(tag("p", "The folder has no fan.png to show.", cls="muted"))
    parts += [tag("h3", "Where the numbers come from"), _provenance(ens.prov, open_notes)]
    return tag("section", *parts)


def _paired_section(p: Paired, anchor: str, salts: _Salts) -> Safe:
    meta = p.meta
    labels = list(p.ensembles)
    parts: list[Cell] = [
        tag("h2", f"Paired Monte Carlo: {', '.join(labels)}", id=anchor),
        _meta(
            [
                ("folder", tag("code", p.label)),
                ("reference (A)", str(meta.get("reference", labels[0] if labels else "?"))),
                (
                    "replications",
                    f"{meta.get('replications', '?')} paired (one ensemble seed, "
                    f"{meta.get('seed', '?')}: replication i of each scenario saw "
                    "the same draws)",
                ),
            ]
        ),
    ]
    for comp in meta.get("comparisons", []):
        if not isinstance(comp, dict):
            continue
        a, b = str(comp.get("a")), str(comp.get("b"))
        parts.append(tag("h3", f"B − A: B = {b}, A = {a}"))
        rows: list[list[Cell]] = []
        probs = comp.get("probabilities", {})
        for key, e in probs.items() if isinstance(probs, dict) else ():
            if not isinstance(e, dict):
                continue
            lo, hi = _interval(e.get("ci95"))
            rows.append(
                [
                    tag("code", key),
                    _pp(e.get("a")),
                    _pp(e.get("b")),
                    _signed(e.get("difference"), 100, " pts"),
                    _NONE if lo is None or hi is None else f"[{100 * lo:+.1f}, {100 * hi:+.1f}]",
                ]
            )
        parts.append(
            table(["probability", "A", "B", "B − A", "95% CI (paired)"], rows, numeric=(1, 2, 3, 4))
        )
        diffs = comp.get("difference_b_minus_a", {})
        if not isinstance(diffs, dict):
            diffs = {}
        moved = [
            k for k, e in diffs.items() if isinstance(e, dict) and (e.get("mean") or e.get("std"))
        ]
        ranked = sorted(moved, key=lambda k: (severity(k), k))
        if ranked:
            drows: list[list[Cell]] = []
            for k in ranked:
                e = diffs[k]
                lo, hi = _interval(e.get("ci95"))
                drows.append(
                    [
                        tag("code", k),
                        _signed(e.get("mean")),
                        _NONE if lo is None or hi is None else f"[{lo:+.2f}, {hi:+.2f}]",
                        _pp(e.get("p_b_greater")),
                        _pp(e.get("p_b_less")),
                    ]
                )
            heads = ["metric", "mean B − A", "95% CI", "P(B > A)", "P(B < A)"]
            parts.append(
                tag(
                    "p",
                    f"{len(ranked)} metrics differ in some replication, the "
                    "most severe first (crew safety, depletions, breaches, "
                    "margins, ... flights last):",
                )
            )
            parts.append(_folded(heads, drows, (1, 2, 3, 4)))
    for label, ens in p.ensembles.items():
        sub = salts.anchor(anchor, label)
        parts.append(_ensemble_section(ens, sub, salts, False))
    return tag("section", *parts)


def _pp(p: Any) -> str:
    return f"{100 * p:.1f}%" if isinstance(p, (int, float)) else _NONE


def _signed(v: Any, scale: float = 1.0, unit: str = "") -> str:
    return f"{scale * v:+,.2f}{unit}" if isinstance(v, (int, float)) else _NONE


def _interval(ci: Any) -> tuple[float | None, float | None]:
    """``[lo, hi]`` of a JSON file as two numbers, or (None, None)."""
    if isinstance(ci, list) and len(ci) == 2 and all(isinstance(x, (int, float)) for x in ci):
        return float(ci[0]), float(ci[1])
    return None, None


def _folded(
    heads: list[str],
    rows: list[list[Cell]],
    numeric: Sequence[int],
    classes: list[str | None] | None = None,
) -> Safe:
    """The first :data:`SHOWN_DIFFS` rows, and the rest folded away."""
    shown = table(
        heads,
        rows[:SHOWN_DIFFS],
        numeric=numeric,
        row_classes=classes[:SHOWN_DIFFS] if classes else None,
    )
    if len(rows) <= SHOWN_DIFFS:
        return shown
    rest = table(
        heads,
        rows[SHOWN_DIFFS:],
        numeric=numeric,
        row_classes=classes[SHOWN_DIFFS:] if classes else None,
    )
    return join([shown, tag("details", tag("summary", f"{len(rows) - SHOWN_DIFFS} more"), rest)])


# -- several runs ----------------------------------------------------------------------------
def _comparison(runs: list[Run], salts: _Salts) -> Safe:
    from sim.plots import overlay_chart

    parts: list[Cell] = [tag("h2", "Comparison of the runs", id="comparison")]
    parts.append(_side_by_side(runs))
    data = [r.data for r in runs]
    parts.append(
        _chart(
            salts,
            "overlay",
            lambda: overlay_chart(data),
            "Days of supply of every consumable, the runs overlaid.",
        )
    )
    first = runs[0]
    for other in runs[1:]:
        try:
            report = compare(
                Path(first.data.source or first.label), Path(other.data.source or other.label)
            )
        except CompareError as exc:
            raise ReportError(f"comparing {other.label} with {first.label}: {exc}") from None
        rows = report.sorted_rows()
        parts.append(tag("h3", f"{other.data.scenario} minus {first.data.scenario}"))
        parts.append(
            tag(
                "p",
                f"{other.label} against {first.label}: {len(rows)} of "
                f"{len(report.rows)} metrics differ, the most severe first (crew safety, "
                "depletions, reserve breaches, margins, other crew figures, masses; flight "
                "and pad dates last). Red: crew safety and depletions; amber: reserve "
                "breaches (whichever way they moved).",
            )
        )
        if rows:
            parts.append(
                _folded(
                    ["metric", first.data.scenario, other.data.scenario, "change"],
                    [_diff_cells(r) for r in rows],
                    (1, 2, 3),
                    [_diff_class(r) for r in rows],
                )
            )
    return tag("section", *parts)


def _side_by_side(runs: list[Run]) -> Safe:
    keys: list[tuple[str, str]] = []
    first = runs[0].data
    for cid in first.consumables:
        keys += [
            (f"{cid}.min_days_of_supply", "days"),
            (f"{cid}.first_below_reserve_date", "date"),
            (f"{cid}.depleted_date", "date"),
        ]
    keys += [
        (k, u)
        for k, (u, _) in mk.CREW_METRICS.items()
        if k in first.metrics
        and (
            "uncrewed" in k or k in ("crew.min_on_board", "crew.forced_returns", "crew.evacuations")
        )
    ]
    if "station.min_altitude_km" in first.metrics:
        keys += [
            ("station.min_altitude_km", "km"),
            ("station.first_below_min_altitude_date", "date"),
        ]
    rows: list[list[Cell]] = []
    classes: list[str | None] = []
    for key, unit in keys:
        values = [r.data.metrics.get(key) for r in runs]
        rows.append([tag("code", key), *(_value(v, unit) for v in values)])
        bad = (
            key.endswith("depleted_date")
            or key.endswith("uncrewed_days")
            or key
            in ("crew.forced_returns", "crew.evacuations", "station.first_below_min_altitude_date")
        )
        warn = key.endswith("first_below_reserve_date")
        hit = any(v for v in values)
        classes.append("bad" if bad and hit else "warn" if warn and hit else None)
    heads: list[Cell] = ["metric"]
    heads += [join([r.data.scenario, tag("br"), tag("small", r.label)], "") for r in runs]
    return table(heads, rows, numeric=range(1, len(heads)), row_classes=classes)


def _diff_cells(r: Row) -> list[Cell]:
    counts = isinstance(r.old, int) and isinstance(r.new, int)
    digits = 0 if counts or r.key.endswith("_kg") else 1  # kg whole, days and km to a tenth

    def show(v: Any) -> str:
        return _NONE if v is None else _n(v, digits)

    change = ""
    if r.note:
        change = r.note
    elif r.verdict == "type":
        old, _, new = r.kind.partition("→")
        change = (
            "no longer happens"
            if new == "null"
            else "now happens"
            if old == "null"
            else f"{old} became {new}"
        )
    elif r.delta is not None:
        change = f"{r.delta:+.0f} d" if r.kind == "date" else f"{r.delta:+,.{digits}f}"
        if r.kind == "number" and r.old:
            change += f" ({100 * r.delta / abs(r.old):+.3g}%)"
    elif r.verdict in ("missing", "extra"):
        change = "only in the first" if r.verdict == "missing" else "only in this one"
    return [tag("code", r.key), show(r.old), show(r.new), change]


def _diff_class(r: Row) -> str | None:
    level = severity(r.key)
    return "bad" if level <= 1 else "warn" if level <= 2 else None
