"""Small numbers stay hidden: which cells of a table are withheld before anyone outside sees it.

One rule for every output (pages, charts, gaps, files, snapshot, meeting documents):

* **Primary**: a breakdown cell (a gender, an area or both) whose count basis *n* is below
  the threshold. The whole-municipality total (kön T, Hela kommunen) is never withheld.
* **Complementary**: more breakdown cells are withheld so that no withheld value can be
  derived from the published ones. Per indicator and period the table's relations are
  T = K + M (for every area) and Hela kommunen = Σ areas (for every gender, when the
  indicator has at least two areas). For every indicator, no relation may hold exactly one
  withheld cell as its only unknown (the practice of national statistics offices, also for
  rates and averages); for counts (unit ``antal``) the additive system is solved as well, and cells
  are withheld until no withheld value is uniquely determined by the published cells.

A cell without a value that is not withheld (missing) is unknown to a reader as well.
Pure Python + numpy: no database, no settings, no Streamlit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np
import pandas as pd

Key = tuple  # (indicator, period, gender, area)
COUNT_UNIT = "antal"
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Cell:
    indicator: object
    period: str
    gender: str
    area: object
    value: Optional[float]
    n: Optional[int] = None
    is_total_area: bool = False
    additive: bool = False

    @property
    def key(self) -> Key:
        return (self.indicator, self.period, self.gender, self.area)

    @property
    def is_grand_total(self) -> bool:
        return self.gender == "T" and self.is_total_area

    @property
    def published(self) -> bool:
        return self.value is not None and self.value == self.value  # NaN is not a value


@dataclass(frozen=True)
class Finding:
    """A withheld cell a reader could work out: recomputed value, or None for a rate that
    is alone in its group (not computable, but the rule is broken); or, with ``n``, a cell
    published although its count basis is below the threshold (``value`` is what is shown)."""
    key: Key
    value: Optional[float]
    n: Optional[int] = None


def _isnan(x) -> bool:
    """None, NaN or pandas' NA."""
    if x is None:
        return True
    try:
        return bool(x != x) or x is pd.NA
    except TypeError:  # pd.NA refuses to be a bool
        return True


def is_additive(unit) -> bool:
    """Counts add up: T = K + M and Hela kommunen = Σ areas."""
    return (unit or "") == COUNT_UNIT


def is_primary(cell: Cell, threshold: int) -> bool:
    """A breakdown cell with a count basis below the threshold."""
    if cell.is_grand_total or cell.n is None or _isnan(cell.n):
        return False
    return int(cell.n) < threshold


class _Table:
    """One indicator and period: every gender × area position, with the relations."""

    def __init__(self, cells: list[Cell], genders: list[str], areas: list, total_area):
        self.cells = {(c.gender, c.area): c for c in cells}
        self.positions = [(g, a) for g in genders for a in areas]
        self.additive = any(c.additive for c in cells)
        self.relations: list[list[tuple[tuple, int]]] = []
        if genders == ["T", "K", "M"]:
            for a in areas:
                self.relations.append([(("T", a), 1), (("K", a), -1), (("M", a), -1)])
        parts = [a for a in areas if a != total_area]
        if total_area is not None and len(parts) >= 2:
            for g in genders:
                self.relations.append([((g, total_area), 1)] + [((g, a), -1) for a in parts])

    def published(self, pos, withheld: set) -> bool:
        cell = self.cells.get(pos)
        return cell is not None and cell.published and pos not in withheld

    def candidates(self, relation, withheld: set) -> list:
        return [pos for pos, _ in relation if self.published(pos, withheld) and not self.cells[pos].is_grand_total]

    def choose(self, options: list, withheld: set):
        """The complementary cell that hides least: it joins groups that already hide cells,
        then the smallest count basis, then the smallest value."""
        def cost(pos):
            cell = self.cells[pos]
            new_singletons = sum(1 for rel in self.relations if pos in dict(rel)
                                 and not any(p in withheld for p, _ in rel))
            n = float("inf") if cell.n is None or _isnan(cell.n) else float(cell.n)
            return (new_singletons, n, abs(float(cell.value)), self.positions.index(pos))
        return min(options, key=cost)

    def lone_withheld(self, withheld: set) -> list:
        """Relations whose only unknown cell is a withheld one (and the cell); a missing
        cell is unknown to a reader too."""
        out = []
        for rel in self.relations:
            unknown = [p for p, _ in rel if not self.published(p, withheld)]
            if len(unknown) == 1 and unknown[0] in withheld:
                out.append((rel, unknown[0]))
        return out

    def solve(self, withheld: set) -> dict:
        """Withheld positions that the published cells determine, with their values."""
        if not self.relations or not withheld:
            return {}
        unknown = [p for p in self.positions if not self.published(p, set(withheld))]
        index = {p: i for i, p in enumerate(unknown)}
        a = np.zeros((len(self.relations), len(unknown)))
        b = np.zeros(len(self.relations))
        for r, rel in enumerate(self.relations):
            for pos, coef in rel:
                if pos in index:
                    a[r, index[pos]] += coef
                else:
                    b[r] -= coef * float(self.cells[pos].value)
        _, s, vt = np.linalg.svd(a)
        rank = int((s > _TOLERANCE).sum())
        null = vt[rank:].T  # columns span the freedom left to the unknowns
        x = np.linalg.lstsq(a, b, rcond=None)[0]
        found = {}
        for pos in withheld:
            i = index.get(pos)
            if i is not None and (null.size == 0 or np.abs(null[i]).max() < 1e-7):
                found[pos] = float(round(x[i], 9))
        return found


