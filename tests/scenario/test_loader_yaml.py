"""The scenario language: located YAML: syntax errors, non-mappings, unreadable files,
anchors and merge keys, deep nesting.

Every scenario here is tests/data/minimal.yaml, edited, written into ``tmp_path``;
problems are checked for file, line AND column, key path and a distinctive part of the
message (see the scenario-language helpers in tests/conftest.py). Tests named
``test_regression_*`` pin bugs found in ``sim/`` by these tests and since fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_TEXT, WriteScenario, at, check, edit, only_problem, problems_of

import sim

# -- not YAML, not a mapping, no file -----------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "snippet"),
    [
        # the parser notices the unclosed '[' at the ':' after the next key
        ("families: [soyuz-2]", "families: [soyuz-2", "turnaround_days^: 15"),
        ("    site: Baikonur", "\tsite: Baikonur", "\tsite"),
        ("    site: Baikonur", "    site: Baikonur: 1", "Baikonur^: 1"),
        ("    ready_days: 10\n", "   ready_days: 10\n", "ready_days: 10"),
    ],
    ids=["unclosed-bracket", "tab", "colon-in-plain-value", "bad-indentation"],
)
def test_yaml_syntax_error_is_located(
    tmp_path: Path, old: str, new: str, snippet: str, write_scenario: WriteScenario
) -> None:
    """The problem names the file and the line where the parser found the error (libyaml
    and the pure-Python parser word the message differently and may point a column or the
    line before)."""
    text = edit(old, new)
    p = only_problem(write_scenario(text))
    line, _ = at(text, snippet)
    assert p.mark.file == str(tmp_path / "scenario.yaml")
    assert line - 1 <= p.mark.line <= line, str(p)
    assert p.mark.col >= 1 and p.path == ""
    assert p.message.startswith("not valid YAML: ") and len(p.message) > 20, str(p)


def test_unclosed_quote_is_reported_at_the_end_of_the_file(
    tmp_path: Path, write_scenario: WriteScenario
) -> None:
    text = edit("name: minimal", "name: 'minimal")
    p = only_problem(write_scenario(text))
    end = (len(text.splitlines()) + 1, 1)
    check(p, tmp_path / "scenario.yaml", end, "", "not valid YAML", "unexpected end of stream")


def test_second_yaml_document_is_refused(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = MINIMAL_TEXT + "---\nname: other\n"
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", at(text, "---"), "", "not valid YAML")


def test_impossible_date_is_located(tmp_path: Path, write_scenario: WriteScenario) -> None:
    text = edit("launch: 2026-05-01", "launch: 2026-02-30")
    p = only_problem(write_scenario(text))
    check(
        p, tmp_path / "scenario.yaml", at(text, "2026-02-30"), "", "not a real date: '2026-02-30'"
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("- name: a\n- name: b\n", "this is a"),
        ("just a sentence\n", "this is a"),
        ("42\n", "this is a"),
        ("", "this is empty"),
        ("# only a comment\n", "this is empty"),
    ],
    ids=["list", "string", "number", "empty", "comment-only"],
)
def test_not_a_mapping(
    tmp_path: Path, text: str, fragment: str, write_scenario: WriteScenario
) -> None:
    p = only_problem(write_scenario(text))
    check(p, tmp_path / "scenario.yaml", (1, 1), "", "a scenario must be a YAML mapping", fragment)


@pytest.mark.parametrize("text", ["- a\n", "x\n", ""])
def test_parse_scenario_not_a_mapping(text: str) -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.parse_scenario(text, "inline")
    assert str(info.value) == "inline:1:1: a scenario must be a YAML mapping"


def test_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path)
    assert str(info.value) == f"{path}:1:1: file not found: {path}"


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    p = only_problem(path)
    check(p, path, (1, 1), "", f"not UTF-8 text (byte 10): {path}")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    p = only_problem(tmp_path)
    check(
        p, tmp_path, (1, 1), "", f"a folder, but a scenario file must be a regular file: {tmp_path}"
    )


def test_parse_scenario_refuses_extends() -> None:
    text = "extends: base.yaml\n" + MINIMAL_TEXT
    with pytest.raises(sim.ScenarioError) as info:
        sim.parse_scenario(text, "inline")
    assert str(info.value) == "inline:1:1: extends: extends needs a file: use load"


# -- regressions ---------------------------------------------------------------------


def test_regression_yaml_merge_key_override(write_scenario: WriteScenario) -> None:
    text = edit(
        "  - id: Soyuz B\n    vehicle: soyuz\n    pad: baikonur-31\n",
        "  - <<: *progress1\n    id: Soyuz B\n    vehicle: soyuz\n",
    )
    text = edit("  - id: Progress 1\n", "  - &progress1\n    id: Progress 1\n", text)
    s = sim.load_scenario(write_scenario(text))
    assert [(f.id, f.vehicle, f.pads) for f in s.flights][1] == (
        "Soyuz B",
        "soyuz",
        ["baikonur-31"],
    )


def test_regression_deeply_nested_yaml(write_scenario: WriteScenario) -> None:
    text = edit("seed: 1", "seed: " + "[" * 3000 + "]" * 3000)
    problems_of(write_scenario(text))


def test_regression_duplicate_yaml_key_path_is_not_a_key_path(
    write_scenario: WriteScenario,
) -> None:
    text = edit("    site: Baikonur\n", "    site: Baikonur\n    site: Plesetsk\n")
    p = only_problem(write_scenario(text))
    assert p.path in {"pads.0.site", "pads.baikonur-31.site"}, str(p)
