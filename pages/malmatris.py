"""Målmatris: which program goals and result goals each focus area covers with indicators and actions."""
import streamlit as st

from indicators.views.matrices import EMPTY_LEGEND, EMPTY_MARK, mark_empty
from ui import cache
from ui.auth import page_actor

page_actor()

EMPTY_STYLE = "background-color: #F6D8B0; font-weight: 600"  # Okabe–Ito orange, lightened


def show(table, key: str) -> None:
    """Counts with empty cells marked by '0 ⚠' and a background (sign and colour, not colour alone)."""
    styled = mark_empty(table).style.map(lambda cell: EMPTY_STYLE if cell == EMPTY_MARK else "")
    st.dataframe(styled, width="stretch", key=key)


st.title("Målmatris")
st.caption("Antal aktiva indikatorer och insatser per mål och fokusområde. " + EMPTY_LEGEND)
matrices = cache.goal_matrices()

st.header("Programmål × fokusområden")
st.subheader("Indikatorer")
show(matrices["program_indicators"], "program_indicators")
st.subheader("Insatser")
st.caption("En insats räknas i sitt fokusområde under varje programmål som motiverar den.")
show(matrices["program_actions"], "program_actions")

st.header("Resultatmål × fokusområden")
st.subheader("Indikatorer")
show(matrices["result_indicators"], "result_indicators")
