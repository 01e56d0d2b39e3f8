"""`iss-sim validate`, `schema`, `--version` and usage errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import WriteScenario, at, edit

import sim
from sim.cli import main

# -- CLI ----------------------------------------------------------------------------------


def test_cli_validate_ok(minimal_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(minimal_file)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{minimal_file}: ok (minimal: 2 flights, 1 pads)\n"
    assert err == ""


def test_cli_validate_bad(
    capsys: pytest.CaptureFixture[str], write_scenario: WriteScenario
) -> None:
    text = edit("seed: 1", "seed: -1")
    bad = write_scenario(text, "bad.yaml")
    assert main(["validate", str(bad)]) == 2
    out, err = capsys.readouterr()
    line, col = at(text, "seed:")
    assert out == ""
    assert err == f"{bad}:{line}:{col}: seed: Input should be greater than or equal to 0 (got -1)\n"
    assert "Traceback" not in err


def test_cli_validate_several_files(
    tmp_path: Path, minimal_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.yaml"
    assert main(["validate", str(minimal_file), str(missing)]) == 2
    out, err = capsys.readouterr()
    assert "ok" in out
    assert err == f"{missing}:1:1: file not found: {missing}\n"


def test_cli_validate_with_set(minimal_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(minimal_file), "--set", "seed=-1"]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("--set:1:6: seed: ")
    assert "Traceback" not in err
    assert main(["validate", str(minimal_file), "--set", "seed=7"]) == 0


def test_cli_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out, _ = capsys.readouterr()
    schema = json.loads(out)
    assert {"flights", "pads", "vehicles", "station", "epoch", "horizon"} <= set(
        schema["properties"]
    )

    def one_ofs(node: Any) -> Iterator[Any]:
        if isinstance(node, dict):
            if "oneOf" in node:
                yield node["oneOf"]
            for v in node.values():
                yield from one_ofs(v)
        elif isinstance(node, list):
            for v in node:
                yield from one_ofs(v)

    dist_kinds = [
        {k for alt in alts for k in alt.get("properties", {})} for alts in one_ofs(schema)
    ]
    assert any({"triangular", "uniform", "lognormal", "normal", "choice"} <= k for k in dist_kinds)


def test_cli_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out, _ = capsys.readouterr()
    assert out.strip() == f"iss-sim {sim.__version__}"


def test_cli_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2
    _, err = capsys.readouterr()
    assert "usage:" in err
