"""Load scenarios: YAML files (with ``extends`` chains and ``--set`` overrides) to a Scenario.

Every problem is reported at once as ``FILE:LINE:COL: key.path: message`` through
:class:`~sim.scenario.errors.ScenarioError`; no other exception escapes for bad input.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from sim.scenario.checks import cross_check
from sim.scenario.errors import Mark, Problem, ScenarioError, did_you_mean, short
from sim.scenario.model import Scenario
from sim.scenario.yamlsource import (
    LDict,
    apply_override,
    describe_path,
    load_chain,
    locate,
    parse_yaml,
    read_bytes,
)

__all__ = ["ScenarioSource", "load_scenario", "parse_scenario", "read_source", "scenario_digest"]


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Load a scenario file, resolve ``extends`` and apply ``PATH=VALUE`` overrides.

    Raises ScenarioError listing every problem with its file, line, column and key path.
    """
    return read_source(path).build(overrides)


@dataclass(frozen=True, eq=False)
class ScenarioSource:
    """A scenario file read once with its ``extends`` chain merged: the located YAML data,
    not yet validated. :meth:`build` makes a Scenario from it with any overrides, in this
    process or in a worker it was shipped to (it pickles), without reading a file again."""

    data: LDict
    files: tuple[str, ...]
    """The scenario file and the files it extends, the given one first."""
    file_sha256: str
    """sha256 of the scenario file's bytes."""

    def build(self, overrides: Sequence[str] = ()) -> Scenario:
        """The scenario with ``PATH=VALUE`` overrides applied; ScenarioError if unusable."""
        scenario = _build(self.data.shallow_copy(), overrides)  # overrides copy what they change
        scenario._files = self.files
        scenario._file_sha256 = self.file_sha256
        return scenario


def read_source(path: str | Path) -> ScenarioSource:
    """Read and merge a scenario file and its ``extends`` chain (ScenarioError if unusable)."""
    data, chain = _load_chain_cached(Path(path))
    try:
        sha = hashlib.sha256(read_bytes(Path(path))).hexdigest()
    except ValueError as exc:  # changed since it was read a moment ago
        raise ScenarioError([Problem(Mark(str(path), 1, 1), "", str(exc))]) from None
    _log.debug("read %s (%d file(s) with its extends chain)", path, len(chain))
    return ScenarioSource(data, tuple(str(p) for p in chain), sha)


_log = logging.getLogger(__name__)

_TOP_KEYS = frozenset(Scenario.model_fields)
"""Keys a scenario file may have at its top level."""

_CHAINS: dict[Path, tuple[list[tuple[Path, bytes]], LDict, list[Path]]] = {}


def _digest(p: Path) -> bytes:
    return hashlib.sha256(read_bytes(p)).digest()


def _load_chain_cached(path: Path) -> tuple[LDict, list[Path]]:
    """load_chain, parsed once per process while no file of the chain changes (sweeps and
    ensembles load one scenario many times with different overrides). The parsed data is
    never mutated: callers copy before applying overrides."""
    key = Path(os.path.realpath(path)) if "\x00" not in str(path) else path
    hit = _CHAINS.get(key)
    if hit is not None:
        try:
            if all(_digest(p) == d for p, d in hit[0]):
                return hit[1], hit[2]
        except ValueError:  # a file of the chain is gone or changed kind: load afresh
            pass
    data, chain = load_chain(path, _TOP_KEYS)
    if len(_CHAINS) >= 64:  # keep the cache small: sweeps reuse one or two chains
        _CHAINS.clear()
    with contextlib.suppress(ValueError):
        _CHAINS[key] = ([(p, _digest(p)) for p in chain], data, chain)
    return data, chain


def parse_scenario(text: str, label: str = "<string>", overrides: Sequence[str] = ()) -> Scenario:
    """Parse a scenario from YAML text (no ``extends``); errors are located in ``label``."""
    data = parse_yaml(text, label)
    if not isinstance(data, LDict):
        raise ScenarioError([Problem(Mark(label, 1, 1), "", "a scenario must be a YAML mapping")])
    if "extends" in data:
        raise ScenarioError(
            [Problem(data.key_marks["extends"], "extends", "extends needs a file: use load")]
        )
    return _build(data, overrides)


