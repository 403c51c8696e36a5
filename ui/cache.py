"""Cached reads keyed on the database's data version: any write shows at once, and
nothing is recomputed while the data stays the same."""
from __future__ import annotations

import streamlit as st

from indicators.views import overview as dashboard
from settings import get_settings
from indicators.unit_of_work import UnitOfWork


def version() -> tuple[str, str]:
    return (get_settings().database_url, dashboard.data_version(UnitOfWork.for_app()))


@st.cache_data(show_spinner=False, max_entries=16)
def _overview(key: tuple[str, str]):
    return dashboard.overview(UnitOfWork.for_app())


@st.cache_data(show_spinner=False, max_entries=16)
def _structure(key: tuple[str, str]):
    return dashboard.structure(UnitOfWork.for_app())


def overview():
    return _overview(version())


def structure():
    return _structure(version())


# --- working-group dashboards (Fokusområden, Indikatorer, Målmatris, Ansvar, Möten) ----
from datetime import date  # noqa: E402

from indicators.views import indicator_detail as indicator_view
from indicators.views import matrices
from indicators.meetings import changes as meetings_view  # noqa: E402
from indicators.meetings import briefing as briefing_view  # noqa: E402


@st.cache_data(show_spinner=False, max_entries=64)
def _indicator_detail(key: tuple[str, str], code: str):
    return indicator_view.indicator_detail(UnitOfWork.for_app(), code)


@st.cache_data(show_spinner=False, max_entries=16)
def _focus_area_data(key: tuple[str, str], code: str):
    return indicator_view.focus_area_data(UnitOfWork.for_app(), code)


@st.cache_data(show_spinner=False, max_entries=8)
def _goal_matrices(key: tuple[str, str]):
    return matrices.goal_matrices(UnitOfWork.for_app())


@st.cache_data(show_spinner=False, max_entries=8)
def _responsibility(key: tuple[str, str], today: date):
    return matrices.responsibility(UnitOfWork.for_app(), today=today)


@st.cache_data(show_spinner=False, max_entries=8)
def _meetings(key: tuple[str, str]):
    return meetings_view.meetings(UnitOfWork.for_app())


@st.cache_data(show_spinner=False, max_entries=16)
def _meeting_briefing(key: tuple[str, str], meeting_id: int):
    return briefing_view.briefing(UnitOfWork.for_app(), meeting_id)


def indicator_detail(code: str):
    return _indicator_detail(version(), code)


def focus_area_data(code: str):
    return _focus_area_data(version(), code)


def goal_matrices():
    return _goal_matrices(version())


def responsibility(today: date):
    return _responsibility(version(), today)


def meetings():
    return _meetings(version())


def meeting_briefing(meeting_id: int):
    return _meeting_briefing(version(), meeting_id)


# cache_resource, not cache_data: the built go.Figure objects are handed out as they are.
# A pickled copy (or a plain dict) would be validated by plotly again on every render,
# which cost more than building the page. st.plotly_chart does not modify the figure.
@st.cache_resource(show_spinner=False, max_entries=32)
def _focus_area_figures(key: tuple[str, str], code: str, show_gender: bool, show_areas: bool, areas=None):
    from indicators.views.charts import focus_area_figures

    data = indicator_view.focus_area_data(UnitOfWork.for_app(), code)
    return [] if data is None else focus_area_figures(data, show_gender=show_gender, show_areas=show_areas,
                                                      areas=areas)


def focus_area_figures(code: str, show_gender: bool, show_areas: bool, areas: tuple[str, ...] | None = None):
    """Built charts for the Fokusområden page, rebuilt only when the data changes; ``areas``:
    the area lines chosen (a tuple, so it can be a cache key)."""
    return _focus_area_figures(version(), code, show_gender, show_areas, areas)