def _tables(cells: list[Cell], periods: Optional[set] = None) -> list[_Table]:
    """One table per indicator and period (``periods``: only those; an indicator's genders and
    areas still come from all its cells)."""
    by_indicator: dict = {}
    for c in cells:
        by_indicator.setdefault(c.indicator, []).append(c)
    tables = []
    for ind_cells in by_indicator.values():
        genders = ["T", "K", "M"] if any(c.gender in ("K", "M") for c in ind_cells) else ["T"]
        total_area = next((c.area for c in ind_cells if c.is_total_area), None)
        areas = sorted({c.area for c in ind_cells}, key=lambda a: (a != total_area, str(a)))
        by_period: dict = {}
        for c in ind_cells:
            by_period.setdefault(c.period, []).append(c)
        tables.extend((period, _Table(pc, genders, areas, total_area)) for period, pc in by_period.items()
                      if periods is None or period in periods)
    return [t for _, t in tables]


def _protect(table: _Table, threshold: int) -> set:
    withheld = {pos for pos, c in table.cells.items() if c.published and is_primary(c, threshold)}
    while withheld:
        lone = [(rel, p) for rel, p in table.lone_withheld(withheld) if table.candidates(rel, withheld)]
        if lone:
            withheld.add(table.choose(table.candidates(lone[0][0], withheld), withheld))
            continue
        if not table.additive:
            break
        determined = table.solve(withheld)
        options = sorted({c for pos in determined for rel in table.relations if pos in dict(rel)
                          for c in table.candidates(rel, withheld)}, key=table.positions.index)
        if determined and not options:  # derived through a chain: any published breakdown cell
            options = [p for p in table.positions if table.published(p, withheld)
                       and not table.cells[p].is_grand_total]
        if not options:
            break
        withheld.add(table.choose(options, withheld))
    return withheld


def withheld(cells: Iterable[Cell], threshold: int, periods: Optional[set] = None) -> set[Key]:
    """Keys of every cell to withhold: primary plus complementary. ``periods``: the periods
    that have a primary cell, when the caller knows them (a table without one withholds
    nothing, so only those tables are built)."""
    out = set()
    for table in _tables(list(cells), periods):
        for pos in _protect(table, threshold):
            out.add(table.cells[pos].key)
    return out


def audit(cells: Iterable[Cell], withheld_keys: Iterable[Key], threshold: Optional[int] = None) -> list[Finding]:
    """What a reader could learn about withheld cells from the published ones: every
    withheld count it can recompute, and every withheld cell alone in its group; with a
    threshold, also every published cell whose count basis is below it (primary, not hidden)."""
    hidden = set(withheld_keys)
    cells = list(cells)
    findings: dict = {}
    if threshold is not None:
        for c in cells:
            if c.published and c.key not in hidden and is_primary(c, threshold):
                findings[c.key] = Finding(c.key, c.value, int(c.n))
    for table in _tables(cells):
        positions = {pos for pos, c in table.cells.items() if c.key in hidden}
        for rel, pos in table.lone_withheld(positions):
            findings.setdefault(table.cells[pos].key, Finding(table.cells[pos].key, None))
        if table.additive:
            for pos, value in table.solve(positions).items():
                findings[table.cells[pos].key] = Finding(table.cells[pos].key, value)
    return [findings[k] for k in sorted(findings, key=lambda k: tuple(map(str, k)))]


def cells_from_frame(values: pd.DataFrame, additive_ids: Optional[set] = None) -> list[Cell]:
    """Cells from a measurements frame (``db.queries.measurements``: indicator_id, period,
    gender, area_id, is_total, value, count_n and, when present, unit)."""
    if values.empty:
        return []
    units = values["unit"].tolist() if "unit" in values else [COUNT_UNIT] * len(values)
    columns = [values[c].tolist() for c in ("indicator_id", "period", "gender", "area_id", "is_total", "value", "count_n")]
    return [
        Cell(i, p, g, a, None if _isnan(v) else float(v), None if _isnan(n) else int(n), bool(t),
             (i in additive_ids) if additive_ids is not None else is_additive(u))
        for i, p, g, a, t, v, n, u in zip(*columns, units)
    ]


def withheld_mask(values: pd.DataFrame, threshold: int) -> pd.Series:
    """True for every row of a measurements frame that is withheld (primary or complementary).
    Without a ``unit`` column every indicator is treated as a count (the stricter rule).

    Suppression groups never cross indicators (``_tables``: one table per indicator and
    period, its genders and areas taken from that indicator's rows alone), so the rule runs
    one indicator at a time: only that indicator's ``Cell`` objects exist at once, not one
    per row of the whole frame (a county's year is half a million rows)."""
    if values.empty:
        return pd.Series(dtype=bool, index=values.index)
    narrow = values[[c for c in (*_KEY_COLUMNS, "is_total", "value", "count_n", "unit") if c in values]]
    mask = np.zeros(len(values), dtype=bool)
    for rows in _indicator_rows(narrow["indicator_id"]):
        part = narrow.take(rows)
        periods = _periods_with_primary(part, threshold)
        if not periods:  # no count basis below the threshold: nothing to withhold
            continue
        keys = withheld(cells_from_frame(part), threshold, periods)
        if keys:
            columns = (part[c].tolist() for c in _KEY_COLUMNS)  # plain lists: fast to walk
            mask[rows] = [key in keys for key in zip(*columns)]
    return pd.Series(mask, index=values.index, dtype=bool)


_KEY_COLUMNS = ("indicator_id", "period", "gender", "area_id")


def _periods_with_primary(part: pd.DataFrame, threshold: int) -> set:
    """The periods with a primary cell (``is_primary`` of a published cell), in one vectorised
    pass: most periods have none, and their tables need not be built."""
    n = pd.to_numeric(part["count_n"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    value = pd.to_numeric(part["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    grand = (part["gender"].to_numpy() == "T") & part["is_total"].fillna(False).astype(bool).to_numpy()
    primary = (n < threshold) & ~np.isnan(value) & ~grand
    return set(part["period"].to_numpy()[primary]) if primary.any() else set()


def _indicator_rows(indicator_ids: pd.Series) -> list[np.ndarray]:
    """Row positions of each indicator, in frame order within an indicator (the order the
    cells would have in one list of the whole frame)."""
    groups = pd.factorize(indicator_ids, use_na_sentinel=False)[0]
    order = np.argsort(groups, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(groups[order])) + 1)


def hide(values: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """A copy of a measurements frame with ``suppressed`` set (primary or complementary)
    and the value blanked (NaN) there: what a chart, a table or a file may show."""
    out = values.copy()
    if out.empty:
        out["suppressed"] = pd.Series(dtype=bool)
        return out
    out["suppressed"] = withheld_mask(out, threshold)
    out["value"] = out["value"].astype(float).where(~out["suppressed"], np.nan)
    return out
