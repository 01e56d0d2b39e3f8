"""Hostile input to the loader: special files, huge files, symlink loops, NUL bytes, long
extends chains and alias bombs each end as one located error (exit 2), promptly, with
bounded memory, and without echoing the content of a file that is not a scenario."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Cli, time_limit

from sim.scenario.yamlsource import MAX_EXTENDS, MAX_FILE_BYTES, MAX_NODES

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _variant(tmp_path: Path, extends: str, name: str = "v.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"name: v\nextends: {extends}\n", encoding="utf-8")
    return path


def _fails_cleanly(cli: Cli, *argv: object, within: float = 10.0) -> str:
    with time_limit(within):
        code, out, err = cli("validate", *argv)
    assert code == 2, (out, err)
    assert "Traceback" not in err
    assert err.count("\n") >= 1 and all(len(line) <= 400 for line in err.splitlines())
    return err


def test_extends_to_a_fifo_is_refused_without_blocking(tmp_path: Path, cli: Cli) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    err = _fails_cleanly(cli, _variant(tmp_path, "x.yaml"))
    assert "v.yaml:2:1: extends: not a regular file" in err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_extends_to_a_device_is_refused(tmp_path: Path, cli: Cli, device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    err = _fails_cleanly(cli, _variant(tmp_path, device))
    assert f"not a regular file, but a scenario file must be a regular file: {device}" in err


def test_a_scenario_file_given_as_a_device_is_refused(cli: Cli) -> None:
    err = _fails_cleanly(cli, "/dev/zero")
    assert "/dev/zero:1:1: not a regular file" in err


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path: Path, cli: Cli) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:  # sparse: 20 MB on paper, nothing on disk
        fh.truncate(20 * 1024 * 1024)
    err = _fails_cleanly(cli, _variant(tmp_path, "big.yaml"))
    assert f"20,971,520 bytes, more than the {MAX_FILE_BYTES:,}" in err


def test_extends_through_a_symlink_loop(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    err = _fails_cleanly(cli, _variant(tmp_path, "a.yaml"))
    assert "cannot open the scenario file (a symlink loop)" in err


def test_a_nul_byte_in_the_extends_path(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "v.yaml"
    path.write_text('name: v\nextends: "base\\0.yaml"\n', encoding="utf-8")
    err = _fails_cleanly(cli, path)
    assert "not a usable file name (it holds a NUL byte)" in err and "\\x00" in err


def test_a_folder_as_extends(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "sub").mkdir()
    err = _fails_cleanly(cli, _variant(tmp_path, "sub"))
    assert "a folder, but a scenario file must be a regular file" in err


def test_an_extends_chain_longer_than_the_cap(tmp_path: Path, cli: Cli) -> None:
    n = 3000
    for i in range(n):
        (tmp_path / f"s{i}.yaml").write_text(f"name: s{i}\nextends: s{i + 1}.yaml\n")
    (tmp_path / f"s{n}.yaml").write_text(BASELINE.read_text())
    err = _fails_cleanly(cli, tmp_path / "s0.yaml")
    assert f"extends chain longer than {MAX_EXTENDS} files" in err
    assert err.count("\n") == 1  # one problem, not one per file


def test_a_chain_at_the_cap_still_loads(tmp_path: Path, cli: Cli) -> None:
    n = MAX_EXTENDS - 1
    for i in range(n):
        (tmp_path / f"s{i}.yaml").write_text(f"name: s{i}\nextends: s{i + 1}.yaml\n")
    (tmp_path / f"s{n}.yaml").write_text(BASELINE.read_text())
    code, _, err = cli("validate", tmp_path / "s0.yaml")
    assert code == 0, err


def _bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * width)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "where",
    ["pads", "pad-id", "description"],
)
def test_an_alias_bomb_is_refused_before_it_is_expanded(
    tmp_path: Path, cli: Cli, where: str
) -> None:
    top = f"*a{8}"
    body = {
        "pads": f"pads: {top}",
        "pad-id": f"pads: [{{id: {top}, site: S, families: [f]}}]",
        "description": f"description: {top}",
    }[where]
    path = tmp_path / "bomb.yaml"
    path.write_text(f"name: v\nextends: {BASELINE}\nbomb:\n  " + _bomb().replace("\n", "\n  ")
                    + "\n" + body + "\n", encoding="utf-8")  # fmt: skip
    err = _fails_cleanly(cli, path, within=10)
    assert f"more than {MAX_NODES:,} YAML nodes once its aliases are expanded" in err


def test_a_document_just_under_the_node_cap_loads_its_aliases(tmp_path: Path) -> None:
    from sim.scenario.yamlsource import parse_yaml

    data = parse_yaml(_bomb(levels=4), "small")  # 9**4 leaves: well under the cap
    assert len(data["a3"]) == 9 and data["a3"][0] is data["a2"]


def test_tolerance_files_are_read_with_the_same_limits(tmp_path: Path, cli: Cli) -> None:
    run = tmp_path / "run"
    code, _, err = cli("run", ROOT / "tests" / "data" / "minimal.yaml", "-o", run)
    assert code == 0, err
    with time_limit(10):
        code, _, err = cli("compare", run, run, "--tolerances", "/dev/zero")
    assert code == 2 and "not a regular file" in err and "Traceback" not in err


@pytest.mark.skipif(sys.platform != "linux", reason="/proc is Linux")
def test_the_loader_does_not_leak_the_content_of_a_non_scenario_file(
    tmp_path: Path, cli: Cli
) -> None:
    secret = tmp_path / "secret.conf"
    secret.write_text(
        "root:*:19000:0:99999:7:::\ndaemon: hunter2-password\napi_key: sk-THE-SECRET\n"
    )
    err = _fails_cleanly(cli, _variant(tmp_path, "secret.conf"))
    assert "hunter2" not in err and "sk-THE-SECRET" not in err and "daemon" not in err
    assert "secret.conf" in err and "not a scenario file" in err


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("pads.baikonur-31.outages.0.repair_days={triangular: [0, 1.7e+308, 1.7e+308]}",
         "triangular parameter must be within 36,525 days"),
        ("pads.baikonur-31.outages.0.repair_days=1000000000", "value must be within 36,525 days"),
        ("station.consumables.food.per_crew_day=1.0e+308", "must be at most 1e+07 kg per person"),
        ("vehicles.progress-ms.cargo.food=1e+12", "must be at most 1e+07 kg"),
        ("horizon=9999-12-31", "a run may last at most 36,525 days"),
        ("seed=99999999999999999999999", "must be at most 18,446,744,073,709,551,615"),
        ("pads.baikonur-31.outages.0.repair_days={lognormal: {median: 30, sigma: 9}}",
         "sigma >= 0 (at most 5)"),
        ("pads.baikonur-31.outages.0.repair_days=" + "9" * 500, "finite and within 36,525 days"),
    ],
)  # fmt: skip
def test_absurd_numbers_are_refused_with_their_bound_and_unit(
    cli: Cli, override: str, fragment: str
) -> None:
    err = _fails_cleanly(cli, BASELINE, "--set", override)
    assert fragment in err


def test_a_lognormal_tail_is_capped_at_the_longest_duration() -> None:
    from sim.scenario.dists import MAX_DAYS, LogNormal, draw

    heavy = LogNormal(median=30.0, sigma=5.0)
    assert heavy.sample(1 - 1e-12) > MAX_DAYS  # e^(5 x 7) x 30: far beyond a century
    assert draw(heavy, 1 - 1e-12) == MAX_DAYS
    assert draw(heavy, 0.5) == pytest.approx(30.0)
