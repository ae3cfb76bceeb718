"""The engine comparison (normenkader.compare): what counts as the same value on two engines, and what does not."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from normenkader.compare import comparable, pair_within_tolerance


def rows(*values) -> Counter:
    return Counter(tuple(comparable(v) for v in row) for row in values)


def test_a_ratio_rounded_the_other_way_at_a_halfway_value_is_the_same():
    # seen at bench scale 0.1: P27 = 1225.6734375 exactly, DuckDB (double) 1225.673437, PostgreSQL 1225.673438
    left = rows(("ggz_demo", "7095", 2022, Decimal("1225.673437"), Decimal("3143.16")))
    right = rows(("ggz_demo", "7095", 2022, Decimal("1225.673438"), Decimal("3143.16")))
    assert left != right
    assert pair_within_tolerance(left - right, right - left) == (Counter(), Counter())


def test_an_amount_a_cent_off_a_ratio_off_in_the_fifth_decimal_and_other_text_stay_differences():
    base = ("ggz_demo", "7095", 2022, Decimal("1225.673437"), Decimal("12345678.91"))
    for changed in [("ggz_demo", "7095", 2022, Decimal("1225.673437"), Decimal("12345678.92")),
                    ("ggz_demo", "7095", 2022, Decimal("1225.673447"), Decimal("12345678.91")),
                    ("ggz_demo", "3311", 2022, Decimal("1225.673437"), Decimal("12345678.91")),
                    ("ggz_demo", "7095", 2023, Decimal("1225.673437"), Decimal("12345678.91"))]:
        left, right = rows(base), rows(changed)
        only_left, only_right = pair_within_tolerance(left - right, right - left)
        assert sum(only_left.values()) == 1 and sum(only_right.values()) == 1, changed


def test_floats_compare_to_ten_significant_digits_and_integers_by_value():
    assert comparable(0.1 + 0.2) == comparable(0.3)
    assert comparable(Decimal("2.00")) == comparable(2) == 2
    assert comparable(1.0000001) != comparable(1.0000002)