def scenario_digest(scenario: Scenario) -> str:
    """sha256 of the resolved scenario (after extends and overrides), canonical JSON."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _build(data: LDict, overrides: Sequence[str]) -> Scenario:
    problems: list[Problem] = []
    for i, text in enumerate(overrides, start=1):
        try:
            apply_override(data, text, i)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems + _schema_problems(data, exc)) from None
    problems += [_problem(data, loc, msg) for loc, msg in cross_check(scenario)]
    if problems:
        raise ScenarioError(problems)
    return _without_late_flights(scenario)


def _without_late_flights(sc: Scenario) -> Scenario:
    """``sc`` without the flights planned to launch after its horizon (a variant that
    shortens the horizon of its base): they are left out, and named in ``sc.left_out``."""
    late = [f.id for f in sc.flights if sc.days(f.launch) > sc.horizon_days]
    if not late:
        return sc
    kept = [f for f in sc.flights if f.id not in late]
    short = sc.model_copy(update={"flights": kept})
    short._left_out = tuple(late)
    return short


def _problem(data: Any, loc: Iterable[Any], message: str) -> Problem:
    mark, found = locate(data, loc)
    return Problem(mark, describe_path(found, data), message)


def _schema_problems(data: LDict, exc: ValidationError) -> list[Problem]:
    merged: dict[tuple[Any, ...], tuple[Any, list[str]]] = {}
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        mark, found = locate(data, loc)
        message = _message(err, loc)
        key = (mark, found)
        if key in merged:
            known = merged[key][1]
            if message.startswith(_A_DATE) and any(m.startswith(_A_DATE) for m in known):
                # a date | date-time union fails twice: keep the one message saying both
                merged[key] = (merged[key][0], [max([*known, message], key=len)])
            elif message not in known:
                known.append(message)
        else:
            merged[key] = (mark, [message])
    problems = []
    for (_, found), (mark, messages) in merged.items():
        problems.append(Problem(mark, describe_path(found, data), "; or ".join(messages)))
    return problems


def _message(err: Any, loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        key = str(loc[-1])
        hint = did_you_mean(key, allowed, cutoff=0.5)
        return f"unknown key {short(key)}{hint} (allowed: {', '.join(allowed)})"
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    if kind in _DATE_ERRORS:
        also = " or a UTC date-time like 2026-03-22T09:27:00Z" * kind.startswith("datetime")
        return f"{_A_DATE}{also} (got {short(err.get('input'), 40)})"
    if kind == "less_than_equal" and "ctx" in err:  # the bounds that keep numbers sane
        bound = err["ctx"].get("le")
        shown = f"{bound:,}" if isinstance(bound, int) else f"{bound:,g}"
        return f"must be at most {shown}{_unit(loc)} (got {short(err.get('input'), 40)})"
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind not in {"value_error", "assertion_error"} and "input" in err:
        msg += f" (got {short(err['input'], 60)})"
    return msg


_DATE_ERRORS = frozenset(
    {
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
        "datetime_type",
        "datetime_parsing",
        "datetime_from_date_parsing",
        "datetime_object_invalid",
    }
)
"""pydantic error types of a value that should have been a date or a date-time."""
_A_DATE = "expected a date like 2026-03-22"


def _unit(loc: tuple[Any, ...]) -> str:
    """The unit of the value at ``loc``, from its key's name (`` days``, `` kg``, ...)."""
    keys = [k for k in loc if isinstance(k, str)]
    key = keys[-1] if keys else ""
    if key.endswith("days") or key == "days":
        return " days"
    if key in ("per_crew_day",):
        return " kg per person per day"
    if key == "fixed_per_day":
        return " kg per day"
    if key.endswith("kg") or "cargo" in keys:
        return " kg"
    return ""


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin is Union or isinstance(tp, types.UnionType):
        return [t for arg in typing.get_args(tp) for t in _unwrap(arg)]
    return [tp]


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found by following ``loc`` from Scenario."""
    current: list[Any] = [Scenario]
    for seg in loc:
        nxt: list[Any] = []
        for tp in current:
            for t in _unwrap(tp):
                origin = typing.get_origin(t)
                if isinstance(t, type) and issubclass(t, BaseModel):
                    field = t.model_fields.get(str(seg))
                    if field is not None:
                        nxt.append(field.annotation)
                elif origin is list and isinstance(seg, int):
                    nxt.append(typing.get_args(t)[0])
                elif origin is dict:
                    nxt.append(typing.get_args(t)[1])
        current = nxt
    for tp in current:
        for t in _unwrap(tp):
            if isinstance(t, type) and issubclass(t, BaseModel):
                return list(t.model_fields)
    return []
