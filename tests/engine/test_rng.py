"""Keyed random streams (sim.engine.rng): every draw is a pure function of (seed, key, index)."""

from __future__ import annotations

import hashlib
import itertools
from types import SimpleNamespace
from typing import Any

import pytest

from sim.engine import rng
from sim.engine.rng import Streams, derive_seed

KEYS = ["slip/Progress 1", "slip/Soyuz B", "fail/Soyuz B", "standdown/Soyuz B", "", "ü/ключ"]


def test_uniform_is_strictly_inside_0_1_for_many_draws() -> None:
    draws = [
        Streams(seed).uniform(key, i)
        for seed, key, i in itertools.product((0, 1, 7, -3, 2**62), KEYS, range(40))
    ]
    assert all(0.0 < u < 1.0 for u in draws)
    assert len(set(draws)) == len(draws)  # 1,200 distinct 53-bit numbers: no collision


@pytest.mark.parametrize(
    ("digest", "expected"),
    [
        (b"\x00" * 8, 0.5 * 2**-53),  # the smallest hash gives half a step above 0
        # the second largest top 53 bits: 2**53 - 1.5 rounds to 2**53 - 2 (ties to even)
        (b"\xff" * 6 + b"\xf7\xff", 1.0 - 2**-52),
        (b"\x00\x00\x00\x00\x00\x00\x08\x00", 1.5 * 2**-53),  # bit 11 is the lowest used
        (b"\x00\x00\x00\x00\x00\x00\x07\xff", 0.5 * 2**-53),  # the 11 low bits are dropped
    ],
)
def test_uniform_maps_the_hash_extremes_inside_0_1(
    monkeypatch: pytest.MonkeyPatch, digest: bytes, expected: float
) -> None:
    fake = SimpleNamespace(blake2b=lambda *a, **k: SimpleNamespace(digest=lambda: digest))
    monkeypatch.setattr(rng, "hashlib", fake)
    u = Streams(1).uniform("any")
    assert u == expected
    assert 0.0 < u < 1.0


def test_uniform_of_the_largest_hash_is_below_1(monkeypatch: pytest.MonkeyPatch) -> None:
    # (2**53 - 1) + 0.5 rounds to 2**53 in float64: without the clamp this draw is 1.0
    fake = SimpleNamespace(blake2b=lambda *a, **k: SimpleNamespace(digest=lambda: b"\xff" * 8))
    monkeypatch.setattr(rng, "hashlib", fake)
    assert Streams(1).uniform("any") == 1.0 - 2.0**-53


def test_uniform_is_reproducible_and_independent_of_draw_order() -> None:
    a, b = Streams(7), Streams(7)
    forward = [a.uniform(k, i) for k in KEYS for i in range(5)]
    backward = [b.uniform(k, i) for k in reversed(KEYS) for i in reversed(range(5))]
    assert forward == list(reversed(backward))
    assert forward == [Streams(7).uniform(k, i) for k in KEYS for i in range(5)]


def test_uniform_depends_on_seed_key_and_index() -> None:
    s = Streams(7)
    base = s.uniform("slip/Progress 1", 0)
    assert s.uniform("slip/Progress 2", 0) != base  # key
    assert s.uniform("slip/Progress 1", 1) != base  # index
    assert Streams(8).uniform("slip/Progress 1", 0) != base  # seed
    # the index is not just appended to the key: ("a", 11) and ("a1", 1) differ
    assert s.uniform("a", 11) != s.uniform("a1", 1)


def test_uniform_pinned_values() -> None:
    """Pinned draws: a change of the hashing (or of its input layout) changes every
    Monte Carlo result and every committed number; it must be deliberate."""
    assert Streams(7).uniform("slip/Progress 1") == 0.5968035426216867
    assert Streams(7).uniform("slip/Progress 1", 1) == 0.9439521625374208
    assert Streams(8).uniform("slip/Progress 1") == 0.19549680876706926
    # the documented recipe: blake2b-64 of "seed/key#index", top 53 bits, + half a step
    d = hashlib.blake2b(b"7/slip/Progress 1#0", digest_size=8).digest()
    assert ((int.from_bytes(d, "big") >> 11) + 0.5) / 2**53 == 0.5968035426216867


def test_default_index_is_0_and_seed_is_an_int() -> None:
    assert Streams(7).uniform("k") == Streams(7).uniform("k", 0)
    assert Streams(True).seed == 1 and isinstance(Streams(7.0).seed, int)  # type: ignore[arg-type]
    assert Streams(7.0).uniform("k") == Streams(7).uniform("k")  # type: ignore[arg-type]


def test_derive_seed_pinned_values() -> None:
    assert derive_seed(7, "rep/0") == 1572125525863429526
    assert derive_seed(7, "rep/1") == 3142720778365497944
    assert derive_seed(2026, "rep/0") == 5915487007567739770


@pytest.mark.parametrize("seed", [0, 1, 7, -1, 2**62, 2**70])
def test_derive_seed_is_63_bit_stable_and_key_sensitive(seed: int) -> None:
    children: list[Any] = [derive_seed(seed, f"rep/{i}") for i in range(200)]
    assert all(isinstance(c, int) and 0 <= c < 2**63 for c in children)
    assert len(set(children)) == 200
    assert children == [derive_seed(seed, f"rep/{i}") for i in range(200)]
    assert derive_seed(seed, "rep/0") != derive_seed(seed + 1, "rep/0")


def test_derive_seed_uses_the_top_63_bits_of_the_hash() -> None:
    d = hashlib.blake2b(b"7/rep/0", digest_size=8).digest()
    assert derive_seed(7, "rep/0") == int.from_bytes(d, "big") >> 1
    # the high bit of a 64-bit hash is set about half the time: 63 bits is a real cap
    assert max(derive_seed(7, f"k{i}") for i in range(64)) >= 2**62
