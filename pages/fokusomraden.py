"""Fokusområden: one focus area at a time – small trend charts for its indicators and its actions."""
import streamlit as st

from settings import get_settings
from ui import cache
from ui.components import md_escape, status_badge
from ui.params import select_one
from ui.assessment import assessment_section
from ui.auth import page_actor
from indicators.unit_of_work import UnitOfWork

actor = page_actor()
uow = UnitOfWork.for_app()

st.title("Fokusområden")
areas = cache.structure()["focus_areas"]
code, data = select_one("Fokusområde", "omrade", {r.code: f"{r.number}. {r.name}" for r in areas.itertuples()},
                        cache.focus_area_data, "Det finns inga fokusområden ännu.")

focus = data["focus_area"]
st.header(f"{focus['number']}. {md_escape(focus['name'])}")
if focus["description"]:
    st.text(focus["description"])
assessment_section(uow, actor, code)

c1, c2 = st.columns(2)
show_gender = c1.toggle("Visa kön", value=st.query_params.get("kon") == "1", key="toggle_kon")
show_areas = c2.toggle("Visa områden", value=st.query_params.get("omraden") == "1", key="toggle_omraden")
for param, on in (("kon", show_gender), ("omraden", show_areas)):
    if on:
        st.query_params[param] = "1"
    else:
        st.query_params.pop(param, None)
st.caption(f"Grå streckade linjer är jämförelser (t.ex. Riket). Värden per kön eller område med färre än "
           f"{get_settings().suppress_below} i underlaget visas inte, så att ingen enskild kan identifieras – "
           "inte heller värden som skulle avslöja dem.")

indicators = data["indicators"]
if indicators.empty:
    st.info("Fokusområdet har inga aktiva indikatorer.")
statuses = cache.overview().set_index("code")["status"]
charts = cache.focus_area_figures(code, show_gender, show_areas)
for start in range(0, len(charts), 2):
    columns = st.columns(2)
    for column, (indicator, figure) in zip(columns, charts[start:start + 2]):
        with column:
            badge = status_badge(statuses[indicator["code"]]) if indicator["code"] in statuses.index else ""
            st.markdown(f"{badge} **{indicator['code']}** {md_escape(indicator['name'])}")
            st.plotly_chart(figure, key=f"chart_{indicator['code']}", theme=None, config={"displaylogo": False},
                            alt=f"Diagram över {indicator['code']} {indicator['name']}")
            st.page_link("pages/indikatorer.py", label=f"Mer om {indicator['code']}",
                         query_params={"indikator": indicator["code"]})

st.subheader("Insatser")
if data["actions"].empty:
    st.caption("Inga insatser är registrerade för fokusområdet.")
else:
    st.dataframe(data["actions"], hide_index=True, width="stretch")
