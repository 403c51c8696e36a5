"""What keeps a county-sized årsuppföljning fast and small gives the same data: the snapshot's
own read of the values (batched, periods up to its year) and the print PDF's page references."""
from __future__ import annotations

import pandas as pd

from db.engine import session_scope
from db import queries
from tests.utils.demo import FOLLOW_UP_YEAR as YEAR


def test_the_snapshot_reads_the_same_values_as_the_full_read_up_to_its_year(demo_engine):
    with session_scope(demo_engine) as session:
        ids = list(queries.indicators(session)["id"])
        full = queries.measurements(session, ids)
        read = queries.values_until(session, ids, YEAR - 1, batch=7)  # many batches
    expected = full[full["period"].str[:4] <= str(YEAR - 1)][list(read.columns)]
    assert 0 < len(read) < len(full)  # the demo data has later periods too
    key = ["indicator_id", "period", "gender", "area_id"]
    pd.testing.assert_frame_equal(read.sort_values(key).reset_index(drop=True),
                                  expected.sort_values(key).reset_index(drop=True))
    assert read["period"].str[:4].max() == str(YEAR - 1)
