"""Document sets as integers, and as boolean arrays for ranking in numpy."""

import random

import numpy as np
import pytest

from registry.search import bits


@pytest.mark.parametrize("size", [1, 7, 8, 9, 64, 1000, 8643])
def test_a_set_survives_the_trip_through_an_array(size: int) -> None:
    rng = random.Random(size)
    members = sorted(d for d in range(size) if rng.random() < 0.3)
    as_bits = bits.from_docnums(members, size)

    mask = bits.to_mask(as_bits, size)

    assert mask.dtype == np.bool_
    assert len(mask) == size
    assert np.flatnonzero(mask).tolist() == members == bits.docnums(as_bits)
    assert bits.from_mask(mask) == as_bits


def test_the_empty_set_is_an_array_of_false() -> None:
    assert not bits.to_mask(0, 5).any()
    assert bits.from_mask(np.zeros(5, dtype=np.bool_)) == 0
    assert bits.to_mask(bits.full(5), 5).all()
