"""Metric columns in their narrowest exact form (sim.experiments.columns): every value comes
back bit for bit, however the chunks split it and whatever types they chose."""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiments.columns import (
    FLOAT,
    NumberColumn,
    Packed,
    TextColumn,
    pack_numbers,
    pack_texts,
)


def bits(a: np.ndarray) -> list[int]:
    """The float64 bit patterns (so that -0.0 differs from 0.0; every NaN the same)."""
    v = np.where(np.isnan(a), np.nan, a)
    return v.astype(np.float64).view(np.int64).tolist()


def column_of(values: np.ndarray, cuts: list[int]) -> NumberColumn:
    """``values`` appended in chunks split at ``cuts``, as the ensemble appends them."""
    col = NumberColumn()
    for lo, hi in zip([0, *cuts], [*cuts, len(values)], strict=True):
        part = values[lo:hi]
        col.append(None if np.isnan(part).all() else pack_numbers(part), hi - lo)
    return col


@pytest.mark.parametrize(
    ("values", "dtype", "scale"),
    [
        ([0.0, 1.0, -3.0, 100.0], np.int8, 0),
        ([0.5, 1.25, np.nan], np.int8, 2),  # 125 at 2 decimals
        ([0.5, 1.28], np.int16, 2),
        ([296.0, -40.0], np.int16, 0),  # dates: days since epoch
        ([1.000001, 2146.0], np.int32, 6),  # metrics are rounded to 6 decimals
        ([123456.123456], np.int64, 6),
        ([1 / 3], np.float64, FLOAT),  # not a decimal of 6 digits
        ([1e300], np.float64, FLOAT),  # beyond 2**53 as an integer
        ([-0.0, 1.0], np.float64, FLOAT),  # the sign of zero kept
        ([-127.0], np.int8, 0),
        ([-128.0], np.int16, 0),  # -128 is int8's null
    ],
)
def test_a_chunk_packs_into_the_narrowest_exact_type(
    values: list[float], dtype: type, scale: int
) -> None:
    v = np.array(values)
    p = pack_numbers(v)
    assert (p.data.dtype, p.scale) == (np.dtype(dtype), scale)
    col = NumberColumn()
    col.append(p, len(v))
    assert bits(col.values()) == bits(v)


def test_chunks_of_other_types_widen_the_column_exactly() -> None:
    rng = np.random.default_rng(3)
    whole = np.concatenate(
        [
            np.full(5, np.nan),  # nulls first: nothing stored for them
            rng.integers(-100, 100, 20).astype(float),  # int8
            np.round(rng.uniform(-1e3, 1e3, 20), 2),  # 2 decimals: int32
            np.full(3, np.nan),
            np.round(rng.uniform(0, 1, 20), 6),  # 6 decimals
            rng.integers(-(2**40), 2**40, 5).astype(float),  # int64 at scale 0
            np.array([0.1 + 0.2]),  # 17 significant digits: float64
            np.round(rng.uniform(-5, 5, 20), 3),
        ]
    )
    for cuts in ([], [5, 25, 45], list(range(1, len(whole))), [7, 8, 60, 90]):
        col = column_of(whole, cuts)
        assert col.n == len(whole)
        assert bits(col.values()) == bits(whole), cuts
    col = column_of(whole[:68], list(range(1, 68)))  # 6 decimals up to 1,000: int32
    assert (col.scale, col.dtype) == (6, np.int32)
    assert bits(col.values()) == bits(whole[:68])
    col = column_of(whole[:73], [68])  # 2**40 with 6 decimals is past 2**53: float64
    assert col.scale == FLOAT and bits(col.values()) == bits(whole[:73])


def test_a_column_of_small_integers_keeps_one_byte_each() -> None:
    col = NumberColumn(1000)
    for _ in range(10):
        col.append(pack_numbers(np.arange(100.0) % 7), 100)
    assert col.dtype == np.int8 and col.nbytes == 1000
    assert col.values().tolist() == (np.arange(100.0) % 7).tolist() * 10


def test_copies_are_independent() -> None:
    col = column_of(np.array([1.0, 2.0, np.nan]), [])
    twin = col.copy(10)
    twin.append(pack_numbers(np.array([0.5])), 1)
    assert bits(col.values()) == bits(np.array([1.0, 2.0, np.nan]))
    assert bits(twin.values()) == bits(np.array([1.0, 2.0, np.nan, 0.5]))


def test_texts_become_codes_into_their_vocabulary() -> None:
    col = TextColumn()
    col.append(pack_texts(["docked", "failed", None, "docked"]), 4)
    col.append(None, 2)  # a chunk where the metric is null throughout
    col.append(pack_texts(["failed", "scrubbed"]), 2)
    assert col.texts() == ["docked", "failed", None, "docked", None, None, "failed", "scrubbed"]
    assert col.counts() == {"docked": 2, "failed": 2, None: 3, "scrubbed": 1}
    assert col.codes().dtype == np.uint8
    many = [f"t{i}" for i in range(300)]  # more than 256 texts: two bytes a code
    col.append(pack_texts(many), 300)
    assert col.codes().dtype == np.uint16 and col.texts()[8:] == many
    assert col.texts()[:8] == ["docked", "failed", None, "docked", None, None, "failed", "scrubbed"]


def test_packed_defaults_to_float64() -> None:
    assert Packed(np.zeros(1)).scale == FLOAT
