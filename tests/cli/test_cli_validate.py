"""`iss-sim validate`, `schema`, `--version` and usage errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import Cli, WriteScenario, at, edit

import sim
from sim.cli import main

# -- CLI ----------------------------------------------------------------------------------


def test_cli_validate_ok(minimal_file: Path, cli: Cli) -> None:
    code, out, err = cli("validate", str(minimal_file))
    assert code == 0
    assert out == f"{minimal_file}: ok (minimal: 2 flights, 1 pads)\n"
    assert err == ""


def test_cli_validate_bad(write_scenario: WriteScenario, cli: Cli) -> None:
    text = edit("seed: 1", "seed: -1")
    bad = write_scenario(text, "bad.yaml")
    code, out, err = cli("validate", str(bad))
    assert code == 2
    line, col = at(text, "seed:")
    assert out == ""
    assert err == f"{bad}:{line}:{col}: seed: Input should be greater than or equal to 0 (got -1)\n"
    assert "Traceback" not in err


def test_cli_validate_several_files(tmp_path: Path, minimal_file: Path, cli: Cli) -> None:
    missing = tmp_path / "missing.yaml"
    code, out, err = cli("validate", str(minimal_file), str(missing))
    assert code == 2
    assert "ok" in out
    assert err == f"{missing}:1:1: file not found: {missing}\n"


def test_cli_validate_with_set(minimal_file: Path, cli: Cli) -> None:
    code, _, err = cli("validate", str(minimal_file), "--set", "seed=-1")
    assert code == 2
    assert err.startswith("--set:1:6: seed: ")
    assert "Traceback" not in err
    assert main(["validate", str(minimal_file), "--set", "seed=7"]) == 0


def test_cli_schema(cli: Cli) -> None:
    code, out, _ = cli("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:iss-logistics-sim:schema:scenario"
    assert schema["else"] == {"$ref": "#/$defs/Scenario"}
    assert {"flights", "pads", "vehicles", "station", "epoch", "horizon"} <= set(
        schema["$defs"]["Scenario"]["properties"]
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


def test_cli_version(cli: Cli) -> None:
    code, out, _ = cli("--version")
    assert code == 0
    assert out.strip() == f"iss-sim {sim.__version__}"


def test_cli_usage_error(cli: Cli) -> None:
    code, _, err = cli("validate")
    assert code == 2
    assert "usage:" in err
