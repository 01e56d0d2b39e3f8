"""The scenario language: ``extends`` chains: merging by id, ``remove``, cycles, and
problems located in the file that holds the value.

Every scenario here is tests/data/minimal.yaml, edited, written into ``tmp_path``;
problems are checked for file, line AND column, key path and a distinctive part of the
message (see the scenario-language helpers in tests/conftest.py). Tests named
``test_regression_*`` pin bugs found in ``sim/`` by these tests and since fixed.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from conftest import MINIMAL_TEXT, WriteScenario, at, check, edit, only_problem

import sim

# -- extends ------------------------------------------------------------------------------


def test_extends_chain_error_in_base_is_reported_in_base(write_scenario: WriteScenario) -> None:
    base_text = edit("seed: 1", "seed: -1")
    base = write_scenario(base_text, "base.yaml")
    write_scenario("# the middle\nextends: base.yaml\nname: mid\n", "mid.yaml")
    top = write_scenario("extends: mid.yaml\ndescription: top\n", "top.yaml")
    p = only_problem(top)
    check(p, base, at(base_text, "seed:"), "seed", "greater than or equal to 0 (got -1)")


def test_extends_chain_merges_child_over_base(write_scenario: WriteScenario) -> None:
    base = write_scenario(MINIMAL_TEXT, "base.yaml")
    mid = write_scenario("# the middle\nextends: base.yaml\nname: mid\nseed: 5\n", "mid.yaml")
    top = write_scenario("extends: mid.yaml\ndescription: top\nseed: 9\n", "top.yaml")
    s = sim.load_scenario(top)
    assert (s.name, s.description, s.seed) == ("mid", "top", 9)
    assert [f.id for f in s.flights] == ["Progress 1", "Soyuz B"]  # from the base
    assert s.files == tuple(str(p.resolve()) for p in (top, mid, base))
    assert s.file_sha256 == hashlib.sha256(top.read_bytes()).hexdigest()


def test_extends_error_in_child_part_of_merged_item_is_reported_in_child(
    write_scenario: WriteScenario,
) -> None:
    write_scenario(MINIMAL_TEXT, "base.yaml")
    child_text = "extends: base.yaml\nflights:\n  - id: Progress 1\n    vehicle: progres\n"
    child = write_scenario(child_text, "child.yaml")
    p = only_problem(child)
    check(
        p, child, at(child_text, "vehicle:"), "flights.Progress 1.vehicle", "unknown vehicle type"
    )


def test_extends_error_in_base_part_of_merged_item_is_reported_in_base(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    base_text = edit(
        "    pad: baikonur-31\n    launch: 2026-01-10",
        "    pad: baikonur-3\n    launch: 2026-01-10",
    )
    base = write_scenario(base_text, "base.yaml")
    child = write_scenario(
        "extends: base.yaml\nflights:\n  - id: Progress 1\n    launch: 2026-02-01\n",
        "child.yaml",
    )
    p = only_problem(child)
    check(p, base, at(base_text, "pad: baikonur-3\n"), "flights.Progress 1.pad", "unknown pad")


def test_extends_merges_list_items_by_id(tmp_path: Path, write_scenario: WriteScenario) -> None:
    write_scenario(MINIMAL_TEXT, "base.yaml")
    child = write_scenario(
        "extends: base.yaml\n"
        "flights:\n"
        "  - id: Progress 1\n"
        "    launch: 2026-02-01\n"
        "  - id: Progress 2\n"
        "    vehicle: progress\n"
        "    pad: baikonur-31\n"
        "    launch: 2026-03-01\n",
        "child.yaml",
    )
    s = sim.load_scenario(child)
    got = [(f.id, f.vehicle, f.pads, f.launch) for f in s.flights]
    assert got == [
        ("Progress 1", "progress", ["baikonur-31"], date(2026, 2, 1)),  # one field overridden
        ("Soyuz B", "soyuz", ["baikonur-31"], date(2026, 5, 1)),  # inherited as is
        ("Progress 2", "progress", ["baikonur-31"], date(2026, 3, 1)),  # added
    ]


def test_extends_remove_deletes_an_inherited_item(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    write_scenario(MINIMAL_TEXT, "base.yaml")
    child = write_scenario(
        "extends: base.yaml\nflights:\n  - id: Progress 1\n    remove: true\n",
        "child.yaml",
    )
    s = sim.load_scenario(child)
    assert [f.id for f in s.flights] == ["Soyuz B"]


def test_extends_remove_of_an_unknown_id(write_scenario: WriteScenario) -> None:
    write_scenario(MINIMAL_TEXT, "base.yaml")
    text = "extends: base.yaml\nflights:\n  - id: Progres 1\n    remove: true\n"
    child = write_scenario(text, "child.yaml")
    p = only_problem(child)
    check(
        p,
        child,
        at(text, "id: Progres 1"),
        "flights.Progres 1",
        "remove: nothing inherited has id 'Progres 1'; did you mean 'Progress 1'?",
    )


def test_extends_replaces_lists_without_ids(tmp_path: Path, write_scenario: WriteScenario) -> None:
    write_scenario(MINIMAL_TEXT, "base.yaml")
    child = write_scenario(
        "extends: base.yaml\n"
        "vehicles:\n"
        "  - id: progress\n"
        "    ports: [us-port]\n"
        "pads:\n"
        "  - id: baikonur-31\n"
        "    families: [soyuz-2, proton]\n"
        "    outages: []\n",
        "child.yaml",
    )
    s = sim.load_scenario(child)
    assert s.vehicles[1].ports == ["us-port"]  # not [rs-port, us-port, us-port]
    assert s.pads[0].families == ["soyuz-2", "proton"]  # not [soyuz-2, soyuz-2, proton]
    assert s.pads[0].outages == []  # an empty list replaces the inherited one
    assert s.vehicles[1].cargo == {"food": 90.0}  # untouched fields stay inherited


def test_extends_cycle(write_scenario: WriteScenario) -> None:
    a = write_scenario("extends: b.yaml\nname: a\n", "a.yaml")
    b_text = "name: b\nextends: a.yaml\n"
    b = write_scenario(b_text, "b.yaml")
    p = only_problem(a)
    check(p, b, at(b_text, "extends:"), "extends", "extends cycle: a.yaml -> b.yaml -> a.yaml")


def test_extends_itself(write_scenario: WriteScenario) -> None:
    me = write_scenario("name: me\nextends: me.yaml\n", "me.yaml")
    p = only_problem(me)
    check(p, me, (2, 1), "extends", "extends cycle: me.yaml -> me.yaml")


def test_extends_missing_file_is_located_at_the_extends_key(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    text = "# child\nname: child\nextends: nothere.yaml\n"
    child = write_scenario(text, "child.yaml")
    p = only_problem(child)
    check(p, child, at(text, "extends:"), "extends", f"file not found: {tmp_path / 'nothere.yaml'}")


@pytest.mark.parametrize("value", ["5", "''", "[a.yaml]", "null"])
def test_extends_must_be_a_path(tmp_path: Path, value: str, write_scenario: WriteScenario) -> None:
    text = f"extends: {value}\n" + MINIMAL_TEXT
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", (1, 1), "extends", "expected the path of a scenario file")


def test_extends_base_not_a_mapping(write_scenario: WriteScenario) -> None:
    base = write_scenario("- a\n", "base.yaml")
    child = write_scenario("extends: base.yaml\n", "child.yaml")
    p = only_problem(child)
    check(p, base, (1, 1), "", "a scenario must be a YAML mapping")
