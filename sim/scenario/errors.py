"""The one error type a user sees for a bad scenario, with located problems."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


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
        where = f"{self.path}: " if self.path else ""
        return f"{self.mark}: {where}{self.message}"


class ScenarioError(Exception):
    """A scenario (or an override) is unusable; ``problems`` lists every reason found.

    ``str(error)`` is one ``FILE:LINE:COL: key.path: message`` line per problem.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(
            set(problems), key=lambda p: (p.mark.file, p.mark.line, p.mark.col, p.path)
        )
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: Any, choices: Iterable[Any], cutoff: float = 0.6) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices`` to ``word``, or ``""``."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=cutoff)
    return f"; did you mean {close[0]!r}?" if close else ""
