"""Fuzzing the CLI with mutated scenarios: the only outcomes are success (exit 0) or exit 2
with located one-line messages; never an exception, a hang or a message that runs on.

Mutants are made from the shipped scenarios and a tiny fixture, by a seeded RNG (so a
failing case is reproduced by its number): deleted keys, swapped types, huge, negative,
NaN and infinite numbers, impossible dates, unicode and very long ids, tabs, a BOM, CRLF,
empty and binary files, duplicated ids, extends cycles and special files, alias bombs and
--set with bad paths and values. Each mutant is validated, and run when it validates.
The default run makes FUZZ_CASES cases; ``pytest --fuzz-long`` makes 10,000.
"""

from __future__ import annotations

import copy
import os
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, time_limit

from sim.cli import main

FUZZ_CASES = 400
LONG_CASES = 10_000
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
MINIMAL = ROOT / "tests" / "data" / "minimal.yaml"
LOCATED = re.compile(r"^(\S.*?:\d+:\d+: |iss-sim \w+: |\.\.\. and \d+ more problems)")
NASTY_NUMBERS: list[Any] = [
    -1, -1e9, 0, 1e308, -1e308, 10**400, float("nan"), float("inf"), -float("inf"), 1e-320,
    2**63, 1.5, True, "12", "", None,
]  # fmt: skip
NASTY_TEXT = [
    "", " ", "\t", "é" * 3, "🚀", "x" * 5000, "a.b.c", "../../etc/passwd", "\x00", "${HOME}",
    "2026-02-30", "2026-13-01", "yes", "null", "- [", "{a: 1}", "\ufeff",
]  # fmt: skip


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    float,
    lambda d, v: d.represent_scalar(
        "tag:yaml.org,2002:float",
        ".nan" if v != v else (".inf" if v == float("inf") else "-.inf")
        if v in (float("inf"), -float("inf")) else repr(v),
    ),
)  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        node = node[p]
    return node


def _set(node: Any, path: tuple[Any, ...], value: Any) -> None:
    _get(node, path[:-1])[path[-1]] = value


def _tree_mutation(rng: random.Random, data: Any) -> Any:
    data = copy.deepcopy(data)
    paths = [p for p in _paths(data) if p]
    for _ in range(rng.randint(1, 3)):
        if not paths:
            break
        path = rng.choice(paths)
        try:
            parent = _get(data, path[:-1])
            op = rng.randrange(6)
            if op == 0:  # delete
                del parent[path[-1]]
            elif op == 1:  # nasty number
                parent[path[-1]] = rng.choice(NASTY_NUMBERS)
            elif op == 2:  # nasty text
                parent[path[-1]] = rng.choice(NASTY_TEXT)
            elif op == 3:  # type swap
                parent[path[-1]] = rng.choice([[], {}, [1, 2], {"x": 1}, "text", 3, None])
            elif op == 4 and isinstance(parent, list):  # duplicate an item (ids too)
                parent.append(copy.deepcopy(parent[path[-1]]))
            elif op == 5 and isinstance(parent, dict):  # unknown or misspelt key
                parent[str(path[-1]) + rng.choice(["x", "_", "é", " "])] = 1
        except (KeyError, IndexError, TypeError):
            pass
        paths = [p for p in _paths(data) if p]
    return data


def _text_mutation(rng: random.Random, text: str) -> str | bytes:
    op = rng.randrange(9)
    lines = text.splitlines(keepends=True)
    if op == 0:
        return ""
    if op == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 400)))
    if op == 2:
        return "\ufeff" + text
    if op == 3:
        return text.replace("\n", "\r\n")
    if op == 4 and lines:
        i = rng.randrange(len(lines))
        return "".join([*lines[:i], "\t" + lines[i], *lines[i + 1 :]])
    if op == 5 and lines:
        del lines[rng.randrange(len(lines))]
        return "".join(lines)
    if op == 6 and text:
        i = rng.randrange(len(text))
        return text[:i] + rng.choice([":", "-", "[", "{", "&a", "*a", "\x00", "'", '"']) + text[i:]
    if op == 7:
        bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
        return text + "\nbomb:\n  " + "\n  ".join(bomb) + "\ndescription: *a8\n"
    return text[: rng.randrange(len(text) + 1)]


