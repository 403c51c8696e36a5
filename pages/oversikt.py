"""Översikt: all five focus areas, each indicator's status, latest value and trend."""
import pandas as pd
import streamlit as st

from ui.auth import page_actor

from indicators.views.overview import filter_overview, status_counts
from indicators.rules.formatting import format_number
from indicators.rules.vocabulary import STATUS_ICONS, STATUSES
from ui import cache
from ui.components import md_escape, status_badge, status_legend
from ui.params import select_param

page_actor()
# Static style only (no user text): the summary cards and tables read from across the room
# (about 25 px at 1920×1080 for the cards, 20 px in the tables; smaller on
# smaller screens, so words never break).
ROOM_CSS = """<style>
[class*="st-key-oversikt_kort_"] [data-testid="stMarkdownContainer"] p { font-size: clamp(1rem, 1.32vw, 1.6rem);
  line-height: 1.3; margin-bottom: 0.1rem; overflow-wrap: normal; word-break: normal; }
[class*="st-key-oversikt_kort_"] [data-testid="stMarkdownContainer"] p strong { font-size: inherit; }
[class*="st-key-oversikt_kort_"] [data-testid="stPageLink"] p { font-size: clamp(0.9rem, 0.95vw, 1.15rem); }
[class*="st-key-oversikt_detalj_"] [data-testid="stTable"] td,
[class*="st-key-oversikt_detalj_"] [data-testid="stTable"] th { font-size: clamp(1rem, 1.05vw, 1.3rem); }
</style>"""
st.html(ROOM_CSS)
st.title("Översikt")


def target_text(year, value, decimals) -> str:
    if year is None:
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

areas = list(structure["focus_areas"].itertuples())


def focus_blocks(kind: str, parents, heading):
    """Each focus area in a bordered container of its own (in ``parents``), under its
    ``heading``; yields (area, its rows) while inside it, and says so when the filter left none."""
    for parent, area in zip(parents, areas):
        rows = [r for r in data if r["focus_code"] == area.code]
        with parent.container(border=True, key=f"oversikt_{kind}_{area.number}"):
            heading(f"{area.number}. {md_escape(area.name)}")
            if not rows:
                st.caption("Inga indikatorer matchar filtret.")
                continue
            yield area, rows


# The room first: every focus area's status summary on one screen, then the detail tables.
for area, rows in focus_blocks("kort", st.columns(len(areas) or 1), lambda text: st.markdown(f"**{text}**")):
    for status, n in status_counts(rows).items():
        st.markdown(f"{status_badge(status)} **{n}**" if n else f":gray[{STATUS_ICONS[status]} {status} {n}]")
    st.page_link("pages/fokusomraden.py", label="Visa diagram", query_params={"omrade": area.code},
                 icon=":material/show_chart:")

st.subheader("Indikatorer per fokusområde")
status_legend()
for area, rows in focus_blocks("detalj", [st] * len(areas), st.subheader):
    table = pd.DataFrame([{
        "Status": r["status_label"],
        "Kod": md_escape(r["code"]),
        "Indikator": md_escape(r["name"]),
        "Senaste värde": md_escape(r["value_text"]),
        "Period": r["period_label"],
        "Trend": f"{r['arrow']} {r['trend']}",
        "Mål": target_text(r["target_year"], r["target_value"], r["decimals"]),
        "Ansvarig": md_escape(r["org_code"]),
    } for r in rows])
    # st.table: static, wraps long names and reads from across the room. It renders
    # Markdown in cells, so catalogue text is escaped. A plain table (every cell is text
    # already), not a pandas Styler: the Styler drew the same cells at ~30 ms per table.
    st.table(table, hide_index=True)
