"""Shared test helpers: small scenarios built in code, with exact, hand-checkable numbers."""

from __future__ import annotations

import contextlib
import copy
import os
import signal
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

os.environ.setdefault("MPLBACKEND", "Agg")

import sim

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EPOCH = date(2026, 1, 1)


def day(n: float) -> date:
    """The date ``n`` whole days after the test epoch."""
    return EPOCH + timedelta(days=n)


def base_dict(crew: int = 3, stock_kg: float = 300.0, horizon_days: int = 400) -> dict[str, Any]:
    """One RS crew vehicle docked with ``crew`` people, one consumable at 1 kg/crew-day,
    one Soyuz pad with no outage, and no flights."""
    return {
        "name": "analytic",
        "epoch": EPOCH,
        "horizon": day(horizon_days),
        "seed": 7,
        "station": {
            "ports": [
                {"id": "p1", "segment": "RS", "kind": "docking"},
                {"id": "p2", "segment": "RS", "kind": "docking"},
                {"id": "cargo", "segment": "USOS", "kind": "CBM"},
            ],
            "consumables": [
                {
                    "id": "food",
                    "per_crew_day": 1.0,
                    "initial": {"kg": stock_kg},
                    "reserve_days": 45,
                }
            ],
            "docked": [
                {
                    "id": "Lifeboat",
                    "vehicle": "capsule",
                    "port": "p1",
                    "docked": EPOCH,
                    "crew": {"RS": crew},
                }
            ],
        },
        "pads": [{"id": "pad", "site": "Test", "families": ["rocket"], "turnaround_days": 0}],
        "vehicles": [
            {
                "id": "capsule",
                "family": "rocket",
                "role": "crew",
                "seats": 3,
                "transit_days": 1,
                "docked_life_days": 10_000,
                "ports": ["p1", "p2"],
            },
            {
                "id": "freighter",
                "family": "rocket",
                "role": "cargo",
                "transit_days": 2,
                "docked_life_days": 10_000,
                "stay_days": 30,
                "ports": ["cargo"],
            },
        ],
        "flights": [],
    }


def cargo_flight(fid: str, launch_day: float, kg: float, **extra: Any) -> dict[str, Any]:
    """A freighter flight (2 days transit) bringing ``kg`` of food."""
    return {
        "id": fid,
        "vehicle": "freighter",
        "pad": "pad",
        "launch": day(launch_day),
        "cargo": {"food": kg},
        **extra,
    }


def build(data: dict[str, Any], overrides: list[str] | None = None) -> sim.Scenario:
    """Validate a scenario dict through the real YAML loader."""
    text = yaml.safe_dump(copy.deepcopy(data), sort_keys=False)
    return sim.parse_scenario(text, "<test>", overrides or [])


@pytest.fixture
def analytic() -> dict[str, Any]:
    return base_dict()


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the test if the block runs longer (a hang becomes a failure;
    SIGALRM, so only in the main thread, where pytest runs tests)."""

    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def shipped_scenarios() -> list[Path]:
    """Every scenario file shipped in scenarios/."""
    return sorted((ROOT / "scenarios").glob("*.yaml"))
