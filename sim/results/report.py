"""Human-readable text for results (the CLI prints what this returns)."""

from __future__ import annotations

import numpy as np

from sim.results import metrics as mk
from sim.results.binding import binding
from sim.results.result import Result
from sim.results.rundata import RunData, as_run

__all__ = ["consequence_lines", "run_summary", "summary_notes", "table_lines"]


def run_summary(result: Result, out_dir: str | None = None, top: int = 5) -> str:
    """A short summary of one run: margins, crew gaps, forced returns, biggest slips."""
    m, sc = result.metrics, result.scenario
    lines = [f"{sc.name}: {sc.epoch} to {sc.horizon}, seed {result.seed}"]
    lines.append("")
    stocks = mk.stock_segments(sc)
    shown = [(c.id, c.id, c.reserve_days) for c in sc.station.consumables]
    split = {cid for cid, segs in stocks.items() if len(segs) > 1}
    rows = []
    for cid, key, reserve in shown:
        label = f"{cid} (worst)" if cid in split else cid
        rows.append((label, key, reserve))
        if cid in split:
            rows += [(f"  {seg}", f"{cid}.{seg}", reserve) for seg in stocks[cid]]
    width = max([len(label) for label, _, _ in rows] + [10])
    lines.append(
        f"  {'consumable':<{width}}  {'min days':>9}  {'on':<10}  "
        f"{'reserve':>7}  {'first below reserve':<19}  depleted"
    )
    for label, key, reserve in rows:
        low = m[f"{key}.min_days_of_supply"]
        low_s = "-" if low is None else f"{low:9.1f}"
        lines.append(
            f"  {label:<{width}}  {low_s:>9}  {m[f'{key}.min_date'] or '-':<10}  "
            f"{reserve:>7g}  {m[f'{key}.first_below_reserve_date'] or 'never':<19}  "
            f"{m[f'{key}.depleted_date'] or 'never'}"
        )
    found = consequence_lines(result)
    lines += ["", *(f"  {line}" for line in found)] if found else []
    lines += _transfers(result, split)
    lines += _altitude(result)
    lines += _generators(result)
    lines += _binds(result)
    lines.append("")
    lines.append(
        f"  crew: RS uncrewed {m['crew.rs_uncrewed_days']:g} days, USOS uncrewed "
        f"{m['crew.usos_uncrewed_days']:g} days, station uncrewed "
        f"{m['crew.station_uncrewed_days']:g} days; minimum on board "
        f"{m['crew.min_on_board']}; longest stay {m['crew.max_stay_days']:g} days"
    )
    if m.get("crew.evacuations"):
        lines.append(
            f"  evacuations (a crew consumable below the evacuation line): "
            f"{m['crew.evacuations']}, first on {m['crew.first_evacuation_date']}"
        )
    lines += _decisions(result)
    forced = [e.subject for e in result.events if e.kind == "forced_return"]
    lines.append(
        f"  forced returns (docked-life limit, no relief): {m['crew.forced_returns']}"
        + (f" ({', '.join(forced)})" if forced else "")
    )
    slipped = sorted((f for f in result.flights if f["slip_days"]), key=lambda f: -f["slip_days"])[
        :top
    ]
    if slipped:
        lines.append("  flights that slipped most:")
        for f in slipped:
            lines.append(
                f"    {f['id']:<20} {f['planned_launch']} -> {f['launch']}  "
                f"(+{f['slip_days']:g} days, {f['outcome']})"
            )
    if sc.left_out:
        lines.append(
            f"  left out, planned after the horizon ({sc.horizon}): {', '.join(sc.left_out)}"
        )
    lost = [f["id"] for f in result.flights if f["outcome"] in ("failed", "not_launched")]
    if lost:
        lines.append(f"  failed or not launched by the horizon: {', '.join(lost)}")
    if out_dir:
        lines.append("")
        lines.append(f"  wrote {out_dir}/ (summary.json, timeseries.csv, flights.csv, events.csv)")
    return "\n".join(lines)


