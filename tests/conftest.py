"""Shared test helpers: small scenarios built in code, with exact, hand-checkable numbers.

The folders mirror sim/'s packages: scenario/, engine/, results/, experiments/, compare/,
plots/, cli/, and shipped/ for the files shipped in scenarios/, baselines/ and seeds/
(test_architecture.py, at the top, checks the package layout itself). There is no ``__init__.py``:
this is the only conftest.py, imported as ``conftest`` (``from conftest import base_dict``),
so test file names must be unique across the folders.

Fixtures: ``write_scenario(content, name="scenario.yaml") -> Path`` (YAML text or a dict,
into tmp_path), ``cli(*argv) -> (exit_code, stdout, stderr)`` (sim.cli.main in-process),
and ``minimal_file`` (tests/data/minimal.yaml written into tmp_path).
"""

from __future__ import annotations

import contextlib
import copy
import os
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

os.environ.setdefault("MPLBACKEND", "Agg")

import sim
from sim.cli import main
from sim.scenario.errors import Problem

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EPOCH = date(2026, 1, 1)


def day(n: float) -> date:
    """The date ``n`` whole days after the test epoch."""
    return EPOCH + timedelta(days=n)


def base_dict(crew: int = 3, stock_kg: float = 300.0, horizon_days: int = 400) -> dict[str, Any]:
    """One RS crew vehicle docked with ``crew`` people, one consumable at 1 kg/crew-day,
    one Soyuz pad with no outage, and no flights."""
    return {
        "name": "analytic",
        "epoch": EPOCH,
        "horizon": day(horizon_days),
        "seed": 7,
        "station": {
            "ports": [
                {"id": "p1", "segment": "RS", "kind": "docking"},
                {"id": "p2", "segment": "RS", "kind": "docking"},
                {"id": "cargo", "segment": "USOS", "kind": "CBM"},
            ],
            "consumables": [
                {
                    "id": "food",
                    "per_crew_day": 1.0,
                    "initial": {"kg": stock_kg},
                    "reserve_days": 45,
                }
            ],
            "docked": [
                {
                    "id": "Lifeboat",
                    "vehicle": "capsule",
                    "port": "p1",
                    "docked": EPOCH,
                    "crew": {"RS": crew},
                }
            ],
        },
        "pads": [{"id": "pad", "site": "Test", "families": ["rocket"], "turnaround_days": 0}],
        "vehicles": [
            {
                "id": "capsule",
                "family": "rocket",
                "role": "crew",
                "seats": 3,
                "transit_days": 1,
                "docked_life_days": 10_000,
                "ports": ["p1", "p2"],
            },
            {
                "id": "freighter",
                "family": "rocket",
                "role": "cargo",
                "transit_days": 2,
                "docked_life_days": 10_000,
                "stay_days": 30,
                "ports": ["cargo"],
            },
        ],
        "flights": [],
    }


def cargo_flight(fid: str, launch_day: float, kg: float, **extra: Any) -> dict[str, Any]:
    """A freighter flight (2 days transit) bringing ``kg`` of food."""
    return {
        "id": fid,
        "vehicle": "freighter",
        "pad": "pad",
        "launch": day(launch_day),
        "cargo": {"food": kg},
        **extra,
    }


def crew_flight(fid: str, launch_day: float, crew: int = 3, **extra: Any) -> dict[str, Any]:
    """A capsule flight (1 day transit) bringing ``crew`` RS crew."""
    return {
        "id": fid,
        "vehicle": "capsule",
        "pad": "pad",
        "launch": day(launch_day),
        "crew": {"RS": crew},
        **extra,
    }


