"""Mål: the goal tree – program goals and result goals with the indicators linked to them."""
import streamlit as st

from ui.auth import page_actor

from ui import cache
from ui.components import md_escape

page_actor()
st.title("Mål")
structure = cache.structure()
program = structure["program"]
inds = structure["indicators"].set_index("id")

st.subheader(md_escape(program.get("name", "")))
st.write(
    f"Programperiod {program.get('start_year')}–{program.get('end_year')} · "
    f"antaget {program.get('adopted_date') or '–'} · {md_escape(program.get('decision_ref', ''))}"
)
st.text(program.get("description", ""))

st.header("Programmets mål")
st.caption("Varje insats ska motiveras av ett eller flera av programmets mål.")
links = structure["indicator_program_goals"]
for goal in structure["program_goals"].itertuples():
    ids = links.loc[links["program_goal_id"] == goal.id, "indicator_id"]
    linked = inds.loc[inds.index.intersection(ids)].sort_values("code")
    with st.expander(f"{goal.number}. {md_escape(goal.name)} – {len(linked)} indikatorer", expanded=False):
        for row in linked.itertuples():
            st.text(f"{row.code}  {row.name}  ({row.focus_name}, ansvarig {row.org_code})")

st.header("Fokusområden")
for area in structure["focus_areas"].itertuples():
    count = int((inds["focus_code"] == area.code).sum())
    with st.expander(f"{area.number}. {md_escape(area.name)} – {count} indikatorer"):
        st.text(area.description)

st.header("Resultatmål (LedMot)")
st.caption("Resultatmålen revideras varje mandatperiod och har därför giltighetsår.")
rlinks = structure["indicator_result_goals"]
for goal in structure["result_goals"].itertuples():
    ids = rlinks.loc[rlinks["result_goal_id"] == goal.id, "indicator_id"]
    valid = f"{goal.valid_from_year}–{'' if goal.valid_to_year is None or goal.valid_to_year != goal.valid_to_year else int(goal.valid_to_year)}"
    with st.expander(f"{md_escape(goal.name)} ({valid}) – {len(ids)} indikatorer"):
        for row in inds.loc[inds.index.intersection(ids)].sort_values("code").itertuples():
            st.text(f"{row.code}  {row.name}")
