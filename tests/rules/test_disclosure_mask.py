"""The frame mask runs the disclosure rule one indicator at a time: the same withheld rows
as the whole frame at once (the reference in tests/utils), on random frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

from indicators.rules.disclosure import hide, withheld_mask
from tests.utils.disclosure_reference import whole_frame_withheld_mask

THRESHOLD = 5
AREAS = [(1, True), (2, False), (3, False), (4, False)]  # (area_id, is_total): Hela kommunen first
PERIODS = ["2023", "2024Q1", "2024Q2", "2025"]


@st.composite
def frames(draw):
    """Several indicators (counts and rates, with and without a unit column), each with its
    own genders and areas, periods, missing values and small counts, rows in random order."""
    rows = []
    with_unit = draw(st.booleans())
    for indicator in draw(st.lists(st.integers(1, 9), min_size=1, max_size=5, unique=True)):
        unit = draw(st.sampled_from(["antal", "%", None]))
        genders = ["T", "K", "M"] if draw(st.booleans()) else ["T"]
        areas = AREAS[:draw(st.integers(1, len(AREAS)))]
        for period in draw(st.lists(st.sampled_from(PERIODS), min_size=1, max_size=3, unique=True)):
            for area, is_total in areas:
                for gender in genders:
                    if draw(st.integers(0, 7)) == 0:
                        continue  # no row at all
                    value = None if draw(st.integers(0, 9)) == 0 else float(draw(st.integers(0, 60)))
                    n = None if draw(st.integers(0, 9)) == 0 else draw(st.integers(0, 40))
                    rows.append({"indicator_id": indicator, "period": period, "gender": gender, "area_id": area,
                                 "is_total": is_total, "value": value, "count_n": n, "unit": unit})
    order = draw(st.permutations(range(len(rows))))
    frame = pd.DataFrame([rows[i] for i in order],
                         columns=["indicator_id", "period", "gender", "area_id", "is_total", "value", "count_n", "unit"])
    frame.index = draw(st.sampled_from([frame.index, frame.index[::-1] + 100]))  # the mask keeps any index
    return frame if with_unit else frame.drop(columns="unit")


@settings(max_examples=300, deadline=None)
@given(frames())
def test_per_indicator_mask_equals_whole_frame_mask(frame):
    mask = withheld_mask(frame, THRESHOLD)
    reference = whole_frame_withheld_mask(frame, THRESHOLD)
    assert mask.index.equals(frame.index)
    assert mask.dtype == bool
    assert mask.tolist() == reference.tolist()


def test_random_frames_withhold_primary_and_complementary_cells():
    """Guards the property test against comparing only empty masks: a frame with a small
    count withholds it and its complement, in the indicator it belongs to only."""
    frame = pd.DataFrame({
        "indicator_id": [7, 7, 7, 8, 8, 8], "period": ["2024"] * 6, "gender": ["T", "K", "M"] * 2,
        "area_id": [2] * 6, "is_total": [False] * 6, "value": [30.0, 3.0, 27.0, 30.0, 13.0, 17.0],
        "count_n": [30, 3, 27, 30, 13, 17], "unit": ["antal"] * 6,
    })
    assert withheld_mask(frame, THRESHOLD).tolist() == [False, True, True, False, False, False]
    assert withheld_mask(frame, THRESHOLD).tolist() == whole_frame_withheld_mask(frame, THRESHOLD).tolist()
    assert np.isnan(hide(frame, THRESHOLD)["value"].iloc[1])
