"""The disclosure rule's frame mask as it was before it ran one indicator at a time: every
row's ``Cell`` built at once and the whole frame's withheld keys matched row by row. Kept as
the reference the per-indicator ``disclosure.withheld_mask`` must agree with exactly."""
from __future__ import annotations

import pandas as pd

from indicators.rules.disclosure import cells_from_frame, withheld


def whole_frame_withheld_mask(values: pd.DataFrame, threshold: int) -> pd.Series:
    if values.empty:
        return pd.Series(dtype=bool, index=values.index)
    keys = withheld(cells_from_frame(values), threshold)
    columns = (values[c].tolist() for c in ("indicator_id", "period", "gender", "area_id"))
    return pd.Series([key in keys for key in zip(*columns)], index=values.index, dtype=bool)
