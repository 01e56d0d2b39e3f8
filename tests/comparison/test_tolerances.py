"""Tolerances (sim.comparison.tolerances): exact boundaries, first glob wins, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.comparison.tolerances import CompareError, Tolerance, Tolerances, load_tolerances

# Binary fractions throughout, so that every boundary below is exact in float64.


@pytest.mark.parametrize(
    ("tol", "old", "new", "allowed"),
    [
        # |new - old| <= atol + rtol * |old|, the boundary itself allowed
        (Tolerance(rtol=0.5, atol=0), 4.0, 6.0, True),  # 2 <= 0.5 * 4
        (Tolerance(rtol=0.5, atol=0), 4.0, 2.0, True),  # 2 <= 0.5 * 4, downwards
        (Tolerance(rtol=0.5, atol=0), 4.0, 6.0 + 2**-40, False),
        (Tolerance(rtol=0.5, atol=0), 4.0, 2.0 - 2**-40, False),
        # relative to |old|, not |new|: 3 > 0.5 * 4 = 2, although 3 <= 0.5 * 7 = 3.5
        (Tolerance(rtol=0.5, atol=0), 4.0, 7.0, False),
        # and downwards: 4 <= 0.5 * 8 = 4, although 4 > 0.5 * 4 = 2
        (Tolerance(rtol=0.5, atol=0), 8.0, 4.0, True),
        (Tolerance(rtol=0.5, atol=0), -4.0, -6.0, True),  # |old| of a negative old
        (Tolerance(rtol=0.5, atol=0), -4.0, -7.0, False),
        (Tolerance(rtol=0, atol=0.25), 1.0, 1.25, True),
        (Tolerance(rtol=0, atol=0.25), 1.0, 0.75, True),
        (Tolerance(rtol=0, atol=0.25), 1.0, 1.5, False),
        (Tolerance(rtol=0.5, atol=1), -4.0, -1.0, True),  # 3 <= 1 + 0.5 * 4
        (Tolerance(rtol=0.5, atol=1), -4.0, -0.5, False),  # 3.5 > 3
        (Tolerance(rtol=1e6, atol=0), 0.0, 2**-40, False),  # old 0: rtol cannot help
        (Tolerance(rtol=0, atol=0), 3.0, 3.0, True),
        (Tolerance(), 1.0, 1.0 + 3e-9, False),  # the default is 1e-9 + 1e-9 * |old|
        (Tolerance(), 1.0, 1.0 + 1.5e-9, True),
    ],
)
def test_allows_boundaries(tol: Tolerance, old: float, new: float, allowed: bool) -> None:
    assert tol.allows(old, new) is allowed


def test_tolerance_defaults() -> None:
    assert Tolerance() == Tolerance(rtol=1e-9, atol=1e-9, date_days=0.0, ignore=False)


DEFAULT = Tolerance(rtol=0.25, atol=3.0, date_days=2.0)
TOLS = Tolerances(
    DEFAULT,
    (
        ("food.*", {"rtol": 0.5}),
        ("food.end_kg", {"atol": 100.0}),  # never reached: food.* comes first
        ("*.end_kg", {"date_days": 9.0}),
        ("crew.*", {"ignore": True}),
    ),
)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("food.end_kg", Tolerance(rtol=0.5, atol=3.0, date_days=2.0)),  # first glob wins
        ("water.end_kg", Tolerance(rtol=0.25, atol=3.0, date_days=9.0)),
        ("crew.min_on_board", Tolerance(rtol=0.25, atol=3.0, date_days=2.0, ignore=True)),
        ("flight.F1.dock_date", DEFAULT),  # no glob matches
        ("Food.end_kg", Tolerance(rtol=0.25, atol=3.0, date_days=9.0)),  # case-sensitive
    ],
)
def test_for_key_first_glob_wins_and_unset_fields_come_from_the_default(
    key: str, expected: Tolerance
) -> None:
    assert TOLS.for_key(key) == expected


def test_with_default_sets_only_the_given_fields() -> None:
    t = TOLS.with_default(rtol=None, atol=0.5, date_days=None)
    assert t.default == Tolerance(rtol=0.25, atol=0.5, date_days=2.0)
    assert t.rules == TOLS.rules
    assert t.for_key("food.end_kg") == Tolerance(rtol=0.5, atol=0.5, date_days=2.0)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tol.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_tolerances_reads_default_and_rules_in_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "default: {rtol: 1e-3, atol: 2}\n"
        "metrics:\n"
        '  "food.*": {atol: 5}\n'
        '  "flight.*.launch_date": {date_days: 3}\n'
        '  "*": {ignore: true}\n',
    )
    tols = load_tolerances(path)
    assert tols.default == Tolerance(rtol=0.001, atol=2.0)  # "1e-3", a YAML 1.1 string
    assert tols.rules == (
        ("food.*", {"atol": 5.0}),
        ("flight.*.launch_date", {"date_days": 3.0}),
        ("*", {"ignore": True}),
    )
    assert tols.for_key("food.end_kg") == Tolerance(rtol=0.001, atol=5.0)


@pytest.mark.parametrize("text", ["", "# nothing\n"])
def test_an_empty_tolerance_file_is_the_default(tmp_path: Path, text: str) -> None:
    assert load_tolerances(write(tmp_path, text)) == Tolerances()


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "defaults: {rtol: 1}\n",
            "1:1",
            "defaults: unknown key; did you mean 'default'? (allowed: default, metrics)",
        ),
        (
            "default: {rtl: 1}\n",
            "1:11",
            "default.rtl: unknown key; did you mean 'rtol'? (allowed: rtol, atol, date_days)",
        ),
        ("default: 3\n", "1:1", "default: expected a mapping with some of: rtol, atol, date_days"),
        (
            'metrics:\n  "food.*": {rtol: -1}\n',
            "2:14",
            "metrics.food.*.rtol: expected a finite number >= 0, got -1",
        ),
        (
            'metrics:\n  "food.*": {atol: .inf}\n',
            "2:14",
            "metrics.food.*.atol: expected a finite number >= 0, got inf",
        ),
        (
            'metrics:\n  "food.*": {ignore: 1}\n',
            "2:14",
            "metrics.food.*.ignore: expected true or false",
        ),
        ("metrics:\n  5: {rtol: 1}\n", "2:3", "5: a metric glob must be a non-empty string"),
        ("metrics: [a]\n", "1:1", "metrics: expected a mapping of metric globs to tolerances"),
        ("- a\n", "1:1", "a tolerance file is a mapping with `default` and `metrics`"),
    ],
)
def test_load_tolerances_errors_are_located(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CompareError) as info:
        load_tolerances(path)
    assert str(info.value) == f"{path}:{where}: {message}"


def test_load_tolerances_yaml_error_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "default: {rtol: [1}\n")
    with pytest.raises(CompareError) as info:
        load_tolerances(path)
    assert str(info.value).startswith(f"{path}:1:19: not valid YAML: ")
    assert "\n" not in str(info.value)


def test_load_tolerances_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CompareError) as info:
        load_tolerances(tmp_path / "none.yaml")
    assert str(info.value) == f"{tmp_path / 'none.yaml'}: file not found"
