"""The JSON Schema of scenario files (sim.scenario.schema): a variant that ``extends``
another needs none of the base's required keys, yet stays as strict as the model about
names, types and ranges; and on each case below the schema and the loader agree."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, WriteScenario, as_an_editor_sees_it, edit
from jsonschema import Draft202012Validator

import sim
from sim.scenario.schema import scenario_json_schema

BASELINE = ROOT / "scenarios" / "baseline.yaml"
BASELINE_TEXT = BASELINE.read_text(encoding="utf-8")


@cache
def validator() -> Draft202012Validator:
    return Draft202012Validator(
        scenario_json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def schema_accepts(text: str) -> bool:
    return validator().is_valid(as_an_editor_sees_it(yaml.safe_load(text)))


def loader_accepts(path: Path) -> bool:
    try:
        sim.load_scenario(path)
    except sim.ScenarioError:
        return False
    return True


def variant(body: str) -> str:
    """A file extending the shipped baseline (by absolute path) with ``body``."""
    return f"name: v\nextends: {BASELINE}\n{body}"


OUTAGE_180 = "    outages:\n      - start: 2025-11-27\n        repair_days: 180\n"

VARIANTS = {
    # accepted: only what differs from the base
    "pad-with-only-id-and-outages": (True, f"pads:\n  - id: baikonur-31\n{OUTAGE_180}"),
    "flight-with-only-id-and-launch": (True, "flights:\n  - id: CRS-35\n    launch: 2026-08-15\n"),
    "removal-of-an-inherited-flight": (True, "flights:\n  - {id: CRS-35, remove: true}\n"),
    "consumable-with-only-id-and-reserve": (
        True,
        "station:\n  consumables:\n    - {id: food, reserve_days: 30}\n",
    ),
    "half-a-family-uncertainty": (
        True,
        "uncertainty:\n  launch_failures:\n    soyuz-2: {stand_down_days: {uniform: [30, 60]}}\n",
    ),
    # rejected: as strict as the model about names, types and ranges
    "unknown-top-level-key": (False, "epoc: 2025-11-27\n"),
    "misspelled-key-in-a-pad-outage": (
        False,
        "pads:\n  - id: baikonur-31\n    outages: [{start: 2025-11-27, repair_dayz: 3}]\n",
    ),
    "misspelled-key-in-a-flight": (False, "flights:\n  - id: CRS-35\n    lanch: 2026-08-15\n"),
    "triangular-with-two-numbers": (
        False,
        "pads:\n  - id: baikonur-31\n"
        "    outages: [{start: 2025-11-27, repair_days: {triangular: [1, 2]}}]\n",
    ),
    "negative-reserve": (False, "station:\n  consumables:\n    - {id: food, reserve_days: -1}\n"),
    "remove-false": (False, "flights:\n  - {id: CRS-35, remove: false}\n"),
    # a list item merged by id needs its id; a list without ids replaces the base's
    "pad-without-its-id": (False, f"pads:\n  -{OUTAGE_180[3:]}"),
    "outage-without-repair-days": (
        False,
        "pads:\n  - id: baikonur-31\n    outages: [{start: 2025-11-27}]\n",
    ),
}


@pytest.mark.parametrize(("expected", "body"), VARIANTS.values(), ids=VARIANTS.keys())
def test_variant_schema_and_loader_agree(
    expected: bool, body: str, write_scenario: WriteScenario
) -> None:
    text = variant(body)
    assert schema_accepts(text) is expected
    assert loader_accepts(write_scenario(text, "variant.yaml")) is expected


FULL = {
    "the-baseline": (True, BASELINE_TEXT),
    "missing-epoch": (False, edit("epoch: 2025-11-27\n", "", BASELINE_TEXT)),
    "a-pad-with-only-id-and-outages": (
        False,
        edit("  - id: slc-40\n", f"  - id: vostochny\n{OUTAGE_180}  - id: slc-40\n", BASELINE_TEXT),
    ),
    "a-removal-without-extends": (
        False,
        edit(
            "  - id: slc-40\n",
            "  - {id: baikonur-31, remove: true}\n  - id: slc-40\n",
            BASELINE_TEXT,
        ),
    ),
}


@pytest.mark.parametrize(("expected", "text"), FULL.values(), ids=FULL.keys())
def test_full_scenario_schema_and_loader_agree(
    expected: bool, text: str, write_scenario: WriteScenario
) -> None:
    assert schema_accepts(text) is expected
    assert loader_accepts(write_scenario(text, "full.yaml")) is expected


def test_missing_epoch_is_reported_as_a_required_property() -> None:
    data = as_an_editor_sees_it(yaml.safe_load(edit("epoch: 2025-11-27\n", "", BASELINE_TEXT)))
    assert [e.message for e in validator().iter_errors(data)] == ["'epoch' is a required property"]


def _defs() -> dict[str, Any]:
    defs: dict[str, Any] = scenario_json_schema()["$defs"]
    return defs


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"].removeprefix("#/$defs/")
        for v in node.values():
            yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_partial_definitions_keep_every_key_and_require_only_the_id() -> None:
    defs = _defs()
    partial = {n for n in defs if n.startswith("Partial")}
    assert {"PartialScenario", "PartialPad", "PartialFlight", "PartialStation"} <= partial
    for name in partial:
        full = defs[name.removeprefix("Partial")]
        assert set(defs[name]["properties"]) == set(full["properties"]), name
        assert defs[name]["additionalProperties"] is False, name
        want = ["extends"] if name == "PartialScenario" else []
        if "id" in full["properties"] and name != "PartialScenario":
            want = ["id"]
        assert defs[name].get("required", []) == want, name


def test_the_full_schema_never_refers_to_a_partial_definition() -> None:
    defs = _defs()
    full = {n for n in defs if not n.startswith("Partial") and n != "Removal"}
    for name in full:
        assert not [r for r in _refs(defs[name]) if r.startswith("Partial")], name
    # and the model's required keys are all still required there
    assert {"name", "epoch", "horizon", "station", "pads", "vehicles"} <= set(
        defs["Scenario"]["required"]
    )