def consequence_lines(run: Result | RunData) -> list[str]:
    """In words, every stock that ran out with its crew aboard: when, how many people,
    the use it could not meet, and whether a crew rule acted (one line each, not indented).
    Needs only what a result folder holds (a :class:`RunData` read back will do)."""
    r = as_run(run)
    m, s = r.metrics, r.series
    acted = [e for e in r.events if e.kind in ("decrew", "evacuation")]
    keys = []
    for cid in r.consumables:
        segments = r.stocks.get(cid, [])
        keys += [f"{cid}.{seg}" for seg in segments] if len(segments) > 1 else [cid]
    out = []
    for key in keys:
        when = m.get(f"{key}.depleted_date")
        if not when:
            continue
        cid, _, seg = key.partition(".")
        days = [e.day for e in r.events if e.kind == "depleted" and e.subject == cid
                and (not seg or e.segment == seg)]  # fmt: skip
        if not days:
            continue
        day = days[0]
        column = s[f"crew_{seg}"] if seg else s["crew"]
        aboard = int(column[np.searchsorted(s["day"], day, side="right") - 1])
        if aboard == 0:
            continue
        who = f"{aboard} {seg} crew" if seg else f"{aboard} crew"
        rules = (
            "crew rules acted: "
            + ", ".join(f"{e.kind} {mk.iso_date(r.epoch, e.day)}" for e in acted)
            if acted
            else "no crew rule acted (rules.policies)"
        )
        out.append(
            f"{(seg + ' ') if seg else ''}{cid.upper()} RAN OUT on {when} with {who} aboard: "
            f"{m[f'{key}.shortfall_kg']:,.0f} kg of use unmet by the horizon; {rules}"
        )
    return out


def summary_notes(result: Result, top: int = 5) -> dict[str, list[str]]:
    """The lines of :func:`run_summary` below its table and besides its crew figures, by
    topic (``consequences``, ``shared``, ``altitude``, ``generators``, ``binds first``,
    ``crew decisions``, ``slipped``, ``left out``), without their indentation; a topic
    with nothing to say is left out."""
    split = {cid for cid, segs in mk.stock_segments(result.scenario).items() if len(segs) > 1}
    sc = result.scenario
    slipped = sorted((f for f in result.flights if f["slip_days"]), key=lambda f: -f["slip_days"])
    lost = [f["id"] for f in result.flights if f["outcome"] in ("failed", "not_launched")]
    topics = {
        "consequences": consequence_lines(result),
        "shared": _transfers(result, split),
        "altitude": _altitude(result),
        "generators": _generators(result),
        "binds first": _binds(result),
        "crew decisions": _decisions(result),
        "slipped": [
            f"{f['id']} {f['planned_launch']} -> {f['launch']} (+{f['slip_days']:g} days, "
            f"{f['outcome']})"
            for f in slipped[:top]
        ],
        "left out": [f"planned after the horizon ({sc.horizon}): {', '.join(sc.left_out)}"]
        if sc.left_out
        else [],
        "lost": [f"failed or not launched by the horizon: {', '.join(lost)}"] if lost else [],
    }
    return {k: [line.strip() for line in v if line.strip()] for k, v in topics.items() if v}


def _transfers(result: Result, split: set[str]) -> list[str]:
    """One line per consumable shared on need: kg moved each way, and when."""
    lines = []
    m = result.metrics
    for cid in sorted(split, key=list(mk.stock_segments(result.scenario)).index):
        moves = [e for e in result.events if e.kind == "transfer" and e.subject == cid]
        if not moves:
            continue
        parts = []
        for donor, to in (("USOS", "RS"), ("RS", "USOS")):
            kg = m.get(mk.segment_key(cid, to, "transferred_in_kg"))
            if kg:
                first = min(e.day for e in moves if e.segment == to)
                parts.append(f"{kg:,.0f} kg {donor} -> {to} from {result.date(first)}")
        lines.append(f"  shared {cid}: {'; '.join(parts)} ({len(moves)} transfers)")
    return ["", *lines] if lines else []


