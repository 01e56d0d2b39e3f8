"""`iss-sim compare` and `iss-sim check`: tolerances, verdicts, Markdown, JUnit, baselines."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, Cli

import sim
from sim.comparison.compare import (
    CompareReport,
    Tolerance,
    Tolerances,
    load_tolerances,
    metric_group,
)

MINIMAL = DATA / "minimal.yaml"
N_METRICS = len(sim.simulate(sim.load_scenario(MINIMAL)).metrics)
MIN_DAYS = "food.min_days_of_supply"  # 0.0 in minimal.yaml
DELIVERED = "food.delivered_kg"  # 90.0
DOCK = "flight.Soyuz B.dock_date"  # 2026-06-19
BREACH = "food.first_below_reserve_date"  # 2026-03-27


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sim.simulate(sim.load_scenario(MINIMAL)).write(tmp_path_factory.mktemp("r") / "run")


@pytest.fixture
def pair(run_folder: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two identical copies of the minimal run: OLD and NEW."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(run_folder, old)
    shutil.copytree(run_folder, new)
    return old, new


def edit(folder: Path, metrics: dict[str, Any] | None = None, drop: tuple[str, ...] = ()) -> None:
    """Set (or drop) metrics in ``folder/summary.json``."""
    path = folder / "summary.json"
    data = json.loads(path.read_text())
    data["metrics"].update(metrics or {})
    for key in drop:
        del data["metrics"][key]
    path.write_text(json.dumps(data))


def test_identical_folders_exit_0(pair: tuple[Path, Path], cli: Cli) -> None:
    code, out, err = cli("compare", *pair)
    assert (code, err) == (0, "")
    assert f"no change beyond tolerance ({N_METRICS} metrics)" in out


def test_change_beyond_tolerance_is_named_in_table_markdown_and_junit(
    pair: tuple[Path, Path], tmp_path: Path, cli: Cli
) -> None:
    old, new = pair
    edit(new, {MIN_DAYS: 1.5})
    md, xml = tmp_path / "out" / "summary.md", tmp_path / "junit.xml"
    code, out, _ = cli("compare", old, new, "--markdown", md, "--junit", xml)
    assert code == 1
    line = next(ln for ln in out.splitlines() if MIN_DAYS in ln)
    assert line.split()[0] == "CHANGED" and "0" in line and "1.5" in line and "+1.5" in line
    assert "1 metric changed beyond tolerance" in out.splitlines()[-1]
    text = md.read_text(encoding="utf-8")
    assert text.startswith("### ❌ iss-sim compare: 1 metric changed beyond tolerance\n")
    assert f"| `{MIN_DAYS}` | 0 | 1.5 | ▲ +1.5 | ❌ changed |" in text
    failure = ET.parse(xml).getroot().find(".//testcase[@name='food']/failure")
    assert failure is not None and MIN_DAYS in failure.get("message", "")
    assert "0 → 1.5" in (failure.text or "")


@pytest.mark.parametrize(
    ("key", "value", "options", "verdict"),
    [
        (DELIVERED, 90.05, [], "CHANGED"),
        (DELIVERED, 90.05, ["--rtol", "1e-3"], "within"),  # 0.05 <= 1e-3 * 90
        (DELIVERED, 90.5, ["--rtol", "1e-3"], "CHANGED"),
        (MIN_DAYS, 0.5, ["--rtol", "0.5"], "CHANGED"),  # old is 0: rtol cannot help
        (MIN_DAYS, 0.5, ["--atol", "0.5"], "within"),
        (DOCK, "2026-06-21", ["--date-tol", "2"], "within"),
        (DOCK, "2026-06-17", ["--date-tol", "2"], "within"),
        (DOCK, "2026-06-21", ["--date-tol", "1"], "CHANGED"),
        (DOCK, "2026-06-21", ["--rtol", "1", "--atol", "100"], "CHANGED"),  # days only
        ("flight.Soyuz B.outcome", "failed", ["--rtol", "1", "--atol", "100"], "CHANGED"),
        ("crew.forced_returns", 1.0, [], "same"),  # 1 == 1.0
        ("crew.forced_returns", True, ["--atol", "10"], "TYPE"),  # bool is not a number
    ],
)
def test_tolerance_options(
    pair: tuple[Path, Path], key: str, value: Any, options: list[str], verdict: str, cli: Cli
) -> None:
    old, new = pair
    edit(new, {key: value})
    code, out, _ = cli("compare", old, new, "--all", *options)
    assert code == (0 if verdict in ("same", "within") else 1), out
    (line,) = [ln for ln in out.splitlines() if key in ln]
    assert line.split()[0] == verdict


def test_within_tolerance_goes_to_the_collapsed_markdown_section(
    pair: tuple[Path, Path], tmp_path: Path, cli: Cli
) -> None:
    old, new = pair
    edit(new, {DELIVERED: 89.99, DOCK: "2026-06-18"})
    md = tmp_path / "s.md"
    code, _, _ = cli("compare", old, new, "--rtol", "1e-3", "--date-tol", "1", "--markdown", md)
    text = md.read_text(encoding="utf-8")
    assert code == 0
    assert text.startswith(
        f"### ✅ iss-sim compare: no change beyond tolerance ({N_METRICS} metrics)"
    )
    details = text[text.index("<details>") :]
    assert f"`{DELIVERED}` | 90 | 89.99 | ▼ -0.01" in details
    assert "▼ -1 d" in details


def test_tolerance_file_globs_first_match_wins_and_ignore(
    pair: tuple[Path, Path], tmp_path: Path, cli: Cli
) -> None:
    old, new = pair
    edit(new, {MIN_DAYS: 3.0, DELIVERED: 95.0, "flight.Soyuz B.outcome": "x"})
    tol = tmp_path / "tol.yaml"
    tol.write_text(
        "default: {rtol: 1e-3}\n"
        "metrics:\n"
        '  "food.min_*": {atol: 5}\n'
        '  "food.*": {atol: 1}\n'  # shadowed for food.min_* by the line above
        '  "*.outcome": {ignore: true}\n'
    )
    code, out, _ = cli("compare", old, new, "--tolerances", tol)
    assert code == 1
    changed = [ln.split()[1] for ln in out.splitlines() if ln.startswith("CHANGED")]
    assert changed == [DELIVERED]
    assert "2 metrics ignored" in out  # both flights
    edit(new, {DELIVERED: 90.5})
    assert cli("compare", old, new, "--tolerances", tol)[0] == 0
    # a command-line option overrides the file's default, not its globs
    assert cli("compare", old, new, "--tolerances", tol, "--atol", "0")[0] == 0
    tols = load_tolerances(tol)
    assert tols.for_key(MIN_DAYS).atol == 5 and tols.for_key(MIN_DAYS).rtol == 1e-3
    assert tols.for_key("crew.person_days") == Tolerance(rtol=1e-3)


def test_a_date_appearing_where_there_was_none_fails(pair: tuple[Path, Path], cli: Cli) -> None:
    old, new = pair
    edit(old, {BREACH: None})  # NEW breaches the reserve, OLD did not
    code, out, _ = cli("compare", old, new, "--date-tol", "10000", "--atol", "1e9")
    assert code == 1
    line = next(ln for ln in out.splitlines() if BREACH in ln)
    assert line.split()[0] == "TYPE" and "null" in line and "2026-03-27" in line


def test_missing_key_fails_and_extra_key_passes_unless_strict(
    pair: tuple[Path, Path], tmp_path: Path, cli: Cli
) -> None:
    old, new = pair
    edit(new, drop=("crew.max_stay_days",))
    code, out, _ = cli("compare", old, new)
    assert code == 1
    assert any(ln.startswith("MISSING") and "crew.max_stay_days" in ln for ln in out.splitlines())
    # the other way round, it is an extra key: reported, not a failure
    xml = tmp_path / "j.xml"
    code, out, _ = cli("compare", new, old, "--junit", xml)
    assert code == 0
    assert any(ln.startswith("extra") and "crew.max_stay_days" in ln for ln in out.splitlines())
    assert ET.parse(xml).getroot().get("failures") == "0"
    code, out, _ = cli("compare", new, old, "--strict-extra")
    assert code == 1 and "EXTRA" in out


def test_junit_parses_and_counts_failing_groups(
    pair: tuple[Path, Path], tmp_path: Path, cli: Cli
) -> None:
    old, new = pair
    edit(new, {MIN_DAYS: 2.0, "food.end_kg": 5.0, DOCK: "2026-07-01"})
    edit(new, drop=("pad.baikonur-31.launches",))
    xml = tmp_path / "j.xml"
    assert cli("compare", old, new, "--junit", xml)[0] == 1
    root = ET.parse(xml).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    names = [c.get("name") for c in cases]
    assert names == ["food", "crew", "pad.baikonur-31", "flight.Progress 1", "flight.Soyuz B"]
    failing = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failing == ["food", "pad.baikonur-31", "flight.Soyuz B"]
    assert suite.get("tests") == "5" and suite.get("failures") == "3"
    assert root.get("failures") == "3"
    food = suite.find("testcase[@name='food']/failure")
    assert food is not None and "2 metrics" in food.get("message", "")
    assert "food.end_kg: 0 → 5 (Δ +5)" in (food.text or "")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("corrupt", "summary.json:1:"),
        ("missing", "no such file or folder"),
        ("empty_dir", "no summary.json or sweep.json"),
        ("no_metrics", "neither a summary"),
        (
            "bad_tolerance_key",
            "tol.yaml:2:14: metrics.food.*.rtoll: unknown key; did you mean 'rtol'?",
        ),
        ("bad_tolerance_value", "tol.yaml:1:11: default.atol: expected a finite number >= 0"),
        ("bad_tolerance_yaml", "tol.yaml:"),
        ("bad_option", "--rtol must be a finite number >= 0"),
    ],
)
def test_unusable_input_exits_2_with_one_line(
    pair: tuple[Path, Path], tmp_path: Path, setup: str, message: str, cli: Cli
) -> None:
    old, new = pair
    tol = tmp_path / "tol.yaml"
    extra: list[str | Path] = []
    if setup == "corrupt":
        (new / "summary.json").write_text('{"metrics": {"a": 1,')
    elif setup == "missing":
        new = tmp_path / "nowhere"
    elif setup == "empty_dir":
        new = tmp_path / "empty"
        new.mkdir()
    elif setup == "no_metrics":
        (new / "summary.json").write_text('{"scenario": "x"}')
    elif setup.startswith("bad_tolerance"):
        tol.write_text(
            {
                "bad_tolerance_key": 'metrics:\n  "food.*": {rtoll: 1}\n',
                "bad_tolerance_value": "default: {atol: -1}\n",
                "bad_tolerance_yaml": "default: {atol: [\n",
            }[setup]
        )
        extra = ["--tolerances", tol]
    else:
        extra = ["--rtol", "nan"]
    code, out, err = cli("compare", old, new, *extra)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("iss-sim compare: ") and message in err


def test_severity_order_and_library_api(pair: tuple[Path, Path]) -> None:
    old, new = pair
    edit(
        new,
        {
            DELIVERED: 90.000001,  # within rtol 1e-6
            "food.end_kg": 1.0,  # changed, old 0: infinite relative change
            "crew.person_days": 1100.0,  # changed, +0.7 %
            "crew.min_on_board": 4,  # changed, +33 %
            "crew.forced_returns": 7,  # changed: crew safety, first whatever its size
            "crew.brand_new": 1,  # extra
        },
    )
    report = sim.compare(old, new, Tolerances().with_default(rtol=1e-6))
    assert isinstance(report, CompareReport) and not report.ok
    order = [(r.verdict, r.key) for r in report.sorted_rows()]
    # failing rows by topic (crew safety, other crew figures, masses), then by size
    assert order == [
        ("changed", "crew.forced_returns"),
        ("changed", "crew.min_on_board"),
        ("changed", "crew.person_days"),
        ("changed", "food.end_kg"),
        ("within", DELIVERED),
        ("extra", "crew.brand_new"),
    ]
    assert report.failures[0].key == "crew.forced_returns"
    assert len(report.sorted_rows(show_same=True)) == len(report.rows) == N_METRICS + 1  # + extra


def test_metric_groups() -> None:
    assert metric_group("food.min_days_of_supply") == "food"
    assert metric_group("crew.forced_returns") == "crew"
    assert metric_group("pad.baikonur-31.launches") == "pad.baikonur-31"
    assert metric_group("flight.Progress MS-33.outcome") == "flight.Progress MS-33"
    assert metric_group("flight.Soyuz MS.28.outcome") == "flight.Soyuz MS.28"


# ----------------------------------------------------------------------------------- sweeps


def write_sweep(folder: Path, runs: dict[int, float]) -> Path:
    """A hand-written sweep folder over the repair duration: {repair_days: food min days}."""
    path = "pads.baikonur-31.outages.0.repair_days"
    folder.mkdir()
    data = {
        "scenario": "minimal",
        "scenario_sha256": "0" * 64,
        "params": [path],
        "runs": [
            {"params": {path: d}, "seed": 1, "metrics": {MIN_DAYS: v, "crew.forced_returns": 0}}
            for d, v in runs.items()
        ],
    }
    (folder / "sweep.json").write_text(json.dumps(data))
    return folder


def test_sweeps_compare_run_by_run(tmp_path: Path, run_folder: Path, cli: Cli) -> None:
    a = write_sweep(tmp_path / "a", {30: 10.0, 60: 5.0, 90: 1.0})
    same = write_sweep(tmp_path / "same", {90: 1.0, 30: 10.0, 60: 5.0})  # order does not matter
    code, out, _ = cli("compare", a, same / "sweep.json")
    assert code == 0 and "(6 metrics in 3 runs)" in out.splitlines()[-1]

    b = write_sweep(tmp_path / "b", {30: 10.0, 60: 4.0, 120: 0.0})
    xml, md = tmp_path / "j.xml", tmp_path / "s.md"
    code, out, _ = cli("compare", a, b, "--junit", xml, "--markdown", md)
    assert code == 1
    rows = {ln.split()[1]: ln.split()[0] for ln in out.splitlines()[1:] if ln.strip()[:1].isalpha()}
    assert rows["minimal[repair_days=60]"] == "CHANGED"
    assert rows["minimal[repair_days=90]"] == "MISSING"  # a run only in OLD fails
    assert rows["minimal[repair_days=120]"] == "extra"  # a run only in NEW is reported
    assert "2 of 4 runs" in out.splitlines()[-1]
    root = ET.parse(xml).getroot()
    suites = {s.get("name"): s.get("failures") for s in root.findall("testsuite")}
    assert suites == {
        "minimal[repair_days=30]": "0",
        "minimal[repair_days=60]": "1",
        "minimal[repair_days=90]": "1",
        "minimal[repair_days=120]": "0",
    }
    assert "minimal[repair_days=60] · `food.min_days_of_supply`" in md.read_text(encoding="utf-8")

    code, _, err = cli("compare", a, run_folder)
    assert code == 2 and "cannot compare a sweep" in err and len(err.splitlines()) == 1


# ------------------------------------------------------------------------------------ check


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    d = tmp_path / "scenarios"
    d.mkdir()
    for stem in ("alpha", "beta"):
        shutil.copy(MINIMAL, d / f"{stem}.yaml")
    return d


def test_check_update_then_check_then_a_change(
    scenario_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    base = tmp_path / "baselines"
    code, out, _ = cli("check", scenario_dir, "--baselines", base, "--update")
    assert code == 0 and "2 written" in out
    assert sorted(p.name for p in base.iterdir()) == ["alpha.json", "beta.json"]
    saved = json.loads((base / "alpha.json").read_text())
    assert saved["scenario"] == "minimal" and saved["metrics"][DOCK] == "2026-06-19"
    assert not {"version", "scenario_file", "scenario_file_sha256"} & set(saved)
    assert cli("check", scenario_dir, "--baselines", base, "--update")[1].count("wrote") == 0

    code, out, _ = cli("check", scenario_dir, "--baselines", base)
    # every metric and the scenario name, for each of the two runs
    assert code == 0 and f"({2 * (N_METRICS + 1)} metrics in 2 runs)" in out

    beta = scenario_dir / "beta.yaml"
    beta.write_text(beta.read_text().replace("initial: {kg: 300}", "initial: {kg: 400}"))
    md, xml = tmp_path / "s.md", tmp_path / "j.xml"
    code, out, _ = cli("check", scenario_dir, "--baselines", base, "--markdown", md, "--junit", xml)
    assert code == 1
    assert any(ln.startswith("CHANGED  beta") and BREACH in ln for ln in out.splitlines())
    assert "alpha" not in out.replace("in 1 of 2 runs", "")
    assert md.read_text(encoding="utf-8").startswith("### ❌ iss-sim check: ")
    root = ET.parse(xml).getroot()
    assert [s.get("name") for s in root.findall("testsuite")] == ["alpha", "beta"]
    assert root.find("testsuite[@name='alpha']").get("failures") == "0"
    assert root.find("testsuite[@name='beta']").get("failures") != "0"
    # tolerances apply to check too
    tol = tmp_path / "tol.yaml"
    tol.write_text('metrics:\n  "food.*": {ignore: true}\n')
    assert cli("check", scenario_dir, "--baselines", base, "--tolerances", tol)[0] == 0


def test_check_missing_and_stale_baselines(scenario_dir: Path, tmp_path: Path, cli: Cli) -> None:
    base = tmp_path / "baselines"
    assert cli("check", scenario_dir, "--baselines", base, "--update")[0] == 0
    (base / "alpha.json").unlink()
    shutil.copy(base / "beta.json", base / "gone.json")
    code, out, _ = cli("check", scenario_dir, "--baselines", base)
    assert code == 1
    alpha = next(ln for ln in out.splitlines() if ln.startswith("EXTRA") and "alpha" in ln)
    assert "no baseline" in alpha and "iss-sim check --update" in alpha
    gone = next(ln for ln in out.splitlines() if "gone" in ln)
    assert gone.startswith("missing") and "stale baseline" in gone  # reported, not failing
    (base / "gone.json").unlink()
    assert cli("check", scenario_dir, "--baselines", base, "--update")[0] == 0
    assert cli("check", scenario_dir, "--baselines", base)[0] == 0


def test_check_unusable_input_exits_2(scenario_dir: Path, tmp_path: Path, cli: Cli) -> None:
    base = tmp_path / "baselines"
    code, _, err = cli("check", tmp_path / "nope", "--baselines", base)
    assert code == 2 and len(err.splitlines()) == 1 and "no such folder" in err
    assert cli("check", scenario_dir, "--baselines", base, "--update")[0] == 0
    (base / "beta.json").write_text("not json")
    code, out, err = cli("check", scenario_dir, "--baselines", base)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "beta.json:1:1: not valid JSON" in err
