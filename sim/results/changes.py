"""What one change to a scenario did to a run: every margin's delta against a base run on
the same random numbers, how severe it is, and the sentence a briefing would say about it
("Losing Progress MS-34 moves the first RS food breach 41 days earlier (2026-05-03 ->
2026-03-23)").

The margins compared (:func:`compared_keys`): the crew's safety first (forced returns,
uncrewed days of each segment and of the station, person-days without a lifeboat seat,
and the policy metrics: person-days given up, evacuations), then per stock (a
consumable's worst segment ``C.*`` and each segment's own ``C.S.*``) the first reserve
breach date and the minimum days of supply. Dates compare in days: a breach that moves
earlier is worse; a stock that never breaches counts as breaching at the horizon when a
breach appears or goes away (``note`` says which).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sim.results import metrics as mk
from sim.results.metrics import Metric
from sim.scenario.model import Scenario

__all__ = [
    "CREW_KEYS",
    "Change",
    "Delta",
    "Stock",
    "article",
    "base_line",
    "compared_keys",
    "stock_name",
    "stocks",
]

Stock = tuple[str, str | None]
"""(consumable, segment): a segment's own stock, or (segment None) the worst segment at
each instant (the station's one stock for a pooled consumable)."""

CREW_KEYS: dict[str, str] = {
    "crew.forced_returns": "count",
    "crew.rs_uncrewed_days": "days",
    "crew.usos_uncrewed_days": "days",
    "crew.station_uncrewed_days": "days",
    "crew.unseated_person_days": "person-days",
    "crew.person_days_lost": "person-days",
    "crew.evacuations": "count",
}
"""The crew metrics compared, with their units (each where the run has it)."""

_BREACH, _OUT, _DOS = "first_below_reserve_date", "depleted_date", "min_days_of_supply"
_SHOWN = 0.05
"""Smallest change of a minimum days of supply that words mention (it shows as 0.1)."""
_TIE = 1e-6
"""Two changes closer than this (days, or as the metric) are equal: metrics are rounded
to 6 decimals."""


def stocks(sc: Scenario) -> list[Stock]:
    """Every stock of ``sc`` whose margins are compared: per consumable its worst segment,
    then each segment holding a stock of its own."""
    out: list[Stock] = []
    for c, segments in mk.stock_segments(sc).items():
        out += [(c, None), *((c, s) for s in segments)]
    return out


def _key(stock: Stock, stat: str) -> str:
    c, seg = stock
    return mk.consumable_key(c, stat) if seg is None else mk.segment_key(c, seg, stat)


def stock_name(stock: Stock) -> str:
    """``RS food`` for a segment's stock, ``food`` for the worst segment or a pool."""
    c, seg = stock
    return c if seg is None else f"{seg} {c}"


def compared_keys(sc: Scenario, metrics: Mapping[str, Metric]) -> list[tuple[str, str]]:
    """(key, unit) of every metric compared, in output order: the crew's, then each
    stock's first breach and the date it runs out (unit ``date``) and its minimum days of
    supply (``days``)."""
    keys = [(k, unit) for k, unit in CREW_KEYS.items() if k in metrics]
    for stock in stocks(sc):
        keys += [(_key(stock, _BREACH), "date"), (_key(stock, _OUT), "date")]
        keys.append((_key(stock, _DOS), "days"))
    return keys


def _days(iso: Metric) -> float | None:
    """An ISO date as a day number (proleptic ordinal), None when absent."""
    if not isinstance(iso, str):
        return None
    return float(date.fromisoformat(iso[:10]).toordinal())


def _number(v: Metric) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return None
    return float(v)


@dataclass(frozen=True)
class Delta:
    """One metric in the base run and in the changed run."""

    metric: str
    unit: str
    """As the metric (``days``, ``count``, ``person-days``); ``date``: ``delta`` in days."""
    base: Metric
    value: Metric
    delta: float | None
    """value - base (dates: days later, negative = earlier); None where either is absent."""
    note: Literal["", "new", "gone"] = ""
    """Dates: ``new`` breach (none in the base run), breach ``gone`` in the changed run."""


@dataclass(frozen=True)
class Move:
    """How far one stock's margin moved: ``worse`` > 0 is a loss (days)."""

    stock: Stock
    worse: float
    """Days earlier (a breach) or days of supply lost (a minimum); negative: a gain."""
    base: Metric
    value: Metric
    first: float | None = None
    """Days the station's first breach came earlier, when this is that breach (else None)."""
    was: Stock | None = None
    """The stock of the base run's first breach."""
    was_date: Metric = None
    """Its date (ISO)."""


@dataclass
class Change:
    """One changed run against the base run: every compared metric's :class:`Delta`, and
    what that means for the crew and the margins."""

    base: Mapping[str, Metric]
    value: Mapping[str, Metric]
    keys: Sequence[tuple[str, str]]
    """(key, unit) compared: :func:`compared_keys`."""
    stocks: Sequence[Stock]
    horizon: str
    """ISO date of the horizon: where a stock that never breaches counts as breaching."""
    reserves: Mapping[str, float] = field(default_factory=dict)
    """Each consumable's reserve line, days of supply."""
    forced_home: Sequence[tuple[str, str]] = ()
    """(crew vehicle, ISO date) of every forced return in the changed run."""
    base_forced_home: Sequence[tuple[str, str]] = ()
    """The same in the base run."""
    deltas: list[Delta] = field(init=False)
    _index: dict[str, Delta] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.deltas = [self._delta(k, unit) for k, unit in self.keys]
        self._index = {d.metric: d for d in self.deltas}

    def _delta(self, key: str, unit: str) -> Delta:
        b, v = self.base.get(key), self.value.get(key)
        if unit == "date":
            db, dv = _days(b), _days(v)
            note: Literal["", "new", "gone"] = (
                "new" if db is None and dv is not None else
                "gone" if db is not None and dv is None else ""
            )  # fmt: skip
            d = None if db is None or dv is None else dv - db
            return Delta(key, unit, b, v, d, note)
        nb, nv = _number(b), _number(v)
        return Delta(key, unit, b, v, None if nb is None or nv is None else nv - nb)

    def get(self, key: str) -> Delta | None:
        """The delta of metric ``key`` (None: not compared)."""
        return self._index.get(key)

    def _up(self, key: str) -> float:
        d = self.get(key)
        return 0.0 if d is None or d.delta is None else d.delta

    # -- the crew ---------------------------------------------------------------------
    @property
    def forced_returns(self) -> float:
        """More crew vehicles forced home at their docked-life limit (count)."""
        return self._up("crew.forced_returns")

    @property
    def uncrewed_days(self) -> float:
        """More segment-days uncrewed: the RS's and the USOS's added (days)."""
        return self._up("crew.rs_uncrewed_days") + self._up("crew.usos_uncrewed_days")

    @property
    def unseated_person_days(self) -> float:
        """More person-days aboard without a lifeboat seat."""
        return self._up("crew.unseated_person_days")

    # -- the margins ------------------------------------------------------------------
    def _first(self, metrics: Mapping[str, Metric]) -> tuple[Stock | None, float | None]:
        return _first_breach(self.stocks, metrics)

    def _earlier(self, stat: str) -> float:
        end = _days(self.horizon)
        assert end is not None
        b = _first_breach(self.stocks, self.base, stat)[1]
        v = _first_breach(self.stocks, self.value, stat)[1]
        return (end if b is None else b) - (end if v is None else v)

    def first_breach_earlier(self) -> float:
        """Days the station's first reserve breach (any stock) came earlier (negative:
        later); a run without one counts as breaching at the horizon."""
        return self._earlier(_BREACH)

    def first_out_earlier(self) -> float:
        """Days the first stock to run out ran out earlier (negative: later); a run where
        none runs out counts as running out at the horizon."""
        return self._earlier(_OUT)

    def breach_move(self) -> Move | None:
        """The breach to speak of: the station's first one if it moved (the stock now first
        if earlier, the one that was first if later), else the stock whose own first breach
        moved earliest (a new breach counting from the horizon); None if none moved."""
        shift = self.first_breach_earlier()
        if abs(shift) > _TIE:
            stock = self._first(self.value if shift > 0 else self.base)[0]
            assert stock is not None
            return self._move(stock, shift, first=True)
        moves = [self._move(stock, 0.0) for stock in self.stocks]
        return _worst([m for m in moves if abs(m.worse) > _TIE])

    def _move(self, stock: Stock, first_shift: float, first: bool = False) -> Move:
        """``stock``'s own breach move (days earlier; absent counts as the horizon)."""
        end = _days(self.horizon)
        assert end is not None
        d = self.get(_key(stock, _BREACH))
        base, value = (d.base, d.value) if d else (None, None)
        b, v = _days(base), _days(value)
        worse = (end if b is None else b) - (end if v is None else v)
        was = self._first(self.base)
        return Move(stock, worse, base, value, first_shift if first else None, was[0],
                    self.base.get(_key(was[0], _BREACH)) if was[0] else None)  # fmt: skip

    def breach_days_earlier(self) -> float:
        """Days the most-moved stock's own first breach came earlier (a new breach counts
        from the horizon; negative: later)."""
        moves = [self._move(stock, 0.0) for stock in self.stocks]
        best = _worst([m for m in moves if abs(m.worse) > _TIE])
        return 0.0 if best is None else best.worse

    def supply_move(self) -> Move | None:
        """The minimum days of supply to speak of: of the consumables whose worst segment
        lost some, the one that ends lowest against its reserve (at a tie, the larger
        loss); with no loss the largest gain; with no change of a worst segment, the
        segment stock that changed most (None: no minimum changed). Named by the segment
        holding that minimum."""
        moves, others = [], []
        for stock in self.stocks:
            d = self.get(_key(stock, _DOS))
            if d is None or d.delta is None or abs(d.delta) <= _TIE:
                continue
            if stock[1] is None:
                where, was = (
                    self._where_lowest(stock, self.value),
                    self._where_lowest(stock, self.base),
                )
                moves.append(Move(where, -d.delta, d.base, d.value, was=was))
            else:
                others.append(Move(stock, -d.delta, d.base, d.value))
        losses = [m for m in moves if m.worse > 0]
        if losses:
            return min(losses, key=lambda m: (self._above_reserve(m), -_tidy(m.worse)))
        return _worst(moves) or _worst(others)

    def _above_reserve(self, m: Move) -> float:
        """Days of supply above its reserve that ``m``'s stock keeps at its lowest."""
        return (_number(m.value) or 0.0) - self.reserves.get(m.stock[0], 0.0)

    def _where_lowest(self, stock: Stock, metrics: Mapping[str, Metric]) -> Stock:
        """The segment's stock that holds the worst-segment minimum of ``stock`` in
        ``metrics`` (``stock`` itself for a pool)."""
        low = metrics.get(_key(stock, _DOS))
        for other in self.stocks:
            same = other[0] == stock[0] and other[1] is not None
            if same and metrics.get(_key(other, _DOS)) == low:
                return other
        return stock

    def first_forced_earlier(self) -> float:
        """Days the first forced return came earlier (negative: later); a run without one
        counts as having it at the horizon."""
        end = _days(self.horizon)
        assert end is not None
        b = min((d for _, w in self.base_forced_home if (d := _days(w)) is not None), default=end)
        v = min((d for _, w in self.forced_home if (d := _days(w)) is not None), default=end)
        return b - v

    def severity(self) -> tuple[float, ...]:
        """How bad the change is, compared as a tuple (larger is worse): forced returns and
        how much earlier the first one came, uncrewed segment-days, unseated person-days
        (the crew's safety first), the days the first stock to run out ran out earlier (the
        worst breach), then the days the station's first reserve breach came earlier, the
        days the most-moved stock's breach came earlier, then the days of supply lost
        (:meth:`supply_move`)."""
        supply = self.supply_move()
        return (
            _tidy(self.forced_returns),
            _tidy(self.first_forced_earlier()),
            _tidy(self.uncrewed_days),
            _tidy(self.unseated_person_days),
            _tidy(self.first_out_earlier()),
            _tidy(self.first_breach_earlier()),
            _tidy(self.breach_days_earlier()),
            _tidy(supply.worse) if supply else 0.0,
        )

    def changed(self) -> bool:
        """Whether any compared metric differs."""
        return any(
            d.note or (d.delta is not None and abs(d.delta) > _TIE) or
            (d.delta is None and d.base != d.value)
            for d in self.deltas
        )  # fmt: skip

    # -- words ------------------------------------------------------------------------
    def headline(self) -> str:
        """The most severe change in a few words, for a table cell."""
        if self.forced_returns > _TIE:
            n = round(self.forced_returns)
            return f"+{n} forced return{'s' * (n != 1)}"
        seg = self._uncrewed_segment()
        if seg is not None:
            return f"{seg[0]} uncrewed +{seg[1]:.0f} d"
        if self.unseated_person_days > _TIE:
            return f"+{self.unseated_person_days:.0f} unseated p-d"
        breach = self.breach_move()
        if breach is not None and breach.first is not None and breach.first > 0:
            return f"first breach {breach.first:.0f} d earlier ({stock_name(breach.stock)})"
        if breach is not None and breach.worse > 0:
            if breach.base is None:
                return f"{stock_name(breach.stock)} breach new {breach.value}"
            return f"{stock_name(breach.stock)} breach {breach.worse:.0f} d earlier"
        supply = self.supply_move()
        if supply is not None and supply.worse > 0:
            return f"{_supply_name(supply)} min -{supply.worse:.1f} d"
        if breach is not None and breach.first is not None:
            return f"first breach {-breach.first:.0f} d later"
        if breach is not None:
            if breach.value is None:
                return f"{stock_name(breach.stock)} breach gone"
            return f"{stock_name(breach.stock)} breach {-breach.worse:.0f} d later"
        if supply is not None:
            return f"{_supply_name(supply)} min +{-supply.worse:.1f} d"
        return "no change"

    def breach_cell(self) -> str:
        """How the breach of :meth:`breach_move` moved, for a table cell (``-``: none)."""
        m = self.breach_move()
        if m is None:
            return "-"
        name = stock_name(m.stock)
        if m.first is not None:
            way = "earlier" if m.first > 0 else "later"
            return f"first {abs(m.first):.0f} d {way} ({name})"
        if m.base is None:
            return f"{name} new {m.value}"
        if m.value is None:
            return f"{name} gone"
        return f"{name} {abs(m.worse):.0f} d {'earlier' if m.worse > 0 else 'later'}"

    def supply_cell(self) -> str:
        """How the lowest supply of :meth:`supply_move` changed, for a table cell (days)."""
        m = self.supply_move()
        if m is None or abs(m.worse) < _SHOWN:
            return "-"
        d = self.get(_key(m.stock, _OUT))
        if d is not None and d.note == "new":
            return f"runs out {d.value} ({stock_name(m.stock)})"
        return f"{-m.worse:+.1f} d ({_supply_name(m)})"

    def _forced_words(self) -> str:
        """Who is forced home, when, and how many were in the base run."""
        before = {v for v, _ in self.base_forced_home}
        new = [(v, when) for v, when in self.forced_home if v not in before]
        n = round(self.forced_returns)
        was = f"{len(before)}" if before else "none"
        if len(new) == n and n > 0:
            if n == 1:
                (v, when), limit = new[0], "its docked-life limit"
                return (
                    f"forces {v} home on {when} at {limit} with no relief ({was} in the base run)"
                )
            who = " and ".join(f"{v} ({when})" for v, when in new)
            return (
                f"forces {who} home at their docked-life limits with no relief ({was} in the "
                "base run)"
            )
        return (
            f"forces {n} more crew vehicle{'s' * (n != 1)} home at the docked-life limit "
            f"with no relief ({was} in the base run)"
        )

    def _uncrewed_segment(self) -> tuple[str, float, float] | None:
        """(segment, days uncrewed in the changed run, in the base) of the segment whose
        uncrewed days grew most, None if none grew."""
        grown = []
        for seg in ("RS", "USOS"):
            d = self.get(mk.uncrewed_key(seg))
            if d is not None and d.delta is not None and d.delta > _TIE:
                grown.append((d.delta, seg, _number(d.value) or 0.0, _number(d.base) or 0.0))
        if not grown:
            return None
        _, seg, value, base = max(grown)
        return seg, value, base

    def sentence(self, action: str) -> str:
        """One sentence for a briefing: ``action`` ("Losing Progress MS-34") and what it
        does, the crew first, then the first breach and the lowest supply, with dates."""
        clauses = []
        if self.forced_returns > _TIE:
            clauses.append(self._forced_words())
        seg = self._uncrewed_segment()
        if seg is not None:
            clauses.append(
                f"leaves the {seg[0]} uncrewed {seg[1]:.0f} days ({seg[2]:.0f} in the base run)"
            )
        if self.unseated_person_days > _TIE:
            d = self.get("crew.unseated_person_days")
            v = _number(d.value) if d else None
            clauses.append(
                f"keeps {v or 0:.0f} person-days aboard without a lifeboat seat "
                f"(+{self.unseated_person_days:.0f})"
            )
        breach, supply = self.breach_move(), self.supply_move()
        if breach is not None:
            clauses.append(self._breach_words(breach))
        if supply is not None and abs(supply.worse) >= _SHOWN:
            same = breach is not None and supply.stock == breach.stock
            out = self.value.get(_key(supply.stock, "depleted_date"))
            if same and supply.was in (None, supply.stock):
                clauses.append(_supply_words(supply, "its lowest supply", False, out))
            else:
                clauses.append(_supply_words(supply, "the lowest ", True, out))
        if not clauses:
            return f"{action} changes none of the margins"
        if len(clauses) == 1:
            return f"{action} {clauses[0]}"
        return f"{action} {', '.join(clauses[:-1])} and {clauses[-1]}"

    def _breach_words(self, m: Move) -> str:
        """What happened to the breach of ``m`` (from :meth:`breach_move`), with dates."""
        name = stock_name(m.stock)
        was = f"the base run's first ({stock_name(m.was)}, {m.was_date})" if m.was else ""
        if m.first is not None and m.first > 0:
            if m.base is None and m.was is None:
                return f"brings a first {name} breach on {m.value} (none by {self.horizon})"
            an = article(name)
            if m.base is None:
                return f"brings {an} {name} breach on {m.value}, {m.first:.0f} days before {was}"
            if m.stock != m.was:
                return (
                    f"moves the {name} breach {m.worse:.0f} days earlier ({m.base} -> "
                    f"{m.value}), {m.first:.0f} days before {was}"
                )
        if m.first is not None and m.first < 0:
            stock, day = self._first(self.value)
            now = f"{stock_name(stock)} on {_iso(day)}" if stock else f"none by {self.horizon}"
            return (
                f"puts the first breach off {-m.first:.0f} days ({name} on {m.was_date} -> {now})"
            )
        if m.base is None:
            return (
                f"brings {article(name)} {name} breach on {m.value} (none by {self.horizon} "
                "in the base run)"
            )
        if m.value is None:
            return f"removes the {name} breach (was {m.base}; none by {self.horizon})"
        way = "earlier" if m.worse > 0 else "later"
        return (
            f"moves the first {name} breach {abs(m.worse):.0f} days {way} ({m.base} -> {m.value})"
        )


def _first_breach(
    kept: Sequence[Stock], metrics: Mapping[str, Metric], stat: str = _BREACH
) -> tuple[Stock | None, float | None]:
    """The station's first reserve breach in ``metrics`` (or first ``stat`` date, e.g.
    ``depleted_date``): (stock, day number), a segment's stock before its worst-segment
    twin; (None, None) without one."""
    found = []
    for stock in kept:
        day = _days(metrics.get(_key(stock, stat)))
        if day is not None:
            found.append((day, stock[1] is None, stock))
    if not found:
        return None, None
    day, _, stock = min(found)
    return stock, day


def base_line(kept: Sequence[Stock], metrics: Mapping[str, Metric], horizon: str) -> str:
    """The base run in one line: its first reserve breach, its lowest supply (against
    the reserve), its forced returns and uncrewed days."""
    stock, day = _first_breach(kept, metrics)
    first = (
        f"first reserve breach {stock_name(stock)} on {_iso(day)}"
        if stock
        else f"no reserve breach by {horizon}"
    )
    split = {c for c, seg in kept if seg is not None}
    lows = []
    for c, seg in kept:
        low = _number(metrics.get(_key((c, seg), _DOS)))
        if low is not None and (seg is not None or c not in split):
            lows.append((low, stock_name((c, seg))))
    lowest = f"lowest supply {min(lows)[1]} {min(lows)[0]:.1f} days" if lows else ""
    forced = _number(metrics.get("crew.forced_returns")) or 0.0
    uncrewed = sum(_number(metrics.get(mk.uncrewed_key(s))) or 0.0 for s in ("RS", "USOS"))
    parts = [first, lowest, f"{forced:.0f} forced return{'s' * (forced != 1)}",
             f"{uncrewed:.0f} segment-days uncrewed"]  # fmt: skip
    return "; ".join(p for p in parts if p)


def _supply_name(m: Move) -> str:
    """``RS food`` when the lowest supply is in the same segment in both runs, else ``food``."""
    return stock_name(m.stock) if m.was in (None, m.stock) else m.stock[0]


def _supply_words(m: Move, what: str, name: bool = True, out: Metric = None) -> str:
    """The change of a lowest supply (``out``: the date that stock runs out, if it does)."""
    subject = f"{what}{_supply_name(m)} supply" if name else what
    verb = "cuts" if m.worse > 0 else "raises"
    b, v = f"{_number(m.base) or 0:.1f}", f"{_number(m.value) or 0:.1f}"
    if m.was not in (None, m.stock) and m.was is not None:
        b, v = f"{m.was[1]} {b}", f"{m.stock[1]} {v}"
    gone = f"; it runs out on {out}" if out else ""
    return f"{verb} {subject} by {abs(m.worse):.1f} days ({b} -> {v} days{gone})"


def article(name: str) -> str:
    """``a`` or ``an`` before ``name`` as it is read aloud (``an RS``, ``a USOS``)."""
    word = name.split()[0] if name.split() else name
    if word.isupper():
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    return "an" if word[:1].lower() in "aeio" else "a"


def _iso(day: float | None) -> str | None:
    """A day number of :func:`_days` as an ISO date."""
    return None if day is None else date.fromordinal(int(day)).isoformat()


def _tidy(x: float) -> float:
    """``x`` rounded so that float noise below :data:`_TIE` never orders two changes."""
    return round(x, 6) + 0.0


def _worst(moves: list[Move]) -> Move | None:
    """The largest loss (a segment's stock before the worst-segment twin at a tie), or,
    with no loss, the largest gain."""
    if not moves:
        return None
    losses = [m for m in moves if m.worse > 0]
    if losses:
        return max(losses, key=lambda m: (_tidy(m.worse), m.stock[1] is not None))
    return max(moves, key=lambda m: (-_tidy(m.worse), m.stock[1] is not None))
