"""Working-group dashboards: gaps and suppression, charts, the indicator detail, matrices,
responsibility and the history of an indicator's values. The pages themselves are tested
via AppTest in tests/pages."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from sqlalchemy import delete, select

from db import crud
from db.engine import session_scope
from db.models import Area, Indicator, Measurement, Organisation
from indicators.catalogue import structure
from indicators.views import charts
from indicators.views import gaps
from indicators.views import indicator_detail
from indicators.views import matrices
from tests.utils.actors import ADMIN
from tests.utils.demo import DEMO_TODAY, FOCUS_AREAS
from indicators.unit_of_work import UnitOfWork

PROGRAM_GOALS = ["1. Ett gemensamt språk", "2. Egen försörjning", "3. Delaktighet i samhället",
                 "4. Trygghet och säkerhet", "5. Jämställdhet"]


def value_row(period, gender, area, value, n, total=False, order=0):
    return {"id": 0, "indicator_id": 1, "period": period, "gender": gender, "area_id": order, "area_code": area,
            "area_name": area, "is_total": total, "sort_order": order, "value": value, "count_n": n,
            "missing_reason": "", "comment": "", "status": "slutlig", "source": "test", "version": 1,
            "updated_by": "", "updated_at": None, "unit": "%"}


@pytest.fixture
def small_frame() -> pd.DataFrame:
    """Two years; in 2021 the men's value rests on 3 people and one area on 2."""
    rows = []
    for period, (t, k, m, n_m, a, n_a) in {"2020": (50.0, 54.0, 45.0, 400, 40.0, 90),
                                            "2021": (52.0, 55.0, 49.0, 3, 47.0, 2)}.items():
        rows += [value_row(period, "T", "Hela kommunen", t, 900, total=True),
                 value_row(period, "K", "Hela kommunen", k, 450, total=True),
                 value_row(period, "M", "Hela kommunen", m, n_m, total=True),
                 value_row(period, "T", "Centrum", a, n_a, order=1),
                 value_row(period, "T", "Landsbygd", 60.0, 2000, order=2)]
    rows.append(value_row("2021", "T", "Hela kommunen", 52.0, 1, total=True) | {"period": "2019"})
    return pd.DataFrame(rows)


INDICATOR = {"id": 1, "code": "X01", "name": "Testindikator", "unit": "%", "decimals": 1, "direction": "higher",
             "source_kind": "kolada", "baseline_period": "2020", "baseline_value": 50.0, "by_gender": True, "by_area": True}


# --- gaps and suppression -------------------------------------------------------------

def test_gender_gap_gives_difference_and_ratio_and_blanks_suppressed(small_frame):
    gap = gaps.gender_gap(small_frame, threshold=5).set_index("period")
    assert gap.loc["2020", "difference"] == pytest.approx(9.0)
    assert gap.loc["2020", "ratio"] == pytest.approx(54.0 / 45.0)
    assert not gap.loc["2020", "suppressed"]
    assert gap.loc["2021", "suppressed"]
    assert math.isnan(gap.loc["2021", "M"]) and math.isnan(gap.loc["2021", "difference"]) and math.isnan(gap.loc["2021", "ratio"])


def test_area_gap_is_area_minus_total_in_fixed_order(small_frame):
    gap = gaps.area_gap(small_frame, threshold=5)
    first = gap[gap["period"] == "2020"]
    assert list(first["area_name"]) == ["Centrum", "Landsbygd"]
    assert list(first["difference"]) == pytest.approx([-10.0, 10.0])
    latest = gaps.latest_area_gap(gap)
    centrum = latest[latest["area_name"] == "Centrum"].iloc[0]
    assert centrum["suppressed"] and math.isnan(centrum["value"]) and math.isnan(centrum["difference"])
    assert list(latest["area_name"]) == ["Centrum", "Landsbygd"]  # administrative order, never ranked


def test_suppression_is_the_disclosure_rule_and_spares_the_total(small_frame):
    shown = gaps.apply_suppression(small_frame, threshold=5)
    hidden = {(p, g, a) for p, g, a, s in zip(shown["period"], shown["gender"], shown["area_name"], shown["suppressed"]) if s}
    # primary: men 2021 (n=3) and Centrum 2021 (n=2); complementary: women 2021 (T = K + M
    # would give the men's value back) and Landsbygd 2021 (Hela kommunen = Σ areas)
    assert hidden == {("2021", "M", "Hela kommunen"), ("2021", "K", "Hela kommunen"),
                      ("2021", "T", "Centrum"), ("2021", "T", "Landsbygd")}
    assert shown.loc[shown["suppressed"], "value"].isna().all()
    total_2019 = shown[shown["period"] == "2019"].iloc[0]
    assert not total_2019["suppressed"] and total_2019["value"] == 52.0  # n=1 but whole municipality, gender T


