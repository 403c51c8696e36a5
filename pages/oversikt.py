"""Översikt: all five focus areas, each indicator's status, latest value and trend."""
import pandas as pd
import streamlit as st

from ui.auth import page_actor

from indicators.views.overview import filter_overview, status_counts
from indicators.rules.formatting import format_number
from indicators.rules.vocabulary import STATUS_ICONS, STATUSES
from ui import cache
from ui.components import md_escape, status_legend
from ui.params import select_param

page_actor()
st.title("Översikt")


def target_text(year, value, decimals) -> str:
    if year is None or year != year:
        return "–"
    return f"{int(year)}: {format_number(value, int(decimals))}"


structure = cache.structure()
program = structure["program"]
st.caption(f"{program.get('name', '')} {program.get('start_year', '')}–{program.get('end_year', '')}")

goals = structure["program_goals"]
results = structure["result_goals"]
orgs = structure["organisations"]
c1, c2, c3 = st.columns(3)
with c1:
    goal_id = select_param("Programmål", "mal", {int(r.id): f"{r.number}. {r.name}" for r in goals.itertuples()})
with c2:
    result_id = select_param("Resultatmål", "resultatmal", {int(r.id): r.name for r in results.itertuples()})
with c3:
    org_code = select_param("Ansvarig nämnd", "ansvarig", {r.code: f"{r.code} – {r.name}" for r in orgs.itertuples()})

data = filter_overview(cache.overview(), goal_id, result_id, org_code)
counts = status_counts(data)
st.markdown("  ".join(f"**{STATUS_ICONS[s]} {s}: {counts[s]}**" for s in STATUSES))
status_legend()

for area in structure["focus_areas"].itertuples():
    rows = data[data["focus_code"] == area.code]
    with st.container(border=True):
        st.subheader(f"{area.number}. {md_escape(area.name)}")
        if rows.empty:
            st.caption("Inga indikatorer matchar filtret.")
            continue
        area_counts = status_counts(rows)
        st.caption("  ·  ".join(f"{STATUS_ICONS[s]} {s}: {n}" for s, n in area_counts.items() if n))
        table = pd.DataFrame({
            "Status": rows["status_label"],
            "Kod": rows["code"].map(md_escape),
            "Indikator": rows["name"].map(md_escape),
            "Senaste värde": rows["value_text"].map(md_escape),
            "Period": rows["period_label"],
            "Trend": rows["arrow"] + " " + rows["trend"],
            "Mål": [target_text(y, v, d) for y, v, d in zip(rows["target_year"], rows["target_value"], rows["decimals"])],
            "Ansvarig": rows["org_code"].map(md_escape),
        })
        # st.table: static, wraps long names and reads from across the room. It renders
        # Markdown in cells, so catalogue text is escaped.
        st.table(table.style.hide(axis="index"))
