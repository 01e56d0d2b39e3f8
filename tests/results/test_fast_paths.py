"""Shortcuts taken when building a run's results give the very values of the plain way."""

from __future__ import annotations

import random
import struct
import sys

import numpy as np

from sim.results import metrics as mk


def bits(x: float | None) -> bytes | None:
    return None if x is None else struct.pack("<d", x)


def test_rounded_is_round_to_6_decimals_bit_for_bit() -> None:
    rng = random.Random(19)
    xs = [0.0, -0.0, 1.0, -3.0, 0.5, 1 / 64, -1 / 64, 1 / 128, 2.0**52, 2.0**53 + 2.0]
    xs += [1e22, 1e300, -1e300, sys.float_info.max, 5e-324, 123456789.015625, 1 / 3]
    xs += [rng.randint(-(10**9), 10**9) / rng.choice([1, 2, 64, 128, 1000]) for _ in range(5000)]
    xs += [rng.uniform(-1e4, 1e4) for _ in range(5000)]
    for x in xs:
        assert bits(mk.rounded(x)) == bits(round(x, 6) + 0.0), x
    assert bits(mk.rounded(np.float64(-0.0))) == bits(0.0)
    assert bits(mk.rounded(7)) == bits(7.0) and mk.rounded(float("nan")) is None