# --- charts ---------------------------------------------------------------------------

def test_trend_chart_never_plots_suppressed_values_and_formats_swedish(small_frame):
    comparisons = pd.DataFrame([{"indicator_id": 1, "period": "2020", "gender": "T", "value": 48.0, "source_status": "",
                                 "source": "kolada", "unit_code": "0000", "unit_name": "Riket"}])
    targets = pd.DataFrame([{"indicator_id": 1, "year": 2027, "value": 60.0}])
    figure = charts.trend_figure(INDICATOR, small_frame, targets, comparisons, show_gender=True, show_areas=True, threshold=5)
    by_name = {trace.name: trace for trace in figure.data}
    assert {"Hela kommunen", "Kvinnor", "Män", "Centrum", "Landsbygd", "Riket (jämförelse)", "Mål", "Utgångsläge"} <= set(by_name)
    assert 49.0 not in by_name["Män"].y and 47.0 not in by_name["Centrum"].y
    assert 45.0 in by_name["Män"].y
    assert by_name["Hela kommunen"].line.width > by_name["Kvinnor"].line.width
    riket = by_name["Riket (jämförelse)"]
    assert riket.line.dash == "dash" and riket.line.color == charts.COMPARISON_COLOUR
    assert figure.layout.separators == ", "
    assert ("2020", "54,0\u00a0%") in [tuple(c) for c in by_name["Kvinnor"].customdata]
    assert charts.KOLADA_NOTE in [a.text for a in figure.layout.annotations]


def test_trend_chart_without_breakdowns_or_kolada_has_one_line(small_frame):
    own = INDICATOR | {"source_kind": "own"}
    figure = charts.trend_figure(own, small_frame, threshold=5)
    lines = [t for t in figure.data if t.mode == "lines+markers"]
    assert [t.name for t in lines] == ["Hela kommunen"]
    assert not figure.layout.annotations


def test_gap_charts_leave_out_suppressed(small_frame):
    gender = charts.gender_gap_figure(INDICATOR, gaps.gender_gap(small_frame, threshold=5))
    assert list(gender.data[0].x) == ["2020"]
    area = charts.area_gap_figure(INDICATOR, gaps.latest_area_gap(gaps.area_gap(small_frame, threshold=5)))
    assert list(area.data[0].y) == []  # 2021: Centrum (n=2) and, so it cannot be worked out, Landsbygd


# --- demo data: detail, values table, matrices, responsibility ------------------------

def test_values_table_shows_suppressed_demo_values_as_dash(demo_engine):
    detail = indicator_detail.indicator_detail(UnitOfWork(demo_engine), "UTB06")
    table = indicator_detail.values_table(detail["indicator"], detail["values"])
    hidden = table[table["Dold"]]
    assert not hidden.empty and set(hidden["Värde"]) == {"–"}
    assert "Landsbygd" in set(hidden["Område"])  # the small group; other cells hide with it (complementary)
    assert hidden[(hidden["Kön"] == "Totalt") & (hidden["Område"] == "Hela kommunen")].empty
    assert len(hidden) > len(hidden[hidden["Område"] == "Landsbygd"])
    labels = dict(indicator_detail.definition_rows(detail))
    assert labels["Ansvarig nämnd"].startswith("BN") and labels["Fokusområde"] == "Skola"


def test_goal_matrices_count_indicators_and_actions(demo_engine):
    result = matrices.goal_matrices(UnitOfWork(demo_engine))
    with session_scope(demo_engine) as session:
        from db import queries
        active = set(queries.indicators(session, include_retired=False)["id"])
        goal_links = queries.indicator_program_goals(session)
        result_links = queries.indicator_result_goals(session)
        action_links = queries.action_links(session)["goals"]
    ind = result["program_indicators"]
    assert list(ind.index) == PROGRAM_GOALS and list(ind.columns) == FOCUS_AREAS
    assert int(ind.to_numpy().sum()) == int(goal_links["indicator_id"].isin(active).sum())
    assert int(result["result_indicators"].to_numpy().sum()) == int(result_links["indicator_id"].isin(active).sum())
    actions = result["program_actions"]
    assert int(actions.to_numpy().sum()) == len(action_links)
    # Demo: no arbetsmarknad action is motivated by goal 4, one skola action is.
    assert actions.loc["4. Trygghet och säkerhet", "Etablering på arbetsmarknaden"] == 0
    assert actions.loc["4. Trygghet och säkerhet", "Skola"] == 1
    marked = matrices.mark_empty(actions)
    assert marked.loc["4. Trygghet och säkerhet", "Etablering på arbetsmarknaden"] == matrices.EMPTY_MARK
    assert marked.loc["4. Trygghet och säkerhet", "Skola"] == "1"


