"""What users expect of a Python CLI: -q/-v through logging on every command, help text for
every subcommand and positional argument, progress bars only on a terminal."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Cli

from sim.cli import build_parser

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def test_a_note_is_shown_by_default_and_hidden_by_quiet(tmp_path: Path, cli: Cli) -> None:
    code, _, err = cli("montecarlo", BASELINE, "-n", 3, "-o", tmp_path / "a")
    assert code == 0 and "note: no distribution in the scenario" in err
    code, _, err = cli("montecarlo", BASELINE, "-n", 3, "-o", tmp_path / "b", "-q")
    assert code == 0 and err == ""


def test_verbose_says_what_is_being_done(tmp_path: Path, cli: Cli) -> None:
    code, _, err = cli("run", BASELINE, "-o", tmp_path / "r", "-v")
    assert code == 0
    assert "read " in err and "baseline.yaml (1 file(s) with its extends chain)" in err
    # the count of simpy events is a measure of the work done, not a result: any number
    assert re.search(r"simulated baseline: [1-9][0-9]* simpy events", err)
    code, _, err = cli("run", BASELINE, "-o", tmp_path / "r2")
    assert code == 0 and err == ""


def test_quiet_and_verbose_exclude_each_other(cli: Cli) -> None:
    code, _, err = cli("validate", BASELINE, "-q", "-v")
    assert code == 2 and "not allowed with argument" in err


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(_subparsers()))
def test_every_command_and_positional_argument_has_help(name: str) -> None:
    sub = _subparsers()[name]
    options = {o for a in sub._actions for o in a.option_strings}
    assert {"-q", "-v", "--quiet", "--verbose", "-h"} <= options
    for action in sub._actions:
        if not action.option_strings:  # a positional argument
            assert action.help, f"{name}: {action.dest} has no help"


def test_python_dash_m_sim_is_iss_sim() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(BASELINE)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout
