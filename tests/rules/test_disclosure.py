"""The disclosure rule: primary + complementary suppression (hypothesis over random tables)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from indicators.rules.disclosure import Cell, audit, is_primary, withheld

THRESHOLD = 5
AREAS = ["HK", "A1", "A2", "A3", "A4"]


@st.composite
def count_tables(draw):
    """One indicator and period of counts by gender and area: T = K + M, HK = Σ areas."""
    n_areas = draw(st.integers(2, 4))
    parts = AREAS[1:1 + n_areas]
    grid = {(g, a): draw(st.integers(0, 40)) for g in ("K", "M") for a in parts}
    cells = []
    for a in parts:
        grid[("T", a)] = grid[("K", a)] + grid[("M", a)]
    for g in ("T", "K", "M"):
        grid[(g, "HK")] = sum(grid[(g, a)] for a in parts)
    for (g, a), v in grid.items():
        if draw(st.integers(0, 9)) == 0 and not (g == "T" and a == "HK"):
            continue  # a missing cell
        cells.append(Cell("X", "2024Q1", g, a, float(v), v, a == "HK", True))
    return cells


@st.composite
def rate_tables(draw):
    n_areas = draw(st.integers(2, 4))
    cells = []
    for a in ["HK"] + AREAS[1:1 + n_areas]:
        for g in ("T", "K", "M"):
            cells.append(Cell("R", "2024", g, a, draw(st.floats(0, 100)), draw(st.integers(0, 30)), a == "HK", False))
    return cells


def _lone_withheld(cells, hidden):
    """Groups (T, K, M of an area; every area of a gender) whose one unknown cell is
    withheld; a missing cell (None) is unknown to a reader as well."""
    areas = sorted({c.area for c in cells})
    by_pos = {(c.gender, c.area): c for c in cells}
    groups = [[by_pos.get((g, a)) for g in ("T", "K", "M")] for a in areas]
    if len(areas) > 2:
        groups += [[by_pos.get((g, a)) for a in areas] for g in ("T", "K", "M")]
    lone = []
    for group in groups:
        unknown = [c for c in group if c is None or c.key in hidden]
        if len(unknown) == 1 and unknown[0] is not None:
            lone.append(unknown[0].key)
    return lone


def _determined(cells, hidden):
    """Independent check: the withheld cells the published cells pin down (rank test)."""
    by_pos = {(c.gender, c.area): c for c in cells}
    parts = sorted({c.area for c in cells} - {"HK"})
    positions = [(g, a) for g in ("T", "K", "M") for a in ["HK"] + parts]
    unknown = [p for p in positions if p not in by_pos or by_pos[p].key in hidden]
    rows = []
    for a in ["HK"] + parts:
        rows.append({("T", a): 1, ("K", a): -1, ("M", a): -1})
    for g in ("T", "K", "M") if len(parts) >= 2 else ():  # an area absent from the table is unknown
        rows.append({(g, "HK"): 1, **{(g, a): -1 for a in parts}})
    a_u = np.array([[r.get(p, 0) for p in unknown] for r in rows], dtype=float)
    rank = np.linalg.matrix_rank(a_u)
    out = []
    for i, p in enumerate(unknown):
        if p in by_pos:
            e = np.zeros((1, len(unknown)))
            e[0, i] = 1
            if np.linalg.matrix_rank(np.vstack([a_u, e])) == rank:
                out.append(by_pos[p].key)
    return out


@settings(max_examples=300, deadline=None)
@given(count_tables())
def test_counts_no_withheld_cell_can_be_recomputed(cells):
    hidden = withheld(cells, THRESHOLD)
    assert all(c.key in hidden for c in cells if c.published and is_primary(c, THRESHOLD))
    assert not any(c.is_grand_total for c in cells if c.key in hidden)
    assert _lone_withheld(cells, hidden) == []
    assert _determined(cells, hidden) == []
    assert audit(cells, hidden) == []


@settings(max_examples=300, deadline=None)
@given(rate_tables())
def test_rates_never_exactly_one_withheld_cell_in_a_group(cells):
    hidden = withheld(cells, THRESHOLD)
    assert all(c.key in hidden for c in cells if is_primary(c, THRESHOLD))
    assert _lone_withheld(cells, hidden) == []
    assert all(f.value is None for f in audit(cells, hidden))
    assert audit(cells, hidden) == []


def test_primary_only_export_is_recomputable_and_complement_fixes_it():
    """The measured leak: K hidden, T and M shown → K = T − M."""
    cells = [Cell("D", "2019Q1", "T", "HK", 12.0, 12, True, True),
             Cell("D", "2019Q1", "K", "HK", 3.0, 3, True, True),
             Cell("D", "2019Q1", "M", "HK", 9.0, 9, True, True)]
    primary = {c.key for c in cells if is_primary(c, THRESHOLD)}
    findings = audit(cells, primary)
    assert [(f.key, f.value) for f in findings] == [(("D", "2019Q1", "K", "HK"), 3.0)]
    assert withheld(cells, THRESHOLD) == {("D", "2019Q1", "K", "HK"), ("D", "2019Q1", "M", "HK")}


def test_total_never_withheld_and_large_counts_untouched():
    cells = [Cell("D", "2020", g, "HK", 50.0, 50, True, True) for g in ("T", "K", "M")]
    assert withheld(cells, THRESHOLD) == set()


@settings(max_examples=300, deadline=None)
@given(rate_tables())
def test_rates_no_withheld_count_basis_can_be_recomputed(cells):
    """A rate's count basis adds up (n_T = n_K + n_M, n of Hela kommunen = Σ areas) and the
    snapshot JSON publishes n beside every published value: the lone-cell rule for rates must
    leave no withheld n pinned down by the published ones. Whether a cell is pinned down
    depends only on which cells are withheld (the rank test), not on the numbers, so the
    rate table's own pattern is checked; for a T/K/M × areas table no lone cell implies none."""
    assert _determined(cells, withheld(cells, THRESHOLD)) == []


def test_one_area_beside_hela_kommunen_has_no_sum_relation():
    """README, "Small numbers": with a single area the areas do not add up to Hela kommunen
    (the rest of the municipality is not reported), so only T = K + M binds: the area's K and M
    are withheld, Hela kommunen's are not."""
    cells = [Cell("D", "2025Q3", g, a, float(v), v, a == "HK", True) for g, a, v in
             (("T", "HK", 60), ("K", "HK", 31), ("M", "HK", 29), ("T", "A1", 15), ("K", "A1", 3), ("M", "A1", 12))]
    assert withheld(cells, THRESHOLD) == {("D", "2025Q3", "K", "A1"), ("D", "2025Q3", "M", "A1")}
    # a second area makes Hela kommunen = A1 + A2 a relation: K and M of A2 are withheld as well
    cells += [Cell("D", "2025Q3", g, "A2", float(v), v, False, True) for g, v in (("T", 45), ("K", 28), ("M", 17))]
    assert withheld(cells, THRESHOLD) == {("D", "2025Q3", g, a) for g in ("K", "M") for a in ("A1", "A2")}
