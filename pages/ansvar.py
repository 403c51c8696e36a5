"""Ansvar: who owns which indicators and actions per focus area, and whose values are missing."""
from datetime import date

import streamlit as st

from indicators.reporting import rounds
from indicators.rules.formatting import format_number
from indicators.unit_of_work import UnitOfWork
from ui import cache
from ui.auth import page_actor

page_actor()

st.title("Ansvar")
st.caption("Revisionen (Deloitte) rekommenderade tydligt ansvar mellan förvaltningarna. "
           "Här syns vilka nämnder som äger indikatorer och insatser i varje fokusområde.")
data = cache.responsibility(date.today())

st.header("Indikatorer per nämnd och fokusområde")
st.dataframe(data["indicators"], width="stretch")
if data["without_ownership"]:
    st.caption("Äger inga indikatorer eller insatser: " + ", ".join(data["without_ownership"]) + ".")
st.header("Insatser per nämnd och fokusområde")
st.caption("En insats med flera ansvariga räknas hos var och en av dem.")
st.dataframe(data["actions"], width="stretch")

st.header("Värden som saknas för senaste rapportperioden")
st.caption("Rapportperioden är den senast avslutade perioden för indikatorns periodicitet (år, halvår eller kvartal). "
           "Ett värde saknas om hela kommunens totalvärde inte är rapporterat.")
summary = data["missing_summary"]
st.dataframe(
    summary[summary["indicators"] > 0], hide_index=True, width="stretch",
    column_config={
        "org_code": st.column_config.TextColumn("Nämnd", width="small"),
        "org_name": st.column_config.TextColumn("Namn"),
        "indicators": st.column_config.NumberColumn("Indikatorer"),
        "missing": st.column_config.NumberColumn("Saknar värde"),
    },
)
missing = data["missing"]
if missing.empty:
    st.success("Alla indikatorer har värden för sin senaste rapportperiod.")
else:
    st.subheader("Indikatorer som saknar värde")
    st.dataframe(
        missing, hide_index=True, width="stretch",
        column_config={
            "org_code": st.column_config.TextColumn("Nämnd", width="small"),
            "org_name": None,
            "code": st.column_config.TextColumn("Kod", width="small"),
            "name": st.column_config.TextColumn("Indikator", width="large"),
            "period": st.column_config.TextColumn("Period"),
        },
    )

st.header("Rapportomgångar: fullständighet och punktlighet")
st.caption("Fullständighet: andel av nämndens förväntade värden som är inmatade. I tid: klarmarkerad senast sista dagen.")
all_rounds = rounds.all_rounds(UnitOfWork.for_app())
if not all_rounds:
    st.caption("Ingen rapportomgång är öppnad ännu.")
else:
    latest = all_rounds[0]
    st.markdown(f"**{latest.label}** · sista dag {latest.due_date.isoformat()} · fullständighet "
                f"{format_number(100 * rounds.completeness(latest.boards), 1, '%')} · i tid "
                f"{format_number(100 * rounds.timeliness(latest.boards, latest.due_date), 1, '%')}")
    st.dataframe(rounds.board_table(latest), hide_index=True, width="stretch")
