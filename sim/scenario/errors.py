"""The one error type a user sees for a bad scenario, with located problems."""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE_CHARS = 300
"""Longest message of one problem (a longer one is cut)."""
MAX_PATH_CHARS = 120
"""Longest key path shown."""
MAX_PROBLEMS_SHOWN = 50
"""Most problems listed in one error (the rest are counted)."""


@dataclass(frozen=True)
class Mark:
    """A place in a source: file name, 1-based line and column."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where, which key path, and what."""

    mark: Mark
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{_cut(self.path, MAX_PATH_CHARS)}: " if self.path else ""
        return f"{self.mark}: {where}{_cut(self.message, MAX_MESSAGE_CHARS)}"


class ScenarioError(Exception):
    """A scenario (or an override) is unusable; ``problems`` lists every reason found.

    ``str(error)`` is one ``FILE:LINE:COL: key.path: message`` line per problem.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(
            set(problems), key=lambda p: (p.mark.file, p.mark.line, p.mark.col, p.path)
        )
        lines = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"... and {len(self.problems) - MAX_PROBLEMS_SHOWN} more problems")
        super().__init__("\n".join(lines))


def did_you_mean(word: Any, choices: Iterable[Any], cutoff: float = 0.6) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices`` to ``word``, or ``""``."""
    text = str(word)[:200]  # difflib is quadratic in the lengths
    close = difflib.get_close_matches(text, [str(c)[:200] for c in choices], n=1, cutoff=cutoff)
    return f"; did you mean {short(close[0])}?" if close else ""


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxtuple = 2, 4, 4, 4
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = 40, 40, 40


def short(value: Any, limit: int = 48) -> str:
    """A value written by a user, for an error message: its repr, bounded in size whatever
    the value (an alias-expanded structure is not walked in full), non-printable characters
    escaped, at most ``limit`` characters."""
    text = _REPR.repr(value)
    if not text.isprintable():
        text = text.encode("unicode_escape", "backslashreplace").decode("ascii")
    return _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
