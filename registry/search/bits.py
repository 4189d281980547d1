"""Sets of document numbers as Python integers: bit n set means document n is in.

AND, OR and counting (`int.bit_count`) run in C over a few kilobytes, which is what makes
facet counts over every match cheap.
"""

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]

_BIT = tuple(1 << i for i in range(8))
_BYTE_BITS = tuple(tuple(i for i in range(8) if byte >> i & 1) for byte in range(256))


def from_docnums(docnums: Iterable[int], size: int) -> int:
    data = bytearray((size >> 3) + 1)
    for docnum in docnums:
        data[docnum >> 3] |= _BIT[docnum & 7]
    return int.from_bytes(data, "little")


def docnums(bits: int) -> list[int]:
    """The document numbers in a set, ascending."""
    result: list[int] = []
    if bits <= 0:
        return result
    data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    extend = result.extend
    for index, byte in enumerate(data):
        if byte:
            base = index << 3
            extend([base + i for i in _BYTE_BITS[byte]])
    return result


def full(size: int) -> int:
    """All document numbers below `size`."""
    return (1 << size) - 1


def to_mask(bits: int, size: int) -> Mask:
    """The set as an array of `size` booleans (for ranking in numpy)."""
    if bits <= 0:
        return np.zeros(size, dtype=np.bool_)
    data = np.frombuffer(bits.to_bytes((size + 7) >> 3, "little"), dtype=np.uint8)
    return np.unpackbits(data, count=size, bitorder="little").view(np.bool_)


def from_mask(mask: Mask) -> int:
    """The set of the positions where `mask` is true."""
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")
