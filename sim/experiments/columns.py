"""Metric columns of a Monte Carlo ensemble in their narrowest exact form.

A worker packs each metric of a chunk (:func:`pack_numbers`, :func:`pack_texts`); the
ensemble appends the packs to one growing column per metric (:class:`NumberColumn`,
:class:`TextColumn`). A number or a date column is held as integers ``k`` with a decimal
scale ``d`` (the value is ``k / 10**d``, in the narrowest of int8 to int64 that holds every
``k``; the type's minimum means null) whenever that gives back every value bit for bit,
else as float64 (NaN for null). Metrics are rounded to 6 decimals and dates are whole days
since the epoch, so most need 1 to 4 bytes instead of 8. A text column is a small integer
code per replication into the texts seen so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["FLOAT", "NumberColumn", "Packed", "TextColumn", "pack_numbers", "pack_texts"]

FLOAT = -1
"""Scale of a column held as float64."""
MAX_SCALE = 6
"""Most decimals tried (metrics are rounded to 6)."""
_EXACT = 2**53
"""Integers below this are exact in float64 (and their scaling is exact)."""
_INTS: tuple[type[np.signedinteger], ...] = (np.int8, np.int16, np.int32, np.int64)


@dataclass(frozen=True, eq=False)
class Packed:
    """One metric over a chunk of replications, as a worker ships it."""

    data: np.ndarray
    """Numbers and dates: integers ``k`` (value ``k / 10**scale``; the dtype's minimum
    for null), or float64 (NaN for null) when ``scale`` is :data:`FLOAT`. Text: codes
    into ``vocab``."""
    scale: int = FLOAT
    vocab: tuple[str | None, ...] = ()
    """Text: the distinct texts (None for null) the codes point into."""


def _int_type(lo: int, hi: int) -> type[np.signedinteger]:
    """The narrowest integer type holding ``lo .. hi`` with its minimum left for null."""
    for t in _INTS:
        info = np.iinfo(t)
        if info.min < lo and hi <= info.max:
            return t
    return np.int64  # not reached: callers keep |k| below 2**53


def pack_numbers(values: np.ndarray) -> Packed:
    """``values`` (float64, NaN for null, at least one not null) in the narrowest form
    that gives them back exactly."""
    null = np.isnan(values)
    x = values[~null]
    if len(x) and np.isfinite(x).all() and not np.signbit(x[x == 0]).any():
        for d in range(MAX_SCALE + 1):
            s = 10.0**d
            k = np.round(x * s)
            if not np.abs(k).max(initial=0.0) < _EXACT:
                break  # more decimals only make it bigger
            if np.array_equal(k / s, x):  # exactly how NumberColumn decodes
                t = _int_type(int(k.min()), int(k.max()))
                data = np.full(len(values), np.iinfo(t).min, dtype=t)
                data[~null] = k.astype(t)
                return Packed(data, d)
    return Packed(np.array(values, dtype=np.float64))


def _code_type(size: int) -> type[np.unsignedinteger]:
    return np.uint8 if size <= 256 else np.uint16 if size <= 65536 else np.uint32


def pack_texts(texts: Sequence[str | None]) -> Packed:
    """Texts (None for null) as codes into their distinct values, in order of appearance."""
    index: dict[str | None, int] = {}
    codes = [index.setdefault(t, len(index)) for t in texts]
    return Packed(np.array(codes, dtype=_code_type(len(index))), vocab=tuple(index))


def _decode(data: np.ndarray, scale: int) -> np.ndarray:
    """Float64 values (NaN for null) of integers at ``scale`` or of float64 data."""
    if scale == FLOAT:
        return np.array(data, dtype=np.float64)
    out = data.astype(np.float64)
    if scale:
        out /= 10.0**scale
    out[data == np.iinfo(data.dtype).min] = np.nan
    return out


def _grown(capacity: int, total: int) -> int:
    """Capacity for ``total`` rows: exactly that, or 1.5 times the old one if larger (so
    that repeated small growth stays linear)."""
    return max(total, capacity + capacity // 2) if total > capacity else capacity


class NumberColumn:
    """A number or date metric over the replications so far, as integers at a decimal
    scale or as float64 (see the module); :meth:`values` gives float64, NaN for null."""

    def __init__(self, capacity: int = 0) -> None:
        self._data: np.ndarray = np.empty(max(0, capacity), dtype=np.int8)
        self._scale = 0
        self._range: tuple[int, int] | None = None
        """Smallest and largest integer held (None: only nulls so far, or float64)."""
        self.n = 0

    @property
    def nbytes(self) -> int:
        """Bytes of the column's buffer (its capacity)."""
        return int(self._data.nbytes)

    @property
    def dtype(self) -> np.dtype:
        """How a value is held (int8 .. int64 at :attr:`scale`, or float64)."""
        return self._data.dtype

    @property
    def scale(self) -> int:
        """Decimals of the integers, or :data:`FLOAT`."""
        return self._scale

    def reserve(self, total: int) -> None:
        """Make room for ``total`` rows."""
        capacity = _grown(len(self._data), total)
        if capacity > len(self._data):
            data = np.empty(capacity, dtype=self._data.dtype)
            data[: self.n] = self._data[: self.n]
            self._data = data

    def append(self, packed: Packed | None, rows: int) -> None:
        """Add ``rows`` replications: the values of ``packed``, or nulls if None."""
        self.reserve(self.n + rows)
        where = slice(self.n, self.n + rows)
        if packed is not None and packed.scale != FLOAT:
            null = packed.data == np.iinfo(packed.data.dtype).min
            if null.all():
                packed = None  # nothing to make room for
            elif self._scale != FLOAT and self._widen(packed.data[~null], packed.scale):
                self._data[where] = _rescale(packed, self._data.dtype, self._scale)
                self.n += rows
                return
        if packed is None:
            self._data[where] = self._null()
        else:  # float64 data, or integers that only float64 holds with the column's
            self._recode(np.float64, FLOAT)
            self._data[where] = _decode(packed.data, packed.scale)
        self.n += rows

    def _widen(self, ks: np.ndarray, scale: int) -> bool:
        """Hold the integers so far at a type and scale that the integers ``ks`` at
        ``scale`` fit too, exactly; False (nothing changed) if only float64 can."""
        new = max(self._scale, scale)
        lo, hi = int(ks.min()) * 10 ** (new - scale), int(ks.max()) * 10 ** (new - scale)
        if self._range is not None:
            lo = min(lo, self._range[0] * 10 ** (new - self._scale))
            hi = max(hi, self._range[1] * 10 ** (new - self._scale))
        if max(-lo, hi) >= _EXACT:
            return False
        self._recode(_int_type(lo, hi), new)
        self._range = (lo, hi)
        return True

    def _null(self) -> float | int:
        return np.nan if self._scale == FLOAT else int(np.iinfo(self._data.dtype).min)

    def _recode(self, dtype: type[np.number], scale: int) -> None:
        """Hold the rows so far as ``dtype`` at ``scale`` (exact: only ever wider)."""
        if self._data.dtype == dtype and self._scale == scale:
            return
        data = np.empty(len(self._data), dtype=dtype)
        if scale == FLOAT:
            data[: self.n] = _decode(self._data[: self.n], self._scale)
            self._range = None
        else:
            data[: self.n] = _rescale(Packed(self._data[: self.n], self._scale), dtype, scale)
        self._data, self._scale = data, scale

    def values(self) -> np.ndarray:
        """The column as float64 (dates as days since epoch; NaN for null)."""
        return _decode(self._data[: self.n], self._scale)

    def copy(self, capacity: int = 0) -> NumberColumn:
        """An independent copy with room for ``capacity`` rows."""
        new = NumberColumn()
        new._data = np.empty(max(self.n, capacity), dtype=self._data.dtype)
        new._data[: self.n] = self._data[: self.n]
        new._scale, new._range, new.n = self._scale, self._range, self.n
        return new