_SETS = [
    "seed=-1", "seed=x", "horizon=9999-12-31", "horizon=2026-02-30", "nope.path=1",
    "pads.nope.outages.0.repair_days=3", "pads.baikonur-31.outages.9.repair_days=3",
    "pads.baikonur-31.outages.0.repair_days={triangular: [0, 1.0e+308, 1.0e+308]}",
    "pads.baikonur-31.outages.0.repair_days={lognormal: {median: 30, sigma: 99}}",
    "flights.0.launch=0", "flights..launch=1", "=1", "noequals", "station=[]",
    "vehicles.0.cargo.food=-5", "name=../escape", "flights.-1.crew.RS=99",
]  # fmt: skip


def _case(rng: random.Random, work: Path) -> list[str]:
    """One mutant: write its file(s) into ``work`` and return the CLI arguments."""
    source = rng.choice([*SHIPPED, MINIMAL])
    text = source.read_text(encoding="utf-8")
    target = work / "mutant.yaml"
    extra: list[str] = []
    kind = rng.randrange(10)
    if kind < 5:
        data = yaml.safe_load(text)
        mutant = _tree_mutation(rng, data)
        target.write_text(yaml.dump(mutant, Dumper=_Dumper, allow_unicode=True))
    elif kind < 8:
        out = _text_mutation(rng, text)
        if isinstance(out, bytes):
            target.write_bytes(out)
        else:
            target.write_text(out, encoding="utf-8", errors="surrogatepass")
    elif kind == 8:  # extends to something nasty
        special = rng.choice(["/dev/zero", "/dev/null", "mutant.yaml", "fifo.yaml", "loop.yaml",
                              "missing.yaml", str(work), "a\\0b.yaml"])  # fmt: skip
        if special == "fifo.yaml" and not (work / "fifo.yaml").exists():
            os.mkfifo(work / "fifo.yaml")
        if special == "loop.yaml" and not (work / "loop.yaml").is_symlink():
            (work / "loop.yaml").symlink_to(work / "loop.yaml")
        target.write_text(f'name: m\nextends: "{special}"\n', encoding="utf-8")
    else:  # a good file with bad overrides
        target.write_text(text.replace("extends: ", f"extends: {source.parent}/"), "utf-8")
        extra = [arg for s in rng.sample(_SETS, rng.randint(1, 3)) for arg in ("--set", s)]
    if "extends:" in target.read_text(errors="replace") and kind < 8:
        # keep relative extends working from the work folder
        content = target.read_bytes().replace(b"extends: ", f"extends: {source.parent}/".encode())
        target.write_bytes(content)
    return [str(target), *extra]


def _check_outcome(
    n: int, run: Callable[[list[str]], tuple[int, str]], argv: list[str], work: Path
) -> str:
    """Validate (and run, if it validates) one mutant; the outcome name."""
    code, err = run(["validate", *argv])
    if code == 0:
        code, err = run(["run", *argv, "-o", str(work / "out")])
        assert code in (0, 2), f"case {n}: run exit {code}\n{err}"
        outcome = "ran" if code == 0 else "run refused"
    else:
        assert code == 2, f"case {n}: validate exit {code}\n{err}"
        outcome = "refused"
    if code == 2:
        lines = err.splitlines()
        assert lines, f"case {n}: exit 2 with no message"
        for line in lines:
            assert LOCATED.match(line), f"case {n}: not a located message: {line[:200]!r}"
            assert len(line) <= 500, f"case {n}: a {len(line)}-character line"
    return outcome


def _campaign(cases: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    def run(argv: list[str]) -> tuple[int, str]:
        capsys.readouterr()
        with time_limit(20):
            code = main(argv)
        return code, capsys.readouterr().err

    counts: dict[str, int] = {}
    for n in range(cases):
        rng = random.Random(n)
        work = tmp_path / f"c{n % 50}"
        work.mkdir(exist_ok=True)
        argv = _case(rng, work)
        outcome = _check_outcome(n, run, argv, work)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def test_fuzzed_scenarios_only_succeed_or_fail_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    cases = LONG_CASES if request.config.getoption("--fuzz-long") else FUZZ_CASES
    counts = _campaign(cases, tmp_path, capsys)
    print(f"fuzz: {cases} cases: {counts}")
    assert sum(counts.values()) == cases
    assert counts.get("refused", 0) > cases // 4  # the mutants do reach the error paths
    assert counts.get("ran", 0) > 0  # and some still simulate