def test_responsibility_counts_ownership_and_missing_values(demo_engine):
    before = matrices.responsibility(UnitOfWork(demo_engine), today=DEMO_TODAY)
    summary = before["missing_summary"].set_index("org_code")
    assert summary.loc["BN", "indicators"] == 10
    owners = before["indicators"]
    assert owners.drop(index=matrices.TOTAL_ROW).to_numpy().sum() == summary["indicators"].sum()
    assert list(owners.loc[matrices.TOTAL_ROW]) == list(owners.drop(index=matrices.TOTAL_ROW).sum())
    assert "KF – Kommunfullmäktige" in before["without_ownership"] and "KF – Kommunfullmäktige" not in owners.index
    assert before["actions"].loc["SN – Socialnämnden", "Brottslighet"] == 1
    # DEM01 is measured in election years only (2018, 2022, 2026 …): no 2025 value is expected.
    assert list(before["missing"]["code"]) == []
    with session_scope(demo_engine, write=True) as session:
        ind = crud.by_code(session, Indicator, "ARB05")  # quarterly, SN
        total = crud.by_code(session, Area, "HELA")
        session.execute(delete(Measurement).where(Measurement.indicator_id == ind.id, Measurement.period == "2026Q3",
                                                  Measurement.area_id == total.id, Measurement.gender == "T"))
    after = matrices.responsibility(UnitOfWork(demo_engine), today=DEMO_TODAY)
    assert set(after["missing"]["code"]) == {"ARB05"}
    assert after["missing"].set_index("code").loc["ARB05", "period"] == "2026Q3"
    assert after["missing_summary"].set_index("org_code").loc["SN", "missing"] == 1


def test_inactive_organisation_that_still_owns_indicators_stays_on_ansvar(demo_engine):
    with session_scope(demo_engine) as session:
        bn = crud.by_code(session, Organisation, "BN")
        structure.edit_organisation(UnitOfWork(demo_engine), ADMIN, bn.id, name=bn.name, kind=bn.kind, active=False)
    table = matrices.responsibility(UnitOfWork(demo_engine), today=DEMO_TODAY)
    assert "BN" in set(table["missing_summary"]["org_code"])


# --- history ----------------------------------------------------------------------------

def test_history_lists_audit_events_of_the_indicators_values(demo_engine):
    with session_scope(demo_engine, write=True) as session:
        ind = crud.by_code(session, Indicator, "ARB01")
        value = session.execute(select(Measurement).where(Measurement.indicator_id == ind.id, Measurement.period == "2024",
                                                          Measurement.gender == "T")).scalars().first()
        crud.add_audit(session, user_email="handlaggare@exempel.invalid", action="update", entity="measurement",
                       entity_id=value.id, field="value", old="70,1", new="70,4", reason="Rättad efter ny körning")
        other = crud.by_code(session, Indicator, "ARB02")
        crud.add_audit(session, user_email="x@exempel.invalid", action="update", entity="indicator", entity_id=other.id)
    history = indicator_detail.history_table(indicator_detail.indicator_detail(UnitOfWork(demo_engine), "ARB01")["history"])
    assert len(history) == 1
    row = history.iloc[0]
    assert row["Användare"] == "handlaggare@exempel.invalid" and row["Före"] == "70,1" and row["Efter"] == "70,4"
    assert row["Värde"] == "2024, Totalt, Hela kommunen" and row["Skäl"] == "Rättad efter ny körning"
    assert row["Åtgärd"] == "ändrad" and row["Fält"] == "värde" and "+00:00" not in row["Tid"]


# --- definition changes -----------------------------------------------------------------