def _rescale(packed: Packed, dtype: type[np.number] | np.dtype, scale: int) -> np.ndarray:
    """Integers of ``packed`` at ``scale`` (not below theirs) as ``dtype``, nulls kept."""
    data = packed.data
    null = data == np.iinfo(data.dtype).min
    out = data.astype(np.int64)
    if scale != packed.scale:
        out *= 10 ** (scale - packed.scale)
    out[null] = np.iinfo(dtype).min
    return out.astype(dtype)


class TextColumn:
    """A text metric over the replications so far: a code per replication into
    :attr:`vocab` (None for null)."""

    def __init__(self, capacity: int = 0) -> None:
        self._codes: np.ndarray = np.empty(max(0, capacity), dtype=np.uint8)
        self.vocab: list[str | None] = []
        self._index: dict[str | None, int] = {}
        self.n = 0

    @property
    def nbytes(self) -> int:
        """Bytes of the codes' buffer (its capacity)."""
        return int(self._codes.nbytes)

    def reserve(self, total: int) -> None:
        """Make room for ``total`` rows."""
        capacity = _grown(len(self._codes), total)
        if capacity > len(self._codes):
            codes = np.empty(capacity, dtype=self._codes.dtype)
            codes[: self.n] = self._codes[: self.n]
            self._codes = codes

    def _code(self, text: str | None) -> int:
        code = self._index.get(text)
        if code is None:
            code = self._index[text] = len(self.vocab)
            self.vocab.append(text)
            t = _code_type(len(self.vocab))
            if t != self._codes.dtype:
                self._codes = self._codes.astype(t)
        return code

    def append(self, packed: Packed | None, rows: int) -> None:
        """Add ``rows`` replications: the texts of ``packed``, or nulls if None."""
        self.reserve(self.n + rows)
        if packed is None:
            self._codes[self.n : self.n + rows] = self._code(None)
        else:
            mapping = np.array([self._code(t) for t in packed.vocab], dtype=np.int64)
            self._codes[self.n : self.n + rows] = mapping[packed.data]
        self.n += rows

    def codes(self) -> np.ndarray:
        """The code of every replication (an index into :attr:`vocab`)."""
        return self._codes[: self.n]

    def texts(self) -> list[str | None]:
        """The text of every replication (None for null)."""
        vocab = np.empty(len(self.vocab), dtype=object)
        vocab[:] = self.vocab
        out: list[str | None] = vocab[self.codes()].tolist()
        return out

    def counts(self) -> dict[str | None, int]:
        """How many replications have each text (None: null), in order of appearance."""
        tally = np.bincount(self.codes(), minlength=len(self.vocab))
        return {t: int(c) for t, c in zip(self.vocab, tally, strict=True) if c}

    def copy(self, capacity: int = 0) -> TextColumn:
        """An independent copy with room for ``capacity`` rows."""
        new = TextColumn()
        new._codes = np.empty(max(self.n, capacity), dtype=self._codes.dtype)
        new._codes[: self.n] = self._codes[: self.n]
        new.vocab, new._index, new.n = list(self.vocab), dict(self._index), self.n
        return new
