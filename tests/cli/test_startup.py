"""``iss-sim`` starts fast: importing :mod:`sim.cli` and running ``validate`` import none of
the heavy packages (plots, experiments, the engine and what they bring), and the lazy
command registry lists every command. Structural, not timed: no timing is asserted."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

from conftest import ROOT

from sim.cli import COMMANDS, build_parser

BASELINE = ROOT / "scenarios" / "baseline.yaml"

HEAVY = (
    "matplotlib",
    "dask",
    "distributed",
    "scipy",
    "numpy",
    "tqdm",
    "sim.engine",
    "sim.results",
    "sim.experiments",
    "sim.comparison",
    "sim.plots",
)
"""Packages that ``validate`` does not need (a package counts with its submodules)."""


def _loaded_after(code: str) -> dict[str, list[str]]:
    """Run ``code`` in a fresh interpreter; the heavy packages loaded at each ``mark(name)``
    it calls, by name."""
    prelude = textwrap.dedent(
        f"""
        import json, sys
        HEAVY = {HEAVY!r}
        marks = {{}}
        def mark(name):
            marks[name] = sorted(
                h for h in HEAVY for m in list(sys.modules) if m == h or m.startswith(h + ".")
            )
        """
    )
    epilogue = "\nsys.stdout.write('\\nMARKS ' + json.dumps(marks) + '\\n')\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code) + epilogue],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("MARKS "))
    marks: dict[str, list[str]] = json.loads(line.removeprefix("MARKS "))
    return marks


def test_import_and_validate_load_no_heavy_package() -> None:
    marks = _loaded_after(
        f"""
        import sim.cli
        mark("import sim.cli")
        code = sim.cli.main(["validate", {str(BASELINE)!r}])
        assert code == 0, code
        mark("validate")
        """
    )
    assert marks == {"import sim.cli": [], "validate": []}


def _choices(parser: argparse.ArgumentParser) -> list[str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def test_the_registry_names_each_module_s_own_command_in_help_order() -> None:
    assert _choices(build_parser()) == list(COMMANDS)
    for name in COMMANDS:
        assert _choices(build_parser(name)) == [name]