def test_definition_change_is_marked_on_the_chart(demo_engine):
    """A changed definition shows as "definition ändrad <datum>" so a trend break is explained."""
    from db import crud
    from db.engine import session_scope
    from db.models import Indicator
    from indicators.views import charts
    from indicators.views import indicator_detail

    with session_scope(demo_engine, write=True) as session:
        ind = crud.by_code(session, Indicator, "ARB01")
        crud.add_audit(session, user_email="admin@test.invalid", action="update", entity="indicator",
                       entity_id=ind.id, field="definition", old="gammal", new="ny")
    detail = indicator_detail.indicator_detail(UnitOfWork(demo_engine), "ARB01")
    figure = charts.trend_figure(detail["indicator"], detail["values"], detail["targets"], detail["comparisons"],
                                 definition_changes=detail["definition_changes"])
    texts = [a.text for a in figure.layout.annotations]
    assert any(t.startswith("definition ändrad ") for t in texts)
    data = indicator_detail.focus_area_data(UnitOfWork(demo_engine), "arbetsmarknad")
    figures = dict((i["code"], f) for i, f in charts.focus_area_figures(data, show_gender=False, show_areas=False))
    assert any(a.text.startswith("definition ändrad") for a in figures["ARB01"].layout.annotations)
    assert not any(a.text.startswith("definition ändrad") for a in figures["ARB02"].layout.annotations)


def test_headline_without_a_value_reads_in_swedish():
    head = indicator_detail.headline(None)
    assert head["value"] == "–" and head["status"] == "saknar värde" and head["target"] == "inget mål"
    row = {"value_text": "71,2 %", "period": "2025", "period_label": "2025", "status": "på väg", "arrow": "↑",
           "trend": "förbättring", "trend_baseline": "förbättring", "target_year": 2027.0, "target_value": 75.0,
           "decimals": 1, "unit": "%"}
    head = indicator_detail.headline(row)
    assert (head["value"], head["trend"], head["target_label"], head["target"]) == ("71,2 %", "↑ förbättring", "Mål 2027",
                                                                                   "75,0\u00a0%")


def _many_areas() -> pd.DataFrame:
    names = ["Centrum", "Norra staden", "Södra staden", "Östra staden", "Västra staden", "Tätort norr", "Tätort söder",
             "Landsbygd", "Nionde området", "Tionde området"]
    rows = []
    for period in ("2020", "2021"):
        rows += [value_row(period, g, "Hela kommunen", 50.0, 900, total=True) for g in ("T", "K", "M")]
        rows += [value_row(period, "T", name, 40.0 + i, 900, order=i + 1) for i, name in enumerate(names)]
    return pd.DataFrame(rows)


def _lines(figure):
    return [t for t in figure.data if t.mode == "lines+markers"]


@pytest.mark.parametrize("show_gender, comparison", [(False, False), (True, False), (True, True)])
def test_a_chart_has_at_most_eight_lines_each_told_apart(show_gender, comparison):
    """Ten areas, genders and a comparison: never more than 8 lines, no colour twice, and
    every area line also has its own dash and marker."""
    comparisons = pd.DataFrame([{"indicator_id": 1, "period": p, "gender": "T", "value": 48.0, "unit_name": "Riket"}
                                for p in ("2020", "2021")]) if comparison else None
    figure = charts.trend_figure(INDICATOR, _many_areas(), comparisons=comparisons, show_gender=show_gender,
                                 show_areas=True, threshold=5)
    lines = _lines(figure)
    assert len(lines) <= charts.MAX_SERIES
    assert len({t.line.color for t in lines}) == len(lines)
    areas = [t for t in lines if t.name not in ("Hela kommunen", "Kvinnor", "Män", "Riket (jämförelse)")]
    assert len(areas) == charts.area_budget(show_gender, comparisons)
    assert len({(t.line.dash, t.marker.symbol) for t in areas}) == len(areas)
    assert [t.name for t in areas] == ["Centrum", "Norra staden", "Södra staden", "Östra staden", "Västra staden",
                                       "Tätort norr", "Tätort söder"][:len(areas)]  # the areas' fixed order


def test_chosen_areas_are_the_ones_drawn():
    figure = charts.trend_figure(INDICATOR, _many_areas(), show_areas=True, areas=["Landsbygd", "Tionde området"],
                                 threshold=5)
    assert [t.name for t in _lines(figure)] == ["Landsbygd", "Tionde området", "Hela kommunen"]
    assert charts.area_names(_many_areas())[:2] == ["Centrum", "Norra staden"]


def test_breakdown_gaps_say_when_a_toggle_has_nothing_to_show(small_frame):
    assert charts.breakdown_gaps(INDICATOR, small_frame) == {"gender": True, "areas": True}
    totals_only = small_frame[small_frame["is_total"] & (small_frame["gender"] == "T")]
    assert charts.breakdown_gaps(INDICATOR, totals_only) == {"gender": False, "areas": False}
    assert charts.breakdown_gaps(INDICATOR | {"by_area": False}, small_frame)["areas"] is False
