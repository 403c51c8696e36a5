"""Cached reads keyed on the database's data version: any write shows at once, and
nothing is recomputed while the data stays the same."""
from __future__ import annotations

import streamlit as st

from db.engine import database_url
from indicators import dashboard


def version() -> tuple[str, str]:
    return (database_url(), dashboard.data_version())


@st.cache_data(show_spinner=False, max_entries=16)
def _overview(key: tuple[str, str]):
    return dashboard.overview()


@st.cache_data(show_spinner=False, max_entries=16)
def _structure(key: tuple[str, str]):
    return dashboard.structure()


def overview():
    return _overview(version())


def structure():
    return _structure(version())
