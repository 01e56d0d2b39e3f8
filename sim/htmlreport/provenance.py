"""Where a result's numbers come from: the ``source:`` and ``assumption:`` notes of its
scenario file (and of the files it extends), if that file is still there and unchanged.

A result names its scenario file (``scenario_file``) and records the sha256 of that file
(``scenario_file_sha256``, runs only) and of the resolved scenario (``scenario_sha256``).
The notes are listed only from a file that is present and loads; whether it is the one
the result was made from is said in plain words (:attr:`Provenance.message`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import read_source, scenario_digest
from sim.scenario.model import Scenario
from sim.scenario.yamlsource import LDict, describe_path

__all__ = ["Note", "Provenance", "Status", "notes_of", "provenance"]

Status = Literal["unchanged", "differs", "changed", "missing", "unreadable", "unnamed"]
"""``unchanged``: the file and the scenario it resolves to are the result's; ``differs``:
the file is there but resolves to another scenario (an extended file changed, or the run
had ``--set`` overrides); ``changed``: the file's own bytes changed (no notes listed);
``missing``, ``unreadable`` (it no longer loads), ``unnamed`` (the result names none)."""

CITES = ("source", "assumption")


@dataclass(frozen=True)
class Note:
    """One object of the scenario that cites a source or states an assumption."""

    path: str
    """Its key path, list items by id (``pads.baikonur-31.outages.0``); ``(scenario)``
    for the top level."""
    where: str
    """``FILE:LINE`` of the note (the file of the ``extends`` chain that sets it)."""
    sources: tuple[str, ...]
    assumption: str | None


@dataclass(frozen=True)
class Provenance:
    """What is known of a result's scenario file, and its notes."""

    file: str | None
    status: Status
    message: str
    """One or two plain sentences: the file and whether it is the result's."""
    notes: list[Note] = field(default_factory=list)
    scenario: Scenario | None = None
    """The scenario as the file resolves now (None unless it loaded); the result's own
    only when :attr:`status` is ``unchanged`` (and the run had no overrides)."""

    @property
    def trusted(self) -> bool:
        """Whether the scenario loaded is the one the result was made from."""
        return self.status == "unchanged"


def provenance(meta: Mapping[str, Any], what: str = "the run") -> Provenance:
    """The provenance of a result whose ``summary.json`` (or ``montecarlo.json``) is
    ``meta``; ``what`` names it in the message (``the run``, ``the ensemble``)."""
    name = meta.get("scenario_file")
    if not isinstance(name, str) or not name:
        return Provenance(
            None, "unnamed", f"The result names no scenario file ({what} was given its "
            "scenario as text), so its sources and assumptions cannot be listed.",
        )  # fmt: skip
    path = Path(name)
    if not path.is_file():
        return Provenance(
            name, "missing", f"The scenario file {name} is not here (moved, deleted, or "
            "another machine's path): its sources and assumptions cannot be listed.",
        )  # fmt: skip
    try:
        src = read_source(path)
        scenario = src.build()
    except (ScenarioError, OSError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Provenance(
            name, "unreadable", f"The scenario file {name} no longer loads ({first}): "
            "its sources and assumptions cannot be listed.",
        )  # fmt: skip
    recorded = meta.get("scenario_file_sha256")
    if isinstance(recorded, str) and recorded != src.file_sha256:
        return Provenance(
            name, "changed", f"The scenario file {name} has CHANGED since {what} (its sha256 "
            f"is {src.file_sha256[:12]}…, {what} recorded {recorded[:12]}…): its notes may "
            "not be the ones behind these numbers, so none are listed.",
        )  # fmt: skip
    notes = notes_of(src.data, path)
    same = meta.get("scenario_sha256") == scenario_digest(scenario)
    if same:
        message = (
            f"The scenario file {name} is unchanged since {what} (the scenario it resolves "
            f"to has the sha256 {what} recorded): {len(notes)} of its objects cite a "
            "source or state an assumption."
        )
        return Provenance(name, "unchanged", message, notes, scenario)
    cause = (
        "a file it extends changed, or the run had --set overrides"
        if isinstance(recorded, str)
        else "the file or a file it extends changed, or --set overrides were given"
    )
    message = (
        f"The scenario file {name} is there, but it resolves to a different scenario than "
        f"{what}'s ({cause}): the notes below are the files' as they are now, and a value "
        f"{what} used may differ from the file's."
    )
    return Provenance(name, "differs", message, notes, scenario)


def notes_of(data: LDict, top: Path) -> list[Note]:
    """Every object of the merged scenario ``data`` that has a ``source`` or an
    ``assumption``, in file order (``top``: the scenario file, for shorter file names)."""
    found: list[Note] = []

    def visit(node: Any, loc: tuple[Any, ...]) -> None:
        if isinstance(node, dict):
            if any(k in node for k in CITES):
                found.append(_note(node, loc))
            for key, value in node.items():
                if key not in (*CITES, "note"):
                    visit(value, (*loc, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                visit(item, (*loc, i))

    def _note(node: dict[Any, Any], loc: tuple[Any, ...]) -> Note:
        marks = getattr(node, "key_marks", {})
        mark = marks.get("source") or marks.get("assumption")
        where = f"{_short(mark.file, top)}:{mark.line}" if mark is not None else "?"
        raw = node.get("source")
        sources = tuple(str(s) for s in raw) if isinstance(raw, list) else ()
        if raw is not None and not isinstance(raw, list):
            sources = (str(raw),)
        text = node.get("assumption")
        return Note(
            describe_path(loc, data) or "(scenario)",
            where,
            sources,
            None if text is None else str(text),
        )

    visit(data, ())
    return found


def _short(file: str, top: Path) -> str:
    """``file`` relative to the scenario file's folder when it is inside it."""
    try:
        rel = os.path.relpath(os.path.realpath(file), os.path.realpath(top.parent))
    except ValueError:  # another drive (Windows)
        return file
    return file if rel.startswith("..") else rel
