"""Keyed random streams: every draw is named, so changing one input moves no other draw.

A draw is a pure function of (run seed, key, index): ``u = H(seed, key, i)`` mapped into
(0, 1). No global RNG and no draw order: two scenarios that share a flight id see the same
slip for it (common random numbers), and one replication is reproduced from its seed alone.
"""

from __future__ import annotations

import hashlib

__all__ = ["Streams", "derive_seed"]

_SCALE = 1.0 / 2**53
_BELOW_ONE = 1.0 - 2.0**-53
"""The largest float below 1."""


class Streams:
    """Uniform numbers keyed by name for one run seed."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._prefix = f"{self.seed}/".encode()

    def uniform(self, key: str, index: int = 0) -> float:
        """The ``index``-th uniform number of stream ``key``, strictly inside (0, 1)."""
        digest = hashlib.blake2b(
            self._prefix + key.encode() + b"#" + str(index).encode(), digest_size=8
        ).digest()
        # 53 random bits, shifted by half a step so that 0 never occurs; the largest of
        # them rounds up to exactly 1.0 in float64, so it is taken as the float below 1
        # (every other draw is unchanged)
        return min(((int.from_bytes(digest, "big") >> 11) + 0.5) * _SCALE, _BELOW_ONE)


def derive_seed(seed: int, key: str) -> int:
    """A child seed (63-bit) for ``key``, e.g. one replication or one sweep point."""
    digest = hashlib.blake2b(f"{int(seed)}/{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1