def build(data: dict[str, Any], overrides: list[str] | None = None) -> sim.Scenario:
    """Validate a scenario dict through the real YAML loader."""
    text = yaml.safe_dump(copy.deepcopy(data), sort_keys=False)
    return sim.parse_scenario(text, "<test>", overrides or [])


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the test if the block runs longer (a hang becomes a failure;
    SIGALRM, so only in the main thread, where pytest runs tests)."""

    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def shipped_scenarios() -> list[Path]:
    """Every scenario file shipped in scenarios/."""
    return sorted((ROOT / "scenarios").glob("*.yaml"))


def as_an_editor_sees_it(node: Any) -> Any:
    """YAML data (from yaml.safe_load) with its dates and date-times as ISO strings, as a
    JSON Schema validator in an editor sees them."""
    if isinstance(node, dict):
        return {k: as_an_editor_sees_it(v) for k, v in node.items()}
    if isinstance(node, list):
        return [as_an_editor_sees_it(v) for v in node]
    if isinstance(node, date):  # a datetime is a date too
        return node.isoformat()
    return node


# -- scenario-language helpers: tests/data/minimal.yaml, edited, with exact locations ------

MINIMAL_TEXT = (DATA / "minimal.yaml").read_text(encoding="utf-8")
REPAIR = "pads.baikonur-31.outages.0.repair_days"


def edit(old: str, new: str, text: str = MINIMAL_TEXT) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def edits(*pairs: tuple[str, str], text: str = MINIMAL_TEXT) -> str:
    """``text`` with every ``(old, new)`` edit applied in turn."""
    for old, new in pairs:
        text = edit(old, new, text)
    return text


def at(text: str, snippet: str) -> tuple[int, int]:
    """1-based (line, column) of the unique ``snippet`` in ``text``: of its first character,
    or of the character after a ``^`` marker in it (``"[^us-port]"`` points at the ``u``)."""
    shift = snippet.index("^") if "^" in snippet else 0
    snippet = snippet.replace("^", "")
    assert text.count(snippet) == 1, f"{snippet!r} occurs {text.count(snippet)} times"
    i = text.index(snippet) + shift
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def problems_of(path: Path, overrides: Sequence[str] = ()) -> list[Problem]:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path, overrides)
    return info.value.problems


def only_problem(path: Path, overrides: Sequence[str] = ()) -> Problem:
    problems = problems_of(path, overrides)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def check(p: Problem, file: str | Path, where: tuple[int, int], path: str, *fragments: str) -> None:
    """``p`` is at ``file:line:col``, names ``path`` and its message holds every fragment."""
    assert (p.mark.file, p.mark.line, p.mark.col) == (str(file), *where), str(p)
    assert p.path == path, str(p)
    for fragment in fragments:
        assert fragment in p.message, str(p)


@pytest.fixture
def minimal_file(write_scenario: WriteScenario) -> Path:
    return write_scenario(MINIMAL_TEXT)


# -- shared fixtures: writing a scenario file, running the CLI in-process ----------------

WriteScenario = Callable[..., Path]
"""``write_scenario(content, name="scenario.yaml") -> Path``: see :func:`write_scenario`."""

Cli = Callable[..., tuple[int, str, str]]
"""``cli(*argv) -> (exit_code, stdout, stderr)``: see :func:`cli`."""


@pytest.fixture
def write_scenario(tmp_path: Path) -> WriteScenario:
    """``write_scenario(content, name="scenario.yaml") -> Path``: write ``content`` to
    ``tmp_path / name`` and return the path. ``content`` is YAML text, written as is, or a
    scenario mapping (e.g. from :func:`base_dict`), dumped as YAML in its key order."""

    def write(content: str | Mapping[str, Any], name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            text = content
        else:
            text = yaml.safe_dump(copy.deepcopy(dict(content)), sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli(*argv) -> (exit_code, stdout, stderr)``: run ``sim.cli.main`` in-process on
    ``argv`` (each turned into a string, so paths and numbers can be passed as they are) and
    return its exit code and what it printed; output printed before the call is dropped."""

    def run(*argv: str | Path | float) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-long",
        action="store_true",
        default=False,
        help="fuzz the CLI with 10,000 mutated scenarios instead of a few hundred",
    )