_DECISION = {
    "decrew": "sent home early",
    "evacuation": "evacuated",
    "launch_held": "launch held",
    "uncrewed_flight": "flown uncrewed as a replacement lifeboat",
    "lifeboat_damaged": "lifeboat lost (damaged): its crew has no seat home",
    "crew_transfer": "took over the crew",
}


def _decisions(result: Result) -> list[str]:
    """What the crew policies and lifeboat events did, and when, in words."""
    lines = []
    for e in result.events:
        what = _DECISION.get(e.kind)
        if what is None or (e.kind == "evacuation" and e.subject == "station" and not e.days):
            continue  # (the station-wide evacuation rule has its own line above)
        why = f" ({e.detail})" if e.kind in ("decrew", "evacuation") and e.detail else ""
        who = e.subject if e.kind != "crew_transfer" else f"{e.subject} {e.detail}"
        lines.append(f"    {result.date(e.day)}  {who}: {what}{why}")
    m = result.metrics
    if not lines:
        return []
    head = (
        f"  crew decisions and lifeboats: {m['crew.decrew_events']} decrew, "
        f"{m['crew.held_launches']} held launches, {m['crew.person_days_lost']:g} person-days "
        f"of crew time given up; {m['crew.unseated_person_days']:g} person-days without a "
        f"lifeboat seat (at most {m['crew.max_unseated']} people)"
    )
    return [head, *lines]


def _altitude(result: Result) -> list[str]:
    """The altitude in words: lowest point, reboosts and who paid, the floor."""
    m, alt = result.metrics, result.scenario.station.altitude
    if alt is None:
        return []
    reboosts = m["station.reboosts"]
    lines = [
        "",
        f"  altitude: lowest {m['station.min_altitude_km']:.1f} km on "
        f"{m['station.min_altitude_date']} (floor {alt.min_altitude_km:g} km); {reboosts} "
        f"reboost{'s' if reboosts != 1 else ''}: {m['station.vehicle_reboost_km']:.1f} km "
        f"by docked vehicles, {m['station.reboost_propellant_kg']:,.0f} kg of station "
        f"{alt.propellant}",
    ]
    stuck = [e for e in result.events if e.kind == "no_reboost"]
    if stuck:
        lines.append(
            f"  NO REBOOST POSSIBLE from {result.date(stuck[0].day)} (no {alt.propellant} and "
            f"no boost vehicle docked): the orbit keeps decaying"
        )
    below = m["station.first_below_min_altitude_date"]
    if below:
        lines.append(
            f"  BELOW THE {alt.min_altitude_km:g} KM FLOOR from {below}, "
            f"{m['station.days_below_min_altitude']:.0f} days in all"
        )
    return lines


def _generators(result: Result) -> list[str]:
    """Oxygen generators: how long each was down and what it made."""
    ls = result.scenario.station.life_support
    if ls is None or not ls.generators:
        return []
    m = result.metrics
    parts = [
        f"{g.id} ({g.segment}) made {m[f'generator.{g.id}.generated_kg']:,.0f} kg O2, "
        f"down {m[f'generator.{g.id}.down_days']:g} days"
        for g in ls.generators
    ]
    return ["", f"  oxygen generators: {'; '.join(parts)}"]


def _binds(result: Result) -> list[str]:
    """What binds first: the earliest reserve breach and the delivery that would have
    prevented it (consumables breached the same day with the same cause are named)."""
    found = [b for c in result.scenario.station.consumables if (b := binding(result, c.id))]
    if not found:
        return []
    first = min(found, key=lambda b: b.breach_day)
    lines = ["", f"  binds first: {first.sentence(result)}"]
    same = [
        b.consumable
        for b in found
        if b is not first and b.breach_day == first.breach_day and b.flight == first.flight
    ]
    if same:
        lines.append(f"    the same day and delivery for: {', '.join(same)}")
    return lines


def table_lines(heads: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """A text table, indented by two spaces: the header ``heads``, then ``rows``; each column
    padded to its widest cell, the first ``left`` columns flush left, the others flush right."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
    lines = []
    for cells in [heads, *rows]:
        padded = [
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        lines.append("  " + "  ".join(padded))
    return lines
