"""The committed schema/scenario.schema.json: up to date with the model, and every shipped
scenario points at it and passes it as an editor sees the file (dates are strings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, Cli, as_an_editor_sees_it, shipped_scenarios
from jsonschema import Draft202012Validator

SCHEMA_FILE = ROOT / "schema" / "scenario.schema.json"
MODELINE = "# yaml-language-server: $schema=../schema/scenario.schema.json"
REGENERATE = "iss-sim schema -o schema/scenario.schema.json"


def committed_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_committed_schema_is_what_iss_sim_schema_prints(cli: Cli) -> None:
    code, printed, _ = cli("schema")
    assert code == 0
    committed = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.is_file() else ""
    assert printed == committed, (
        f"{SCHEMA_FILE.relative_to(ROOT)} is out of date with sim/scenario/model.py: "
        f"regenerate it with `{REGENERATE}` and commit it"
    )


def test_schema_option_o_writes_what_it_prints(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    code, printed, _ = cli("schema", "-o", str(target))
    assert (code, printed) == (0, "")
    assert target.read_text(encoding="utf-8") == cli("schema")[1]


def test_committed_schema_is_a_valid_draft_2020_12_schema_with_an_id() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:iss-logistics-sim:schema:scenario"


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_shipped_scenario_passes_the_committed_schema(path: Path) -> None:
    data = as_an_editor_sees_it(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in committed_validator().iter_errors(data)
    ]
    assert errors == []


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_shipped_scenario_points_its_editor_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE
    assert (path.parent / first.split("$schema=", 1)[1]).resolve() == SCHEMA_FILE.resolve()


def test_a_variant_is_checked_by_the_partial_schema_and_a_full_file_by_the_full_one() -> None:
    # without this, a shipped-file test could pass because everything went to one branch
    v = committed_validator()
    text = (ROOT / "scenarios" / "site31-repair-180d.yaml").read_text(encoding="utf-8")
    variant = as_an_editor_sees_it(yaml.safe_load(text))
    assert v.is_valid(variant)
    del variant["extends"]
    assert not v.is_valid(variant)  # without extends it must be a whole scenario
